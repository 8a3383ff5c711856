"""Review of 19f99bc (FG-AUTH-002 on a GET route says what its handler reads or writes):
an unauthenticated GET whose handler deletes or writes data (`GET /unsubscribe?email=`
calling dynamodb:DeleteItem, the link in every mailing) is worded 'its handler writes
${Orders} (dynamodb:DeleteItem)' but kept `medium`, the severity of an unauthenticated
read; the rule rates a state-changing route `high`, and the code shows this one changes
state (anyone can delete anyone's entry, and a link or image tag makes a visitor's browser
do it). Pinned (strict xfail) for the rule's owner (rules/auth.py, being edited this
session). Fixtures tests/fixtures/review_auth_get_writes delete (pinned: high) and read
(GetItem: medium, control)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_auth_get_writes"


@pytest.mark.xfail(strict=True, reason="a GET route whose handler writes is rated as a "
                   "read (medium) although the message says it writes")
def test_a_get_route_whose_handler_writes_is_state_changing() -> None:
    [finding] = findings(FIXTURES / "delete", "FG-AUTH-002")
    assert finding.severity == "high"


def test_a_get_route_whose_handler_reads_is_medium() -> None:
    [finding] = findings(FIXTURES / "read", "FG-AUTH-002")
    assert finding.severity == "medium" and "reads ${Orders}" in finding.message
