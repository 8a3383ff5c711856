"""FG-AUTH-001 on a serverless.yml function URL whose `authorizer` is a variable with no
value for a stage (`${param:urlAuth}` only prod defines): reported naming the variable
(and the stage, when --stage is given), `medium` at low confidence, never as a written
AuthType NONE. Fixtures under tests/fixtures/rules/FG-AUTH-001."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-AUTH-001"


def _urls(case: str) -> list[tuple[str, str, str]]:
    return [(f.message, f.severity, f.confidence) for f in scan(str(CASES / case)).findings
            if f.rule_id == "FG-AUTH-001"]


def test_an_undefined_param_is_named_at_low_confidence() -> None:
    [(message, severity, confidence)] = _urls("serverless-pos-url-param-undefined")
    assert (severity, confidence) == ("medium", "low")
    assert "its authorizer is ${param:urlAuth}, which has no value for one of the file's " \
        "stages (no --stage given): " in message
    assert "AuthType NONE" not in message


def test_a_param_every_stage_defines_as_aws_iam_is_not_reported() -> None:
    assert _urls("serverless-neg-url-param-default") == []
