"""API Gateway access logs (REST and HTTP APIs), JSON and Common Log Format layouts.

An access log's layout is whatever ``$context`` variables its stage names, so the JSON
reader looks each field up under the names people use (``requestId``, ``ip`` or
``sourceIp``, ``httpMethod``, ``routeKey`` or ``resourcePath``, ``status``,
``requestTime``/``requestTimeEpoch``, ``responseLatency``, ``userAgent``,
``errorResponseType``...), after the names given in ``apigw-fields`` of the config. Dotted
names reach into nested objects (``identity.sourceIp``).

The CLF layout is the one the console suggests, for REST
(``"$context.httpMethod $context.resourcePath $context.protocol"``) and HTTP APIs
(``"$context.httpMethod $context.routeKey $context.protocol"``, so the method appears
twice), with an optional request id and trailing quoted referer/user-agent fields::

    198.51.100.7 - - [05/Jan/2026:10:00:00 +0000] "GET /items/{id} HTTP/1.1" 200 512 c1a2...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from faasguard.monitor.events import Event, clip
from faasguard.monitor.readers.base import Context, Malformed, integer, number, text
from faasguard.monitor.readers.times import parse_time

SOURCE = "apigw-access"
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "request_id": ("requestId", "request_id", "extendedRequestId"),
    "client_ip": ("ip", "sourceIp", "sourceIP", "clientIp", "client_ip", "identity.sourceIp"),
    "principal": ("principalId", "user", "caller", "userArn", "authorizer.principalId",
                  "principal", "sub"),
    "method": ("httpMethod", "method", "http_method"),
    "path": ("path", "requestPath", "rawPath", "uri"),
    "query": ("queryString", "rawQueryString", "query"),
    "route": ("routeKey", "resourcePath", "resource", "route"),
    "status": ("status", "statusCode", "httpStatus", "status_code"),
    "time": ("requestTimeEpoch", "requestTime", "time", "timestamp"),
    "duration_ms": ("responseLatency", "latency", "integrationLatency", "responseLatencyMs"),
    "user_agent": ("userAgent", "user_agent", "ua", "identity.userAgent"),
    "error_type": ("errorResponseType", "error.responseType", "responseType"),
    "message": ("errorMessage", "error.message"),
}
_CLF = re.compile(r'(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}|-) (\S+)\s*(.*)$')
_TOKENS = re.compile(r'"([^"]*)"|(\S+)')
_METHODS = frozenset(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"))


def is_access_record(obj: Mapping[str, Any], ctx: Context) -> bool:
    """Does `obj` look like a JSON access-log record (a status and a method or route)?"""
    names = _LAYOUTS.names(obj, ctx)
    return (_get(obj, names["status"]) is not None
            and (_get(obj, names["method"]) is not None or _get(obj, names["route"]) is not None))


def parse_json(obj: Mapping[str, Any], ctx: Context) -> Event:
    """The request event of one JSON access-log record."""
    names = _LAYOUTS.names(obj, ctx)
    moment = _get(obj, names["time"])
    if moment is None:
        if ctx.time is None:
            raise Malformed("access-log record without a request time")
        when = ctx.time
    else:
        try:
            when = parse_time(moment)
        except ValueError as exc:
            raise Malformed(f"access-log time: {exc}") from None
    method = text(_get(obj, names["method"]))
    path, query = _split_query(text(_get(obj, names["path"])))
    route = _route(text(_get(obj, names["route"])), method)
    return Event(when, SOURCE, "request",
                 request_id=text(_get(obj, names["request_id"])),
                 client_ip=text(_get(obj, names["client_ip"])),
                 principal=text(_get(obj, names["principal"])),
                 method=method.upper() if method else None, path=path,
                 query=text(_get(obj, names["query"])) or query, route=route,
                 status=integer(_get(obj, names["status"])),
                 duration_ms=number(_get(obj, names["duration_ms"])),
                 user_agent=text(_get(obj, names["user_agent"])),
                 error_type=text(_get(obj, names["error_type"])),
                 message=clip(text(_get(obj, names["message"]))),
                 file=ctx.file, line=ctx.line)


def parse_clf(line: str, ctx: Context) -> Event | None:
    """The request event of one CLF access-log line, or None when it is not one."""
    match = _CLF.match(line)
    if not match:
        return None
    ip, caller, user, moment, request, status, _size, rest = match.groups()
    try:
        when = parse_time(moment)
    except ValueError as exc:
        raise Malformed(f"access-log time: {exc}") from None
    parts = request.split()
    method = parts[0].upper() if parts else None
    route = None
    target = parts[1] if len(parts) > 1 else None
    if len(parts) > 2 and (parts[1].upper() in _METHODS or parts[1] == "$default"):
        # HTTP API: "$context.httpMethod $context.routeKey $context.protocol"
        route = parts[1] if parts[1] == "$default" else f"{parts[1].upper()} {parts[2]}"
        target = None if parts[1] == "$default" else parts[2]
    path, query = _split_query(target)
    request_id = None
    quoted: list[str] = []
    for q, bare in _TOKENS.findall(rest):
        if bare and request_id is None and not quoted:
            request_id = bare
        elif not bare:
            quoted.append(q)
    return Event(when, SOURCE, "request", request_id=text(request_id), client_ip=text(ip),
                 principal=text(user) or text(caller), method=method, path=path,
                 query=query, route=route, status=integer(status),
                 user_agent=text(quoted[-1]) if quoted else None,
                 file=ctx.file, line=ctx.line)


def _names(ctx: Context) -> dict[str, tuple[str, ...]]:
    extra = ctx.config.apigw_fields
    if not extra:
        return FIELD_NAMES
    return {key: tuple(extra.get(key, ())) + names for key, names in FIELD_NAMES.items()}


class _Layouts:
    """The field names worth trying on a record: those of its keys (a log repeats a few
    layouts, so the answer is kept per key set, for the config last used)."""

    def __init__(self) -> None:
        self.config: object = None
        self.all_names = FIELD_NAMES
        self.by_keys: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {}

    def names(self, obj: Mapping[str, Any], ctx: Context) -> dict[str, tuple[str, ...]]:
        if ctx.config is not self.config:
            self.config, self.all_names, self.by_keys = ctx.config, _names(ctx), {}
        keys = tuple(obj)
        found = self.by_keys.get(keys)
        if found is None:
            if len(self.by_keys) >= 256:
                self.by_keys.clear()
            present = set(keys)
            found = self.by_keys[keys] = {
                field: tuple(name for name in names
                             if name in present or name.partition(".")[0] in present)
                for field, names in self.all_names.items()}
        return found


_LAYOUTS = _Layouts()


def _get(obj: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = obj.get(name)
        if value is None and "." in name:
            value = obj
            for part in name.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None and value != "" and value != "-":
            return value
    return None


def _split_query(target: str | None) -> tuple[str | None, str | None]:
    if target is None or "?" not in target:
        return target, None
    path, _, query = target.partition("?")
    return path or None, query or None


def _route(route: str | None, method: str | None) -> str | None:
    """``METHOD /template``: HTTP APIs' routeKey already is; a REST resourcePath is not."""
    if route is None or route == "$default" or " " in route:
        return route
    return f"{(method or 'ANY').upper()} {route}"
