"""Floods and Denial of Wallet: request and invocation spikes, and slow "leech" clients.

Serverless bills per request and per GB-second, so an attacker does not need to take the
service down to hurt: it is enough to make it run. Two shapes matter:

- a **blast**: a burst far above the usual rate of a function, a route or from a client
  (FGM-WALLET-001/002/003). Each window's count is compared with the entity's rolling
  baseline (the mean of its previous non-empty windows), so a busy function is judged
  against its own normal, not against a global number;
- a **leech** (FGM-WALLET-004): one client that stays under every per-second limit but
  keeps calling, hour after hour, and so raises the daily bill without ever tripping a
  rate alarm.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faasguard.monitor.alerts import Alert
from faasguard.monitor.detectors.base import (
    AlertsFn,
    Context,
    Detector,
    Dialect,
    Params,
    QueryFn,
    Row,
    aware,
    make_alert,
    window_alerts,
    window_query,
)

_REQUESTS = "kind = 'request'"
_INVOCATIONS = "kind = 'report'"


def _flood_query(where: str, entity: str, baseline_required: bool) -> QueryFn:
    return window_query(where, entity, "min_count", trend=True,
                        baseline_required=baseline_required)


def _flood_alerts(kind: str, noun: str) -> AlertsFn:
    def describe(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
        rate = w["peak"] / p["window_s"]
        base = w["base"]
        versus = (f", {w['peak'] / base:.0f}x its baseline of {base:.0f}"
                  if base else " (no earlier traffic to compare with)")
        return (f"{noun} {w['entity']}: {w['n']} in the window, peak "
                f"{w['peak']} per {p['window_s']} s ({rate:.1f}/s){versus}",
                {"events": w["n"], "peak": w["peak"], "baseline": base})
    return window_alerts(kind, describe)


_FLOOD_PARAMS = """
Parameters: window_s (window length, seconds), lookback (how many earlier non-empty
windows make the baseline), factor (how many times the baseline a window must reach),
min_count (a window below this is never a flood, whatever the baseline)."""

FUNCTION_FLOOD = Detector(
    id="FGM-WALLET-001", title="Invocation flood on a function", threat="wallet",
    severity="high",
    description="A function's invocations per window (REPORT lines) jumped far above its "
                "own rolling baseline: a Denial of Wallet blast, a retry storm or a "
                "recursive loop. Every invocation is billed." + _FLOOD_PARAMS +
                " Defaults: 60 s windows, 30-window baseline, 5x, at least 100.",
    defaults={"window_s": 60, "lookback": 30, "factor": 5.0, "min_count": 100},
    query=_flood_query(_INVOCATIONS, "function", baseline_required=True),
    alerts=_flood_alerts("function", "invocations of function"))

CLIENT_FLOOD = Detector(
    id="FGM-WALLET-002", title="Request flood from one client", threat="wallet",
    severity="high",
    description="One client IP sent a burst of requests far above its own earlier rate "
                "(or, for a new client, above the floor): a single-source Denial of "
                "Wallet blast or a scraper. Rationale of the floor: 300 requests a minute "
                "(5/s sustained) is beyond what a person or a normal app client sends." +
                _FLOOD_PARAMS + " Defaults: 60 s windows, 30-window baseline, 5x, 300.",
    defaults={"window_s": 60, "lookback": 30, "factor": 5.0, "min_count": 300},
    query=_flood_query(_REQUESTS, "client_ip", baseline_required=False),
    alerts=_flood_alerts("client", "requests from client"))

ROUTE_FLOOD = Detector(
    id="FGM-WALLET-003", title="Request flood on a route", threat="wallet", severity="high",
    description="A route's requests per window jumped far above its rolling baseline: a "
                "distributed flood (many IPs, each under the per-client floor) shows here "
                "when it shows nowhere else." + _FLOOD_PARAMS +
                " Defaults: 60 s windows, 30-window baseline, 5x, at least 100.",
    defaults={"window_s": 60, "lookback": 30, "factor": 5.0, "min_count": 100},
    query=_flood_query(_REQUESTS, "route_key", baseline_required=True),
    alerts=_flood_alerts("route", "requests to route"))


def _leech_query(d: Dialect, p: Params) -> str:
    return f"""
WITH per_minute AS (
  SELECT client_ip, {d.bucket(60)} AS minute, {d.bucket(3600)} AS hour, count(*) AS n,
         min(function) AS function, min(time) AS first_time, max(time) AS last_time,
         min_by(ref, seq) AS first_ref, max_by(ref, seq) AS last_ref
  FROM events WHERE kind = 'request' AND client_ip IS NOT NULL
  GROUP BY 1, 2, 3
), per_hour AS (
  SELECT client_ip, hour, count(*) AS minutes, sum(n) AS n, max(n) AS peak,
         min(function) AS function, min(first_time) AS first_time,
         max(last_time) AS last_time, min_by(first_ref, minute) AS first_ref,
         max_by(last_ref, minute) AS last_ref
  FROM per_minute GROUP BY 1, 2
)
SELECT client_ip AS entity, min(function) AS function, sum(n) AS n, count(*) AS hours,
       max(peak) AS peak, min(first_time) AS start, max(last_time) AS stop,
       min_by(first_ref, hour) AS first_ref, max_by(last_ref, hour) AS last_ref
FROM per_hour
WHERE minutes >= {int(p["min_minutes_per_hour"])}
GROUP BY client_ip
HAVING sum(n) >= {float(p["min_requests"])} AND count(*) >= {int(p["min_hours"])}
   AND max(peak) <= {float(p["max_per_minute"])}
ORDER BY entity
"""


def _leech_alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
    out = []
    for row in rows:
        start, stop = aware(row["start"]), aware(row["stop"])
        active_h = max((stop - start).total_seconds() / 3600, 1.0)
        per_day = row["n"] / active_h * 24
        window: dict[str, Any] = {"entity": row["entity"], "function": row["function"],
                                  "start": start, "end": stop,
                                  "samples": [r for r in (row["first_ref"], row["last_ref"])
                                              if r]}
        out.append(make_alert(det, window, "client",
                              f"client {row['entity']} called in nearly every minute of "
                              f"{row['hours']} hours ({row['n']} requests, never more than "
                              f"{row['peak']} a minute): about {per_day:,.0f} a day if it "
                              "keeps going",
                              {"events": row["n"], "hours": row["hours"], "peak": row["peak"],
                               "projected_per_day": round(per_day)}))
    return out


LEECH = Detector(
    id="FGM-WALLET-004", title="Slow leech client (steady traffic for hours)",
    threat="wallet", severity="medium",
    description="One client calls in nearly every minute, hour after hour, at a rate under "
                "any per-second limit, which adds up to a large daily bill. People and app "
                "clients come in sessions with pauses; a client active in most minutes of "
                "several hours is automation spending your money. Parameters: "
                "min_minutes_per_hour (an hour counts as steady when the client was active "
                "in this many of its minutes, default 45), min_hours (steady hours needed, "
                "default 3), min_requests (default 300), max_per_minute (a client above "
                "this in some minute is a blast, reported by FGM-WALLET-002; default 300).",
    defaults={"min_minutes_per_hour": 45, "min_hours": 3, "min_requests": 300,
              "max_per_minute": 300},
    query=_leech_query, alerts=_leech_alerts)

DETECTORS = (FUNCTION_FLOOD, CLIENT_FLOOD, ROUTE_FLOOD, LEECH)
