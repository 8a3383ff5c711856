"""`faasguard policy` for a Terraform function: an aws_iam_policy_document whose resources
are Terraform references and string templates (fixtures under
tests/fixtures/policy_terraform), never CloudFormation's intrinsics."""

from __future__ import annotations

from pathlib import Path

from pipeline_support import run_cli

from faasguard.commands.policy_terraform import attribute, policy_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "policy_terraform"


def test_each_resource_kind_is_a_terraform_reference(capsys) -> None:
    code, out, _ = run_cli(capsys, "policy", str(FIXTURES / "refs"))
    assert code == 0
    assert "Fn::" not in out and '"Ref"' not in out and "AWS::" not in out
    assert "# attach it with aws_iam_role_policy: policy = " \
        "data.aws_iam_policy_document.worker.json" in out
    assert 'data "aws_iam_policy_document" "worker" {' in out
    # Fn::Sub around an attribute: a string template
    assert 'resources = ["${aws_dynamodb_table.orders.arn}/index/by-status"]' in out
    assert 'resources = ["${aws_s3_bucket.uploads.arn}/incoming/job.json"]' in out
    # Ref: the resource's id (a topic's is its ARN, as CloudFormation's Ref)
    assert "resources = [aws_sns_topic.alerts.id]" in out
    # pseudo parameters: the data sources that give them, declared once
    assert out.count('data "aws_partition" "current" {}') == 1
    assert '"arn:${data.aws_partition.current.partition}:s3:::archive-bucket/done/job.json"' \
        in out
    assert ("arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.name}"
            ":${data.aws_caller_identity.current.account_id}:parameter/app/config") in out


def test_a_module_instance_keeps_its_address() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage"],
                             "Resource": {"Fn::GetAtt": ["module.q.aws_sqs_queue.jobs",
                                                         "Arn"]}}]}
    text = policy_document("w", policy)
    assert "resources = [module.q.aws_sqs_queue.jobs.arn]" in text
    assert "data \"aws_partition\"" not in text


def test_literal_text_is_escaped_and_attributes_are_snake_case() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                             "Resource": ["arn:aws:s3:::b/${literal}", {"Ref": "data.aws_x.y"},
                                          {"Fn::Sub": "${module.m.aws_kinesis_stream.s}/x"}]}]}
    text = policy_document("w", policy)
    assert '"arn:aws:s3:::b/$${literal}"' in text
    assert "data.aws_x.y.id" in text
    assert '"${module.m.aws_kinesis_stream.s.id}/x"' in text
    assert attribute("StreamArn") == "stream_arn" and attribute("QueueName") == "name"
