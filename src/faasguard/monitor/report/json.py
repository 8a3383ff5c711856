"""The JSON report: alerts, per-function summary, cost, time series and read statistics."""

from __future__ import annotations

import json
from typing import Any

from faasguard import __version__
from faasguard.monitor.engine import Analysis
from faasguard.monitor.events import iso_z


def document(analysis: Analysis) -> dict[str, Any]:
    """The analysis as a JSON-ready dict."""
    return {
        "tool": "faasguard monitor", "version": __version__, "engine": analysis.engine,
        "start": iso_z(analysis.start) if analysis.start else None,
        "end": iso_z(analysis.end) if analysis.end else None,
        "events": analysis.events, "read": analysis.read,
        "budget_usd_per_day": analysis.budget_usd_per_day,
        "alerts": [a.to_dict() for a in analysis.alerts],
        "functions": [_function(f) for f in analysis.functions],
        "cost": {"usd": round(analysis.cost.get("usd", 0.0), 6),
                 "usd_per_day": round(analysis.cost.get("usd_per_day", 0.0), 4),
                 "prices_version": analysis.cost.get("prices_version")},
        "series": {"step_s": analysis.step_s,
                   "points": [{**p, "time": iso_z(p["time"]), "usd": round(p["usd"], 8)}
                              for p in analysis.series]},
    }


def _function(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if isinstance(value, float):
            value = round(value, 10 if key == "usd" else 3)
        elif value is not None and not isinstance(value, (str, bool)):
            value = int(value)
        out[key] = value
    return out


def render(analysis: Analysis) -> str:
    """The JSON report text."""
    return json.dumps(document(analysis), indent=2) + "\n"
