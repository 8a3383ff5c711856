"""The text report: grouping, hints, flows, suppressed list, problems, summary, colours."""

from __future__ import annotations

from pipeline_support import sample_report

from faasguard.report import render


def test_grouped_by_threat_then_severity_with_details():
    text = render(sample_report(), "text")
    lines = text.splitlines()
    perm = lines.index("Over-privileged permissions")
    auth = lines.index("Broken authentication")
    assert perm < auth  # taxonomy order
    assert lines[perm + 1].strip() == "CRITICAL"
    assert lines[perm + 2].strip().startswith(
        "sub dir/serverless.yml:30  FG-PERM-001  critical  Statement allows every action.")
    assert "      flow:" in lines
    assert "        1. handler.py:3  event['body'] read" in lines
    assert "      related: template.yaml:4  function Api" in lines
    assert any(line.startswith("      fix: ") for line in lines)
    assert "\x1b[" not in text


def test_suppressed_problems_and_summary():
    text = render(sample_report(), "text")
    assert "Suppressed (2)" in text
    assert "  template.yaml:20  FG-DATA-001  [comment] rotated weekly" in text
    assert "  template.yaml:40  FG-AUTH-002  [baseline] baseline" in text
    assert "Problems with the input (3)" in text
    assert "  broken.yaml:3  error  invalid YAML/JSON" in text
    last = text.splitlines()[-1]
    assert last == ("2 findings (1 critical, 1 high), 2 suppressed, 5 files scanned, "
                    "3 problems with the input; 2 at or above 'low': failing.")
    # suppressed findings are listed only in their own section
    assert text.count("FG-DATA-001") == 1


def test_threshold_in_summary():
    assert render(sample_report(fail_on="critical"), "text").splitlines()[-1].endswith(
        "1 at or above 'critical': failing.")
    report = sample_report(fail_on="none")
    assert report.exit_code() == 0
    assert "not failing" in render(report, "text")


def test_quiet_prints_only_findings():
    text = render(sample_report(), "text", quiet=True)
    assert "FG-PERM-001" in text and "FG-AUTH-001" in text
    assert "Suppressed" not in text and "Problems" not in text and "scanned" not in text


def test_colour_only_when_asked():
    coloured = render(sample_report(), "text", color=True)
    assert "\x1b[1;31mcritical\x1b[0m" in coloured
