"""`faasguard cost` and FG-WALLET-001 on a function behind a load balancer (fixtures
tests/fixtures/cost_internal_alb: SAM and serverless.yml, each an internal twin and an
internet-facing one). An internal ALB is reachable from its VPC only: its function is no
outsider's way in, so the worst case the app can be made to pay leaves it out, as
FG-AUTH-002 leaves out its listener rules. Before, both twins were counted as exposed
(`alb`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_support import run_cli

from faasguard.analysis.facts import Options
from faasguard.scan import scan

CASES = Path(__file__).resolve().parent / "fixtures" / "cost_internal_alb"


def _only_function(capsys, folder: Path) -> tuple[dict, float]:
    code, out, _ = run_cli(capsys, "cost", str(folder), "--format", "json")
    assert code == 0
    data = json.loads(out)
    [function] = data["functions"]
    return function, data["total_usd_per_day"]


@pytest.mark.parametrize("flavour", ["sam", "serverless"])
def test_an_internal_balancers_function_is_not_counted(capsys, flavour: str) -> None:
    function, total = _only_function(capsys, CASES / f"{flavour}-internal")
    assert (function["entry"], function["exposed"], function["exposure"]) == ("alb", False, [])
    assert total == 0


@pytest.mark.parametrize("flavour", ["sam", "serverless"])
def test_an_internet_facing_balancers_function_is(capsys, flavour: str) -> None:
    function, total = _only_function(capsys, CASES / f"{flavour}-internet")
    assert (function["entry"], function["exposed"], function["exposure"]) == \
        ("alb", True, ["alb"])
    assert total == pytest.approx(function["usd_per_day"], abs=0.01)
    assert total > 1000


@pytest.mark.parametrize("flavour", ["sam", "serverless"])
def test_wallet_001_only_for_the_internet_facing_twin(flavour: str) -> None:
    def found(folder: Path) -> list[str]:
        return [f.message for f in scan(str(folder), Options()).findings
                if f.rule_id == "FG-WALLET-001"]

    assert found(CASES / f"{flavour}-internal") == []
    [message] = found(CASES / f"{flavour}-internet")
    assert "can be triggered from outside (alb)" in message
