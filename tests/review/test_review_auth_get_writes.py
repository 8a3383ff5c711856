"""Review of 19f99bc (FG-AUTH-002 on a GET route says what its handler reads or writes):
an unauthenticated GET whose handler deletes or writes data (`GET /unsubscribe?email=`
calling dynamodb:DeleteItem, the link in every mailing) is worded 'its handler writes
${Orders} (dynamodb:DeleteItem)' but kept `medium`, the severity of an unauthenticated
read; the rule rates a state-changing route `high`, and the code shows this one changes
state (anyone can delete anyone's entry, and a link or image tag makes a visitor's browser
do it). CLOSED: a GET whose handler's code writes is rated `high`, as a state-changing
method is (tests/rules/test_auth_get_writes.py for Node.js). Fixtures
tests/fixtures/review_auth_get_writes delete (high) and read (GetItem: medium, control)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_auth_get_writes"


def test_a_get_route_whose_handler_writes_is_state_changing() -> None:
    [finding] = findings(FIXTURES / "delete", "FG-AUTH-002")
    assert finding.severity == "high"


def test_a_get_route_whose_handler_reads_is_medium() -> None:
    [finding] = findings(FIXTURES / "read", "FG-AUTH-002")
    assert finding.severity == "medium" and "reads ${Orders}" in finding.message
