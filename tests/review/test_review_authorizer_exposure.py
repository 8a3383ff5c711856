"""Review of d739bdd (an API's Lambda authoriser linked to its function): what else the
link gives. API Gateway invokes a REQUEST or TOKEN authoriser for every request whose
identity it has not cached, before any authentication: a client sending a new token on
each request runs the authoriser at will. One with no reserved concurrency then scales to
the account's limit, billed, throttling every other function (the API's routes included),
the risk FG-WALLET-001 reports for a route's function; it reports nothing for the
authoriser, which has no trigger of its own. CLOSED: the cost model counts the function
of a Lambda authoriser guarding a route as exposed ('authoriser of GET /invoices'), and
FG-WALLET-001 reports it (tests/fixtures/rules/FG-WALLET-001/sam-*-authorizer). Fixtures
tests/fixtures/review_authorizer_exposure unreserved (reported) and reserved (20: nothing,
control)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_authorizer_exposure"


def test_an_authoriser_without_reserved_concurrency_is_exposed() -> None:
    [finding] = findings(FIXTURES / "unreserved", "FG-WALLET-001")
    assert "'authorizer'" in finding.message
    assert "(authoriser of GET /invoices)" in finding.message


def test_an_authoriser_with_reserved_concurrency_is_not() -> None:
    assert findings(FIXTURES / "reserved", "FG-WALLET-001") == []
