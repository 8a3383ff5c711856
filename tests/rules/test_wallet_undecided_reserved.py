"""FG-WALLET-001 on a function whose reserved concurrency the deployment decides (an
`Fn::If` on a parameter's condition, a parameter): it said "has no reserved concurrency"
as if the value were missing. Now the message names the condition and what it gives, and
a function every deployment caps (both branches set, or a parameter with no default) is
not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.loaders.intrinsics import NO_VALUE, Scope, branch_values
from faasguard.scan import scan
from tests.rules.conftest import Case, check_case

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules_wallet_undecided"


@pytest.mark.parametrize("name", ["sam-pos", "sam-neg", "sam-neg-parameter", "serverless-pos",
                                  "serverless-neg"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-WALLET-001", CASES / name))


@pytest.mark.parametrize(("name", "function"), [("sam-pos", "Api"), ("serverless-pos", "api")])
def test_the_message_names_the_condition(name: str, function: str) -> None:
    messages = [f.message for f in scan(str(CASES / name)).findings
                if f.rule_id == "FG-WALLET-001"]
    assert messages == [
        f"Function '{function}' has reserved concurrency only when condition IsProd holds (50) "
        "and can be triggered from outside (http): on a deployment without it, a flood "
        "scales it to the account's 1000 concurrent executions, billed to you and throttling "
        "every other function."]


def test_branch_values() -> None:
    scope = Scope("t.yaml", conditions={"Decided": {"Fn::Equals": ["a", "a"]}})
    no_value = {"Ref": "AWS::NoValue"}
    assert branch_values({"Fn::If": ["IsProd", 50, no_value]}, scope) == [
        (50, (("IsProd", True),)), (NO_VALUE, (("IsProd", False),))]
    assert branch_values({"Fn::If": ["A", {"Fn::If": ["B", 1, 2]}, 3]}, scope) == [
        (1, (("A", True), ("B", True))), (2, (("A", True), ("B", False))),
        (3, (("A", False),))]
    assert branch_values({"Fn::If": ["Decided", 7, no_value]}, scope) == [(7, ())]
    assert branch_values(20, scope) == [(20, ())]
