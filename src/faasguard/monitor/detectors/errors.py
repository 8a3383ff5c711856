"""Spikes of timeouts, throttles and errors per function (FGM-OPS-001).

Failures cost twice: the failed invocation is billed, and retries (async events,
queues, clients) bill again. A sudden jump of timeouts, throttles (429, ``Rate
exceeded``, ``THROTTLED``) and errors (5xx, runtime errors) is a flood hitting a limit,
an exhausted downstream, or a deploy gone wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faasguard.monitor.detectors.base import Detector, Params, window_alerts, window_query

#: The rows that are failures.
FAILURE = ("kind IN ('timeout', 'error')"
           " OR (kind = 'report' AND error_type IS NOT NULL)"
           " OR (kind = 'request' AND (status = 429 OR status >= 500))")


def _describe(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['n']} timeouts, throttles and errors for {w['entity']} (peak "
            f"{w['peak']} per {p['window_s']} s"
            + (f", baseline {w['base']:.0f})" if w["base"] else ")"),
            {"failures": w["n"], "peak": w["peak"], "baseline": w["base"]})


FAILURE_SPIKE = Detector(
    id="FGM-OPS-001", title="Spike of timeouts, throttles and errors", threat="monitoring",
    severity="medium",
    description="Failures per function (timeouts, runtime errors, 429 and 5xx answers) "
                "jumped above the function's rolling baseline. Parameters: window_s "
                "(default 300), lookback (default 12 windows), factor (default 4), "
                "min_failures (default 20 per window).",
    defaults={"window_s": 300, "lookback": 12, "factor": 4.0, "min_failures": 20},
    query=window_query(FAILURE, "coalesce(function, route_key)", "min_failures", trend=True),
    alerts=window_alerts("function", _describe))

DETECTORS = (FAILURE_SPIKE,)
