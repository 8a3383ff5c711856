"""Security events, EMF metrics, redaction in logs, and living beside Powertools' Logger."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from guard_events import http_v2

from faasguard.runtime import guard
from faasguard.runtime.audit import EVENT_TYPE, AuditLog


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_event_fields_and_emf_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(namespace="shop", function_name="orders")
    log.emit("block", request_id="r-1", source="apigw_http", client={"ip": "1.2.3.4"},
             principal="u-1", detector="xxe", reason="input", location="body.x", status=400,
             metric="blocked", dimension="xxe")
    (event,) = _lines(capsys.readouterr().out)
    assert event["type"] == EVENT_TYPE and event["time"].endswith("Z")
    for key, value in {"request_id": "r-1", "function": "orders", "source": "apigw_http",
                       "decision": "block", "detector": "xxe", "principal": "u-1",
                       "client": {"ip": "1.2.3.4"}, "status": 400}.items():
        assert event[key] == value
    emf = event["_aws"]
    assert isinstance(emf["Timestamp"], int)
    (directive,) = emf["CloudWatchMetrics"]
    assert directive == {"Namespace": "shop", "Dimensions": [["function", "detector"]],
                         "Metrics": [{"Name": "blocked", "Unit": "Count"}]}
    # EMF: every dimension and metric named in the directive is a top-level member
    for name in directive["Dimensions"][0] + [m["Name"] for m in directive["Metrics"]]:
        assert name in event


def test_allow_events_can_be_switched_off(capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(log_allow=False)
    assert log.emit("allow", source="sqs") is None
    assert capsys.readouterr().out == ""


def test_evidence_is_redacted() -> None:
    seen: list[dict[str, Any]] = []
    log = AuditLog(sink=seen.append, metrics=False)
    log.emit("block", evidence={"headers": {"Authorization": "Bearer abcdefghijkl"},
                                "sample": "mail ana@example.com card 4111111111111111"})
    evidence = seen[0]["evidence"]
    assert evidence == {"headers": {"Authorization": "[REDACTED]"},
                        "sample": "mail [REDACTED] card [REDACTED]"}


def test_guard_never_logs_secrets_of_the_request(capsys: pytest.CaptureFixture[str]) -> None:
    @guard()
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    event = http_v2({"email": "ana@example.com' OR '1'='1"},
                    headers={"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.abcdefgh"})
    assert handler(event, None)["statusCode"] == 400
    out = capsys.readouterr().out
    assert "ana@example.com" not in out and "eyJhbGciOiJIUzI1NiJ9" not in out
    assert _lines(out)[0]["evidence"]["sample"].startswith("[REDACTED]")


def test_logger_sink_gets_json_text_and_metrics_stay_on_stdout(
        capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("faasguard-test-audit")
    logger.addHandler(logging.StreamHandler(stream))
    logger.setLevel(logging.INFO)
    log = AuditLog(sink=logger, function_name="f")
    log.emit("block", detector="sql_injection", metric="blocked", dimension="sql_injection")
    log.emit("allow")
    logged = _lines(stream.getvalue())
    assert [e["decision"] for e in logged] == ["block", "allow"]
    (metric_line,) = _lines(capsys.readouterr().out)
    assert metric_line["blocked"] == 1 and metric_line["detector"] == "sql_injection"


def test_beside_powertools_logger(capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from aws_lambda_powertools import Logger  # the dev extra installs it

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders-fn")
    logger = Logger(service="orders")
    structured: list[dict[str, Any]] = []

    @guard()
    def handler(event: Any, context: Any) -> dict[str, Any]:
        logger.info("order accepted", extra={"order": "o-1"})
        return {"statusCode": 200}

    @guard(audit=lambda e: (structured.append(e), logger.warning(e)), metrics_namespace="shop")
    def handler2(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    assert handler(http_v2({"a": "../../etc/passwd"}), None)["statusCode"] == 400
    assert handler2(http_v2({"a": "{{7*7}}"}), None)["statusCode"] == 400
    lines = _lines(capsys.readouterr().out)  # every line is JSON: nobody broke the other
    ours = [line for line in lines if line.get("type") == EVENT_TYPE]
    theirs = [line for line in lines if line.get("service") == "orders"]
    assert [e["decision"] for e in ours] == ["allow", "block"]
    assert all(e["function"] == "orders-fn" for e in ours)
    assert theirs[0]["message"] == "order accepted" and theirs[0]["order"] == "o-1"
    # Powertools nests our event (a dict) as its message; the metric has its own line.
    nested = [t for t in theirs if isinstance(t.get("message"), dict)]
    assert nested and nested[0]["message"]["detector"] == "template_injection"
    metric_lines = [line for line in lines if line.get("type") == EVENT_TYPE + ".metric"]
    assert metric_lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "shop"


@pytest.mark.parametrize("fields", [
    ("r-1", "apigw_http", "1.2.3.4", "user-\u00e9\"42", "lambda-1"),
    (None, "sqs", None, None, None),
])
def test_allow_template_writes_what_emit_writes(capsys: pytest.CaptureFixture[str],
                                                fields: tuple[Any, ...]) -> None:
    request_id, source, ip, principal, aws_request_id = fields
    log = AuditLog(function_name="orders \\ api")
    log.allow(request_id, source, ip, principal, aws_request_id)
    log.emit("allow", request_id=request_id, source=source,
             client={"ip": ip} if ip else None, principal=principal,
             aws_request_id=aws_request_id)
    fast, generic = capsys.readouterr().out.splitlines()
    fast_event, generic_event = json.loads(fast), json.loads(generic)
    for event in (fast_event, generic_event):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event.pop("time"))
    assert list(fast_event.items()) == list(generic_event.items())
