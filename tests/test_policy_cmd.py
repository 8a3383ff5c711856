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
