"""FG-TP-001 on a layer listed under a condition the deployment decides: the function
may use it, under that condition (Function.conditional_layers, from
intrinsics.conditional_items); it said "uses", as for a layer every deployment attaches.
A layer in every branch of the condition is one the function uses."""

from __future__ import annotations

import pytest

from faasguard.loaders.intrinsics import Scope, conditional_items
from faasguard.model import Ref
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-TP-001"


@pytest.mark.parametrize("name", ["sam-pos-conditional-layer-in-both-branches",
                                  "serverless-pos-conditional-layer"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-TP-001", CASES / name))


def _messages(name: str) -> list[str]:
    return sorted(f.message for f in scan(str(CASES / name)).findings
                  if f.rule_id == "FG-TP-001")


@pytest.mark.parametrize(("name", "messages"), [
    ("sam-pos-conditional-layer",
     ["Function 'Api' may use layer 'vendor-sdk' from account 123456789012, when "
      "condition UseVendor holds."]),
    ("sam-pos-conditional-layer-in-both-branches",
     ["Function 'Api' may use layer 'vendor-tracing' from account 210987654321, when "
      "condition UseTracing holds.",
      "Function 'Api' uses layer 'vendor-sdk' from account 123456789012."]),
    ("serverless-pos-conditional-layer",
     ["Function 'api' may use layer 'shared-utils' from account 999999999999, when "
      "condition UseVendor holds."]),
    ("sam-pos", ["Function 'Api' uses layer 'vendor-sdk' from account 123456789012."]),
])
def test_the_message_says_under_which_condition(name: str, messages: list[str]) -> None:
    assert _messages(name) == messages


def test_conditional_items() -> None:
    scope = Scope("t.yaml", resources={"Common": "AWS::Lambda::LayerVersion"},
                  conditions={"Decided": {"Fn::Equals": ["a", "b"]}})
    common = {"Ref": "Common"}
    no_value = {"Ref": "AWS::NoValue"}
    assert conditional_items([{"Fn::If": ["C", common, no_value]}, "arn:x"], scope) == \
        [(Ref("t.yaml#Common"), (("C", True),)), ("arn:x", ())]
    assert conditional_items({"Fn::If": ["C", ["arn:a", "arn:b"], ["arn:a"]]}, scope) == \
        [("arn:a", ()), ("arn:b", (("C", True),))]
    assert conditional_items({"Fn::If": ["Decided", [common], no_value]}, scope) == []
    assert conditional_items(["arn:a"], scope) == [("arn:a", ())]


def test_conditional_items_nested() -> None:
    """Each item carries the branches it is under, outermost first: (C, True) where C
    holds, (C, False) in its second branch."""
    scope = Scope("t.yaml")
    nested = {"Fn::If": ["Outer", {"Fn::If": ["Inner", "arn:a", "arn:b"]}, "arn:c"]}
    assert conditional_items(nested, scope) == [
        ("arn:a", (("Outer", True), ("Inner", True))),
        ("arn:b", (("Outer", True), ("Inner", False))),
        ("arn:c", (("Outer", False),)),
    ]
