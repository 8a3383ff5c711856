"""The HTML report: rendered by headless Chromium, it shows every finding with its data,
hides suppressed ones until asked, filters from a link, and escapes what it quotes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline_support import sample_report

from faasguard.cli import main
from faasguard.findings import make_finding
from faasguard.model import Location
from faasguard.report import Report, render
from tests.browser import chromium

REPO = Path(__file__).resolve().parents[1]


def _dom(page: Path, fragment: str = "") -> str:
    return chromium("--dump-dom", page.as_uri() + fragment).stdout


def _rows(dom: str) -> list[dict[str, str]]:
    rows = re.findall(r'<tr class="finding"([^>]*)>', dom)
    return [dict(re.findall(r'data-(\w+)="([^"]*)"', attributes)) for attributes in rows]


def test_page_renders_every_finding_with_its_data(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(sample_report(), "html"), encoding="utf-8")
    dom = _dom(page)
    assert 'data-rendered="yes"' in dom  # the page's script ran in the browser
    assert 'data-visible="2"' in dom  # the two active findings; suppressed ones hidden
    rows = {row["rule"]: row for row in _rows(dom)}
    assert set(rows) == {"FG-AUTH-001", "FG-PERM-001", "FG-DATA-001", "FG-AUTH-002"}
    assert rows["FG-PERM-001"]["file"] == "sub dir/serverless.yml"
    assert rows["FG-PERM-001"]["line"] == "30"
    assert rows["FG-PERM-001"]["severity"] == "critical"
    assert rows["FG-DATA-001"]["suppressed"] == "yes"
    assert "rotated weekly" in dom
    assert "<code>handler.py:9</code> reaches os.system" in dom  # the flow's steps
    assert "template.yaml:12-13" in dom  # a finding spanning lines
    assert len(re.findall(r'<tr class="problem"', dom)) == 3
    assert "2 findings (1 critical, 1 high), 2 suppressed" in dom
    # self-contained: nothing is loaded from elsewhere
    assert not re.search(r'(src|href)="(https?:)?//', page.read_text())


def test_a_link_carries_the_filters(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(sample_report(), "html"), encoding="utf-8")
    assert 'data-visible="1"' in _dom(page, "#severity=critical")
    # suppressed ones shown, one threat, and text: the suppressed GET route only
    assert 'data-visible="1"' in _dom(page, "#suppressed=1&threat=auth&text=GET%20/x")


def test_quoted_text_is_escaped() -> None:
    finding = make_finding("FG-DATA-001", "value <script>alert(1)</script> & more",
                           Location("a<b>.yml", 3), "env:x")
    page = render(Report(findings=[finding], diagnostics=[]), "html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert 'data-file="a&lt;b&gt;.yml"' in page


def test_no_findings_page() -> None:
    page = render(Report(findings=[], diagnostics=[], files_scanned=2), "html")
    assert "<p>No findings.</p>" in page and 'data-findings="0"' in page


def test_cli_writes_the_page_with_every_finding_of_the_scan(tmp_path: Path) -> None:
    app = REPO / "examples" / "vulnerable-app"
    page, data = tmp_path / "scan.html", tmp_path / "scan.json"
    assert main(["scan", str(app), "--format", "html", "-o", str(page)]) == 1
    assert main(["scan", str(app), "--format", "json", "-o", str(data)]) == 1
    findings = json.loads(data.read_text())["findings"]
    rows = _rows(page.read_text())
    assert len(rows) == len(findings) > 20
    assert sorted((r["rule"], r["file"], int(r["line"])) for r in rows) == sorted(
        (f["rule_id"], f["location"]["file"], f["location"]["line"]) for f in findings)
