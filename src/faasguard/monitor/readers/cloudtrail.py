"""CloudTrail records, in each way they reach a file.

- the files a trail delivers to S3: ``{"Records": [record, ...]}`` (gzip);
- one record per line (CloudTrail Lake exports, CloudWatch Logs delivery, jq output);
- ``aws cloudtrail lookup-events`` output: ``{"Events": [{"EventName": ...,
  "CloudTrailEvent": "<the record as a JSON string>"}, ...]}``;
- EventBridge events ``{"detail-type": "AWS API Call via CloudTrail", "detail": record}``.

``api_action`` is ``eventSource:eventName`` with the API version Lambda appends to its
event names removed (``lambda.amazonaws.com:AddPermission``, not ``AddPermission20150331v2``).
Containers are `faasguard.monitor.readers.dispatch`'s; this module reads one record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from faasguard.monitor.events import Event, clip
from faasguard.monitor.readers.base import Context, Malformed, compact_json, loads, text
from faasguard.monitor.readers.times import parse_time

SOURCE = "cloudtrail"
# Lambda's event names carry the API version: AddPermission20150331v2 -> AddPermission
_API_VERSION = re.compile(r"(?<=[a-z])20\d{6}(?:v\d+)?$")
EVENTBRIDGE_TYPES = ("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail",
                     "AWS Service Event via CloudTrail")


def is_record(obj: Mapping[str, Any]) -> bool:
    """Is `obj` a CloudTrail record?"""
    return "eventName" in obj and "eventSource" in obj and "eventTime" in obj


def is_lookup_event(obj: Mapping[str, Any]) -> bool:
    """Is `obj` one item of ``lookup-events`` output?"""
    return "EventName" in obj and ("CloudTrailEvent" in obj or "EventSource" in obj)


def is_digest(obj: Mapping[str, Any]) -> bool:
    """Is `obj` a digest file (log-file integrity hashes, no API calls)?"""
    return "digestStartTime" in obj and "logFiles" in obj


def is_eventbridge(obj: Mapping[str, Any]) -> bool:
    """Is `obj` an EventBridge event carrying a CloudTrail record?"""
    return obj.get("detail-type") in EVENTBRIDGE_TYPES and isinstance(obj.get("detail"), dict)


def parse_record(obj: Mapping[str, Any], ctx: Context) -> Event:
    """The api-call event of one CloudTrail record."""
    try:
        when = parse_time(obj.get("eventTime"))
    except ValueError as exc:
        raise Malformed(f"CloudTrail record: eventTime: {exc}") from None
    source, name = text(obj.get("eventSource")), text(obj.get("eventName"))
    if not source or not name:
        raise Malformed("CloudTrail record without eventSource or eventName")
    identity = obj.get("userIdentity")
    identity = identity if isinstance(identity, Mapping) else {}
    extra = obj.get("additionalEventData")
    extra = extra if isinstance(extra, Mapping) else {}
    params = obj.get("requestParameters")
    params = params if isinstance(params, Mapping) else {}
    response = obj.get("responseElements")
    response = response if isinstance(response, Mapping) else {}
    function = text(params.get("functionName")) if source == "lambda.amazonaws.com" else None
    return Event(when, SOURCE, "api-call", function=_function_name(function),
                 request_id=text(obj.get("requestID")),
                 client_ip=text(obj.get("sourceIPAddress")),
                 principal=_principal(identity), principal_type=text(identity.get("type")),
                 api_action=f"{source}:{_API_VERSION.sub('', name)}",
                 error_code=text(obj.get("errorCode")),
                 user_agent=clip(text(obj.get("userAgent")), 300),
                 mfa_used=_mfa(extra, identity), params=compact_json(params or None),
                 detail=text(response.get("ConsoleLogin")),
                 message=clip(text(obj.get("errorMessage"))), file=ctx.file, line=ctx.line)


def parse_lookup_event(obj: Mapping[str, Any], ctx: Context) -> Event:
    """The api-call event of one ``lookup-events`` item (its embedded record when present)."""
    embedded = obj.get("CloudTrailEvent")
    if isinstance(embedded, str):
        try:
            record = loads(embedded)
        except json.JSONDecodeError as exc:
            raise Malformed(f"lookup-events: CloudTrailEvent is not JSON ({exc.msg})") from None
        if isinstance(record, dict) and is_record(record):
            return parse_record(record, ctx)
        raise Malformed("lookup-events: CloudTrailEvent is not a CloudTrail record")
    return parse_record({"eventTime": obj.get("EventTime"), "eventSource": obj.get("EventSource"),
                         "eventName": obj.get("EventName"),
                         "userIdentity": {"userName": obj.get("Username")}}, ctx)


def _principal(identity: Mapping[str, Any]) -> str | None:
    return (text(identity.get("arn")) or text(identity.get("principalId"))
            or text(identity.get("userName")) or text(identity.get("invokedBy")))


def _mfa(extra: Mapping[str, Any], identity: Mapping[str, Any]) -> bool | None:
    used = extra.get("MFAUsed")
    if isinstance(used, str):
        return used.lower() == "yes"
    session = identity.get("sessionContext")
    attributes = session.get("attributes") if isinstance(session, Mapping) else None
    flag = attributes.get("mfaAuthenticated") if isinstance(attributes, Mapping) else None
    return flag.lower() == "true" if isinstance(flag, str) else None


def _function_name(name: str | None) -> str | None:
    """A function name from a name or ARN (``arn:aws:lambda:r:a:function:NAME[:qualifier]``)."""
    if name and name.startswith("arn:"):
        parts = name.split(":")
        return parts[6] if len(parts) > 6 else name
    return name
