"""From one line, message or JSON value to events: which reader reads what.

Containers (CloudTrail files, lookup-events output, subscription payloads and their
Kinesis/Firehose wrappers, filter-log-events output, S3 export lines) are opened here and
their contents dispatched again, so a guard event inside a subscription payload inside a
Kinesis record is read like one on its own line. Everything yields `Event`s and, for
what cannot be read, `Malformed` values (not raised: one bad record must not lose the
others of its container).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from faasguard.monitor.events import Event, clip
from faasguard.monitor.readers import apigw, app_json, cloudtrail, cwlogs, lambda_json, lambda_text
from faasguard.monitor.readers.base import Context, Malformed

Item = Event | Malformed
# Errors a reader may hit on a value of an unexpected shape: reported as malformed.
_SHAPE_ERRORS = (Malformed, ValueError, TypeError, KeyError, AttributeError, IndexError)
_LEVEL_PREFIX = re.compile(r"\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE)\]")
# Keys of top-level lists whose items are records: CloudTrail files and Kinesis events
# ("Records"), lookup-events ("Events"), filter/get-log-events ("events"), Firehose
# ("records"), subscription payloads ("logEvents").
RECORD_LISTS = ("Records", "Events", "events", "records", "logEvents")


def events_from_line(line: str, ctx: Context) -> Iterator[Item]:
    """The events of one line of a log file."""
    stripped = line.strip()
    if stripped:
        yield from events_from_message(stripped, ctx)


def events_from_message(message: str, ctx: Context) -> Iterator[Item]:
    """The events of one log message (a file line, or a CloudWatch log event's text)."""
    if ctx.time is None and len(message) > 25 and message[10] == "T" and message[4] == "-":
        # an S3 export line: "<ISO time> <message>" (checked first: most lines of exports)
        exported = cwlogs.split_export_line(message)
        if exported is not None:
            yield from _exported(*exported, ctx)
            return
    bad_json = False
    if message[0] in "{[":
        try:
            value = json.loads(message)
        except (json.JSONDecodeError, RecursionError):
            value = None
        if isinstance(value, (dict, list)):
            yield from events_from_value(value, ctx)
            return
        bad_json = message[0] == "{"  # "[INFO] ..." lines are text, not broken JSON
    try:
        event = lambda_text.parse(message, ctx) or apigw.parse_clf(message, ctx)
    except _SHAPE_ERRORS as exc:
        yield _malformed(exc)
        return
    if event is not None:
        yield event
        return
    if ctx.time is None:
        exported = cwlogs.split_export_line(message)  # other timestamp precisions
        if exported is not None:
            yield from _exported(*exported, ctx)
            return
        yield Malformed("not valid JSON" if bad_json else "unrecognised line")
        return
    # A CloudWatch log event of no known shape: the function's own print() line.
    level = _LEVEL_PREFIX.match(message)
    yield Event(ctx.time, "lambda-app", "log", function=ctx.function or ctx.config.function,
                level=level.group(1) if level else None, message=clip(message),
                file=ctx.file, line=ctx.line)


def _exported(when: datetime, rest: str, ctx: Context) -> Iterator[Item]:
    """The events of the message of an S3 export line (its time around it)."""
    rest = rest.strip()
    if rest:
        yield from events_from_message(rest, ctx.at(time=when))


def events_from_value(value: Any, ctx: Context) -> Iterator[Item]:
    """The events of one decoded JSON value: a record, or a container of records."""
    if isinstance(value, list):
        for item in value:
            yield from events_from_value(item, ctx)
        return
    if not isinstance(value, dict):
        yield Malformed(f"a JSON {type(value).__name__} where a record was expected")
        return
    try:
        yield from _from_object(value, ctx)
    except _SHAPE_ERRORS as exc:
        yield _malformed(exc)


def container_kind(obj: Mapping[str, Any]) -> str | None:
    """The record-list key of a container object (e.g. ``Records``), or None."""
    for key in RECORD_LISTS:
        if isinstance(obj.get(key), list):
            return key
    return None


def _from_object(obj: dict[str, Any], ctx: Context) -> Iterator[Item]:
    # The most frequent shapes first: guard events, platform records, access records.
    kind = obj.get("type")
    if kind.__class__ is str and app_json.is_guard(obj):
        yield from _one(app_json.parse_guard(obj, ctx))
    elif kind.__class__ is str and lambda_json.is_platform(obj):
        yield from _one(lambda_json.parse(obj, ctx))
    elif "requestId" in obj and apigw.is_access_record(obj, ctx):
        yield apigw.parse_json(obj, ctx)
    elif (data := cwlogs.encoded_data(obj)) is not None:
        payload = cwlogs.decode(data, ctx.config.max_document_bytes)
        yield from events_from_value(payload, ctx)
    elif cloudtrail.is_record(obj):
        yield cloudtrail.parse_record(obj, ctx)
    elif cwlogs.is_payload(obj):
        for inner, message in cwlogs.iter_payload(obj, ctx):
            yield from _message_or_malformed(message, inner)
    elif (key := container_kind(obj)) is not None:
        for item in obj[key]:
            yield from events_from_value(item, ctx)
    elif cwlogs.is_log_event(obj):
        yield from _message_or_malformed(obj["message"], cwlogs.log_event_context(obj, ctx))
    elif cloudtrail.is_lookup_event(obj):
        yield cloudtrail.parse_lookup_event(obj, ctx)
    elif cloudtrail.is_eventbridge(obj):
        yield cloudtrail.parse_record(obj["detail"], ctx)
    elif cloudtrail.is_digest(obj):
        return  # integrity hashes of trail files: nothing happened in them
    elif apigw.is_access_record(obj, ctx):
        yield apigw.parse_json(obj, ctx)
    else:
        yield app_json.parse_app(obj, ctx)


def _message_or_malformed(message: str, ctx: Context) -> Iterator[Item]:
    stripped = message.strip()
    if stripped:
        yield from events_from_message(stripped, ctx)


def _one(event: Event | None) -> Iterator[Item]:
    if event is not None:
        yield event


def _malformed(exc: Exception) -> Malformed:
    if isinstance(exc, Malformed):
        return exc
    return Malformed(f"unexpected shape ({type(exc).__name__}: {exc})")
