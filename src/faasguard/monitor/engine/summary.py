"""Per-function summary and time series, in the same shared SQL as the detectors."""

from __future__ import annotations

import math
from typing import Any

from faasguard.monitor.detectors.base import Dialect, Row, when
from faasguard.monitor.detectors.errors import FAILURE

_THROTTLE = ("(kind = 'request' AND status = 429) OR upper(error_type) LIKE '%THROTTL%'"
             " OR error_type = 'TooManyRequestsException'")
#: The most points a time series gets (its step grows with the span of the logs).
MAX_POINTS = 240


def functions_sql(d: Dialect) -> str:
    """Per function: invocations, errors, throttles, p50/p99 duration, cold starts..."""
    return f"""
SELECT coalesce(function, '(unknown)') AS function,
       sum(CASE WHEN kind = 'report' THEN 1 ELSE 0 END) AS invocations,
       sum(CASE WHEN kind = 'request' THEN 1 ELSE 0 END) AS requests,
       sum(CASE WHEN {FAILURE} THEN 1 ELSE 0 END) AS errors,
       sum(CASE WHEN kind = 'timeout' OR error_type = 'timeout' THEN 1 ELSE 0 END) AS timeouts,
       sum(CASE WHEN {_THROTTLE} THEN 1 ELSE 0 END) AS throttles,
       sum(CASE WHEN kind = 'report' AND init_ms IS NOT NULL THEN 1 ELSE 0 END) AS cold_starts,
       sum(CASE WHEN kind = 'guard' AND decision = 'block' THEN 1 ELSE 0 END) AS blocked,
       {d.quantile("CASE WHEN kind = 'report' THEN duration_ms END", 0.5)} AS p50_ms,
       {d.quantile("CASE WHEN kind = 'report' THEN duration_ms END", 0.99)} AS p99_ms,
       max(CASE WHEN kind = 'report' THEN max_memory_mb END) AS max_memory_mb
FROM events
WHERE kind IN ('report', 'request', 'timeout', 'error', 'guard')
GROUP BY 1
ORDER BY 1
"""


def step_seconds(span_s: float) -> int:
    """A time-series step: whole minutes, at most `MAX_POINTS` points over the span."""
    return max(60, math.ceil(span_s / MAX_POINTS / 60) * 60)


def series_sql(d: Dialect, step: int) -> str:
    """Per step: requests, invocations, GB-seconds, blocked and failed requests."""
    return f"""
SELECT {d.bucket(step)} AS bucket,
       sum(CASE WHEN kind = 'request' THEN 1 ELSE 0 END) AS requests,
       sum(CASE WHEN kind = 'report' THEN 1 ELSE 0 END) AS invocations,
       sum(CASE WHEN kind = 'report'
                THEN coalesce(billed_ms, duration_ms, 0) * coalesce(memory_mb, 128)
                ELSE 0 END) / 1024000.0 AS gb_seconds,
       sum(CASE WHEN (kind = 'guard' AND decision = 'block')
                  OR (kind = 'request' AND status >= 400) THEN 1 ELSE 0 END) AS blocked_failed
FROM events
GROUP BY 1
ORDER BY 1
"""


def series(rows: list[Row], step: int, prices: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Time-series points (time, requests, invocations, cost, blocked_failed)."""
    points = []
    for row in rows:
        usd = prices.function_usd(float(row["invocations"] or 0),
                                  float(row["gb_seconds"] or 0),
                                  float(row["requests"] or 0), params["architecture"],
                                  params["api_type"])
        points.append({"time": when(int(row["bucket"]), step),
                       "requests": int(row["requests"] or 0),
                       "invocations": int(row["invocations"] or 0),
                       "usd": usd, "blocked_failed": int(row["blocked_failed"] or 0)})
    return points
