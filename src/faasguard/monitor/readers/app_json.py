"""JSON lines written by the handler: structured application logs and guard events.

Guard events are the lines `faasguard.runtime.audit.AuditLog` writes
(``"type": "faasguard.security"``): the decision, detector, reason, client, principal,
status and input location of one guard decision. Their EMF-only companions
(``faasguard.security.metric``) carry no decision and are left out.

Application lines are the usual structured-logging shapes: Lambda's JSON log format
(``timestamp``, ``level``, ``message``, ``requestId``, uncaught errors with
``errorType``), Powertools for AWS Lambda (``function_name``, ``function_request_id``,
``cold_start``) and similar ones (``time``/``@timestamp``, ``log_level``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from faasguard.monitor.events import Event, clip
from faasguard.monitor.readers.base import Context, Malformed, compact_json, integer, text
from faasguard.monitor.readers.times import parse_time

GUARD_TYPE = "faasguard.security"
_TIME_KEYS = ("timestamp", "time", "@timestamp", "ts")
_LEVEL_KEYS = ("level", "log_level", "levelname", "severity")
_GUARD_EXTRA = ("source", "evidence", "hits", "retry_after_s", "error", "fail_open")


def is_guard(obj: dict[str, Any]) -> bool:
    """Is `obj` one of the guard's security events (or its metric companion)?"""
    kind = obj.get("type")
    return isinstance(kind, str) and kind.startswith(GUARD_TYPE)


def parse_guard(obj: dict[str, Any], ctx: Context) -> Event | None:
    """The event of one guard decision (None for a metric-only line)."""
    if obj.get("type") != GUARD_TYPE:
        return None
    decision = text(obj.get("decision"))
    if decision is None:
        raise Malformed("guard event without a decision")
    client = obj.get("client")
    client_ip = text(client.get("ip")) if isinstance(client, dict) else None
    extra = {key: obj[key] for key in _GUARD_EXTRA if key in obj}
    return Event(_when(obj, ctx), "guard", "guard",
                 function=text(obj.get("function")) or ctx.function or ctx.config.function,
                 request_id=text(obj.get("request_id")), client_ip=client_ip,
                 principal=text(obj.get("principal")), status=integer(obj.get("status")),
                 detector=text(obj.get("detector")), decision=decision,
                 reason=text(obj.get("reason")), detail=text(obj.get("location")),
                 params=compact_json(extra or None), file=ctx.file, line=ctx.line)


def parse_app(obj: dict[str, Any], ctx: Context) -> Event:
    """The event of one structured application log line."""
    level = next((str(obj[k]).upper() for k in _LEVEL_KEYS if obj.get(k) is not None), None)
    message = obj.get("message", obj.get("msg"))
    error_type = text(obj.get("errorType"))
    if isinstance(message, dict):
        error_type = error_type or text(message.get("errorType"))
        message = message.get("errorMessage", message)
    if error_type and message is None:
        message = obj.get("errorMessage")
    if level is None and error_type:
        level = "ERROR"
    body = message if isinstance(message, str) else compact_json(message)
    return Event(_when(obj, ctx), "lambda-app", "error" if error_type else "log",
                 function=text(obj.get("function_name")) or ctx.function or ctx.config.function,
                 request_id=text(obj.get("requestId") or obj.get("function_request_id")
                                 or obj.get("request_id") or obj.get("aws_request_id")),
                 level=level, error_type=error_type, message=clip(body),
                 file=ctx.file, line=ctx.line)


def _when(obj: dict[str, Any], ctx: Context) -> datetime:
    for key in _TIME_KEYS:
        value = obj.get(key)
        if value is not None:
            try:
                return parse_time(value)
            except ValueError as exc:
                raise Malformed(f"{key}: {exc}") from None
    if ctx.time is not None:
        return ctx.time
    raise Malformed("a JSON log line without a timestamp")
