"""`faasguard policy`: minimal policies per function, in JSON, serverless and SAM formats."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from faasguard.cli import main

REPO = Path(__file__).resolve().parents[1]
VULNERABLE = str(REPO / "examples" / "vulnerable-app")
SCOPED = str(REPO / "tests" / "fixtures" / "awscalls" / "apps" / "scoped")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_maps_each_function_to_its_minimal_policy(capsys) -> None:
    code, out, _ = _run(capsys, "policy", VULNERABLE, "--format", "json")
    policies = json.loads(out)
    assert code == 0 and set(policies) == {"getOrder", "deleteOrder", "search", "proxy",
                                           "thumbnail", "importer", "report"}
    assert policies["search"] == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:Scan"],
         "Resource": {"Fn::GetAtt": ["OrdersTable", "Arn"]}}]}
    bucket = "arn:${AWS::Partition}:s3:::orders-uploads-vulnerable"
    assert policies["thumbnail"]["Statement"] == [  # reads any key, writes under thumbs/
        {"Effect": "Allow", "Action": ["s3:AbortMultipartUpload", "s3:PutObject"],
         "Resource": {"Fn::Sub": f"{bucket}/thumbs/*"}},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": {"Fn::Sub": f"{bucket}/*"}}]
    assert policies["getOrder"]["Statement"] == []


def test_serverless_and_sam_snippets_parse(capsys) -> None:
    code, out, _ = _run(capsys, "policy", VULNERABLE, "--function", "search",
                        "--format", "serverless")
    snippet = yaml.safe_load(out)
    assert code == 0
    assert snippet["functions"]["search"]["iamRoleStatements"][0]["Action"] == ["dynamodb:Scan"]
    code, out, _ = _run(capsys, "policy", SCOPED, "--format", "sam")
    policies = yaml.safe_load(out)["Resources"]["Reader"]["Properties"]["Policies"]
    assert policies[0]["Statement"][0]["Action"] == ["dynamodb:GetItem"]


def test_diff_against_the_granted_role(capsys) -> None:
    code, out, _ = _run(capsys, "policy", VULNERABLE, "--function", "search", "--diff")
    assert code == 0
    assert "#  - dynamodb:* (serverless.yml:25): narrow to dynamodb:Scan" in out
    code, out, _ = _run(capsys, "policy", SCOPED, "--diff", "--format", "json")
    diff = json.loads(out)["Reader"]
    assert diff["add"] == [] and diff["remove"] == []


def test_unknown_function_is_a_usage_error(capsys) -> None:
    code, _, err = _run(capsys, "policy", VULNERABLE, "--function", "nope")
    assert code == 2 and "no function named nope" in err and "search" in err


def test_cloudformation_gets_platform_and_kms_needs(capsys) -> None:
    app = str(REPO / "tests" / "fixtures" / "awscalls" / "apps" / "cfn")
    code, out, _ = _run(capsys, "policy", app, "--format", "json", "--diff")
    worker = json.loads(out)["Worker"]
    statements = {tuple(s["Action"]): s["Resource"] for s in worker["policy"]["Statement"]}
    assert code == 0 and statements == {
        ("kms:Decrypt", "kms:GenerateDataKey"): {"Fn::GetAtt": ["JobsKey", "Arn"]},
        ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"): "*",
        ("sqs:SendMessage",): {"Fn::GetAtt": ["Jobs", "Arn"]}}
    assert worker["keep"] == ["sqs:SendMessage on ${Jobs.Arn}"]
    assert "kms:Decrypt on ${JobsKey.Arn}" in worker["add"]


def test_unidentified_calls_are_flagged(capsys, tmp_path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  fn:\n    handler: h.handler\n")
    (tmp_path / "h.py").write_text(
        "import os\nimport boto3\n\ndef handler(event, context):\n"
        "    return boto3.client(os.environ['SVC']).list_things()\n")
    code, out, _ = _run(capsys, "policy", str(tmp_path))
    assert code == 0 and "WARNING: some AWS calls could not be identified" in out
    assert "h.py:5" in out
