"""The text report: alerts first (most severe first), then functions, cost and reading."""

from __future__ import annotations

from typing import Any

from faasguard.monitor.engine import Analysis
from faasguard.monitor.events import iso_z


def _ms(value: Any) -> str:
    return "-" if value is None else f"{float(value):,.0f} ms"


def render(analysis: Analysis) -> str:
    """The text report."""
    span = (f"{iso_z(analysis.start)} to {iso_z(analysis.end)}" if analysis.start
            and analysis.end else "no events")
    lines = [f"faasguard monitor ({analysis.engine}): {analysis.events:,} events, {span}", ""]
    if analysis.alerts:
        lines.append(f"{len(analysis.alerts)} alert(s):")
        for alert in analysis.alerts:
            lines.append(f"  [{alert.severity.upper()}] {alert.detector} {alert.title}")
            lines.append(f"      {iso_z(alert.start)} .. {iso_z(alert.end)}  "
                         f"{alert.entity_kind} {alert.entity}")
            lines.append(f"      {alert.message}")
            if alert.samples:
                lines.append(f"      see {', '.join(alert.samples)}")
    else:
        lines.append("No alerts.")
    lines.append("")
    header = ("FUNCTION", "INVOCATIONS", "REQUESTS", "ERRORS", "THROTTLES", "COLD", "P50",
              "P99", "COST")
    rows = [header] + [
        (str(f["function"]), f"{int(f['invocations']):,}", f"{int(f['requests']):,}",
         f"{int(f['errors']):,}", f"{int(f['throttles']):,}", f"{int(f['cold_starts']):,}",
         _ms(f["p50_ms"]), _ms(f["p99_ms"]), f"${f['usd']:,.4f}")
        for f in analysis.functions]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    cost = analysis.cost
    budget = (f" (budget ${analysis.budget_usd_per_day:,.2f}/day)"
              if analysis.budget_usd_per_day is not None else "")
    lines += ["", f"Cost so far ${cost.get('usd', 0.0):,.4f}; projected "
                  f"${cost.get('usd_per_day', 0.0):,.2f}/day{budget}; prices of "
                  f"{cost.get('prices_version')}."]
    read = analysis.read
    if read:
        lines.append(f"Read {read.get('files', 0)} file(s), {read.get('lines', 0):,} line(s), "
                     f"{read.get('malformed', 0)} malformed.")
        for sample in read.get("malformed_samples", [])[:5]:
            lines.append(f"  malformed {sample['file']}:{sample['line']}: {sample['reason']}")
        for error in read.get("file_errors", []):
            lines.append(f"  error {error}")
    return "\n".join(lines) + "\n"
