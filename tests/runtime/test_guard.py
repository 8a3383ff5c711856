"""The guard end to end: responses per source, pass-through, async, config sources."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from guard_events import ALL_SAMPLES, BROKEN_BASE64, http_v2, rest_v1, sample, sqs

from faasguard.runtime import InputRejected, InvalidEvent, current, guard, wrap
from faasguard.runtime.pipeline import GuardState

ATTACK = {"name": "' OR '1'='1"}


def _ok(event: Any, context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": "ok"}


def _collecting(**options: Any) -> tuple[Any, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    options.setdefault("metrics", False)
    return wrap(_ok, audit=events.append, **options), events


def test_no_argument_guard_inspects_and_logs(capsys: pytest.CaptureFixture[str]) -> None:
    @guard
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    @guard()
    def handler2(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    assert handler(http_v2({"name": "Ana"}), None) == {"statusCode": 200}
    assert handler2(http_v2(ATTACK), None)["statusCode"] == 400
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["decision"] for e in lines] == ["allow", "block"]
    assert lines[1]["detector"] == "sql_injection" and lines[1]["blocked"] == 1
    assert handler.__name__ == "handler"


def test_block_responses_are_generic_and_source_shaped() -> None:
    handler, _ = _collecting()
    v2 = handler(http_v2(ATTACK), None)
    assert v2 == {"statusCode": 400, "body": '{"message": "Bad Request"}',
                  "isBase64Encoded": False,
                  "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"}}
    assert "OR" not in json.dumps(v2)
    assert handler(rest_v1(ATTACK), None)["statusCode"] == 400
    alb = sample("albMultiValueHeadersEvent.json")
    alb["multiValueQueryStringParameters"] = {"q": ["..%2F..%2Fetc%2Fpasswd"]}
    response = handler(alb, None)
    assert response["statusDescription"] == "400 Bad Request"
    assert response["multiValueHeaders"]["Content-Type"] == ["application/json"]
    url = sample("lambdaFunctionUrlEvent.json")
    url["rawQueryString"] = "file=%2Fetc%2Fpasswd"
    assert handler(url, None)["statusCode"] == 400


def test_non_http_sources_get_typed_exceptions() -> None:
    handler, events = _collecting()
    with pytest.raises(InputRejected) as caught:
        handler(sqs({"ok": "fine"}, {"q": {"$ne": None}}), None)
    assert (caught.value.detector, caught.value.location) == ("nosql_injection",
                                                               "records[1].q.$ne")
    assert events[-1]["source"] == "sqs" and events[-1]["status"] == 400


def test_malformed_events_are_refused_with_a_security_event() -> None:
    handler, events = _collecting()
    assert handler(http_v2(raw_body="{oops"), None)["statusCode"] == 400
    assert events[-1]["detector"] == "invalid_event" and events[-1]["reason"] == "body_not_json"
    broken = sqs("x")
    del broken["Records"][0]["body"]
    with pytest.raises(InvalidEvent) as caught:
        handler(broken, None)
    assert caught.value.reason == "missing_field"
    assert events[-1]["decision"] == "block"


def test_malformed_event_in_report_mode_reaches_the_handler() -> None:
    handler, events = _collecting(detectors={"invalid_event": "report"})
    assert handler(http_v2(raw_body="{oops"), None) == {"statusCode": 200, "body": "ok"}
    assert [e["decision"] for e in events] == ["report", "allow"]


def test_report_mode_logs_and_lets_through() -> None:
    handler, events = _collecting(mode="report")
    assert handler(http_v2(ATTACK), None)["statusCode"] == 200
    assert events[0]["decision"] == "report" and events[0]["detector"] == "sql_injection"
    assert events[-1]["decision"] == "allow"


def test_handler_exceptions_propagate_unchanged() -> None:
    error = RuntimeError("database down")

    @guard(audit=None)
    def handler(event: Any, context: Any) -> None:
        raise error

    with pytest.raises(RuntimeError) as caught:
        handler(http_v2({"a": 1}), None)
    assert caught.value is error


def test_async_handlers_and_current_state() -> None:
    seen: list[GuardState | None] = []

    @guard(audit=None)
    async def handler(event: Any, context: Any) -> dict[str, Any]:
        await asyncio.sleep(0)
        seen.append(current())
        return {"statusCode": 200}

    assert asyncio.run(handler(http_v2({"a": 1}), None)) == {"statusCode": 200}
    assert asyncio.run(handler(http_v2(ATTACK), None))["statusCode"] == 400
    state = seen[0]
    assert state is not None and state.view.source == "apigw_http" and state.claims == {}
    assert current() is None


def test_context_is_passed_through() -> None:
    @guard(audit=None)
    def handler(event: Any, context: Any) -> Any:
        return context

    marker = object()
    assert handler(http_v2({"a": 1}), marker) is marker


def test_options_from_env_and_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAASGUARD_DETECTORS", "sql_injection=off")
    handler, _ = _collecting()
    assert handler(http_v2(ATTACK), None)["statusCode"] == 200
    config = tmp_path / "faasguard.json"
    config.write_text(json.dumps({"mode": "report", "detectors": {"xxe": "block"}}))
    monkeypatch.delenv("FAASGUARD_DETECTORS")
    monkeypatch.setenv("FAASGUARD_CONFIG", str(config))
    handler, events = _collecting()
    assert handler(http_v2(ATTACK), None)["statusCode"] == 200
    assert events[0]["decision"] == "report"
    xxe = {"x": "<!DOCTYPE a [<!ENTITY b SYSTEM 'http://x'>]>"}
    assert handler(http_v2(xxe), None)["statusCode"] == 400
    # keyword arguments win over the environment and the file
    handler, _ = _collecting(mode="block")
    assert handler(http_v2(ATTACK), None)["statusCode"] == 400


def test_yaml_config_file(tmp_path: Path) -> None:
    config = tmp_path / "faasguard.yml"
    config.write_text("detectors:\n  sql_injection: off\nmax_body_bytes: 10\n")
    handler, events = _collecting(config=str(config))
    assert handler(http_v2(ATTACK), None)["statusCode"] == 400
    assert events[-1]["detector"] == "oversize"


@pytest.mark.parametrize("options, message", [
    ({"detectors": {"sqli": "block"}}, "unknown detector"),
    ({"mode": "loud"}, "unknown mode"),
    ({"rate_limit_key": "cookie"}, "rate_limit_key"),
    ({"colour": "red"}, "unknown guard option"),
    ({"rate_limit": "fast"}, "100/60"),
    ({"sandbox": "yes please"}, "sandbox="),
    ({"auth": 42}, "auth="),
    ({"rate_limit": 100}, "rate_limit="),
    ({"rate_limit": {"window_s": 60}}, "rate_limit= or budget="),
    ({"budget": {"per_week": 5}}, "rate_limit= or budget="),
])
def test_wrong_options_fail_at_decoration(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wrap(_ok, **options)


def test_wrong_env_fails_at_decoration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAASGUARD_MAX_DEPTH", "deep")
    with pytest.raises(ValueError, match="FAASGUARD_MAX_DEPTH"):
        wrap(_ok)
    monkeypatch.delenv("FAASGUARD_MAX_DEPTH")
    monkeypatch.setenv("FAASGUARD_COLOUR", "red")
    with pytest.raises(ValueError, match="FAASGUARD_COLOUR"):
        wrap(_ok)


def test_id_fields_are_configurable() -> None:
    event = http_v2({"account": "a1; reboot"})
    default, _ = _collecting()
    assert default(event, None)["statusCode"] == 200
    strict, events = _collecting(id_fields=["account"])
    assert strict(http_v2({"account": "a1; reboot"}), None)["statusCode"] == 400
    assert events[-1]["detector"] == "command_injection"


def test_headers_and_cookies_are_not_inspected() -> None:
    handler, _ = _collecting()
    event = http_v2({"a": 1}, headers={"user-agent": "' OR '1'='1", "cookie": "a=../../x"})
    assert handler(event, None)["statusCode"] == 200


def test_traversal_in_the_path_is_blocked() -> None:
    handler, events = _collecting()
    assert handler(http_v2({"a": 1}, path="/files/..%2f..%2fetc/passwd"), None)["statusCode"] \
        == 400
    assert events[-1]["location"] == "path"
    assert handler(http_v2({"a": 1}, path="/etc/config"), None)["statusCode"] == 200


def test_operator_keys_inside_an_sns_message_through_sqs_are_caught() -> None:
    event = sample("snsSqsEvent.json")
    envelope = json.loads(event["Records"][0]["body"])
    envelope["Message"] = json.dumps({"user": {"$ne": None}})
    event["Records"][0]["body"] = json.dumps(envelope)
    handler, _ = _collecting()
    with pytest.raises(InputRejected) as caught:
        handler(event, None)
    assert caught.value.detector == "nosql_injection"


def test_env_switches_audit_off_and_limits_on(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FAASGUARD_AUDIT", "off")
    monkeypatch.setenv("FAASGUARD_RATE_LIMIT", "1/60")
    monkeypatch.setenv("FAASGUARD_STORE", "memory:")
    handler = wrap(_ok)
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 429
    assert capsys.readouterr().out == ""


def test_malformed_http_event_in_report_mode_still_gets_http_refusals() -> None:
    handler, _ = _collecting(detectors={"invalid_event": "report"}, rate_limit="1/60")
    assert handler(http_v2(raw_body="{oops"), None)["statusCode"] == 200
    assert handler(http_v2(raw_body="{oops"), None)["statusCode"] == 429


def test_every_sample_event_passes_the_default_guard() -> None:
    """Real AWS event shapes are not attacks (precision on AWS-generated metadata)."""
    handler, events = _collecting(audit_allow=False)
    refused = []
    for name in ALL_SAMPLES:
        events.clear()
        try:
            result = handler(sample(name), None)
        except (InputRejected, InvalidEvent):
            refused.append(name)
            continue
        if result != {"statusCode": 200, "body": "ok"}:
            refused.append(name)
    assert sorted(refused) == sorted(BROKEN_BASE64)


def test_a_shared_guard_config_object() -> None:
    from faasguard.runtime import GuardConfig

    shared = GuardConfig(mode="report", metrics=False)
    events: list[dict[str, Any]] = []
    handler = wrap(_ok, config=shared, audit=events.append)
    assert handler(http_v2(ATTACK), None)["statusCode"] == 200
    assert events[0]["decision"] == "report"
    with pytest.raises(ValueError, match="unknown guard option"):
        GuardConfig(colour="red")


def test_events_carry_the_lambda_request_id() -> None:
    class Context:
        aws_request_id = "8f5e-lambda-req"

    handler, events = _collecting()
    handler(http_v2({"a": 1}), Context())
    handler(http_v2(ATTACK), Context())
    assert [e["aws_request_id"] for e in events] == ["8f5e-lambda-req"] * 2
    handler(http_v2({"a": 1}), None)
    assert "aws_request_id" not in events[-1]
