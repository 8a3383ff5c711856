"""A layer's `nodejs/nodeNN/node_modules` folder: Lambda puts it on NODE_PATH for a
function of runtime nodejsNN.x only, before the layer's `nodejs/node_modules`. Every
`nodeNN` folder was searched whatever the function's runtime (the newest first), so a
nodejs18.x function read a node20 build of a package (its calls and grants judged on code
that does not run for it), or one Lambda does not give it at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.js.parse import JsModuleCache
from faasguard.model import Function, Layer, Location, Ref
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-node-layer-runtime-version",
                                  "serverless-neg-node-layer-other-version"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_the_build_for_the_functions_node_version_is_read() -> None:
    calls = scan(str(CASES / "serverless-pos-node-layer-runtime-version")).facts.aws_calls
    assert [(c.operation, c.file) for c in calls["serverless.yml#show"]] == \
        [("GetItem", "layers/common/nodejs/node18/node_modules/fg-store/index.js")]


def test_another_versions_build_is_not() -> None:
    calls = scan(str(CASES / "serverless-neg-node-layer-other-version")).facts.aws_calls
    [unseen] = calls["serverless.yml#show"]
    assert (unseen.known, unseen.file) == (False, "src/show.js")


def test_the_runtimes_version_folder_comes_before_node_modules(tmp_path: Path) -> None:
    for rel in ("a/nodejs/node_modules/x/index.js", "a/nodejs/node20/node_modules/x/index.js",
                "a/nodejs/node18/node_modules/x/index.js", "b/nodejs/node_modules/y/index.js",
                "a/nodejs/node20/node_modules/y/index.js", "c/nodejs/node_modules/z/index.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("module.exports = {};\n")
    cache = JsModuleCache(str(tmp_path))
    cache.use_layers([Layer("La", Location("serverless.yml", 1), "a"),
                      Layer("Lb", Location("serverless.yml", 1), "b"),
                      Layer("Lc", Location("serverless.yml", 1), "c")])

    def function(runtime: str | None, *layers: str) -> Function:
        return Function("f", Location("serverless.yml", 1), "serverless", runtime=runtime,
                        layers=[Ref(layer) for layer in layers or ("La", "Lb")])

    def found(spec: str, runtime: str | None) -> str | None:
        return cache.for_function(function(runtime)).resolve_local("fn/h.js", spec)

    assert found("x", "nodejs20.x") == "a/nodejs/node20/node_modules/x/index.js"
    assert found("x", "nodejs18.x") == "a/nodejs/node18/node_modules/x/index.js"
    assert found("x", "nodejs22.x") == "a/nodejs/node_modules/x/index.js"
    # a runtime not known: any version the layer holds, the newest first
    assert found("x", None) == "a/nodejs/node20/node_modules/x/index.js"
    assert found("x", "python3.12") == "a/nodejs/node20/node_modules/x/index.js"
    # the layers are merged under /opt: every version folder before every node_modules
    assert found("y", "nodejs20.x") == "a/nodejs/node20/node_modules/y/index.js"
    assert found("y", "nodejs18.x") == "b/nodejs/node_modules/y/index.js"
    # outside a function: every version a layer holds, the newest first
    assert cache.resolve_local("fn/h.js", "x") == "a/nodejs/node20/node_modules/x/index.js"
    # one cache per search: a function whose layers hold no version folder reads with the
    # app's cache whatever its runtime, and functions of one runtime share theirs
    everything = ("La", "Lb", "Lc")
    assert cache.for_function(function("nodejs18.x", *everything)) is \
        cache.for_function(function("nodejs18.x", *everything)) is not cache
    assert cache.for_function(function(None, *everything)) is cache
    only_c = cache.for_function(function("nodejs18.x", "Lc"))
    assert only_c is cache.for_function(function("nodejs20.x", "Lc")) is not cache
    assert only_c.resolve_local("fn/h.js", "z") == "c/nodejs/node_modules/z/index.js"
