"""The third-party rules: fixtures through the whole pipeline, and rule functions on models."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Facts, Options
from faasguard.findings import RULES
from faasguard.model import App, Function, Location

from .conftest import cases, check_case, findings_of, scan_case

THIRD_PARTY_RULES = [f"FG-TP-00{n}" for n in range(1, 6)]


@pytest.mark.parametrize("case", [c for r in THIRD_PARTY_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


def test_aws_published_layers_are_low_and_others_medium() -> None:
    case = next(c for c in cases("FG-TP-001") if c.path.name == "serverless-pos")
    severities = {f.subject.split(":")[1]: f.severity
                  for f in findings_of(scan_case(case), "FG-TP-001")}
    assert severities == {"api": "medium", "traced": "low"}


def _runtime_findings(runtime: str, today: str) -> list:
    function = Function("t.yml#fn", Location("t.yml", 1), "sam", runtime=runtime)
    app = App(functions={function.id: function})
    return list(RULES["FG-TP-005"].run(app, Facts(options=Options(today=today))))


def test_runtime_deprecation_is_judged_at_the_given_date() -> None:
    assert not _runtime_findings("python3.12", "2026-11-29")
    (soon,) = _runtime_findings("python3.12", "2028-09-01")
    assert soon.severity == "low" and "2028-10-31" in soon.message
    (past,) = _runtime_findings("python3.12", "2028-11-01")
    assert past.severity == "medium" and "was deprecated" in past.message
    assert not _runtime_findings("unknown-runtime", "2030-01-01")


@pytest.mark.parametrize("runtime,successor", [
    ("nodejs16.x", "nodejs24.x"), ("python3.8", "python3.14"), ("java8", "java25"),
    ("dotnetcore3.1", "dotnet10"), ("go1.x", "provided.al2023"),
    ("nodejs4.3-edge", "nodejs24.x"), ("unknown", None)])
def test_the_fix_proposes_the_longest_supported_runtime_of_the_family(
        runtime: str, successor: str | None) -> None:
    from faasguard.rules.thirdparty import successor_runtime

    assert successor_runtime(runtime) == successor


def test_the_fix_keeps_the_functions_language() -> None:
    case = next(c for c in cases("FG-TP-005") if c.path.name == "terraform-pos-node")
    (finding,) = check_case(case)
    assert finding.remediation == 'runtime = "nodejs24.x"'
    (python,) = _runtime_findings("python3.8", "2026-11-29")
    assert "python3.14" in python.remediation
