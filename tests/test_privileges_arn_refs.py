"""A grant the loaders write as the ARN of a resource whose Ref is its ARN (an SNS topic
named by SNSPublishMessagePolicy's TopicName: `${Topic.Arn}`) covers the code's call on
`${Topic}`; a grant on another topic still does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Alerts:
    Type: AWS::SNS::Topic
  Audit:
    Type: AWS::SNS::Topic
  Notifier:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TOPIC_ARN: !Ref Alerts
      Policies:
        - SNSPublishMessagePolicy:
            TopicName: !GetAtt {granted}.TopicName
"""

HANDLER = """import os

import boto3

sns = boto3.client("sns")


def handler(event, context):
    sns.publish(TopicArn=os.environ["TOPIC_ARN"], Message="done")
"""


@pytest.mark.parametrize("granted, denied", [("Alerts", False), ("Audit", True)])
def test_publish_on_the_topic_the_policy_template_names(tmp_path: Path, granted: str,
                                                        denied: bool) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(granted=granted))
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    found = [f.message for f in scan(str(tmp_path)).findings if f.rule_id == "FG-PERM-103"]
    assert bool(found) is denied, found
    assert all("sns:Publish on ${Alerts}" in message for message in found)
