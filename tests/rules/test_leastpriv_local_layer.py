"""A layer the service builds from its own files (serverless.yml `layers: common: path:
layers/common`, SAM `AWS::Serverless::LayerVersion` `ContentUri: layers/common`) is code in
the scanned files: its `python/` folder is where Lambda's /opt/python comes from, so the
handler's `import common.db` is the layer's module and its AWS calls are the function's.
Before, the import was code not read ('neither in the scanned files nor a declared
dependency', which was untrue) and FG-PERM-101 said nothing (review of cf5f534, r1)."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, Case, check_case


@pytest.mark.parametrize("case", ["serverless-pos-local-layer", "sam-pos-local-layer"])
def test_a_layer_built_from_the_project_is_read(case: str) -> None:
    [finding] = check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101" / case))
    used = finding.message.split("Its code uses", 1)[1]
    assert "dynamodb:GetItem" in used and "PutItem" not in used


def test_a_layer_sam_build_builds_is_read_where_the_build_puts_it() -> None:
    """`Metadata: BuildMethod: python3.12`: `sam build` puts ContentUri's files under the
    layer's python/ folder, so layers/shared/store.py is /opt/python/store.py (before, the
    scan looked for layers/shared/python/store.py: code not read, FG-PERM-101 silent). A
    layer its own Makefile builds is read as laid out."""
    [finding] = check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101"
                                / "sam-pos-python-layer-build-method"))
    used = finding.message.split("Its code uses", 1)[1]
    assert "dynamodb:GetItem" in used and "PutItem" not in used
    assert check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101"
                           / "sam-neg-python-layer-build-makefile")) == []


def test_a_layer_knows_the_folder_lambda_extracts_to_opt() -> None:
    from faasguard.model import Layer, Location

    where = Location("template.yaml", 1)
    assert Layer("a", where, "layers/a").opt_folder("python") == "layers/a/python"
    assert Layer("a", where, "layers/a", "python").opt_folder("python") == "layers/a"
    assert Layer("a", where, "layers/a", "python").opt_folder("nodejs") is None
    assert Layer("a", where, "layers/a", "nodejs").opt_folder("nodejs") == "layers/a"
    assert Layer("a", where, None, "python").opt_folder("python") is None
