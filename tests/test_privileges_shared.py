"""What privileges.needs_of and is_granted work out once per scan (equal targets, KMS keys,
trigger sources, action-list matches) gives the answers worked out afresh."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from faasguard.analysis.privileges import (
    Needs,
    PolicyResource,
    is_granted,
    needs_of,
    policy_resource,
)
from faasguard.model import Statement
from faasguard.scan import scan

REPO = Path(__file__).resolve().parents[1]
APPS = [REPO / "examples" / "vulnerable-app", REPO / "examples" / "vulnerable-app-terraform",
        REPO / "tests" / "fixtures" / "awscalls" / "apps" / "cfn",
        REPO / "tests" / "fixtures" / "awscalls" / "apps" / "shared"]


def _as_data(needs: Needs) -> dict[str, tuple[list[PolicyResource], list[object], str | None]]:
    return {a: (n.resources, n.calls, n.platform) for a, n in needs.needs.items()}


@pytest.mark.parametrize("app_dir", APPS, ids=lambda p: p.name)
def test_needs_shared_across_functions_equal_needs_worked_out_alone(app_dir: Path) -> None:
    result = scan(str(app_dir))
    app, facts = result.app, result.facts
    shared = replace(facts, memo={})
    together = {fid: needs_of(f, app, shared) for fid, f in app.functions.items()}
    assert any(n is not None for n in together.values())
    assert shared.memo["privileges.resources"]  # the functions' needs shared the memo
    for fid, function in app.functions.items():
        alone = needs_of(function, app, replace(facts, memo={}))
        found = together[fid]
        assert (found is None) == (alone is None)
        if found is None or alone is None:
            continue
        assert _as_data(found) == _as_data(alone) and found.complete == alone.complete
        for call in facts.aws_calls.get(fid, []):  # each resource is policy_resource's own
            for action in call.actions if call.known else ():
                for target in call.targets:
                    assert policy_resource(action, target, app) in \
                        found.needs[action].resources


_TEMPLATE = """\
service: media
provider:
  name: aws
  runtime: python3.12
  environment:
    BUCKET: !Ref Media
functions:
  lister:
    handler: lister.handler
    events:
      - sqs: {arn: !GetAtt Jobs.Arn}
  deleter:
    handler: deleter.handler
    events:
      - sqs: {arn: !GetAtt Jobs.Arn}
resources:
  Resources:
    Media:
      Type: AWS::S3::Bucket
      Properties: {BucketName: media-files}
    Jobs:
      Type: AWS::SQS::Queue
"""
_HANDLER = """\
import os

import boto3

S3 = boto3.client("s3")


def handler(event, context):
    S3.{first}
    return S3.{second}
"""


def test_bucket_and_object_actions_on_one_target_keep_their_own_resources(tmp_path) -> None:
    """The per-scan memo is keyed by the kind of resource the action takes: s3:ListBucket
    and s3:DeleteObject on one bucket get the bucket and its objects, whichever function
    asks first; both functions share the queue they poll."""
    listing = 'list_objects_v2(Bucket=os.environ["BUCKET"])'
    deleting = 'delete_objects(Bucket=os.environ["BUCKET"], Delete={"Objects": []})'
    (tmp_path / "serverless.yml").write_text(_TEMPLATE)
    (tmp_path / "lister.py").write_text(_HANDLER.format(first=listing, second=deleting))
    (tmp_path / "deleter.py").write_text(_HANDLER.format(first=deleting, second=listing))
    result = scan(str(tmp_path))
    shared = replace(result.facts, memo={})
    for function in result.app.functions.values():
        needs = needs_of(function, result.app, shared)
        assert needs is not None
        assert [r.text for r in needs.needs["s3:ListBucket"].resources] == \
            ["${Media.Arn}"]
        assert [r.text for r in needs.needs["s3:DeleteObject"].resources] == \
            ["${Media.Arn}/*"]
        assert [r.text for r in needs.needs["sqs:ReceiveMessage"].resources] == ["${Jobs.Arn}"]


def test_unhashable_action_entries_are_left_out_not_fatal() -> None:
    resource = PolicyResource("arn:aws:s3:::media/*", "x", ("arn:aws:s3:::media/*",))
    nested = Statement("Allow", (["s3:GetObject"], "s3:GetObject"), (), ("*",))  # type: ignore[arg-type]
    only_nested = Statement("Allow", (["s3:*"],), (), ("*",))  # type: ignore[arg-type]
    assert is_granted([nested], "s3:GetObject", resource).granted is True
    assert is_granted([only_nested], "s3:GetObject", resource).granted is False
    assert is_granted([Statement("Allow", not_actions=(["s3:*"],), resources=("*",))],  # type: ignore[arg-type]
                      "s3:GetObject", resource).granted is True
