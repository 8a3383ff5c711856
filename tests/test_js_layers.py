"""Node.js layers the project builds from its own files (serverless.yml `layers: NAME:
path: DIR`, SAM `LayerVersion` `ContentUri: DIR`) are read: Lambda mounts `DIR/nodejs` as
/opt/nodejs, so `require('/opt/nodejs/db')` is `DIR/nodejs/db.js`, and a bare specifier
no other folder answers is a package of `DIR/nodejs/node_modules` (or
`DIR/nodejs/nodeNN/node_modules`). The layer's AWS calls are the function's, and
FG-PERM-101 reports the grants they leave unused. Before, both requires were code not
read: FG-PERM-101 said nothing, with a note. A layer given by ARN still leaves the
function out (serverless-neg-node-layer), also when the project builds another layer
that has the same paths (serverless-neg-node-local-layer-unused: at run time the
function's `/opt/nodejs` is the ARN layer's). Each function reads the layers it uses
(serverless-pos-node-layers-per-function: two layers, one path, two files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.js.parse import JsModuleCache
from faasguard.model import Function, Layer, Location, Ref
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-node-local-layer",
                                  "sam-pos-node-local-layer",
                                  "serverless-neg-node-local-layer",
                                  "serverless-neg-node-local-layer-unused",
                                  "serverless-pos-node-layers-per-function",
                                  "serverless-neg-node-layer"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


@pytest.mark.parametrize("name", ["serverless-pos-node-local-layer",
                                  "sam-pos-node-local-layer"])
def test_the_layers_calls_are_the_functions(name: str) -> None:
    [finding] = check_case(Case("FG-PERM-101", CASES / name))
    used = finding.message.split("Its code uses", 1)[1]
    assert "dynamodb:GetItem" in used and "sqs:SendMessage" in used
    assert "PutItem" not in used and "DeleteItem" not in used


@pytest.mark.parametrize(("name", "function", "files"), [
    ("serverless-neg-node-local-layer", "serverless.yml#show",
     {"layers/common/nodejs/db.js", "layers/common/nodejs/node_modules/audit-log/index.js"}),
    ("sam-pos-node-local-layer", "template.yaml#Show",
     {"layers/shared/nodejs/db.mjs",
      "layers/shared/nodejs/node20/node_modules/audit-log/lib/main.js"}),
])
def test_every_call_is_known_and_found_in_the_layer(name: str, function: str,
                                                    files: set[str]) -> None:
    result = scan(str(CASES / name))
    calls = result.facts.aws_calls[function]
    assert calls and all(call.known for call in calls)
    assert {call.file for call in calls} == files
    assert not [d for d in result.app.diagnostics if "layer's" in d.message]


def test_a_layer_the_function_does_not_use_is_code_not_read() -> None:
    result = scan(str(CASES / "serverless-neg-node-local-layer-unused"))
    unseen = [(c.file, c.line, c.method.split(":")[0])
              for c in result.facts.aws_calls["serverless.yml#show"] if not c.known]
    assert unseen == [("src/handler.js", 1, "imports '/opt/nodejs/db', a layer's code"),
                      ("src/handler.js", 2, "imports 'audit-log', which is neither in the "
                                            "scanned files nor a declared dependency (a "
                                            "layer's?)")]
    assert all(call.file.startswith("src/") for call in result.facts.aws_calls[
        "serverless.yml#show"])  # (the project's layer is not read for it)


def test_each_function_reads_the_layers_it_uses() -> None:
    result = scan(str(CASES / "serverless-pos-node-layers-per-function"))
    calls = result.facts.aws_calls
    assert [(c.operation, c.file) for c in calls["serverless.yml#orders"]] == \
        [("PutItem", "layers/tables/nodejs/lib/publish.js")]
    assert [(c.operation, c.file) for c in calls["serverless.yml#notify"]] == \
        [("Publish", "layers/events/nodejs/lib/publish.js")]


def test_a_function_cache_searches_its_own_layers_last_listed_first(tmp_path: Path) -> None:
    # Lambda extracts a function's layers in the order it lists them: a later layer's file
    # replaces an earlier one's at the same path
    for rel in ("a/nodejs/x.js", "b/nodejs/x.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("module.exports = {};\n")
    cache = _cache(tmp_path, "a", "b")
    both = Function("f", Location("serverless.yml", 1), "serverless",
                    layers=[Ref("L0"), Ref("L1")])
    assert cache.for_function(both) is cache  # (the order the app declares them in)
    assert cache.resolve_local("h.js", "/opt/nodejs/x") == "b/nodejs/x.js"
    swapped = Function("g", Location("serverless.yml", 2), "serverless",
                       layers=[Ref("L1"), Ref("L0")])
    assert cache.for_function(swapped) is cache.for_function(swapped) is not cache
    assert cache.for_function(swapped).resolve_local("h.js", "/opt/nodejs/x") == \
        "a/nodejs/x.js"
    only_a = Function("h", Location("serverless.yml", 3), "serverless", layers=[Ref("L0")])
    assert cache.for_function(only_a).resolve_local("h.js", "/opt/nodejs/x") == \
        "a/nodejs/x.js"
    arn = Function("i", Location("serverless.yml", 4), "serverless",
                   layers=["arn:aws:lambda:us-east-1:123456789012:layer:x:1"])
    assert cache.for_function(arn).resolve_local("h.js", "/opt/nodejs/x") is None


def _cache(root: Path, *layers: str | None) -> JsModuleCache:
    cache = JsModuleCache(str(root))
    cache.use_layers(Layer(f"L{n}", Location("serverless.yml", 1), content)
                     for n, content in enumerate(layers))
    return cache


def test_layer_paths_map_to_the_layers_nodejs_folder(tmp_path: Path) -> None:
    for rel in ("lib/a/nodejs/db.js", "lib/b/nodejs/util/index.ts", "lib/b/nodejs/only_b.js",
                "outside.js", "lib/a/nodejs/node_modules/helpers/index.js",
                "lib/b/nodejs/node18/node_modules/helpers/index.js",
                "lib/a/nodejs/node_modules/@aws-sdk/client-s3/index.js",
                "lib/a/nodejs/node_modules/lodash/index.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("module.exports = {};\n")
    cache = _cache(tmp_path, "lib/a", "lib/b", None)
    assert cache.layer_folders == ("lib/b/nodejs", "lib/a/nodejs")  # (the last one first)
    resolve = cache.resolve_local
    assert resolve("src/h.js", "/opt/nodejs/db") == "lib/a/nodejs/db.js"
    assert resolve("src/h.js", "/opt/nodejs/util") == "lib/b/nodejs/util/index.ts"
    assert resolve("src/h.js", "/opt/nodejs/only_b.js") == "lib/b/nodejs/only_b.js"
    assert resolve("src/h.js", "/opt/nodejs/../../../outside") is None  # leaves the layer
    assert resolve("src/h.js", "/opt/python/db") is None
    # the version folder first (Lambda's NODE_PATH), across layers in their order
    assert resolve("src/h.js", "helpers") == "lib/b/nodejs/node18/node_modules/helpers/index.js"
    # packages the analysis models or knows stay packages, even when a layer bundles them
    assert resolve("src/h.js", "@aws-sdk/client-s3") is None
    assert resolve("src/h.js", "lodash") is None
    assert resolve("src/h.js", "missing") is None


def test_without_local_layers_nothing_is_mapped(tmp_path: Path) -> None:
    (tmp_path / "nodejs").mkdir()
    (tmp_path / "nodejs" / "db.js").write_text("module.exports = {};\n")
    assert JsModuleCache(str(tmp_path)).resolve_local("h.js", "/opt/nodejs/db") is None
    assert _cache(tmp_path, ".").resolve_local("h.js", "/opt/nodejs/db") == "nodejs/db.js"
