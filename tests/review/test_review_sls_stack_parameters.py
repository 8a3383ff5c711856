"""Review of 765ad06 (serverless.yml: resources.Conditions decide an Fn::If in a
function's settings): provider.stackParameters, the values the framework passes to the
stack's resources.Parameters, are not read, so a condition they decide stays a
deployment's choice: with Mode=release passed, the debug branch's layer of another
account is still 'may use ... when condition IsDebug holds' (FG-TP-001). Pinned
(serverless.py is Q2's, being edited). Fixtures under
tests/fixtures/review_sls_stack_parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_sls_stack_parameters"


def _layers(folder: str) -> list[str]:
    return [f.message for f in findings(FIXTURES / folder, "FG-TP-001")]


@pytest.mark.xfail(strict=True, reason="serverless loader: provider.stackParameters is not "
                   "a value of resources.Parameters")
def test_a_stack_parameter_deciding_the_condition_false() -> None:
    assert _layers("release") == []


def test_a_stack_parameter_deciding_the_condition_true() -> None:
    [message] = _layers("debug")
    assert "layer 'vendor-debug' from account 210987654321" in message
