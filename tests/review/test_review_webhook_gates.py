"""Review of 4d37ee6 (FG-AUTH-002: a signature check in a helper or a decorator imported
from another module of the project gates a webhook route). Fixture
tests/fixtures/review_s12/webhook_gates: four receivers whose work runs for a delivery
nobody signed, though the rule reports them info, and two twins that verify first.

The four were pinned (strict xfail) and are fixed in analysis/signatures.py (q1): a
raising helper's return before its check, a failing branch calling the decorated
function, a decorator that may return the function undecorated, an outer decorator
working before the checking one."""

from __future__ import annotations

from .support import FIXTURES, findings, one_about

CASE = FIXTURES / "webhook_gates"


def _severity(route: str) -> str:
    return one_about(findings(CASE, "FG-AUTH-002"), f"Route POST /hooks/{route} ").severity


def test_helpers_and_decorators_that_verify_first_lower_the_route_to_info() -> None:
    assert _severity("strict-helper") == "info"
    assert _severity("strict-decorator") == "info"


def test_a_helper_returning_early_when_no_signature_is_sent_is_no_gate() -> None:
    assert _severity("skips-unsigned") == "high"


def test_a_wrapper_that_serves_the_handler_on_a_bad_signature_is_no_gate() -> None:
    assert _severity("report-only") == "high"


def test_a_decorator_that_may_return_the_bare_handler_is_no_gate() -> None:
    assert _severity("secret-unset") != "info"


def test_work_in_an_outer_decorator_before_the_checking_one_is_unchecked_work() -> None:
    assert _severity("recorded-first") == "high"
