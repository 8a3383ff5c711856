"""FG-AUTH-002 on an unauthenticated GET/HEAD route says what is known of it: the method,
and the AWS data its handler reads (or writes), from the code's AWS calls, where the
function serves that method only. It said "reads data" for every GET, a health check
reading nothing included."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import Case, check_case

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules_auth_read_wording"
OPEN = "has no authoriser: anyone from the internet can call it, and it"


@pytest.mark.parametrize("name", ["sam-pos", "sam-neg", "serverless-pos", "serverless-neg"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-AUTH-002", CASES / name))


def _messages(name: str) -> list[str]:
    return sorted(f.message for f in scan(str(CASES / name)).findings
                  if f.rule_id == "FG-AUTH-002")


def test_what_the_handler_reads() -> None:
    assert _messages("sam-pos") == [
        f"Route GET /health (function 'Health') {OPEN} answers GET requests.",
        f"Route GET /orders/{{id}} (function 'Reader') {OPEN} answers GET requests: its "
        "handler reads ${Orders} (dynamodb:GetItem).",
    ]


def test_a_router_s_calls_are_no_route_s() -> None:
    """The function serves GET and POST: the table it writes is not the GET route's."""
    assert _messages("serverless-pos") == [
        f"Route GET /items (function 'items') {OPEN} answers GET requests.",
        f"Route POST /items (function 'items') {OPEN} changes state.",
    ]
