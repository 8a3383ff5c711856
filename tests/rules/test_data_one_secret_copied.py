"""One secret, one finding (3f9c368), reviewed (r1): a template secret pasted literally
into an environment under a name that says nothing is a second place to fix, found as a
random-looking token; it is reported, not folded into the place it was copied from."""

from __future__ import annotations

from .conftest import FIXTURES, Case, check_case, findings_of, scan_case

CASE = Case("FG-DATA-001", FIXTURES / "FG-DATA-001" / "serverless-pos-copied-token")


def test_fixture() -> None:
    check_case(CASE)


def test_the_reference_still_folds_into_the_written_secret() -> None:
    [written] = findings_of(scan_case(CASE), "FG-DATA-002")
    assert [(loc.line, text.split(":")[0]) for loc, text in written.related] == \
        [(14, "FG-DATA-001 (Secret in a plaintext environment variable)")]
