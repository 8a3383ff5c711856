"""Lambda's plain-text log format: platform lines and the runtimes' application lines.

Platform lines (no timestamp of their own: the time comes from the CloudWatch event or
the export line around them)::

    INIT_START Runtime Version: python:3.12.v38	Runtime Version ARN: arn:aws:lambda:...
    START RequestId: 6f1c... Version: $LATEST
    END RequestId: 6f1c...
    REPORT RequestId: 6f1c...	Duration: 102.25 ms	Billed Duration: 103 ms	Memory Size: 128 MB
        Max Memory Used: 70 MB	Init Duration: 151.02 ms    (one line, tab-separated)
    2026-01-05T10:00:03.012Z 6f1c... Task timed out after 3.00 seconds
    RequestId: 6f1c... Error: Runtime exited with error: signal: killed

Application lines of the managed runtimes::

    [INFO]	2026-01-05T10:00:00.123Z	6f1c...	order stored      (Python logging)
    2026-01-05T10:00:00.123Z	6f1c...	ERROR	Invoke Error 	{...}   (Node.js console)
    [ERROR] KeyError: 'id'                                    (Python, uncaught)
"""

from __future__ import annotations

import re
from datetime import datetime

from faasguard.monitor.events import Event, clip
from faasguard.monitor.readers.base import Context, Malformed, integer, number
from faasguard.monitor.readers.times import parse_time

PLATFORM = "lambda-platform"
APP = "lambda-app"

# A platform line whose tabs became spaces: the known keys, one-word values with a unit.
_FIELD = re.compile(r"(RequestId|Duration|Billed Duration|Memory Size|Max Memory Used|"
                    r"Init Duration|Restore Duration|Status|Error Type|Version): "
                    r"(\S+(?: (?:ms|MB))?)")
_TIMEOUT = re.compile(r"(?:(\d{4}-\d\d-\d\dT\S+)\s+)?(\S+)\s+Task timed out after ([\d.]+) seconds")
_RUNTIME_ERROR = re.compile(r"RequestId: (\S+) Error: (.*)")
_LEVEL = r"(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE)"
_PY_APP = re.compile(r"\[" + _LEVEL + r"\]\t(\S+)\t(\S+)\t")
_NODE_APP = re.compile(r"(\d{4}-\d\d-\d\dT\S+)\t(\S+)\t" + _LEVEL + r"\t")
_UNCAUGHT = re.compile(r"\[ERROR\] ([A-Za-z_][\w.]*)(?::|$)")
_LEVELS = {"WARN": "WARNING", "FATAL": "CRITICAL"}
# The platform lines exactly as Lambda writes them (most lines of a log): read in one
# match; any other layout (extra fields, tabs turned to spaces) takes the general path.
_START_END = re.compile(r"(START|END) RequestId: (\S+)(?: Version: (\S+))?$")
_REPORT = re.compile(r"REPORT RequestId: (\S+)\tDuration: (\S+) ms\tBilled Duration: (\S+) ms"
                     r"\tMemory Size: (\S+) MB\tMax Memory Used: (\S+) MB"
                     r"(?:\tInit Duration: (\S+) ms)?\t?$")


def parse(message: str, ctx: Context) -> Event | None:
    """The event of one Lambda text message, or None when it is not one.

    Raises Malformed for a recognised line that is broken (a REPORT without numbers, a
    platform line with no time around it).
    """
    head = message.split("\n", 1)[0].rstrip("\r")
    if head.startswith(("START RequestId:", "END RequestId:", "REPORT RequestId:",
                        "INIT_START ")):
        return _platform(head, ctx)
    if head.startswith("RequestId: "):
        return _runtime_error(message, head, ctx)
    if head.startswith("["):
        match = _PY_APP.match(head)
        if match:
            return _app(message, ctx, match.group(1), match.group(2), match.group(3),
                        match.end())
        match = _UNCAUGHT.match(head)
        if match:
            return Event(_time(ctx), APP, "error", function=_function(ctx),
                         error_type=match.group(1), level="ERROR", message=clip(message),
                         file=ctx.file, line=ctx.line)
        return None
    if "Task timed out after" in head:
        match = _TIMEOUT.match(head)
        if match:
            when = parse_time(match.group(1)) if match.group(1) else _time(ctx)
            return Event(when, PLATFORM, "timeout",
                         function=_function(ctx), request_id=match.group(2),
                         duration_ms=float(match.group(3)) * 1000.0, error_type="timeout",
                         file=ctx.file, line=ctx.line)
    match = _NODE_APP.match(head)
    if match:
        return _app(message, ctx, match.group(3), match.group(1), match.group(2), match.end())
    return None


def _platform(head: str, ctx: Context) -> Event:
    fast = _fast_platform(head, ctx)
    if fast is not None:
        return fast
    kind, _, rest = head.partition(" ")
    fields = _fields(rest)
    when = _time(ctx)
    function = _function(ctx)
    if kind == "INIT_START":
        return Event(when, PLATFORM, "init", function=function,
                     detail=fields.get("Runtime Version"), file=ctx.file, line=ctx.line)
    request_id = fields.get("RequestId")
    if not request_id:
        raise Malformed(f"{kind} line without a RequestId")
    if kind != "REPORT":
        return Event(when, PLATFORM, kind.lower(), function=function, request_id=request_id,
                     detail=fields.get("Version"), file=ctx.file, line=ctx.line)
    duration = _ms(fields.get("Duration"))
    if duration is None:
        raise Malformed("REPORT line without a Duration")
    status = fields.get("Status")
    error_type = fields.get("Error Type") or (status if status and status != "success" else None)
    return Event(when, PLATFORM, "report", function=function, request_id=request_id,
                 duration_ms=duration, billed_ms=_ms(fields.get("Billed Duration")),
                 memory_mb=integer(_unit(fields.get("Memory Size"))),
                 max_memory_mb=integer(_unit(fields.get("Max Memory Used"))),
                 init_ms=_ms(fields.get("Init Duration")), error_type=error_type,
                 file=ctx.file, line=ctx.line)


def _fast_platform(head: str, ctx: Context) -> Event | None:
    """START, END and REPORT lines of the usual layout (None for any other line)."""
    if head[0] == "R":
        match = _REPORT.match(head)
        if match is None:
            return None
        request_id, duration, billed, memory, used, init = match.groups()
        try:
            return Event(_time(ctx), PLATFORM, "report", function=_function(ctx),
                         request_id=request_id, duration_ms=float(duration),
                         billed_ms=float(billed), memory_mb=integer(memory),
                         max_memory_mb=integer(used),
                         init_ms=float(init) if init is not None else None,
                         file=ctx.file, line=ctx.line)
        except (ValueError, OverflowError):
            return None  # a value that is not a plain number: the general path decides
    match = _START_END.match(head)
    if match is None:
        return None
    kind, request_id, version = match.groups()
    return Event(_time(ctx), PLATFORM, kind.lower(), function=_function(ctx),
                 request_id=request_id, detail=version, file=ctx.file, line=ctx.line)


def _fields(rest: str) -> dict[str, str]:
    """``Key: value`` pairs of a platform line (tab-separated as Lambda writes them)."""
    parts = rest.split("\t")
    if len(parts) < 2 and rest.startswith("RequestId: "):
        # START/END: "RequestId: <id> Version: <v>" with spaces only
        words = rest.split(" ")
        fields = {"RequestId": words[1]} if len(words) > 1 else {}
        if len(words) > 3 and words[2] == "Version:":
            fields["Version"] = words[3]
        if len(words) <= 4:
            return fields
        return dict(_FIELD.findall(rest))  # a REPORT line whose tabs became spaces
    fields = {}
    for part in parts:
        key, _, value = part.partition(": ")
        if value:
            fields[key.strip()] = value.strip()
    return fields


def _runtime_error(message: str, head: str, ctx: Context) -> Event | None:
    match = _RUNTIME_ERROR.match(head)
    if not match:
        return None
    lines = [line.strip() for line in message.split("\n")[1:] if line.strip()]
    error_type = lines[-1] if lines and " " not in lines[-1] else "Runtime.Error"
    return Event(_time(ctx), PLATFORM, "error", function=_function(ctx),
                 request_id=match.group(1), error_type=error_type,
                 message=clip(match.group(2)), file=ctx.file, line=ctx.line)


def _app(message: str, ctx: Context, level: str, when: str, request_id: str,
         body_start: int) -> Event:
    level = _LEVELS.get(level, level)
    body = message[body_start:]
    error_type = None
    if level in ("ERROR", "CRITICAL"):
        error_type = _error_type(body)
    return Event(parse_time(when), APP, "error" if error_type else "log",
                 function=_function(ctx), request_id=request_id, level=level,
                 error_type=error_type, message=clip(body), file=ctx.file, line=ctx.line)


def _error_type(body: str) -> str:
    # Node's uncaught error: 'Invoke Error \t{"errorType":"TypeError",...}'
    match = re.search(r'"errorType"\s*:\s*"([^"]+)"', body)
    if match:
        return match.group(1)
    first = body.split("\n", 1)[0]
    match = re.match(r"([A-Za-z_][\w.]*(?:Error|Exception)):", first)
    return match.group(1) if match else "Error"


def _time(ctx: Context) -> datetime:
    if ctx.time is None:
        raise Malformed("a Lambda platform line with no timestamp around it")
    return ctx.time


def _function(ctx: Context) -> str | None:
    return ctx.function or ctx.config.function


def _unit(value: str | None) -> str | None:
    return value.split()[0] if value else None


def _ms(value: str | None) -> float | None:
    return number(_unit(value))
