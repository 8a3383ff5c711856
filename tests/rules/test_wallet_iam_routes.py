"""FG-WALLET-001 and faasguard cost agree on functions behind AWS_IAM-authorised routes:
only principals allowed execute-api:Invoke can call them, so they are no outsider's way in,
unless the REST API's resource policy lets any account call them (FG-AUTH-004) or the
function has another, open route. Fixtures under tests/fixtures/rules/FG-WALLET-001."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.cost import build_cost_model
from faasguard.model import logical_id
from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-WALLET-001"


def _exposure(case: str) -> dict[str, list[str]]:
    result = scan(str(CASES / case))
    model = build_cost_model(result.app)
    return {logical_id(c.function): c.exposure for c in model.functions.values()}


def test_iam_routes_are_not_exposed_to_outsiders() -> None:
    assert _exposure("serverless-neg-iam-routes") == {"ingest": [], "report": []}


def test_iam_routes_any_account_may_call_or_beside_an_open_route_are_exposed() -> None:
    assert _exposure("serverless-pos-iam-route-any-account") == \
        {"ingest": ["http"], "report": ["http"]}


def test_the_rule_says_what_cost_says() -> None:
    for case in ("serverless-neg-iam-routes", "serverless-pos-iam-route-any-account"):
        exposed = {name for name, why in _exposure(case).items() if why}
        reported = {f.subject.split(":", 1)[1] for f in scan(str(CASES / case)).findings
                    if f.rule_id == "FG-WALLET-001"}
        assert reported == exposed, case
