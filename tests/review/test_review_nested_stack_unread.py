"""Review of the nested-stack reader (bad input): a nested stack whose template is not a
file of the scanned folder was skipped with no word, so the functions and roles it
deploys were missing from the scan and nothing said so. Now a warning when the file it
names does not exist (a typo, or a template not generated yet) and a note when the
template is elsewhere (a URL or S3 location, outside the scanned folder, a Serverless
Application Repository app). Fixtures tests/fixtures/review_nested_stack_unread missing,
remote and local (read: no such diagnostic)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_nested_stack_unread"
UNREAD = "the resources it deploys were not read"


def _unread(folder: str) -> list[tuple[int | None, str, str]]:
    return [(d.line, d.level, d.message) for d in scan(str(FIXTURES / folder)).diagnostics
            if UNREAD in d.message]


def test_a_missing_nested_template_is_a_warning() -> None:
    assert [(line, level) for line, level, _ in _unread("missing")] == \
        [(4, "warning"), (8, "warning")]
    assert "nested/orders.yaml does not exist" in _unread("missing")[0][2]


def test_a_template_elsewhere_is_a_note() -> None:
    found = _unread("remote")
    assert [(line, level) for line, level, _ in found] == \
        [(4, "note"), (8, "note"), (12, "note")]
    assert "(../shared/network.yaml)" in found[1][2]
    assert "Serverless Application Repository" in found[2][2]


def test_a_nested_template_read_says_nothing_of_the_kind() -> None:
    assert _unread("local") == []
