"""Rekognition and Textract read the S3 object a request names with the caller's
permissions (their S3Object data type: the user must be allowed to access the object),
so such a call also needs s3:GetObject on that object (call_actions.json `s3_objects`)."""

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

vision = boto3.client("rekognition")


class Labels:
    def __init__(self, client):
        self._client = client

    def of(self, bucket, key):
        return self._client.detect_labels(
            Image={"S3Object": {"Bucket": bucket, "Name": key}}, MinConfidence=50.0)


def handler(event, context):
    record = event["Records"][0]["s3"]
    Labels(vision).of(record["bucket"]["name"], record["object"]["key"])
    vision.compare_faces(SourceImage={"S3Object": {"Bucket": "faces", "Name": "a.jpg"}},
                         TargetImage={"Bytes": b"..."})
    vision.detect_text(Image={"Bytes": event["body"].encode()})
    boto3.client("textract").start_document_analysis(
        DocumentLocation={"S3Object": {"Bucket": os.environ["DOCS"], "Name": "in.pdf"}},
        FeatureTypes=["TABLES"])
'''


def test_an_object_the_service_reads_needs_get_object(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HANDLER)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler") or []
    reads = [(c.line, c.method, c.targets[0].name.env, c.targets[0].name.literal,
              c.targets[0].key.literal if c.targets[0].key else None)
             for c in calls if c.actions == ("s3:GetObject",)]
    assert reads == [(14, "detect_labels", None, None, None),
                     (21, "compare_faces", None, "faces", "a.jpg"),
                     (24, "start_document_analysis", "DOCS", None, "in.pdf")]
    # image bytes in the request: no object read
    assert not [c for c in calls if c.method == "detect_text" and c.service == "s3"]


#: botocore's name of each IAM prefix the table uses
_SERVICES = {"rekognition": "rekognition", "textract": "textract"}


@pytest.mark.parametrize("key, paths", sorted(aws_sdk.table()["s3_objects"].items()))
def test_the_table_names_real_operations_and_s3_object_parameters(
        key: str, paths: list[str]) -> None:
    prefix, _, operation = key.partition(":")
    sdk = aws_sdk.service(_SERVICES[prefix])
    assert sdk is not None and sdk.prefix == prefix
    model = aws_models.load(_SERVICES[prefix], "service-2") or {}
    shapes = model["shapes"]
    for path in paths:
        shape = shapes[model["operations"][operation]["input"]["shape"]]
        for part in path.split("."):
            shape = shapes[shape["member"]["shape"] if part == "*"
                           else shape["members"][part]["shape"]]
        assert set(shape["members"]) >= {"Bucket", "Name"}


TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Media:
    Type: AWS::S3::Bucket
  Tagger:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          MEDIA: !Ref Media
      Policies:
        - Statement:
            - Effect: Allow
              Action: [rekognition:DetectLabels]
              Resource: '*'
            - Effect: Allow
              Action: [s3:GetObject]
              Resource: !Sub '${Media.Arn}/*'
"""


def test_the_read_grant_is_used(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "import os\n\nimport boto3\n\n\ndef handler(event, context):\n"
        "    boto3.client('rekognition').detect_labels(Image={'S3Object': {\n"
        "        'Bucket': os.environ['MEDIA'], 'Name': 'photo.jpg'}})\n")
    findings = scan(str(tmp_path)).findings
    assert not [f.message for f in findings if f.rule_id == "FG-PERM-101"]  # both used
    assert not [f.message for f in findings if f.rule_id == "FG-PERM-103"]  # and cover it
