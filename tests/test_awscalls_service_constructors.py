"""A service resource makes every resource type of its service, not only those its model
lists (boto3 adds a constructor taking all the identifiers of each other type): the S3
model's service names only Bucket, yet `boto3.resource("s3").Object(bucket, key)` is how
much handler code reads and writes objects."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis import aws_sdk
from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache

HANDLER = '''
import os

import boto3

s3 = boto3.resource("s3")


def handler(event, context):
    bucket = os.environ["BUCKET"]
    s3.Object(bucket, "in/a.json").get()
    s3.Object(bucket_name=bucket, key="out/a.json").put(Body=b"{}")
    summary = s3.ObjectSummary(bucket, "in/b.json")
    summary.delete()
    boto3.resource("sqs").Message(os.environ["QUEUE_URL"], event["handle"]).delete()
'''


def test_constructors_of_the_types_a_service_model_does_not_list(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HANDLER)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler") or []
    got = [(c.line, c.actions, c.targets[0].name.env,
            c.targets[0].key.literal if c.targets[0].key else None) for c in calls]
    assert got == [(11, ("s3:GetObject",), "BUCKET", "in/a.json"),
                   (12, ("s3:PutObject",), "BUCKET", "out/a.json"),
                   (14, ("s3:DeleteObject",), "BUCKET", "in/b.json"),
                   (15, ("sqs:DeleteMessage",), "QUEUE_URL", None)]


def test_the_model_keeps_the_sub_resources_it_names() -> None:
    has = aws_sdk.resource_model("s3", None).raw["has"]
    assert has["Bucket"]["resource"]["identifiers"] == [{"target": "Name", "source": "input"}]
    assert has["Object"]["resource"]["identifiers"] == [
        {"target": "BucketName", "source": "input"}, {"target": "Key", "source": "input"}]
    # a type the model gives a constructor of its own is not made twice
    assert "Table" in aws_sdk.resource_model("dynamodb", None).raw["has"]
