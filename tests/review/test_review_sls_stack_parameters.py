"""Review of 765ad06 (serverless.yml: resources.Conditions decide an Fn::If in a
function's settings): provider.stackParameters, the values the framework passes to the
stack's resources.Parameters, are not read, so a condition they decide stays a
deployment's choice: with Mode=release passed, the debug branch's layer of another
account is still 'may use ... when condition IsDebug holds' (FG-TP-001). Pinned
(serverless.py is Q2's, being edited); fixed by q4, who added the stage's case. Fixtures
under tests/fixtures/review_sls_stack_parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_sls_stack_parameters"


def _layers(folder: str) -> list[str]:
    return [f.message for f in findings(FIXTURES / folder, "FG-TP-001")]


def test_a_stack_parameter_deciding_the_condition_false() -> None:
    assert _layers("release") == []


def test_a_stack_parameter_deciding_the_condition_true() -> None:
    [message] = _layers("debug")
    assert "layer 'vendor-debug' from account 210987654321" in message


@pytest.mark.parametrize(("stage", "expected"), [
    (None, ["may use"]), ("debug", ["layer 'vendor-debug'"]), ("release", [])])
def test_a_stack_parameter_passing_the_stage(stage: str | None, expected: list[str]) -> None:
    """`ParameterValue: ${sls:stage}` is a fact once the stage is given; without one the
    stage assumed is none, and the condition stays the deployment's choice."""
    found = [f.message for f in scan(str(FIXTURES / "on-stage"), Options(stage=stage)).findings
             if f.rule_id == "FG-TP-001" and not f.suppressed]
    assert len(found) == len(expected)
    for message, text in zip(found, expected, strict=True):
        assert text in message, message
