"""FG-WALLET-001 reads what exposes each function from the cost model (facts.cost,
analysis.cost), which looks at each service route's authoriser once, where the rule
worked the exposure out again and each route's authoriser was evaluated four times (the
public and the deployment-only targets, in the cost model and again in the rule)."""

from __future__ import annotations

import pytest

import faasguard.analysis.cost as cost
from faasguard.rules.wallet import no_reserved_concurrency
from faasguard.scan import scan
from tests.compiled_support import pure_only
from tests.rules.conftest import FIXTURES

CASES = FIXTURES / "FG-WALLET-001"


def test_the_rule_reads_the_cost_models_exposure() -> None:
    result = scan(str(CASES / "sam-pos-queue-behind-unlisted-route"))
    [fulfil] = [f for f in no_reserved_concurrency(result.app, result.facts)]
    assert "only on a deployment that passes NONE" in fulfil.message
    # what the model says is what the rule reports
    model = result.facts.cost
    entry = model.functions["template.yaml#Fulfil"]
    entry.exposed_if = []
    assert list(no_reserved_concurrency(result.app, result.facts)) == []
    entry.exposure = ["sqs (test)"]
    [opened] = no_reserved_concurrency(result.app, result.facts)
    assert "triggered from outside (sqs (test))" in opened.message


def test_without_the_cost_analysis_the_rule_makes_the_model() -> None:
    result = scan(str(CASES / "sam-pos-queue-behind-public-route"))
    expected = [f.message for f in no_reserved_concurrency(result.app, result.facts)]
    assert expected
    result.facts.cost = None
    assert [f.message for f in no_reserved_concurrency(result.app, result.facts)] == expected


@pytest.mark.parametrize("name", ["sam-pos-queue-behind-unlisted-route",
                                  "sam-pos-queue-behind-public-route",
                                  "sam-pos-queue-behind-written-none-route"])
@pure_only("counts calls through a replaced cost.effective_authorizer")
def test_each_service_routes_authoriser_is_looked_at_once(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = cost.effective_authorizer

    def counting(app, route):  # type: ignore[no-untyped-def]
        seen.append(f"{route.method} {route.path}")
        return real(app, route)

    monkeypatch.setattr(cost, "effective_authorizer", counting)
    result = scan(str(CASES / name))
    routes = [f"{r.method} {r.path}" for r in result.app.routes
              if r.target is not None and r.function is None]
    assert routes and sorted(seen) == sorted(routes)
