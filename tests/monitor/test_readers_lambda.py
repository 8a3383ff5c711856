"""Lambda logs: the text format (as an S3 export) and the JSON format, and app/guard lines."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from faasguard.monitor.events import Event
from faasguard.monitor.readers.base import Context, Malformed, ReadConfig
from faasguard.monitor.readers.lambda_text import parse
from faasguard.runtime.audit import AuditLog

from .readers_support import FIXTURES, by_request, read

ORDERS = FIXTURES / "aws" / "lambda" / "orders-api"


def test_text_export_platform_lines_and_cold_start() -> None:
    events, stats = read(ORDERS / "000000.log")
    assert stats.malformed == 0, stats.summary()
    first = by_request(events, "5d1e9f5a-2b1c-4c4e-9a51-0b6f2e1d7c01")
    assert [e.kind for e in first] == ["start", "log", "end", "report"]
    report = first[-1]
    assert report.function == "orders-api"  # from the aws/lambda/<name> path
    assert report.time == datetime(2026, 1, 5, 10, 0, 0, 330000, tzinfo=timezone.utc)
    assert (report.duration_ms, report.billed_ms) == (118.40, 119.0)
    assert (report.memory_mb, report.max_memory_mb) == (256, 81)
    assert report.init_ms == 204.17 and report.cold_start
    assert report.error_type is None
    assert (report.file, report.line) == (str(ORDERS / "000000.log"), 5)
    assert events[0].kind == "init" and events[0].detail == "python:3.12.v38"


def test_text_export_errors_timeouts_and_tracebacks() -> None:
    events, stats = read(ORDERS / "000000.log")
    uncaught = [e for e in events if e.source == "lambda-app" and e.kind == "error"]
    assert [e.error_type for e in uncaught] == ["KeyError", "TypeError"]
    assert uncaught[1].request_id == "0e4f5a6b-1c2d-4e3f-9a8b-7c6d5e4f3a04"
    # the traceback lines under "[ERROR] KeyError" are part of that message, not garbage
    assert stats.malformed == 0
    failed = by_request(events, "8a0c33e4-71d2-4f0b-b6f8-3c2d9e4a5b02")[-1]
    assert failed.kind == "report" and failed.error_type == "Runtime.Unknown"
    assert not failed.cold_start
    timed_out = by_request(events, "c7b2a1d0-9e8f-4a3b-8c7d-6e5f4a3b2c03")
    assert [e.kind for e in timed_out] == ["start", "timeout", "end", "report"]
    assert timed_out[1].duration_ms == 3000.0
    assert timed_out[-1].error_type == "timeout"
    killed = by_request(events, "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a05")
    assert killed[0].kind == "error" and "signal: killed" in (killed[0].message or "")
    plain = events[-1]
    assert (plain.source, plain.kind, plain.message) == (
        "lambda-app", "log", "processed batch of 25 records")


def test_platform_line_without_time_is_malformed_not_guessed() -> None:
    ctx = Context("f.log", 1, ReadConfig())
    try:
        parse("START RequestId: 1 Version: $LATEST", ctx)
    except Malformed as exc:
        assert "no timestamp" in str(exc)
    else:
        raise AssertionError("a START line without a time must not become an event")
    assert parse("hello world", ctx) is None
    when = datetime(2026, 1, 5, tzinfo=timezone.utc)
    event = parse("REPORT RequestId: 1\tDuration: 5.5 ms\tBilled Duration: 6 ms", ctx.at(time=when))
    assert isinstance(event, Event) and event.duration_ms == 5.5 and event.memory_mb is None
    # tabs turned into spaces by a copy or a tool: still read
    spaced = parse("REPORT RequestId: 1 Duration: 5.5 ms Billed Duration: 6 ms Memory Size: "
                   "128 MB Max Memory Used: 40 MB Init Duration: 99.5 ms", ctx.at(time=when))
    assert spaced is not None and (spaced.billed_ms, spaced.memory_mb, spaced.max_memory_mb,
                                   spaced.init_ms) == (6.0, 128, 40, 99.5)
    start = parse("START RequestId: 2 Version: 7", ctx.at(time=when))
    assert start is not None and (start.kind, start.request_id, start.detail) == ("start", "2", "7")


def test_json_format_platform_and_app_records() -> None:
    events, stats = read(ORDERS / "platform.jsonl")
    assert stats.malformed == 0, stats.summary()
    assert [e.kind for e in events] == ["init", "start", "log", "end", "report", "end",
                                        "report", "error"]
    report = events[4]
    assert (report.duration_ms, report.billed_ms, report.memory_mb, report.max_memory_mb,
            report.init_ms) == (99.1, 100.0, 256, 77, 187.5)
    assert report.error_type is None and report.function == "orders-api"
    assert events[6].error_type == "timeout" and events[5].error_type == "timeout"
    uncaught = events[7]
    assert (uncaught.source, uncaught.error_type, uncaught.level) == (
        "lambda-app", "KeyError", "ERROR")


def test_powertools_lines_and_guard_events() -> None:
    events, stats = read(FIXTURES / "app" / "powertools.jsonl")
    assert stats.malformed == 0, stats.summary()
    # the metric-only companion line is not an event
    assert [(e.source, e.kind) for e in events] == [
        ("lambda-app", "log"), ("lambda-app", "error"), ("guard", "guard"), ("guard", "guard")]
    info, error, injection, auth = events
    assert info.function == "payments-api"
    assert info.request_id == "9d8c7b6a-5f4e-4d3c-8b2a-190817263545"
    assert info.time == datetime(2026, 1, 5, 12, 0, 0, 123000, tzinfo=timezone.utc)
    assert (error.error_type, error.message) == ("CardDeclined", "card declined")
    assert (injection.decision, injection.detector, injection.detail, injection.status) == (
        "block", "sql_injection", "query.id", 400)
    assert (injection.client_ip, injection.principal) == ("203.0.113.50", "user-1081")
    assert "1' OR '1'='1" in (injection.params or "")
    assert (auth.detector, auth.reason, auth.status) == ("auth", "expired", 401)


def test_events_written_by_the_real_audit_log_are_read_back(tmp_path: Path) -> None:
    written: list[dict[str, Any]] = []
    audit = AuditLog(sink=written.append, function_name="orders-api", metrics=False)
    audit.emit("block", request_id="r-1", source="apigw_rest", client={"ip": "192.0.2.9"},
               principal="u-9", detector="path_traversal", reason="input",
               location="path.key", status=400, evidence={"sample": "../../etc/passwd"})
    audit.emit("block", request_id="r-2", source="apigw_rest", client={"ip": "192.0.2.9"},
               detector="rate_limit", reason="rate_limited", status=429, retry_after_s=1.5)
    audit.emit("allow", request_id="r-3", source="apigw_rest", principal="u-9")
    log = tmp_path / "guard.jsonl"
    log.write_text("".join(json.dumps(event) + "\n" for event in written))
    events, stats = read(log)
    assert stats.malformed == 0
    assert [(e.request_id, e.decision, e.detector) for e in events] == [
        ("r-1", "block", "path_traversal"), ("r-2", "block", "rate_limit"), ("r-3", "allow", None)]
    assert events[0].client_ip == "192.0.2.9" and events[0].detail == "path.key"
    assert events[1].status == 429 and '"retry_after_s":1.5' in (events[1].params or "")
    assert all(e.function == "orders-api" and e.source == "guard" for e in events)


def test_runtime_lines_with_their_own_time_need_no_export_around_them(tmp_path: Path) -> None:
    path = tmp_path / "aws" / "lambda" / "cart" / "stdout.log"
    path.parent.mkdir(parents=True)
    path.write_text(
        "[INFO]\t2026-01-05T10:00:00.123Z\tr-1\tcart loaded\n"
        "2026-01-05T10:00:00.200Z\tr-2\tWARN\tslow cart\n"
        "2026-01-05T10:00:03.004Z r-3 Task timed out after 3.00 seconds\n"
        "{\"broken\": \n")
    events, stats = read(path)
    assert [(e.kind, e.level, e.request_id, e.function) for e in events] == [
        ("log", "INFO", "r-1", "cart"), ("log", "WARNING", "r-2", "cart"),
        ("timeout", None, "r-3", "cart")]
    assert [s.reason for s in stats.samples] == ["not valid JSON"]
