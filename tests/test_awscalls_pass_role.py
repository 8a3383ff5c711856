"""Calls that hand a role to a service (an EventBridge Scheduler target's role, a rule
target's role, a new function's execution role) need iam:PassRole on that role: the
call is recorded with the role it names (call_actions.json `pass_role`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis import aws_models, aws_sdk
from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.scan import scan

HANDLER = '''
import os

import boto3

scheduler = boto3.client("scheduler")
events = boto3.client("events")


def handler(event, context):
    target = {"Arn": os.environ["QUEUE_ARN"], "RoleArn": os.environ["SCHEDULER_ROLE"]}
    scheduler.create_schedule(Name="once", ScheduleExpression="rate(1 hour)",
                              FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    events.put_targets(Rule="nightly", Targets=[
        {"Id": "1", "Arn": "arn:aws:sqs:eu-west-1:1:q", "RoleArn": "arn:aws:iam::1:role/rule"}])
    scheduler.update_schedule(Name="once", ScheduleExpression="rate(2 hours)",
                              FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": os.environ["QUEUE_ARN"]})
'''


def test_the_role_handed_to_a_service_needs_pass_role(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HANDLER)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler") or []
    passed = [(c.line, c.method, c.targets[0].kind, c.targets[0].name.env,
               c.targets[0].name.literal) for c in calls if c.actions == ("iam:PassRole",)]
    assert passed == [(12, "create_schedule", "role", "SCHEDULER_ROLE", None),
                      (14, "put_targets", "role", None, "arn:aws:iam::1:role/rule")]
    assert {c.operation for c in calls} >= {"CreateSchedule", "PutTargets", "UpdateSchedule"}


#: botocore's name of each IAM prefix the table uses
_SERVICES = {"scheduler": "scheduler", "events": "events", "lambda": "lambda",
             "states": "stepfunctions", "cloudformation": "cloudformation", "glue": "glue",
             "codebuild": "codebuild", "sagemaker": "sagemaker", "rekognition": "rekognition",
             "textract": "textract", "comprehend": "comprehend",
             "mediaconvert": "mediaconvert"}


@pytest.mark.parametrize("key, path", sorted(aws_sdk.table()["pass_role"].items()))
def test_the_table_names_real_operations_and_parameters(key: str, path: str) -> None:
    prefix, _, operation = key.partition(":")
    sdk = aws_sdk.service(_SERVICES[prefix])
    assert sdk is not None and sdk.prefix == prefix
    assert operation in sdk.operations.values()
    model = aws_models.load(_SERVICES[prefix], "service-2") or {}
    shape = model["operations"][operation]["input"]["shape"]
    assert path.split(".")[0] in model["shapes"][shape]["members"]


TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  SchedulerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: scheduler.amazonaws.com}
            Action: sts:AssumeRole
  Planner:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          QUEUE_ARN: !GetAtt Jobs.Arn
          SCHEDULER_ROLE: !GetAtt SchedulerRole.Arn
      Policies:
        - Statement:
            - Effect: Allow
              Action: [scheduler:CreateSchedule]
              Resource: '*'
            - Effect: Allow
              Action: [iam:PassRole]
              Resource: !GetAtt SchedulerRole.Arn
"""


def test_a_granted_pass_role_is_used(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "import os\n\nimport boto3\n\n\ndef handler(event, context):\n"
        "    boto3.client('scheduler').create_schedule(\n"
        "        Name='x', ScheduleExpression='rate(1 hour)', FlexibleTimeWindow={'Mode': 'OFF'},\n"
        "        Target={'Arn': os.environ['QUEUE_ARN'],\n"
        "                'RoleArn': os.environ['SCHEDULER_ROLE']})\n")
    findings = scan(str(tmp_path)).findings
    assert not [f for f in findings if f.rule_id == "FG-PERM-101"]  # both grants are used
    assert not [f for f in findings if f.rule_id == "FG-PERM-103"]  # and cover the calls


JOBS = '''
import os

import boto3


class Video:
    def __init__(self, client):
        self._client = client

    def start(self, bucket, key):
        return self._client.start_label_detection(
            Video={"S3Object": {"Bucket": bucket, "Name": key}},
            NotificationChannel={"SNSTopicArn": os.environ["TOPIC_ARN"],
                                 "RoleArn": os.environ["PUBLISH_ROLE"]})


def handler(event, context):
    Video(boto3.client("rekognition")).start("media", event["key"])
    boto3.client("textract").start_document_analysis(
        DocumentLocation={"S3Object": {"Bucket": "docs", "Name": "a.pdf"}},
        FeatureTypes=["TABLES"])
    boto3.client("comprehend").start_sentiment_detection_job(
        InputDataConfig={"S3Uri": "s3://in/"}, OutputDataConfig={"S3Uri": "s3://out/"},
        DataAccessRoleArn="arn:aws:iam::1:role/comprehend-data", LanguageCode="en")
'''


def test_job_notification_and_data_access_roles_need_pass_role(tmp_path: Path) -> None:
    """Rekognition Video publishes a job's completion with the role of its
    NotificationChannel and Comprehend reads with its DataAccessRoleArn: the caller passes
    those roles. A Textract job started without a notification channel passes none."""
    (tmp_path / "app.py").write_text(JOBS)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler") or []
    passed = [(c.method, c.targets[0].name.env, c.targets[0].name.literal)
              for c in calls if c.actions == ("iam:PassRole",)]
    assert passed == [("start_label_detection", "PUBLISH_ROLE", None),
                      ("start_sentiment_detection_job", None,
                       "arn:aws:iam::1:role/comprehend-data")]
