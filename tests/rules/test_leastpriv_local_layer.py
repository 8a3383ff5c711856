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
