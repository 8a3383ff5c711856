"""Review of this session's least-privilege changes (FG-PERM-101): Node.js layers the
project builds (b915549), project modules named like the standard library (eb9ab7f) and
serverless-python-requirements manifests (59c96b9). Fixtures under
tests/fixtures/review_s12. Each problem is pinned (strict xfail) where its fix is not a
small one in a file nobody is editing; the reasons say where it lies."""

from __future__ import annotations

import shutil
from pathlib import Path

from .support import FIXTURES, findings


def _unused(folder: Path, function: str) -> str | None:
    """FG-PERM-101's message about one function, None when it says nothing."""
    found = [f for f in findings(folder, "FG-PERM-101") if f"Function '{function}' " in f.message]
    return found[0].message if found else None


def test_a_function_reads_the_layer_it_attaches_when_it_comes_first() -> None:
    # orders attaches the orders layer, the first one declared: its PutItem is used
    assert _unused(FIXTURES / "node_layers_per_function", "orders") is None


def test_a_function_reads_the_layer_it_attaches_not_another_one() -> None:
    message = _unused(FIXTURES / "node_layers_per_function", "audit")
    assert message is not None and "uses sqs:SendMessage" in message
    assert "dynamodb:PutItem" not in message.partition("Its code uses")[2]


def test_a_stdlib_named_module_off_the_task_root_does_not_shadow() -> None:
    message = _unused(FIXTURES / "stdlib_name_subfolder", "show")
    assert message is not None and "1 of them are never used" in message


def test_a_package_the_plugin_does_not_deploy_is_not_declared() -> None:
    assert _unused(FIXTURES / "plugin_no_deploy", "show") is None


def test_a_layer_file_linking_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES.parent / "rules" / "FG-PERM-101" / "serverless-pos-node-local-layer",
                    project)
    outside = tmp_path / "outside.js"
    outside.write_text('const { S3Client, DeleteObjectCommand } = require("@aws-sdk/client-s3");\n'
                       "exports.getItem = (id) => new S3Client({}).send(new DeleteObjectCommand("
                       '{ Bucket: "elsewhere", Key: id }));\n')
    (project / "layers" / "common" / "nodejs" / "db.js").unlink()
    (project / "layers" / "common" / "nodejs" / "db.js").symlink_to(outside)
    assert [f.rule_id for f in findings(project, "FG-PERM-103") if "elsewhere" in f.message] == []


def test_a_sam_built_node_layer_is_read_where_sam_build_puts_it() -> None:
    message = _unused(FIXTURES / "sam_node_layer_build_method", "Show")
    assert message is not None and "2 of them are never used" in message
