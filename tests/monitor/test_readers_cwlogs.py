"""CloudWatch Logs containers: subscription payloads (Lambda, Kinesis, Firehose),
filter-log-events output and S3 exports."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path
from typing import Any

from tests.shared_data import AWS_EVENTS

from .readers_support import FIXTURES, encode_payload, read

CW = FIXTURES / "cwlogs"


def _payload() -> dict[str, Any]:
    return json.loads((CW / "payload-decoded.json").read_text())


def test_subscription_event_of_a_lambda_destination(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"awslogs": {"data": encode_payload(_payload())}}, indent=2))
    events, stats = read(path)
    assert stats.malformed == 0, stats.summary()
    assert [(e.source, e.kind) for e in events] == [
        ("lambda-platform", "start"), ("guard", "guard"), ("lambda-platform", "end"),
        ("lambda-platform", "report")]
    # the function comes from the log group, the time from each log event
    assert {e.function for e in events} == {"payments-api"}
    assert events[0].time.isoformat() == "2026-01-05T13:00:00+00:00"
    assert events[1].detector == "command_injection" and events[1].client_ip == "203.0.113.50"
    assert events[3].memory_mb == 512


def test_control_messages_carry_no_events(tmp_path: Path) -> None:
    control = json.loads((CW / "control-decoded.json").read_text())
    path = tmp_path / "events.jsonl"
    lines = [{"awslogs": {"data": encode_payload(control)}},
             {"awslogs": {"data": encode_payload(_payload())}}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    events, stats = read(path)
    assert stats.malformed == 0 and len(events) == 4
    assert {e.line for e in events} == {2}


def test_kinesis_and_firehose_records(tmp_path: Path) -> None:
    data = encode_payload(_payload())
    kinesis = {"Records": [{"kinesis": {"data": data, "partitionKey": "p"},
                            "eventSource": "aws:kinesis", "eventName": "aws:kinesis:record"}]}
    firehose = {"invocationId": "i-1", "records": [{"recordId": "r-1", "data": data}]}
    (tmp_path / "kinesis.json").write_text(json.dumps(kinesis))
    (tmp_path / "firehose.json").write_text(json.dumps(firehose))
    events, stats = read(tmp_path)
    assert stats.malformed == 0 and len(events) == 8
    assert sum(e.source == "guard" for e in events) == 2


def test_shared_aws_event_shapes() -> None:
    events, stats = read(AWS_EVENTS / "cloudWatchLogEvent.json",
                         AWS_EVENTS / "kinesisStreamCloudWatchLogsEvent.json",
                         AWS_EVENTS / "cloudWatchLogEventWithPolicyLevel.json")
    assert stats.malformed == 0, stats.summary()
    # the plain payload: two app lines of a group that is not a function's
    assert [(e.source, e.level) for e in events[:2]] == [("lambda-app", "ERROR")] * 2
    reports = [e for e in events if e.kind == "report"]
    assert len(reports) == 2 and all(r.function for r in reports)
    assert reports[0].init_ms is not None and reports[1].init_ms is None


def test_bad_subscription_data_is_malformed(tmp_path: Path) -> None:
    too_big = {"messageType": "DATA_MESSAGE", "logGroup": "/aws/lambda/x",
               "logEvents": [{"id": "1", "timestamp": 1767618000000, "message": "x" * 5000}]}
    lines = [{"awslogs": {"data": "%%%not base64"}},
             {"awslogs": {"data": base64.b64encode(b"plain text").decode()}},
             {"awslogs": {"data": base64.b64encode(zlib.compress(b"[1, 2")).decode()}},
             {"awslogs": {"data": encode_payload(too_big)}}]
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    events, stats = read(path, config={"max-document-bytes": 1000})
    assert events == []
    assert [s.line for s in stats.samples] == [1, 2, 3, 4]
    reasons = [s.reason for s in stats.samples]
    assert "not base64" in reasons[0] and "not gzip" in reasons[1]
    assert "not JSON" in reasons[2] and "larger than 1000 bytes" in reasons[3]


def test_filter_log_events_output_with_function_from_config() -> None:
    events, stats = read(CW / "filter-log-events.json", config={"function": "reports-export"})
    assert stats.malformed == 0
    assert [e.kind for e in events] == ["start", "report"]
    assert events[1].duration_ms == 1001.0 and events[1].memory_mb == 1024
    assert {e.function for e in events} == {"reports-export"}
    assert events[0].detail == "12"  # the version


def test_s3_export_mixes_json_format_and_access_lines(tmp_path: Path) -> None:
    lines = [
        '2026-01-05T15:00:00.000Z {"time":"2026-01-05T15:00:00.000Z","type":"platform.start",'
        '"record":{"requestId":"r-9","version":"$LATEST"}}',
        '2026-01-05T15:00:00.050Z {"timestamp":"2026-01-05T15:00:00.050Z","level":"WARN",'
        '"message":"slow downstream","requestId":"r-9"}',
        '2026-01-05T15:00:01.000Z {"requestId":"a-1","ip":"192.0.2.1","httpMethod":"GET",'
        '"routeKey":"GET /x","status":"200"}',
    ]
    path = tmp_path / "aws" / "lambda" / "inventory" / "000000"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n")
    events, stats = read(path)
    assert stats.malformed == 0
    assert [(e.source, e.kind) for e in events] == [
        ("lambda-platform", "start"), ("lambda-app", "log"), ("apigw-access", "request")]
    assert events[1].level == "WARN" and events[1].function == "inventory"
    # the access record has no time of its own: the export line's is used
    assert events[2].time.isoformat() == "2026-01-05T15:00:01+00:00"
