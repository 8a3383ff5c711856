"""Node.js layers the project builds from its own files (serverless.yml `layers: NAME:
path: DIR`, SAM `LayerVersion` `ContentUri: DIR`) are read: Lambda mounts `DIR/nodejs` as
/opt/nodejs, so `require('/opt/nodejs/db')` is `DIR/nodejs/db.js`, and a bare specifier
no other folder answers is a package of `DIR/nodejs/node_modules` (or
`DIR/nodejs/nodeNN/node_modules`). The layer's AWS calls are the function's, and
FG-PERM-101 reports the grants they leave unused. Before, both requires were code not
read: FG-PERM-101 said nothing, with a note. A layer given by ARN still leaves the
function out (serverless-neg-node-layer), also when the project builds another layer
that has the same paths (serverless-neg-node-local-layer-unused: at run time the
function's `/opt/nodejs` is the ARN layer's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.js.parse import JsModuleCache
from faasguard.model import Layer, Location
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-node-local-layer",
                                  "sam-pos-node-local-layer",
                                  "serverless-neg-node-local-layer",
                                  "serverless-neg-node-local-layer-unused",
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
                      ("src/handler.js", 2, "imports 'audit-log', a package of a layer the "
                                            "project builds, which the function does not use")]


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
    assert cache.layer_folders == ("lib/a/nodejs", "lib/b/nodejs")
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
