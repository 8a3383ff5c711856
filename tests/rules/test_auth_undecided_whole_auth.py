"""FG-AUTH-002, SAM (review of 0454422, r1): an API whose whole Auth a condition chooses,
each branch defining its own authorisers: the authorisers of every branch are known, so a
branch's DefaultAuthorizer naming its own is no 'not defined' warning, and a choice
between two authenticating branches reports nothing."""

from __future__ import annotations

from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case

CASE = FIXTURES / "FG-AUTH-002" / "sam-neg-undecided-whole-auth"


def test_fixture() -> None:
    check_case(Case("FG-AUTH-002", CASE))


def test_each_branch_authoriser_is_defined() -> None:
    result = scan(str(CASE))
    assert not [d.message for d in result.app.diagnostics if "not defined" in d.message]
    [api] = result.app.apis.values()
    assert api.default_authorizer is not None and api.default_authorizer.undecided is None
