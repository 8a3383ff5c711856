"""Cost so far and projected cost per day, alarmed against the budget (FGM-WALLET-005).

The figures come from what the logs prove was billed: REPORT lines give each
invocation's billed duration and memory (GB-seconds), access logs give API Gateway
requests. Prices are the scanner's versioned table, `faasguard/data/prices.json` (the
same numbers as `faasguard cost`), read here, never copied. The projection is the cost
rate over the span of the logs (at least one hour, so a few minutes of logs cannot
project a fortune) times 24 hours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from faasguard.monitor.alerts import Alert
from faasguard.monitor.detectors.base import Context, Detector, Dialect, Params, Row, aware
from faasguard.package_data import own_data

_MIN_SPAN_S = 3600.0


@dataclass(frozen=True)
class Prices:
    """The prices the monitor needs, in USD."""

    version: str
    lambda_request: float
    gb_second: dict[str, float]
    apigw_request: dict[str, float]

    @classmethod
    def load(cls) -> Prices:
        """Read the package's price table."""
        data = json.loads(own_data("prices.json"))
        gw = data["api_gateway"]
        return cls(version=str(data.get("version", "")),
                   lambda_request=data["lambda"]["request_per_million"] / 1e6,
                   gb_second=dict(data["lambda"]["gb_second"]),
                   apigw_request={"rest": gw["rest_request_per_million"] / 1e6,
                                  "http": gw["http_request_per_million"] / 1e6})

    def function_usd(self, invocations: float, gb_seconds: float, api_requests: float,
                     architecture: str = "x86_64", api_type: str = "rest") -> float:
        """What `invocations` invocations of `gb_seconds` and `api_requests` requests cost."""
        per_gb_s = self.gb_second.get(architecture, self.gb_second["x86_64"])
        per_api = self.apigw_request.get(api_type, self.apigw_request["rest"])
        return invocations * self.lambda_request + gb_seconds * per_gb_s \
            + api_requests * per_api


def usage_sql(d: Dialect) -> str:
    """Per function: invocations, GB-seconds, API requests, first and last event."""
    return """
SELECT coalesce(function, '(unknown)') AS function,
       sum(CASE WHEN kind = 'report' THEN 1 ELSE 0 END) AS invocations,
       sum(CASE WHEN kind = 'report'
                THEN coalesce(billed_ms, duration_ms, 0) * coalesce(memory_mb, 128)
                ELSE 0 END) / 1024000.0 AS gb_seconds,
       sum(CASE WHEN kind = 'request' THEN 1 ELSE 0 END) AS api_requests,
       min(time) AS start, max(time) AS stop,
       min_by(ref, seq) AS first_ref, max_by(ref, seq) AS last_ref
FROM events
WHERE kind IN ('report', 'request')
GROUP BY 1
ORDER BY 1
"""


def usd_of(row: Row, prices: Prices, p: Params) -> float:
    """The cost of one `usage_sql` row."""
    return prices.function_usd(float(row["invocations"] or 0), float(row["gb_seconds"] or 0),
                               float(row["api_requests"] or 0), p["architecture"],
                               p["api_type"])


def projected_per_day(usd: float, span_s: float) -> float:
    """`usd` spent over `span_s` seconds, as a daily rate."""
    return usd / max(span_s, _MIN_SPAN_S) * 86400


def _alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
    budget = ctx.budget_usd_per_day
    if budget is None or not rows or ctx.start is None or ctx.end is None:
        return []
    prices = ctx.prices or Prices.load()
    spent = sum(usd_of(row, prices, p) for row in rows)
    per_day = projected_per_day(spent, ctx.span_seconds)
    if per_day <= budget * p["budget_fraction"]:
        return []
    top = sorted(rows, key=lambda r: -usd_of(r, prices, p))[:3]
    share = ", ".join(f"{r['function']} ${usd_of(r, prices, p):,.4f}" for r in top)
    return [Alert(detector=det.id, title=det.title, threat=det.threat, severity=det.severity,
                  start=aware(ctx.start), end=aware(ctx.end), entity_kind="account",
                  entity="all functions",
                  message=f"projected ${per_day:,.2f}/day against a budget of "
                          f"${budget:,.2f}/day (spent ${spent:,.4f} in "
                          f"{ctx.span_seconds / 3600:.1f} h; top: {share})",
                  counts={"spent_usd": round(spent, 6), "projected_usd_per_day":
                          round(per_day, 4), "budget_usd_per_day": budget},
                  samples=[r["first_ref"] for r in top if r["first_ref"]])]


def _query(d: Dialect, p: Params) -> str:
    return usage_sql(d)


BUDGET = Detector(
    id="FGM-WALLET-005", title="Projected spend above the budget", threat="wallet",
    severity="high",
    description="The cost the logs show (Lambda requests and GB-seconds from REPORT lines, "
                "API Gateway requests from access logs, priced with faasguard's price "
                "table), projected to a day, is above the daily budget (--budget or the "
                "config's budget). Parameters: budget_fraction (alarm above this share of "
                "the budget, default 1.0), architecture (x86_64 or arm64, default x86_64: "
                "the dearer), api_type (rest or http, default rest: the dearer).",
    defaults={"budget_fraction": 1.0, "architecture": "x86_64", "api_type": "rest"},
    query=_query, alerts=_alerts)

DETECTORS = (BUDGET,)


def cost_summary(rows: list[Row], prices: Prices, span_s: float,
                 p: Params | None = None) -> dict[str, Any]:
    """Per-function and total cost so far and per day, from `usage_sql` rows."""
    params = dict(BUDGET.defaults) | dict(p or {})
    functions = {}
    for row in rows:
        usd = usd_of(row, prices, params)
        functions[row["function"]] = {"usd": usd,
                                      "usd_per_day": projected_per_day(usd, span_s)}
    total = sum(f["usd"] for f in functions.values())
    return {"functions": functions, "usd": total,
            "usd_per_day": projected_per_day(total, span_s), "prices_version": prices.version}
