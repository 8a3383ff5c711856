"""CloudTrail: S3 delivery files, JSON lines, lookup-events output, EventBridge events."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .readers_support import FIXTURES, read

TRAIL = FIXTURES / "cloudtrail"


def test_trail_file_records() -> None:
    events, stats = read(TRAIL / "trail.json")
    assert stats.malformed == 0, stats.summary()
    attach, add_permission, root_login = events
    assert attach.api_action == "iam.amazonaws.com:AttachRolePolicy"
    assert attach.principal == "arn:aws:iam::111122223333:user/deploy-bot"
    assert attach.principal_type == "IAMUser" and attach.client_ip == "192.0.2.200"
    assert json.loads(attach.params or "") == {
        "roleName": "orders-api-role", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    assert attach.error_code is None and attach.line == 3
    # Lambda's API version suffix is dropped; the target function is named
    assert add_permission.api_action == "lambda.amazonaws.com:AddPermission"
    assert add_permission.function == "billing-worker"
    assert add_permission.error_code == "AccessDenied"
    assert add_permission.principal_type == "AssumedRole"
    assert json.loads(add_permission.params or "")["principal"] == "*"
    assert (root_login.principal_type, root_login.mfa_used, root_login.detail) == (
        "Root", False, "Success")


def test_gzip_single_line_delivery_file_is_streamed(tmp_path: Path) -> None:
    records = json.loads((TRAIL / "trail.json").read_text())["Records"] * 50
    path = tmp_path / "111122223333_CloudTrail_eu-west-1_20260105T1300Z_a1b2.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": records}).encode()))
    events, stats = read(path)
    assert stats.malformed == 0 and len(events) == 150
    assert {e.line for e in events} == {1}


def test_lookup_events_output_and_json_lines() -> None:
    events, stats = read(TRAIL / "lookup-events.json", TRAIL / "records.jsonl")
    assert stats.malformed == 0, stats.summary()
    url, list_roles, again, access_key = events
    assert url.api_action == "lambda.amazonaws.com:UpdateFunctionUrlConfig"
    assert url.function == "reports-export"
    assert json.loads(url.params or "") == {"functionName": "reports-export", "authType": "NONE"}
    assert (list_roles.error_code, list_roles.principal) == (
        "AccessDenied", "arn:aws:iam::111122223333:user/alice")
    assert list_roles.line > url.line  # each item points at its own line
    assert again.file.endswith("records.jsonl") and again.error_code == "AccessDenied"
    assert access_key.api_action == "iam.amazonaws.com:CreateAccessKey"  # via EventBridge


def test_broken_records_are_counted_and_the_rest_kept(tmp_path: Path) -> None:
    good = json.loads((TRAIL / "trail.json").read_text())["Records"][0]
    lookup = {"Events": [{"EventName": "X", "EventSource": "iam.amazonaws.com",
                          "CloudTrailEvent": "{not json"},
                         {"EventName": "AttachRolePolicy", "CloudTrailEvent": json.dumps(good)}]}
    path = tmp_path / "lookup.json"
    path.write_text(json.dumps(lookup, indent=2))
    events, stats = read(path)
    assert [e.api_action for e in events] == ["iam.amazonaws.com:AttachRolePolicy"]
    assert stats.malformed == 1
    assert "CloudTrailEvent is not JSON" in stats.samples[0].reason
