"""An S3 key (or an index name) the code computes is written `*` in the need; a grant on
part of the bucket may cover it, so the check answers 'cannot tell' (no AccessDenied
finding) instead of 'not allowed'. A grant on another bucket is still 'not allowed'."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.privileges import PolicyResource, is_granted
from faasguard.model import Statement
from faasguard.scan import scan

COMPUTED = PolicyResource("arn:${AWS::Partition}:s3:::media/*", "x", ("arn:*:s3:::media/*",),
                          open_tail=True)
COMPUTED_UNDER = PolicyResource("arn:${AWS::Partition}:s3:::media/in/*", "x",
                                ("arn:*:s3:::media/in/*",), open_tail=True)
EVERY_KEY = PolicyResource("arn:${AWS::Partition}:s3:::media/*", "x", ("arn:*:s3:::media/*",))


def _allow(resource: str) -> list[Statement]:
    return [Statement("Allow", ("s3:PutObject",), (), (resource,), ())]


@pytest.mark.parametrize("resource, granted, expected", [
    (COMPUTED, "arn:aws:s3:::media/*", True),
    (COMPUTED, "arn:aws:s3:::media/uploads/*", None),
    (COMPUTED, "arn:${AWS::Partition}:s3:::media/uploads/*", None),
    (COMPUTED, "arn:aws:s3:::other/uploads/*", False),
    (COMPUTED, "arn:aws:s3:::media", False),
    (COMPUTED, "arn:aws:s3:::mediaplus/*", False),
    (COMPUTED, "arn:aws:s3:::media*", True),
    (COMPUTED_UNDER, "arn:aws:s3:::media/in/2024/*", None),
    (COMPUTED_UNDER, "arn:aws:s3:::media/*/raw", None),
    (COMPUTED_UNDER, "arn:aws:s3:::media/out/*", False),
    (EVERY_KEY, "arn:aws:s3:::media/uploads/*", False),
])
def test_a_grant_on_part_of_a_computed_key(resource: PolicyResource, granted: str,
                                           expected: bool | None) -> None:
    assert is_granted(_allow(granted), "s3:PutObject", resource).granted is expected


APP = """service: uploads
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [s3:PutObject]
          Resource: arn:aws:s3:::{bucket}/incoming/*
functions:
  put:
    handler: handler.put
"""

HANDLER = """import boto3

s3 = boto3.client("s3")


def put(event, context):
    s3.put_object(Bucket="media", Key=event["key"], Body=b"")
"""


def _rule_ids(tmp_path: Path, bucket: str) -> list[str]:
    (tmp_path / "serverless.yml").write_text(APP.format(bucket=bucket))
    (tmp_path / "handler.py").write_text(HANDLER)
    return [f.rule_id for f in scan(str(tmp_path)).findings]


def test_no_access_denied_claim_for_a_key_under_the_granted_prefix(tmp_path: Path) -> None:
    assert "FG-PERM-103" not in _rule_ids(tmp_path, "media")


def test_access_denied_when_the_grant_names_another_bucket(tmp_path: Path) -> None:
    assert "FG-PERM-103" in _rule_ids(tmp_path, "archive")
