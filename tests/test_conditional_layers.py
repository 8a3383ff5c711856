"""A layer listed under a condition the deployment decides (`!If [C, !Ref L,
!Ref AWS::NoValue]`, or the whole `Layers` list under one) is a layer the function may
run: its code is read with it, as with a layer listed by Ref. The item was an Unknown
without choices, so the function's import of the layer's module was code not read and
its grants went unjudged. A condition the template decides gives its branch only."""

from __future__ import annotations

import pytest

from faasguard.model import Ref
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["sam-pos-python-layer-conditional",
                                  "serverless-pos-python-layer-conditional",
                                  "sam-neg-python-layer-conditional-decided",
                                  "serverless-neg-python-layer-conditional-other-function",
                                  "sam-pos-node-layer-conditional",
                                  "sam-neg-node-layer-conditional-decided"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


@pytest.mark.parametrize(("name", "function", "layer"), [
    ("sam-pos-python-layer-conditional", "template.yaml#Show", "template.yaml#Common"),
    ("serverless-pos-python-layer-conditional", "serverless.yml#show",
     "serverless.yml#CommonLambdaLayer"),
    ("sam-pos-node-layer-conditional", "template.yaml#Show", "template.yaml#Common"),
])
def test_the_conditional_layer_is_the_functions(name: str, function: str, layer: str) -> None:
    result = scan(str(CASES / name))
    assert result.app.functions[function].layers == [Ref(layer)]
    store = "layers/common/nodejs/store.js" if "node" in name else \
        "layers/common/python/store.py"
    assert [(c.operation, c.file) for c in result.facts.aws_calls[function]] == \
        [("GetItem", store)]


@pytest.mark.parametrize(("name", "code"), [
    ("sam-neg-python-layer-conditional-decided", "src/show.py"),
    ("sam-neg-node-layer-conditional-decided", "src/show.js"),
])
def test_a_decided_condition_gives_its_branch_only(name: str, code: str) -> None:
    result = scan(str(CASES / name))
    assert result.app.functions["template.yaml#Show"].layers == []
    assert [(c.operation, c.file) for c in result.facts.aws_calls["template.yaml#Show"]] == \
        [("*", code)]


def test_a_conditional_layer_is_not_another_functions() -> None:
    result = scan(str(CASES / "serverless-neg-python-layer-conditional-other-function"))
    assert [(c.operation, c.file) for c in result.facts.aws_calls["serverless.yml#show"]] == \
        [("GetItem", "layers/common/python/store.py")]
    assert [(c.operation, c.file) for c in result.facts.aws_calls["serverless.yml#audit"]] \
        == [("*", "src/audit.py")]
