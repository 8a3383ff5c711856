"""CloudWatch Logs containers: what carries Lambda and access-log lines out of CloudWatch.

- subscription payloads: the ``{"awslogs": {"data": "<base64 gzip>"}}`` event a
  subscribed Lambda function receives, the same payload in Kinesis (``Records[].kinesis.data``)
  and Firehose (``records[].data``) records, and the decoded
  ``{"messageType": "DATA_MESSAGE", "logGroup": ..., "logEvents": [...]}`` itself;
  ``CONTROL_MESSAGE`` payloads (CloudWatch checking the destination) carry no logs;
- ``aws logs filter-log-events`` / ``get-log-events`` output: ``{"events": [{"timestamp":
  <ms>, "message": ..., "logStreamName": ...}]}``;
- S3 export files (``create-export-task``): one line per log event, the message after
  its ISO timestamp: ``2026-01-05T10:00:00.000Z START RequestId: ...``.

The messages inside are read by the line readers (`faasguard.monitor.readers.dispatch`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from faasguard.monitor.readers.base import Context, Malformed, function_from_group, loads, text
from faasguard.monitor.readers.times import from_epoch, parse_time

CONTROL_MESSAGE = "CONTROL_MESSAGE"
_EXPORT_LINE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)", re.S)


def is_payload(obj: Mapping[str, Any]) -> bool:
    """Is `obj` a decoded subscription payload?"""
    return "logEvents" in obj and "messageType" in obj


def is_log_event(obj: Mapping[str, Any]) -> bool:
    """Is `obj` one log event of a payload or of filter/get-log-events output?"""
    return isinstance(obj.get("message"), str) and isinstance(obj.get("timestamp"), (int, float))


def encoded_data(obj: Mapping[str, Any]) -> str | None:
    """The base64 payload of an ``awslogs`` event, a Kinesis or a Firehose record."""
    if "awslogs" not in obj and "kinesis" not in obj and "recordId" not in obj:
        return None
    for holder in (obj.get("awslogs"), obj.get("kinesis"), obj):
        if isinstance(holder, Mapping) and isinstance(holder.get("data"), str) and (
                holder is not obj or "recordId" in obj):
            return holder["data"]
    return None


def decode(data: str, limit: int) -> Any:
    """base64, then gzip, then JSON: the subscription payload of an encoded record.

    Decompression stops at `limit` bytes (a payload is at most 1 MB uncompressed; a
    larger one is malformed, not a reason to fill the memory).
    """
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed("subscription data is not base64") from None
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header, detected
    try:
        plain = inflater.decompress(raw, limit)
    except zlib.error as exc:
        raise Malformed(f"subscription data is not gzip ({exc})") from None
    if inflater.unconsumed_tail:
        raise Malformed(f"subscription data larger than {limit} bytes uncompressed")
    try:
        return loads(plain)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Malformed("decoded subscription data is not JSON") from None


def iter_payload(payload: Mapping[str, Any], ctx: Context) -> Iterator[tuple[Context, str]]:
    """(context, message) of each log event of a DATA_MESSAGE payload; none for CONTROL."""
    if payload.get("messageType") == CONTROL_MESSAGE:
        return
    group = text(payload.get("logGroup"))
    base = ctx.at(log_group=group, function=function_from_group(group) or ctx.function)
    events = payload.get("logEvents")
    if not isinstance(events, list):
        raise Malformed("subscription payload: logEvents is not a list")
    for item in events:
        if not isinstance(item, Mapping) or not is_log_event(item):
            raise Malformed("subscription payload: a log event without timestamp and message")
        yield base.at(time=from_epoch(item["timestamp"])), item["message"]


def log_event_context(item: Mapping[str, Any], ctx: Context) -> Context:
    """The context of one filter/get-log-events item (its time, and its group if named)."""
    group = text(item.get("logGroupName")) or ctx.log_group
    function = function_from_group(group) or ctx.function
    return ctx.at(time=from_epoch(item["timestamp"]), log_group=group, function=function)


def split_export_line(line: str) -> tuple[datetime, str] | None:
    """(time, message) of an S3 export line, or None when `line` is not one."""
    if len(line) > 25 and line[23] == "Z" and line[24] == " " and line[19] == ".":
        try:  # the usual millisecond form, without a regular expression
            return parse_time(line[:24]), line[25:]
        except ValueError:
            return None
    match = _EXPORT_LINE.match(line)
    if not match:
        return None
    try:
        return parse_time(match.group(1)), match.group(2)
    except ValueError:
        return None
