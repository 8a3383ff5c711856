"""From one line, message or JSON value to events: which reader reads what.

Containers (CloudTrail files, lookup-events output, subscription payloads and their
Kinesis/Firehose wrappers, filter-log-events output, S3 export lines) are opened here and
their contents dispatched again, so a guard event inside a subscription payload inside a
Kinesis record is read like one on its own line. Everything gives `Event`s and, for
what cannot be read, `Malformed` values (not raised: one bad record must not lose the
others of its container).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from faasguard.monitor.events import Event, clip
from faasguard.monitor.readers import apigw, app_json, cloudtrail, cwlogs, lambda_json, lambda_text
from faasguard.monitor.readers.base import Context, Malformed, loads

Item = Event | Malformed
# Errors a reader may hit on a value of an unexpected shape: reported as malformed.
_SHAPE_ERRORS = (Malformed, ValueError, TypeError, KeyError, AttributeError, IndexError)
_LEVEL_PREFIX = re.compile(r"\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE)\]")
# Keys of top-level lists whose items are records: CloudTrail files and Kinesis events
# ("Records"), lookup-events ("Events"), filter/get-log-events ("events"), Firehose
# ("records"), subscription payloads ("logEvents").
RECORD_LISTS = ("Records", "Events", "events", "records", "logEvents")


def events_from_line(line: str, ctx: Context) -> list[Item]:
    """The events of one line of a log file."""
    out: list[Item] = []
    stripped = line.strip()
    if stripped:
        read_message(stripped, ctx, out)
    return out


def events_from_message(message: str, ctx: Context) -> list[Item]:
    """The events of one log message (a file line, or a CloudWatch log event's text)."""
    out: list[Item] = []
    read_message(message, ctx, out)
    return out


def events_from_value(value: Any, ctx: Context) -> list[Item]:
    """The events of one decoded JSON value: a record, or a container of records."""
    out: list[Item] = []
    read_value(value, ctx, out)
    return out


# The readers below append to `out` rather than yield: one list per line or record is
# cheaper than a generator per level of nesting, and a line or record is in memory anyway.

def read_message(message: str, ctx: Context, out: list[Item]) -> None:
    """Append the events of one stripped, non-empty log message to `out`."""
    if ctx.time is None and len(message) > 25 and message[10] == "T" and message[4] == "-":
        # an S3 export line: "<ISO time> <message>" (checked first: most lines of exports)
        exported = cwlogs.split_export_line(message)
        if exported is not None:
            _exported(*exported, ctx, out)
            return
    bad_json = False
    first = message[0]
    # "[INFO]\t..." lines of the runtimes are never JSON: not parsed as such
    if first == "{" or (first == "[" and _LEVEL_PREFIX.match(message) is None):
        try:
            value = loads(message)
        except (json.JSONDecodeError, RecursionError):
            value = None
        if isinstance(value, (dict, list)):
            read_value(value, ctx, out)
            return
        bad_json = message[0] == "{"  # "[INFO] ..." lines are text, not broken JSON
    try:
        event = lambda_text.parse(message, ctx) or apigw.parse_clf(message, ctx)
    except _SHAPE_ERRORS as exc:
        out.append(_malformed(exc))
        return
    if event is not None:
        out.append(event)
        return
    if ctx.time is None:
        exported = cwlogs.split_export_line(message)  # other timestamp precisions
        if exported is not None:
            _exported(*exported, ctx, out)
            return
        out.append(Malformed("not valid JSON" if bad_json else "unrecognised line"))
        return
    # A CloudWatch log event of no known shape: the function's own print() line.
    level = _LEVEL_PREFIX.match(message)
    out.append(Event(ctx.time, "lambda-app", "log", function=ctx.function or ctx.config.function,
                     level=level.group(1) if level else None, message=clip(message),
                     file=ctx.file, line=ctx.line))


def _exported(when: datetime, rest: str, ctx: Context, out: list[Item]) -> None:
    """The events of the message of an S3 export line (its time around it)."""
    rest = rest.strip()
    if rest:
        read_message(rest, ctx.at(time=when), out)


def read_value(value: Any, ctx: Context, out: list[Item]) -> None:
    """Append the events of one decoded JSON value to `out`."""
    if isinstance(value, list):
        for item in value:
            read_value(item, ctx, out)
        return
    if not isinstance(value, dict):
        out.append(Malformed(f"a JSON {type(value).__name__} where a record was expected"))
        return
    try:
        _from_object(value, ctx, out)
    except _SHAPE_ERRORS as exc:  # the events appended before the error are kept
        out.append(_malformed(exc))


def container_kind(obj: Mapping[str, Any]) -> str | None:
    """The record-list key of a container object (e.g. ``Records``), or None."""
    for key in RECORD_LISTS:
        if isinstance(obj.get(key), list):
            return key
    return None


def _from_object(obj: dict[str, Any], ctx: Context, out: list[Item]) -> None:
    # The most frequent shapes first: guard events, platform records, access records.
    kind = obj.get("type")
    if kind.__class__ is str and app_json.is_guard(obj):
        _one(app_json.parse_guard(obj, ctx), out)
    elif kind.__class__ is str and lambda_json.is_platform(obj):
        _one(lambda_json.parse(obj, ctx), out)
    elif "requestId" in obj and apigw.is_access_record(obj, ctx):
        out.append(apigw.parse_json(obj, ctx))
    elif (data := cwlogs.encoded_data(obj)) is not None:
        payload = cwlogs.decode(data, ctx.config.max_document_bytes)
        read_value(payload, ctx, out)
    elif cloudtrail.is_record(obj):
        out.append(cloudtrail.parse_record(obj, ctx))
    elif cwlogs.is_payload(obj):
        for inner, message in cwlogs.iter_payload(obj, ctx):
            _message_or_malformed(message, inner, out)
    elif (key := container_kind(obj)) is not None:
        for item in obj[key]:
            read_value(item, ctx, out)
    elif cwlogs.is_log_event(obj):
        _message_or_malformed(obj["message"], cwlogs.log_event_context(obj, ctx), out)
    elif cloudtrail.is_lookup_event(obj):
        out.append(cloudtrail.parse_lookup_event(obj, ctx))
    elif cloudtrail.is_eventbridge(obj):
        out.append(cloudtrail.parse_record(obj["detail"], ctx))
    elif cloudtrail.is_digest(obj):
        return  # integrity hashes of trail files: nothing happened in them
    elif apigw.is_access_record(obj, ctx):
        out.append(apigw.parse_json(obj, ctx))
    else:
        out.append(app_json.parse_app(obj, ctx))


def _message_or_malformed(message: str, ctx: Context, out: list[Item]) -> None:
    stripped = message.strip()
    if stripped:
        read_message(stripped, ctx, out)


def _one(event: Event | None, out: list[Item]) -> None:
    if event is not None:
        out.append(event)


def _malformed(exc: Exception) -> Malformed:
    if isinstance(exc, Malformed):
        return exc
    return Malformed(f"unexpected shape ({type(exc).__name__}: {exc})")
