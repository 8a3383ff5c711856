"""The guard with engineer B's Authenticator, RateLimiter, InvocationBudget and stores."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from guard_events import http_v2, sqs

from faasguard.runtime import (
    AuthError,
    BudgetExceeded,
    RateLimited,
    StoreUnavailable,
    current,
    guard,
    wrap,
)
from faasguard.runtime.limits import RateLimiter
from faasguard.runtime.stores.memory import MemoryStore

SECRET = "s" * 40
AUTH = {"hs256_secret": SECRET, "audience": "orders-api",
        "step_up": [{"routes": ["DELETE /orders/*"], "amr": ["mfa"]}],
        "routes": [{"route": "POST /admin/*", "groups": ["admins"]}]}


def token(**claims: Any) -> str:
    body = {"sub": "user-42", "aud": "orders-api", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, SECRET, algorithm="HS256")


def bearer(**claims: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {token(**claims)}"}


def _handler(**options: Any) -> tuple[Any, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []

    def handler(event: Any, context: Any) -> dict[str, Any]:
        state = current()
        assert state is not None
        return {"statusCode": 200, "claims": state.claims,
                "ctx": event.get("requestContext", {}).get("faasguard")}

    return wrap(handler, audit=events.append, metrics=False, **options), events


def test_verified_claims_reach_the_handler() -> None:
    handler, events = _handler(auth=AUTH)
    result = handler(http_v2({"a": 1}, headers=bearer()), None)
    assert result["statusCode"] == 200 and result["claims"]["sub"] == "user-42"
    assert result["ctx"] == {"claims": result["claims"], "principal": "user-42"}
    assert events[-1]["decision"] == "allow" and events[-1]["principal"] == "user-42"


@pytest.mark.parametrize("headers, status, reason", [
    ({}, 401, "missing_token"),
    ({"authorization": "Bearer not.a.token"}, 401, "malformed_token"),
    ({"authorization": f"Bearer {jwt.encode({'sub': 'x', 'exp': 1}, SECRET)}"}, 401,
     "expired"),
    ({"authorization": "Bearer " + jwt.encode({"sub": "x", "aud": "other",
                                               "exp": int(time.time()) + 86400}, SECRET)},
     401, "wrong_audience"),
])
def test_auth_failures_become_401(headers: dict[str, str], status: int, reason: str) -> None:
    handler, events = _handler(auth=AUTH)
    response = handler(http_v2({"a": 1}, headers=headers), None)
    assert response["statusCode"] == status
    assert response["headers"]["WWW-Authenticate"].startswith("Bearer")
    assert response["body"] == '{"message": "Unauthorized"}'
    assert events[-1]["detector"] == "auth" and events[-1]["reason"] == reason


def test_step_up_and_groups_become_403() -> None:
    handler, events = _handler(auth=AUTH)
    delete = http_v2(None, method="DELETE", path="/orders/o-1", headers=bearer())
    assert handler(delete, None)["statusCode"] == 403
    assert events[-1]["reason"] == "step_up_required"
    mfa = http_v2(None, method="DELETE", path="/orders/o-1", headers=bearer(amr=["pwd", "mfa"]))
    assert handler(mfa, None)["statusCode"] == 200
    admin = http_v2({"a": 1}, path="/admin/users", headers=bearer())
    assert handler(admin, None)["statusCode"] == 403
    assert events[-1]["reason"] == "insufficient_group"


def test_auth_metric_in_emf(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    @guard(auth=AUTH, metrics_namespace="shop/security")
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    handler(http_v2({"a": 1}), None)
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    directive = line["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "shop/security"
    assert directive["Metrics"] == [{"Name": "auth_failed", "Unit": "Count"}]
    assert directive["Dimensions"] == [["function", "reason"]]
    assert line["reason"] == "missing_token" and line["auth_failed"] == 1


def test_auth_on_a_queue_raises_auth_error() -> None:
    handler, _ = _handler(auth=AUTH)
    with pytest.raises(AuthError) as caught:
        handler(sqs({"a": 1}), None)
    assert caught.value.reason == "missing_token"


def test_auth_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAASGUARD_AUTH_HS256_SECRET", SECRET)
    monkeypatch.setenv("FAASGUARD_AUTH_AUDIENCE", "orders-api")
    handler, _ = _handler()
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 401
    assert handler(http_v2({"a": 1}, headers=bearer()), None)["statusCode"] == 200


def test_rate_limit_per_ip_gives_429_with_retry_after() -> None:
    handler, events = _handler(rate_limit="2/60")
    for _ in range(2):
        assert handler(http_v2({"a": 1}, source_ip="203.0.113.1"), None)["statusCode"] == 200
    refused = handler(http_v2({"a": 1}, source_ip="203.0.113.1"), None)
    assert refused["statusCode"] == 429 and int(refused["headers"]["Retry-After"]) >= 1
    assert events[-1]["reason"] == "rate_limited" and events[-1]["client"]["ip"] == "203.0.113.1"
    assert handler(http_v2({"a": 1}, source_ip="203.0.113.2"), None)["statusCode"] == 200


def test_rate_limit_by_subject() -> None:
    handler, _ = _handler(auth=AUTH, rate_limit={"limit": 1, "window_s": 60},
                          rate_limit_key="sub")
    assert handler(http_v2({"a": 1}, headers=bearer(), source_ip="1.1.1.1"), None)[
        "statusCode"] == 200
    assert handler(http_v2({"a": 1}, headers=bearer(), source_ip="2.2.2.2"), None)[
        "statusCode"] == 429
    assert handler(http_v2({"a": 1}, headers=bearer(sub="other")), None)["statusCode"] == 200


def test_rate_limit_by_api_key_hashes_the_key() -> None:
    store = MemoryStore()
    limiter = RateLimiter(store, limit=1, window_s=60)
    handler, _ = _handler(rate_limit=limiter, rate_limit_key="api_key")
    assert handler(http_v2({"a": 1}, headers={"x-api-key": "k-secret-1"}), None)[
        "statusCode"] == 200
    assert handler(http_v2({"a": 1}, headers={"x-api-key": "k-secret-1"}), None)[
        "statusCode"] == 429
    assert handler(http_v2({"a": 1}, headers={"x-api-key": "k-secret-2"}), None)[
        "statusCode"] == 200
    assert "k-secret-1" not in repr(store.__dict__)


def test_rate_limit_on_a_queue_raises() -> None:
    handler, _ = _handler(rate_limit="1/60")
    handler(sqs({"a": 1}), None)
    with pytest.raises(RateLimited):
        handler(sqs({"a": 1}), None)


def test_budget_gives_503_then_raises_for_queues() -> None:
    handler, events = _handler(budget={"per_hour": 2})
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    assert handler(http_v2({"a": 1}, source_ip="9.9.9.9"), None)["statusCode"] == 200
    refused = handler(http_v2({"a": 1}), None)
    assert refused["statusCode"] == 503 and "Retry-After" in refused["headers"]
    assert events[-1]["reason"] == "budget_exceeded"
    with pytest.raises(BudgetExceeded):
        handler(sqs({"a": 1}), None)


def test_budget_from_money() -> None:
    handler, _ = _handler(budget={"usd_per_day": 0.0000005, "memory_mb": 128,
                                  "expected_duration_ms": 100})
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 503


def test_store_outage_fails_open_loudly(own_redis_server: Any) -> None:
    handler, events = _handler(rate_limit="5/60", store=own_redis_server.url)
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    own_redis_server.stop()
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    errors = [e for e in events if e["decision"] == "error"]
    assert errors and errors[-1]["reason"] == "store_unavailable" and errors[-1]["fail_open"]


def test_store_outage_fails_closed(own_redis_server: Any) -> None:
    handler, events = _handler(rate_limit="5/60", store=own_redis_server.url, fail_open=False)
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 200
    own_redis_server.stop()
    assert handler(http_v2({"a": 1}), None)["statusCode"] == 503
    assert [e["decision"] for e in events[-2:]] == ["error", "block"]
    with pytest.raises(StoreUnavailable):
        handler(sqs({"a": 1}), None)


def test_limits_shared_through_redis(redis_server: Any) -> None:
    url = redis_server.url
    first, _ = _handler(rate_limit={"limit": 2, "window_s": 60, "name": f"t{time.time_ns()}"},
                        store=url)
    assert first(http_v2({"a": 1}), None)["statusCode"] == 200
    assert first(http_v2({"a": 1}), None)["statusCode"] == 200
    assert first(http_v2({"a": 1}), None)["statusCode"] == 429
