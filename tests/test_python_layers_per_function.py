"""Python layers, per function: a function's code is read with the in-project layers it
lists (its `layers`' Refs, the last one listed first, as Lambda extracts them over each
other into /opt/python), not with every layer the project builds. Before, every layer was
searched for every function (the first declared first): a function without the layer was
credited with the layer's code (its AWS calls, its taint paths), and two layers holding
the same module gave every function the first one's."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.taint.modules import ModuleCache
from faasguard.model import Function, Layer, Location, Ref
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case, findings_of

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-python-layers-per-function",
                                  "sam-pos-python-layers-per-function",
                                  "serverless-neg-python-layer-other-function",
                                  "sam-neg-python-layer-other-function"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


@pytest.mark.parametrize(("name", "orders", "notify"), [
    ("serverless-pos-python-layers-per-function", "serverless.yml#orders",
     "serverless.yml#notify"),
    ("sam-pos-python-layers-per-function", "template.yaml#Orders", "template.yaml#Notify"),
])
def test_two_layers_holding_one_module_give_each_function_its_own(
        name: str, orders: str, notify: str) -> None:
    calls = scan(str(CASES / name)).facts.aws_calls
    assert [(c.operation, c.file) for c in calls[orders]] == \
        [("PutItem", "layers/tables/python/publish.py")]
    assert [(c.operation, c.file) for c in calls[notify]] == \
        [("Publish", "layers/events/python/publish.py")]


@pytest.mark.parametrize(("name", "show", "audit"), [
    ("serverless-neg-python-layer-other-function", "serverless.yml#show",
     "serverless.yml#audit"),
    ("sam-neg-python-layer-other-function", "template.yaml#Show", "template.yaml#Audit"),
])
def test_a_function_without_the_layer_does_not_run_its_module(
        name: str, show: str, audit: str) -> None:
    result = scan(str(CASES / name))
    calls = result.facts.aws_calls
    assert [(c.operation, c.file) for c in calls[show]] == \
        [("GetItem", "layers/common/python/store.py")]
    [unseen] = calls[audit]  # its `import store` is code not read, not the layer's
    assert (unseen.known, unseen.file) == (False, "src/audit.py")
    assert any(d.file == "src/audit.py" and "imports 'store', which is neither in the "
               "scanned files nor a declared dependency" in d.message
               for d in result.app.diagnostics)
    assert findings_of(result, "FG-PERM-103") == []  # the layer's GetItem is not audit's


def test_taint_paths_of_a_layer_are_only_its_functions(tmp_path: Path) -> None:
    (tmp_path / "layers/tools/python").mkdir(parents=True)
    (tmp_path / "layers/tools/python/runner.py").write_text(
        "import subprocess\n\n\ndef run(command):\n"
        "    subprocess.run(command, shell=True)\n")
    (tmp_path / "src").mkdir()
    for name in ("build", "lint"):
        (tmp_path / f"src/{name}.py").write_text(
            "from runner import run\n\n\ndef handler(event, context):\n"
            "    run(event['body'])\n")
    (tmp_path / "serverless.yml").write_text(
        "service: layer-taint\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "layers:\n  tools:\n    path: layers/tools\nfunctions:\n"
        "  build:\n    handler: src/build.handler\n    layers:\n"
        "      - !Ref ToolsLambdaLayer\n"
        "  lint:\n    handler: src/lint.handler\n")
    flows = scan(str(tmp_path)).facts.flows
    assert [(f.category, f.location.file) for f in flows["serverless.yml#build"]] == \
        [("command", "layers/tools/python/runner.py")]
    assert not flows.get("serverless.yml#lint")


def test_a_function_reads_its_own_layers_last_listed_first(tmp_path: Path) -> None:
    # Lambda extracts a function's layers in the order it lists them: a later layer's file
    # replaces an earlier one's at the same path
    for rel in ("a/python/x.py", "b/python/x.py", "fn/h.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("X = 1\n")
    cache = ModuleCache(str(tmp_path))
    cache.use_layers(Layer(f"L{n}", Location("serverless.yml", 1), content)
                     for n, content in enumerate(("a", "b", None)))

    def found(function: Function) -> str | None:
        with cache.for_function(function):
            module = cache.find("x", ("fn",))
            return module.file if module is not None else None

    def listing(*layers: str) -> Function:
        return Function("f", Location("serverless.yml", 1), "serverless",
                        layers=[Ref(layer) if layer.startswith("L") else layer
                                for layer in layers])

    assert found(listing("L0", "L1")) == "b/python/x.py"
    assert found(listing("L1", "L0")) == "a/python/x.py"
    assert found(listing("L0")) == "a/python/x.py"
    assert found(listing("L2")) is None  # a layer built elsewhere: no folder here
    assert found(listing("arn:aws:lambda:us-east-1:123456789012:layer:x:1")) is None
    assert found(listing()) is None
    # outside a function (code no handler reaches): every layer, the last declared first
    assert cache.find("x", ("fn",)).file == "b/python/x.py"  # type: ignore[union-attr]
    # a name with no module under one list of layers may have one under another
    with cache.for_function(listing()):
        assert cache.module_prefix("x.X", ("fn",)) is None
    with cache.for_function(listing("L0")):
        assert cache.module_prefix("x.X", ("fn",)) is not None
