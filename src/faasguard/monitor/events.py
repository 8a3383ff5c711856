"""The normalised event: one row of the monitor's table, whatever log it came from.

Every reader (Lambda platform lines, application JSON logs, the guard's security
events, API Gateway access logs, CloudTrail records) turns what it reads into `Event`
objects; every detector and both engines (DuckDB, Spark) read only `Event`s. Fields a
source does not know are None.

`EVENT_COLUMNS` is the table schema: (column name, SQL type) pairs in the order of
`Event.row()`. The type names (VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP)
mean the same in DuckDB and Spark SQL. The `time` column holds naive UTC timestamps.

What each source fills in:

- ``lambda-platform``: START/END/REPORT/INIT_START lines and timeouts (text or JSON
  log format). ``kind`` is ``start``, ``end``, ``report``, ``init``, ``timeout`` or
  ``error``; REPORT fills duration_ms, billed_ms, memory_mb, max_memory_mb and init_ms
  (a cold start); a failed invocation carries ``error_type`` (``timeout``, ``error``,
  ``Runtime.ExitError``...).
- ``lambda-app``: the handler's own log lines (``kind`` ``log``): level, message,
  error_type for ``[ERROR]`` lines and uncaught exceptions.
- ``guard``: `faasguard.runtime.audit` security events (``kind`` ``guard``): decision,
  detector, reason, client_ip, principal, status, the input location in ``detail``.
- ``apigw-access``: one request (``kind`` ``request``): client_ip, principal, method,
  path, query, route, status, duration_ms (the integration or response latency),
  user_agent, error_type (the gateway's error message type, e.g. ``THROTTLED``).
- ``cloudtrail``: one API call (``kind`` ``api-call``): api_action
  (``eventSource:eventName``), principal (the identity ARN), principal_type
  (``Root``, ``IAMUser``, ``AssumedRole``...), client_ip, user_agent, error_code,
  mfa_used (console sign-in), params (requestParameters as compact JSON text).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

# The values of `Event.source`.
SOURCES = ("lambda-platform", "lambda-app", "guard", "apigw-access", "cloudtrail")

# The values of `Event.kind`.
KINDS = ("start", "end", "report", "init", "timeout", "error", "log", "guard", "request",
         "api-call")

# The cap on free-text fields (message, params, detail), so one huge log line cannot
# make a row, or the table, unbounded.
TEXT_LIMIT = 2000


@dataclass(slots=True)
class Event:
    """One normalised log event.

    `time` is timezone-aware UTC. `file` and `line` point at the raw line it came from
    (1-based; for a record inside a multi-record document, the line where the document
    or record starts).
    """

    time: datetime
    source: str
    kind: str
    function: str | None = None
    request_id: str | None = None
    client_ip: str | None = None
    principal: str | None = None
    principal_type: str | None = None
    method: str | None = None
    path: str | None = None
    query: str | None = None
    route: str | None = None
    status: int | None = None
    duration_ms: float | None = None
    billed_ms: float | None = None
    memory_mb: int | None = None
    max_memory_mb: int | None = None
    init_ms: float | None = None
    error_type: str | None = None
    api_action: str | None = None
    error_code: str | None = None
    user_agent: str | None = None
    detector: str | None = None
    decision: str | None = None
    reason: str | None = None
    mfa_used: bool | None = None
    level: str | None = None
    message: str | None = None
    params: str | None = None
    detail: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def cold_start(self) -> bool:
        """True for a REPORT (or init) event of an invocation that began with an Init phase."""
        return self.init_ms is not None

    @property
    def route_key(self) -> str | None:
        """``METHOD /path`` of a request: the route template when known, else the raw path."""
        if self.route:
            return self.route
        if self.path is None:
            return None
        return f"{self.method or 'ANY'} {self.path}"

    def row(self) -> tuple[Any, ...]:
        """The values in `EVENT_COLUMNS` order; `time` as naive UTC (SQL TIMESTAMP)."""
        values = [getattr(self, name) for name in COLUMN_NAMES]
        values[0] = utc_naive(self.time)
        return tuple(values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: None fields left out, time as ISO 8601 with ``Z``."""
        out = {k: v for k, v in asdict(self).items() if v is not None}
        out["time"] = iso_z(self.time)
        return out

    def to_json(self) -> str:
        """`to_dict` as one compact JSON line."""
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=False)


_SQL_TYPES = {
    "datetime": "TIMESTAMP",
    "str": "VARCHAR",
    "str | None": "VARCHAR",
    "int | None": "BIGINT",
    "float | None": "DOUBLE",
    "bool | None": "BOOLEAN",
}

# (name, SQL type) in row order: the table schema shared by the DuckDB and Spark engines.
EVENT_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (name, _SQL_TYPES[str(field_type)])
    for name, field_type in Event.__annotations__.items()
)
COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in EVENT_COLUMNS)


def utc_naive(moment: datetime) -> datetime:
    """`moment` in UTC without tzinfo (naive datetimes are taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision and a ``Z`` suffix."""
    text = utc_naive(moment).isoformat(timespec="milliseconds")
    return text + "Z"


def clip(text: str | None, limit: int = TEXT_LIMIT) -> str | None:
    """`text` cut to `limit` characters (with a trailing ``…`` when cut)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "\u2026"
