"""Review of `faasguard policy` as each format's user pastes its output: without --format,
each function is printed "in its template's format". A plain CloudFormation or CDK
function (AWS::Lambda::Function) was printed as SAM's `Resources: Worker: Properties:
Policies:`, a property AWS::Lambda::Function does not have (CloudFormation refuses it);
its role's policy document is what fits. A Terraform function's document holds
CloudFormation intrinsics ({"Fn::GetAtt": ["aws_sqs_queue.jobs", "Arn"]}) that Terraform
does not read: pinned. Fixtures under tests/fixtures/review_policy_formats."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pipeline_support import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_policy_formats"


def _printed(capsys, folder: str) -> str:
    code, out, _ = run_cli(capsys, "policy", str(FIXTURES / folder))
    assert code == 0
    return out


def _document(out: str) -> dict:
    return json.loads(out[out.index("{"):])


def test_a_cloudformation_function_gets_its_roles_policy_document(capsys) -> None:
    out = _printed(capsys, "cloudformation")
    assert "Policies" not in out
    assert "# the policy document of its role (AWS::IAM::Policy PolicyDocument" in out
    statements = _document(out)["Statement"]
    assert {"Effect": "Allow", "Action": ["sqs:SendMessage"],
            "Resource": {"Fn::GetAtt": ["Jobs", "Arn"]}} in statements


def test_a_sam_function_keeps_its_policies(capsys) -> None:
    out = _printed(capsys, "sam")
    body = yaml.safe_load(out)
    assert body["Resources"]["Worker"]["Properties"]["Policies"] == [{"Statement": [
        {"Effect": "Allow", "Action": ["sqs:SendMessage"],
         "Resource": {"Fn::GetAtt": ["Jobs", "Arn"]}}]}]


def test_a_terraform_function_gets_terraform_references(capsys) -> None:
    out = _printed(capsys, "terraform")
    assert "Fn::" not in out
    assert "aws_sqs_queue.jobs.arn" in out
