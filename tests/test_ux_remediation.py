"""Each finding's fix matches what it is about: the resource kind and the file's format."""

from __future__ import annotations

import shlex
from pathlib import Path

from faasguard.config import Config
from faasguard.scan import scan, scan_paths

RULE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"


def _fixes(folder: Path, rule_id: str) -> dict[str, str]:
    """subject -> remediation of the findings of one rule."""
    return {f.subject: f.remediation for f in scan(str(folder)).findings
            if f.rule_id == rule_id}


def test_customer_key_fix_matches_the_resource_kind_in_serverless():
    fixes = _fixes(RULE_FIXTURES / "FG-DATA-008" / "serverless-pos", "FG-DATA-008")
    bucket, table = fixes["cmk:bucket:Exports"], fixes["cmk:table:Orders"]
    assert "BucketEncryption" in bucket and "SSESpecification" not in bucket
    assert "SSESpecification" in table and "BucketEncryption" not in table
    # the serverless snippet names the resource the user wrote
    assert bucket.startswith("resources:\n  Resources:\n    Exports:\n")
    assert "    Orders:\n" in table


def test_customer_key_fix_in_terraform(tmp_path: Path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "exports" {\n  bucket = "exports"\n}\n'
        'resource "aws_dynamodb_table" "orders" {\n  name = "orders"\n'
        '  hash_key = "id"\n  billing_mode = "PAY_PER_REQUEST"\n'
        '  attribute {\n    name = "id"\n    type = "S"\n  }\n}\n')
    fixes = _fixes(tmp_path, "FG-DATA-008")
    bucket = next(fix for subject, fix in fixes.items() if subject.startswith("cmk:bucket:"))
    table = next(fix for subject, fix in fixes.items() if subject.startswith("cmk:table:"))
    assert "aws_s3_bucket_server_side_encryption_configuration" in bucket
    assert "server_side_encryption {" in table
    assert "resources:" not in bucket + table


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_least_privilege_fixes_in_terraform_and_a_command_that_pastes():
    # FG-PERM-001 off: it absorbs the role's FG-PERM-101 (`Action: "*"`), whose fix is read here
    findings = [f for f in scan_paths([str(EXAMPLES / "vulnerable-app-terraform")],
                                      config=Config(disable=["FG-PERM-001"])).findings
                if f.rule_id.startswith("FG-PERM-10")]
    unused = [f for f in findings if f.rule_id == "FG-PERM-101"]
    assert unused and all("--format json" in f.remediation for f in unused)
    assert all("serverless" not in f.remediation and "!GetAtt" not in f.remediation
               for f in findings)
    assert all("faasguard policy . --format json" in f.remediation for f in unused)


def test_the_policy_command_of_a_shared_role_survives_a_shell(tmp_path: Path):
    """A for_each key's quotes are quoted in the `--function` options FG-PERM-101 names."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role" "fn" {\n  name = "fn"\n}\n\n'
        'resource "aws_iam_role_policy" "fn" {\n  role = aws_iam_role.fn.id\n'
        '  policy = jsonencode({\n    Version = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Action = ["sqs:*"], Resource = "*" }]\n'
        '  })\n}\n\n'
        'resource "aws_lambda_function" "fn" {\n'
        '  for_each      = { ping = "app.ping", pong = "app.pong" }\n'
        '  function_name = each.key\n  filename      = "build/app.zip"\n'
        '  source_code_hash = filebase64sha256("build/app.zip")\n'
        '  handler       = each.value\n  runtime       = "python3.12"\n'
        '  role          = aws_iam_role.fn.arn\n}\n')
    (tmp_path / "app.py").write_text("def ping(event, context):\n    return 1\n\n\n"
                                     "def pong(event, context):\n    return 2\n")
    [unused] = [f for f in scan(str(tmp_path)).findings if f.rule_id == "FG-PERM-101"]
    command = unused.message.split("`")[1]
    assert shlex.split(command)[2:] == ["PATH", "--function", 'aws_lambda_function.fn["ping"]',
                                        "--function", 'aws_lambda_function.fn["pong"]']


def test_pin_fix_names_the_unpinned_package(tmp_path: Path):
    (tmp_path / "serverless.yml").write_text(
        "service: pins\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  api:\n    handler: handler.main\n")
    (tmp_path / "handler.py").write_text("def main(event, context):\n    return {}\n")
    (tmp_path / "requirements.txt").write_text("flask>=2.0\nboto3\nrequests==2.32.3\n")
    findings = {f.subject: f for f in scan(str(tmp_path)).findings
                if f.rule_id == "FG-TP-102"}
    assert set(findings) == {"unpinned:pypi:flask", "unpinned:pypi:boto3"}
    flask, boto3 = findings["unpinned:pypi:flask"], findings["unpinned:pypi:boto3"]
    assert "flask==VERSION" in flask.remediation and "requests" not in flask.remediation
    assert "boto3==VERSION" in boto3.remediation
    assert "(>=2.0)" in flask.message and "(no version given)" in boto3.message


def test_template_secret_message_says_plaintext_once(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  DbSecret:\n"
        "    Type: AWS::SecretsManager::Secret\n    Properties:\n"
        "      SecretString: 'hunter2-prod-Passw0rd'\n")
    found = [f for f in scan(str(tmp_path)).findings if f.rule_id == "FG-DATA-002"]
    assert [f.message for f in found] == [
        "Plaintext secret in the template: the value of "
        "Resources.DbSecret.Properties.SecretString."]
    assert "hunter2" not in found[0].message + found[0].remediation


def test_escalation_flow_numbers_the_chains_of_the_message():
    found = [f for f in scan(str(EXAMPLES / "vulnerable-app")).findings
             if f.rule_id == "FG-PERM-105"]
    assert found
    for finding in found:
        labels = [step.message.split(":", 1)[0] for step in finding.flow]
        assert labels[0] == "chain 1" and all(label.startswith("chain ") for label in labels)
        numbers = [int(label.split()[1]) for label in labels]
        assert numbers == sorted(numbers)  # in the order the message lists them
