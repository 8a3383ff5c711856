"""Review of `faasguard cost` on a SAM app whose reserved concurrency the deployment
decides (`!If [IsProd, 100, 5]`, Stage settable): FG-WALLET-001 rightly says nothing, as
every deployment caps the function, but the cost model took it as unreserved and priced
the account's whole pool (1000, $1,756.80/day where the worst deployment reserves 100:
$175.68/day), and FG-WALLET-007's total and caps with it. Fixtures under
tests/fixtures/review_cost_undecided."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.cost import build_cost_model
from faasguard.scan import load_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_cost_undecided"


def _charge(folder: str) -> tuple[int, str, float]:
    root = str(FIXTURES / folder)
    app = load_app(root, ["template.yaml"])
    [cost] = build_cost_model(app).functions.values()
    return cost.concurrency, cost.concurrency_source, round(cost.usd_per_day, 2)


def test_every_deployment_reserving_is_priced_at_the_largest_reservation() -> None:
    assert _charge("every_branch_reserves") == (100, "reserved", 175.68)


def test_a_deployment_left_unreserved_is_priced_at_the_account_pool() -> None:
    assert _charge("one_branch_unreserved") == (1000, "account", 1756.8)
