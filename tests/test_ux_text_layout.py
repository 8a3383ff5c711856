"""The text report stays readable: long flows are cut with a count, related lines once."""

from __future__ import annotations

from faasguard.findings import FlowStep, Location, make_finding
from faasguard.report import render
from faasguard.report.base import Report
from faasguard.report.text import MAX_FLOW_STEPS


def _report_with(steps: int) -> Report:
    finding = make_finding("FG-PERM-105", "Function 'api' can escalate privileges.",
                           Location("serverless.yml", 20), "escalation:api")
    finding.flow.extend(FlowStep(Location("serverless.yml", 20), f"step {n}")
                        for n in range(1, steps + 1))
    twice = (Location("src/app.py", 18), "s3:PutObject")
    finding.related.extend([twice, (Location("src/app.py", 15), "s3:GetObject"), twice])
    return Report(findings=[finding], diagnostics=[], files_scanned=1)


def test_long_flow_is_cut_with_a_count_of_the_rest():
    lines = render(_report_with(MAX_FLOW_STEPS + 5), "text").splitlines()
    steps = [line for line in lines if line.strip().split(".")[0].isdigit()]
    assert len(steps) == MAX_FLOW_STEPS
    assert steps[-1].endswith(f"step {MAX_FLOW_STEPS}")
    assert "        ... and 5 more steps (--format json or sarif lists them all)" in lines


def test_short_flow_is_shown_whole_and_related_lines_once():
    text = render(_report_with(3), "text")
    assert "3. serverless.yml:20  step 3" in text and "more step" not in text
    assert text.count("related: src/app.py:18  s3:PutObject") == 1
    assert text.count("related: src/app.py:15  s3:GetObject") == 1


def test_problem_without_a_line_reads_without_line_zero(capsys, tmp_path):
    from faasguard.cli import main

    missing = str(tmp_path / "nowhere")
    assert main(["cost", missing]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: error: path does not exist" in err
    assert f"{missing}:0" not in err
