"""API Gateway access logs: JSON (standard and user-defined names) and CLF layouts."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from faasguard.monitor.read import ReadConfig

from .readers_support import FIXTURES, read

APIGW = FIXTURES / "apigw"


def test_http_api_json_layout() -> None:
    events, stats = read(APIGW / "http-api.jsonl")
    assert stats.malformed == 0, stats.summary()
    assert all(e.source == "apigw-access" and e.kind == "request" for e in events)
    ok, denied, probe, injection = events
    assert ok.time == datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    assert (ok.method, ok.path, ok.route, ok.status) == ("GET", "/orders/1042",
                                                         "GET /orders/{id}", 200)
    assert (ok.client_ip, ok.duration_ms, ok.request_id) == ("198.51.100.7", 143.0,
                                                            "Xk2abcDEFgoEJ3Q=")
    assert ok.error_type is None  # "-" is no value
    assert (denied.status, denied.error_type) == (401, "UNAUTHORIZED")
    assert denied.user_agent == "python-requests/2.31.0"
    # requestTimeEpoch in milliseconds; the $default catch-all route
    assert probe.time == datetime(2026, 1, 5, 10, 0, 2, tzinfo=timezone.utc)
    assert (probe.route, probe.path, probe.route_key) == ("$default", "/admin/.env", "$default")
    # the query string is split from the path
    assert (injection.path, injection.query) == ("/search", "q=1%27%20OR%201%3D1--")


def test_rest_api_clf_layout() -> None:
    events, stats = read(APIGW / "rest-api-clf.log")
    assert stats.malformed == 0, stats.summary()
    get, delete, traversal = events
    assert get.time == datetime(2026, 1, 5, 10, 5, tzinfo=timezone.utc)
    assert (get.method, get.path, get.status, get.request_id) == (
        "GET", "/orders/{id}", 200, "8f1c2d3e-4a5b-4c6d-9e7f-0a1b2c3d4e5f")
    assert get.principal is None
    assert (delete.principal, delete.status) == ("cognito-user-77", 403)
    assert (traversal.path, traversal.query) == ("/static/../../etc/passwd", "x=1")


def test_http_api_clf_layout_with_route_key_and_trailing_fields() -> None:
    events, stats = read(APIGW / "http-api-clf.log")
    assert stats.malformed == 0, stats.summary()
    routed, default = events
    assert (routed.method, routed.route, routed.path) == ("GET", "GET /orders/{id}",
                                                          "/orders/{id}")
    assert (default.method, default.route, default.path) == ("POST", "$default", None)
    assert default.user_agent == "Go-http-client/1.1"
    assert default.request_id == "Xk3abcDEFgoEJ4B="


def test_user_defined_field_names_from_config() -> None:
    _, stats = read(APIGW / "custom-fields.jsonl")
    assert stats.malformed == 1  # without the mapping the record is not understood
    mapping = {"apigw-fields": {"request_id": "rid", "client_ip": "src", "time": "at",
                                "method": "verb", "route": "tmpl", "path": "uri",
                                "status": "code", "duration_ms": "took_ms",
                                "user_agent": ["agent"]}}
    events, stats = read(APIGW / "custom-fields.jsonl", config=mapping)
    assert stats.malformed == 0
    (event,) = events
    assert (event.request_id, event.client_ip, event.method, event.route, event.path) == (
        "c-001", "192.0.2.10", "PUT", "PUT /carts/{id}", "/carts/17")
    assert (event.status, event.duration_ms, event.user_agent) == (204, 57.0, "okhttp/4.12.0")


@pytest.mark.parametrize("bad", [{"apigw-fields": ["ip"]}, {"apigw-fields": {"ip": 3}},
                                 {"no-such-key": 1}, {"max-line-bytes": -1}])
def test_bad_reader_config_is_a_clear_error(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="monitor config"):
        ReadConfig.from_mapping(bad)


def test_access_logs_name_no_function_even_with_a_default_one() -> None:
    events, _ = read(APIGW / "rest-api-clf.log", APIGW / "http-api.jsonl",
                     config={"function": "orders-api"})
    assert len(events) == 7 and {e.function for e in events} == {None}
