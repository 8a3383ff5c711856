"""The taint fixture suite: precision and recall of the injection rules over tests/fixtures/taint.

Every `# expect: FG-INJ-00N` marker is one expected finding at that line; any other
finding is a false positive. The suite fails below 0.95 precision or 0.95 recall.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from taint_suite_support import (
    analyse_suite,
    build_app,
    expected_flows,
    headers,
    precision_recall,
    scored,
)

from faasguard.analysis.facts import Facts
from faasguard.analysis.taint import analyse_taint
from faasguard.analysis.taint.table import CATEGORIES
from faasguard.findings import Finding
from faasguard.model import App

SUITE = Path(__file__).resolve().parent / "fixtures" / "taint"
_EXPECT = re.compile(r"#\s*expect:\s*(FG-INJ-\d{3}(?:\s*,\s*FG-INJ-\d{3})*)")
_HEADER = re.compile(r"^#\s*(trigger|auth):\s*([\w-]+)\s*$")
TEMPLATE = "template.yaml"
# benchmarks/compare_bandit.py imports these from here
__all__ = ["SUITE", "expected", "precision_recall", "run_suite", "suite_files"]


def suite_files(root: Path = SUITE) -> list[Path]:
    """The suite's Python files (apps/ holds whole applications for the pipeline tests)."""
    return [p for p in sorted(root.rglob("*.py")) if p.relative_to(root).parts[0] != "apps"]


def run_suite(root: Path = SUITE) -> tuple[App, Facts, list[Finding]]:
    """Resolve handlers, run the taint analysis and the injection rules over a folder."""
    app = build_app(root, suite_files(root), lambda _: "python",
                    lambda path: headers(path, _HEADER, 3), TEMPLATE, "sam", "python3.12")
    return analyse_suite(app, analyse_taint)


def expected(root: Path = SUITE) -> set[tuple[str, int, str]]:
    """(file, line, rule id) of every marker in the suite."""
    return expected_flows(root, suite_files(root), _EXPECT)


@pytest.fixture(scope="module")
def suite() -> tuple[App, Facts, list[Finding]]:
    return run_suite()


def test_suite_is_large_and_covers_every_category_and_source() -> None:
    handlers = [p for p in SUITE.glob("*.py") if "trigger" in headers(p, _HEADER, 3)]
    assert len(handlers) >= 60
    rules = {rule_id for _, _, rule_id in expected()}
    assert rules == set(CATEGORIES.values())
    kinds = {headers(p, _HEADER, 3)["trigger"] for p in handlers}
    assert {"http", "url", "alb", "s3", "sqs", "sns", "dynamodb-stream", "kinesis-stream",
            "eventbridge", "cognito", "iot", "schedule"} <= kinds
    # every category has at least one safe twin: a handler of that sink kind with no marker
    safe = [p for p in handlers if "# expect:" not in p.read_text()]
    assert len(safe) >= 25


def test_precision_and_recall(suite: tuple[App, Facts, list[Finding]]) -> None:
    app, _, findings = suite
    errors = [d for d in app.diagnostics if d.level == "error"]
    assert not errors, errors
    want = expected()
    got, precision, recall = scored("taint suite", findings, want)
    missed = sorted(want - got)
    extra = sorted(got - want)
    assert precision >= 0.95, f"false positives: {extra}"
    assert recall >= 0.95, f"missed: {missed}"


def test_one_finding_per_flow(suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    keys = [(f.location.file, f.location.line, f.rule_id, f.properties["source_path"])
            for f in findings]
    assert len(keys) == len(set(keys))
    assert len({f.fingerprint for f in findings}) == len(findings)


def test_one_finding_per_source_and_sink(suite: tuple[App, Facts, list[Finding]]) -> None:
    """A value read further (`split`, an index) is the same piece of the event: one source
    reaching one sink is one finding, not one per access path (two fields of a body are two
    sources)."""
    _, _, findings = suite
    paths: dict[tuple[str, int, str], list[str]] = {}
    for f in findings:
        paths.setdefault((f.location.file, f.location.line, f.rule_id), []).append(
            f.properties["source_path"].replace("[*]", ""))
    repeated = sorted((key, a, b) for key, found in paths.items() for a in found for b in found
                      if a is not b and b.startswith(a))
    assert repeated == []


def test_fixed_origin_files_score_exactly(suite: tuple[App, Facts, list[Finding]]) -> None:
    """The fixed-origin fixtures (a literal scheme and host before the tainted part is no
    SSRF) are met exactly: a literal URL appended to a tainted value (`x + "https://h/"`)
    leaves the start open and is reported, a literal start is not, unless its host is
    the function's own machine or network (localhost, a private or link-local address),
    where the path alone picks what is read."""
    got, want = _file_flows(suite[2], "http_ssrf_fixed_host_path.py")
    assert len(want) == 6
    assert got == want


def test_constant_origin_files_score_exactly(suite: tuple[App, Facts, list[Finding]]) -> None:
    """A module's upper-case constant bound once to a URL (`PARTNER = "https://h/v2/"`)
    fixes the origin like a literal does (`PARTNER + x`, `f"{PARTNER}{x}"` are no SSRF);
    one naming an internal host, one bound twice and a local of the same name do not."""
    got, want = _file_flows(suite[2], "http_ssrf_constant_host.py")
    assert len(want) == 3
    assert got == want


def _file_flows(findings: list[Finding], name: str
                ) -> tuple[set[tuple[str, int, str]], set[tuple[str, int, str]]]:
    """The flows reported in the suite file `name` and those its markers expect."""
    want = {w for w in expected() if Path(w[0]).name == name}
    got = {(f.location.file, f.location.line, f.rule_id) for f in findings
           if Path(f.location.file).name == name}
    return got, want
