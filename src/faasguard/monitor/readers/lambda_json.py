"""Lambda's JSON log format: the platform records (``"type": "platform.*"``).

    {"time": "2026-01-05T10:00:00.000Z", "type": "platform.report",
     "record": {"requestId": "6f1c...", "status": "success",
                "metrics": {"durationMs": 102.25, "billedDurationMs": 103,
                            "memorySizeMB": 128, "maxMemoryUsedMB": 70,
                            "initDurationMs": 151.0}}}

``platform.start``, ``platform.runtimeDone`` (carrying the status of the invocation:
success, failure, error, timeout), ``platform.report``, ``platform.initStart`` and
``platform.initReport`` become events; the other platform records (telemetry
subscriptions, extensions, restore phases) are read and left out. The application's
own JSON lines are `app_json`'s.
"""

from __future__ import annotations

from typing import Any

from faasguard.monitor.events import Event
from faasguard.monitor.readers.base import Context, Malformed, integer, number, text
from faasguard.monitor.readers.times import parse_time

SOURCE = "lambda-platform"
_KINDS = {
    "platform.start": "start",
    "platform.runtimeDone": "end",
    "platform.report": "report",
    "platform.initStart": "init",
    "platform.initReport": "init",
}


def is_platform(obj: dict[str, Any]) -> bool:
    """Is `obj` a Lambda platform record?"""
    kind = obj.get("type")
    return isinstance(kind, str) and kind.startswith("platform.") and "record" in obj


def parse(obj: dict[str, Any], ctx: Context) -> Event | None:
    """The event of one platform record (None for the record types not kept)."""
    kind = _KINDS.get(obj["type"])
    if kind is None:
        return None
    try:
        when = parse_time(obj.get("time"))
    except ValueError as exc:
        raise Malformed(f"{obj['type']}: {exc}") from None
    record = obj.get("record")
    if not isinstance(record, dict):
        raise Malformed(f"{obj['type']}: 'record' is not an object")
    metrics = record.get("metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    status = text(record.get("status"))
    error_type = text(record.get("errorType")) or (
        status if status and status != "success" else None)
    function = text(record.get("functionName")) or ctx.function or ctx.config.function
    event = Event(when, SOURCE, kind, function=function,
                  request_id=text(record.get("requestId")), error_type=error_type,
                  detail=text(record.get("version") or record.get("runtimeVersion")),
                  file=ctx.file, line=ctx.line)
    if kind == "report":
        event.duration_ms = number(metrics.get("durationMs"))
        if event.duration_ms is None:
            raise Malformed("platform.report without metrics.durationMs")
        event.billed_ms = number(metrics.get("billedDurationMs"))
        event.memory_mb = integer(metrics.get("memorySizeMB"))
        event.max_memory_mb = integer(metrics.get("maxMemoryUsedMB"))
        event.init_ms = number(metrics.get("initDurationMs"))
    elif kind == "end":
        event.duration_ms = number(metrics.get("durationMs"))
    elif obj["type"] == "platform.initReport":
        event.init_ms = number(metrics.get("durationMs"))
    return event
