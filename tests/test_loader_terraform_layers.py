"""Terraform layer versions built by `archive_file`: an `aws_lambda_layer_version` whose
`filename` is an archive's `output_path` (or whose `s3_key` is an uploaded object's whose
`source` is) has the archive's folder as its content, as a function gets its code folder;
it had none, so a function's import of the layer's module was code not read."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"
LAYER = "main.tf#aws_lambda_layer_version.common"


@pytest.mark.parametrize("name", ["terraform-pos-python-layer-archive",
                                  "terraform-neg-python-layer-archive-other-function"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_the_archives_folder_is_the_layers_content() -> None:
    result = scan(str(CASES / "terraform-pos-python-layer-archive"))
    assert result.app.layers[LAYER].content == "layers/common"
    assert [(c.operation, c.file) for c in
            result.facts.aws_calls["main.tf#aws_lambda_function.show"]] == \
        [("GetItem", "layers/common/python/store.py")]


_TF = """
data "archive_file" "common" {
  type        = "zip"
  %s
  output_path = "${path.module}/build/common.zip"
}

resource "aws_s3_object" "common" {
  bucket = "artifacts"
  key    = "layers/common.zip"
  source = data.archive_file.common.output_path
}

resource "aws_lambda_layer_version" "common" {
  layer_name = "common"
  %s
}
"""


@pytest.mark.parametrize(("archive", "deployed", "content"), [
    ('source_dir = "${path.module}/layers/common"',
     's3_bucket = "artifacts"\n  s3_key = aws_s3_object.common.key', "layers/common"),
    ('source_file = "${path.module}/layers/common/python/store.py"',
     "filename = data.archive_file.common.output_path", "layers/common/python"),
    ('source_dir = "${path.module}/layers/common"', 'filename = "prebuilt/common.zip"', None),
])
def test_how_the_layer_is_deployed(tmp_path: Path, archive: str, deployed: str,
                                   content: str | None) -> None:
    (tmp_path / "layers/common/python").mkdir(parents=True)
    (tmp_path / "layers/common/python/store.py").write_text("X = 1\n")
    (tmp_path / "main.tf").write_text(_TF % (archive, deployed))
    assert scan(str(tmp_path)).app.layers[LAYER].content == content
