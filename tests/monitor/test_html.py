"""The HTML page, rendered by headless Chromium: it renders and its charts hold the data.

Needs /usr/bin/chromium (Debian's ``chromium`` package; scripts/test.sh installs it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.monitor.detectors import Settings
from faasguard.monitor.engine import analyze
from faasguard.monitor.report import html
from tests.browser import chromium
from tests.monitor.monitor_support import report, request


def test_page_renders_in_chromium_with_its_data_and_alerts(tmp_path: Path) -> None:
    events = [request(i * 30.0, ip=f"192.0.2.{i % 9}", line=i) for i in range(240)]
    events += [report(i * 30.0, line=i) for i in range(240)]
    events += [request(7200 + i * 0.1, ip="203.0.113.50", line=1000 + i) for i in range(400)]
    events += [request(7300 + i, status=500, line=2000 + i) for i in range(7)]
    analysis = analyze(events, Settings())
    page = tmp_path / "report.html"
    page.write_text(html.render(analysis), encoding="utf-8")
    assert "http://" not in page.read_text().replace("http://www.w3.org/2000/svg", "")

    dom = chromium("--dump-dom", page.as_uri()).stdout
    assert 'data-rendered="yes"' in dom  # the page's script ran in the browser
    totals = dict(re.findall(r'id="chart-(\w+)-total" data-total="([^"]*)"', dom))
    assert float(totals["requests"]) == 240 + 400 + 7
    assert float(totals["blocked_failed"]) == 7
    assert float(totals["usd"]) == pytest.approx(analysis.cost["usd"], rel=1e-6)
    points = re.findall(r'<svg class="chart" id="chart-requests"[^>]*data-points="(\d+)"', dom)
    assert points == [str(len(analysis.series))]
    flood = [a for a in analysis.alerts if a.detector == "FGM-WALLET-002"]
    assert flood and 'data-detector="FGM-WALLET-002"' in dom

    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", "--window-size=1100,900", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
