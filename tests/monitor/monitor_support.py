"""Builders of normalised events for the detector, engine, report and handler tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from faasguard.monitor.events import Event

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    """`seconds` after T0."""
    return T0 + timedelta(seconds=seconds)


def request(t: float, ip: str = "198.51.100.10", method: str = "GET", path: str = "/orders",
            status: int = 200, route: str | None = "GET /orders", line: int = 1,
            **fields: Any) -> Event:
    """An API Gateway access-log request."""
    return Event(at(t), "apigw-access", "request", client_ip=ip, method=method, path=path,
                 route=route, status=status, file="access.log", line=line, **fields)


def report(t: float, function: str = "orders-api", duration: float = 120.0,
           memory: int = 512, line: int = 1, **fields: Any) -> Event:
    """A Lambda REPORT line."""
    return Event(at(t), "lambda-platform", "report", function=function, duration_ms=duration,
                 billed_ms=float(int(duration) + 1), memory_mb=memory, max_memory_mb=90,
                 file=f"{function}.log", line=line, **fields)


def call(t: float, action: str, principal: str, principal_type: str = "AssumedRole",
         error_code: str | None = None, line: int = 1, **fields: Any) -> Event:
    """A CloudTrail record."""
    return Event(at(t), "cloudtrail", "api-call", api_action=action, principal=principal,
                 principal_type=principal_type, error_code=error_code, file="trail.json",
                 line=line, **fields)


def guard(t: float, detector: str, ip: str = "203.0.113.9", decision: str = "block",
          line: int = 1, **fields: Any) -> Event:
    """A runtime-guard security event."""
    return Event(at(t), "guard", "guard", function="orders-api", client_ip=ip,
                 detector=detector, decision=decision, file="guard.log", line=line, **fields)


def steady_traffic(hours: float = 2.0, per_minute: int = 20, function: str = "orders-api",
                   clients: int = 40) -> list[Event]:
    """Ordinary traffic: `per_minute` requests and invocations a minute from many clients."""
    events = []
    n = 0
    for minute in range(int(hours * 60)):
        for k in range(per_minute):
            t = minute * 60 + k * 60 / per_minute
            ip = f"192.0.2.{(n * 7) % clients + 1}"
            events.append(request(t, ip=ip, path=f"/orders/{n % 50}", route="GET /orders/{id}",
                                  line=n + 1))
            events.append(report(t + 0.1, function=function, line=n + 1))
            n += 1
    return events
