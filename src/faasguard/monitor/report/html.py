"""A self-contained HTML page: time series of requests, cost and blocked/failed requests
with the alerts marked, the alert list and the per-function summary.

Everything is inline (SVG charts drawn here, a few lines of CSS and script): no CDN, no
external file, so the page can be mailed or archived as is. Every bar carries its data
(``data-time``, ``data-value``) and every alert band its detector and window, so the page
is also machine-checkable; a small script totals each chart from those attributes
into its caption (``data-total``), which shows the page was rendered by a browser.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from faasguard.monitor.alerts import Alert
from faasguard.monitor.engine import Analysis
from faasguard.monitor.events import iso_z
from faasguard.report.page import SEVERITY_COLORS, document, severity_badge

WIDTH, HEIGHT, PAD = 960, 170, 40
CHARTS = (("requests", "Requests (access logs) or invocations", "#2b6cb0"),
          ("usd", "Cost (USD)", "#2f855a"),
          ("blocked_failed", "Blocked and failed requests", "#c53030"))

_SCRIPT = """
for (const chart of document.querySelectorAll('svg.chart')) {
  let total = 0;
  for (const bar of chart.querySelectorAll('rect.bar')) total += Number(bar.dataset.value);
  const caption = document.getElementById(chart.id + '-total');
  caption.dataset.total = String(total);
  caption.textContent = 'total ' + (chart.dataset.unit === 'usd'
      ? '$' + total.toFixed(4) : total.toLocaleString('en'));
}
document.body.dataset.rendered = 'yes';
"""

_STYLE = """
svg.chart{background:#fafafa;border:1px solid #e2e8f0} .axis{font-size:11px;fill:#4a5568}
"""


def _value(point: dict[str, Any], key: str) -> float:
    if key == "requests":
        return float(point["requests"] or point["invocations"])
    return float(point[key])


def _x(moment: datetime, start: datetime, span: float) -> float:
    return PAD + (moment - start).total_seconds() / span * (WIDTH - 2 * PAD)


def _chart(key: str, title: str, color: str, analysis: Analysis) -> str:
    points = analysis.series
    parts = [f'<h2>{escape(title)} <small id="chart-{key}-total" data-total=""></small></h2>',
             f'<svg class="chart" id="chart-{key}" data-series="{key}" data-unit="{key}" '
             f'data-points="{len(points)}" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">']
    if points:
        start = points[0]["time"]
        span = max((points[-1]["time"] - start).total_seconds() + analysis.step_s, 1.0)
        top = max((_value(p, key) for p in points), default=0.0) or 1.0
        bar_w = max((WIDTH - 2 * PAD) * analysis.step_s / span - 0.5, 0.5)
        for alert in analysis.alerts:
            x1 = max(_x(alert.start, start, span), PAD)
            x2 = min(max(_x(alert.end, start, span), x1 + 2), WIDTH - PAD)
            # Long alerts (a budget projection, a leech) are a strip along the top, not a
            # band that would hide the bars.
            long = x2 - x1 > (WIDTH - 2 * PAD) / 4
            y, h = (PAD / 2 - 8, 6.0) if long else (PAD / 2, HEIGHT - PAD)
            parts.append(f'<rect class="alert" data-detector="{escape(alert.detector)}" '
                         f'data-start="{iso_z(alert.start)}" data-end="{iso_z(alert.end)}" '
                         f'x="{x1:.1f}" y="{y:.0f}" width="{x2 - x1:.1f}" '
                         f'height="{h:.0f}" fill="{SEVERITY_COLORS[alert.severity]}" '
                         f'fill-opacity="{0.6 if long else 0.15}"><title>'
                         f'{escape(alert.detector)}: {escape(alert.message)}</title></rect>')
        for p in points:
            value = _value(p, key)
            h = value / top * (HEIGHT - PAD)
            parts.append(f'<rect class="bar" data-time="{iso_z(p["time"])}" '
                         f'data-value="{value:.8g}" x="{_x(p["time"], start, span):.1f}" '
                         f'y="{HEIGHT - PAD / 2 - h:.1f}" width="{bar_w:.2f}" '
                         f'height="{h:.1f}" fill="{color}"/>')
        label = f"${top:.4f}" if key == "usd" else f"{top:,.0f}"
        parts.append(f'<text class="axis" x="4" y="{PAD / 2 + 10:.0f}">{label}</text>')
        parts.append(f'<text class="axis" x="{PAD}" y="{HEIGHT - 4}">{iso_z(start)}</text>')
        parts.append(f'<text class="axis" x="{WIDTH - PAD - 150}" y="{HEIGHT - 4}">'
                     f'{iso_z(points[-1]["time"])}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _alert_row(alert: Alert) -> str:
    return (f'<tr data-detector="{escape(alert.detector)}">'
            f"<td>{severity_badge(alert.severity)}</td>"
            f"<td>{escape(alert.detector)}</td><td>{escape(alert.title)}</td>"
            f"<td>{iso_z(alert.start)}<br>{iso_z(alert.end)}</td>"
            f"<td>{escape(alert.entity_kind)} {escape(alert.entity)}</td>"
            f"<td>{escape(alert.message)}<br><small>{escape(', '.join(alert.samples))}"
            "</small></td></tr>")


def _function_row(f: dict[str, Any]) -> str:
    def ms(v: Any) -> str:
        return "-" if v is None else f"{float(v):,.0f} ms"
    cells = [escape(str(f["function"])), f"{int(f['invocations']):,}",
             f"{int(f['requests']):,}", f"{int(f['errors']):,}", f"{int(f['throttles']):,}",
             f"{int(f['cold_starts']):,}", ms(f["p50_ms"]), ms(f["p99_ms"]),
             f"${f['usd']:,.4f}"]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def render(analysis: Analysis) -> str:
    """The HTML page."""
    span = (f"{iso_z(analysis.start)} to {iso_z(analysis.end)}" if analysis.start
            and analysis.end else "no events")
    alerts = "".join(_alert_row(a) for a in analysis.alerts) or \
        '<tr><td colspan="6">No alerts.</td></tr>'
    functions = "".join(_function_row(f) for f in analysis.functions)
    budget = (f", budget ${analysis.budget_usd_per_day:,.2f}/day"
              if analysis.budget_usd_per_day is not None else "")
    body = f"""<p>{analysis.events:,} events, {span} ({escape(analysis.engine)}). Cost so far
${analysis.cost.get('usd', 0.0):,.4f}, projected ${analysis.cost.get('usd_per_day', 0.0):,.2f}
per day{budget}. Shaded bands mark alerts.</p>
{"".join(_chart(key, title, color, analysis) for key, title, color in CHARTS)}
<h2>Alerts ({len(analysis.alerts)})</h2>
<table id="alerts"><tr><th>severity</th><th>detector</th><th>what</th><th>window</th>
<th>entity</th><th>evidence</th></tr>{alerts}</table>
<h2>Functions</h2>
<table id="functions"><tr><th>function</th><th>invocations</th><th>requests</th>
<th>errors</th><th>throttles</th><th>cold starts</th><th>p50</th><th>p99</th><th>cost</th></tr>
{functions}</table>"""
    return document("faasguard monitor", body, _STYLE, _SCRIPT,
                    f'data-alerts="{len(analysis.alerts)}" data-events="{analysis.events}"')
