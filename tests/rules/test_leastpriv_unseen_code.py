"""Least privilege when some of the handler's code is not in the project: a Lambda
layer's module, a module missing from the scanned files. What cannot be seen is not
unused (FG-PERM-101, 104, 105 say nothing they cannot know); imports of the standard
library, the Lambda runtime, declared dependencies, optional and type-only imports do not
count."""

from __future__ import annotations

import pytest

from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case, findings_of

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-neg-layer-module", "sam-neg-missing-module",
                                  "serverless-pos-layer-declared", "sam-pos-optional-import",
                                  "serverless-neg-node-layer", "serverless-pos-node-local"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_the_unseen_import_is_an_unidentified_call_at_its_line() -> None:
    result = scan(str(CASES / "serverless-neg-layer-module"))
    [unseen] = [c for c in result.facts.aws_calls["serverless.yml#show"] if not c.known]
    assert (unseen.file, unseen.line) == ("handler.py", 4)
    assert "'shared_db'" in unseen.method and "a layer's?" in unseen.method
    result = scan(str(CASES / "sam-neg-missing-module"))
    [unseen] = [c for c in result.facts.aws_calls["template.yaml#ReadFunction"] if not c.known]
    assert (unseen.file, unseen.line) == ("src/notes.py", 5)
    assert "'store'" in unseen.method


def test_node_layer_paths_and_undeclared_packages_are_unidentified_calls() -> None:
    result = scan(str(CASES / "serverless-neg-node-layer"))
    unseen = [(c.file, c.line, c.method.split(":")[0])
              for c in result.facts.aws_calls["serverless.yml#enqueue"] if not c.known]
    assert unseen == [("handler.js", 2, "imports '/opt/nodejs/queue', a layer's code"),
                      ("handler.js", 3, "imports 'tracing-helpers', which is neither in the "
                                        "scanned files nor a declared dependency (a layer's?)")]


def test_optional_type_only_and_nested_standard_imports_leave_the_needs_complete() -> None:
    result = scan(str(CASES / "sam-pos-optional-import"))
    assert all(c.known for c in result.facts.aws_calls["template.yaml#ReadFunction"])


_SHARED = """\
service: shared-unseen
provider:
  name: aws
  runtime: python3.12
  environment:
    TABLE: !Ref Items
    BUCKET: !Ref Files
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:GetItem]
          Resource: !GetAtt Items.Arn
        - Effect: Allow
          Action: [s3:GetObject]
          Resource: !Sub "${Files.Arn}/*"
functions:
  reader:
    handler: reader.handle
  layered:
    handler: layered.handle
    layers:
      - arn:aws:lambda:us-east-1:123456789012:layer:common:7
resources:
  Resources:
    Items:
      Type: AWS::DynamoDB::Table
    Files:
      Type: AWS::S3::Bucket
"""
_LAYERED = """\
import os

import boto3
from common.audit import record

s3 = boto3.client("s3")


def handle(event, context):
    record(event)
    return s3.get_object(Bucket=os.environ["BUCKET"], Key=event["key"])["Body"].read()
"""
_READS_TABLE = """\
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handle(event, context):
    return table.get_item(Key={"id": event["id"]}).get("Item")
"""


def _shared(tmp_path, reader: str) -> list[str]:
    (tmp_path / "serverless.yml").write_text(_SHARED)
    (tmp_path / "layered.py").write_text(_LAYERED)
    (tmp_path / "reader.py").write_text(reader)
    return [f.message for f in findings_of(scan(str(tmp_path)), "FG-PERM-104")]


def test_a_shared_role_says_nothing_of_what_a_function_not_read_in_full_holds(tmp_path) -> None:
    [message] = _shared(tmp_path, _READS_TABLE)
    assert "reader uses dynamodb:GetItem yet holds s3:GetObject" in message
    assert "layered uses at least s3:GetObject (code not read in full)" in message
    assert "layered uses s3:GetObject yet holds" not in message


def test_a_shared_role_only_a_function_not_read_in_full_may_hold_more_on_is_not_reported(
        tmp_path) -> None:
    reads_both = _READS_TABLE.replace(
        'return table', 'boto3.client("s3").get_object(Bucket=os.environ["BUCKET"], '
        'Key="k")\n    return table')
    assert _shared(tmp_path, reads_both) == []


def test_an_escalation_step_is_not_called_unused_when_some_code_is_not_read(tmp_path) -> None:
    (tmp_path / "serverless.yml").write_text("""\
service: escalation-unseen
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction]
          Resource: "*"
functions:
  deploy:
    handler: handler.handle
""")
    (tmp_path / "handler.py").write_text("from deployer import roll_out\n\n\n"
                                         "def handle(event, context):\n"
                                         "    return roll_out(event)\n")
    [found] = findings_of(scan(str(tmp_path)), "FG-PERM-105")
    assert "[unused]" not in found.message and "[not seen used]" in found.message
    assert "if the code the scan could not read does not need them" in found.message


def test_packages_the_node_taint_table_knows_are_no_unseen_code(tmp_path) -> None:
    """A sanitiser (shell-quote), a sink's package (axios) or a schema library (zod),
    undeclared: known code that makes no AWS call."""
    (tmp_path / "serverless.yml").write_text(
        "service: known\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  run:\n    handler: handler.run\n")
    (tmp_path / "handler.js").write_text(
        'const { quote } = require("shell-quote");\nconst axios = require("axios");\n'
        'const { z } = require("zod");\n'
        'const { S3Client, GetObjectCommand } = require("@aws-sdk/client-s3");\n'
        "const s3 = new S3Client({});\n"
        "exports.run = async (e) => s3.send(new GetObjectCommand({ Bucket: 'b', Key: "
        "quote([z.string().parse(e.key)]) }));\n")
    calls = scan(str(tmp_path)).facts.aws_calls["serverless.yml#run"]
    assert [c.known for c in calls] == [True]


def test_an_unseen_import_is_one_note_naming_the_functions_it_leaves_out(tmp_path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: notes\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        + "".join(f"  f{i}:\n    handler: handler.f{i}\n" for i in range(7)))
    (tmp_path / "handler.py").write_text("from shared_db import get_item\n" + "".join(
        f"\n\ndef f{i}(event, context):\n    return get_item(event)\n" for i in range(7)))
    notes = [d for d in scan(str(tmp_path)).diagnostics if d.code == "awscalls"]
    assert [(d.file, d.line, d.level) for d in notes] == [("handler.py", 1, "note")]
    assert notes[0].message.endswith("FG-PERM-101/102 do not judge the grants of functions "
                                     "'f0', 'f1', 'f2', 'f3', 'f4' and 2 more unused")


def test_a_module_of_a_folder_without_init_is_project_code(tmp_path) -> None:
    """`import mypkg.sub` with mypkg/ a folder without __init__.py (a namespace package)
    imports the project's mypkg/sub.py, not code the scan cannot read."""
    (tmp_path / "serverless.yml").write_text(
        "service: ns\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  f:\n    handler: handler.f\n")
    (tmp_path / "handler.py").write_text(
        "import mypkg.sub\n\n\ndef f(event, context):\n    return mypkg.sub.go()\n")
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "sub.py").write_text("def go():\n    return 1\n")
    assert scan(str(tmp_path)).facts.aws_calls["serverless.yml#f"] == []
