"""Review of a serverless.yml whose function URL's authoriser is a per-stage param
(`url: {authorizer: ${param:authType}}`, `params: {prod: {authType: aws_iam}}`): on dev the
param is not defined (the Framework stops the deployment there: it resolves no value),
and FG-AUTH-001 states "has a public function URL (AuthType NONE)" at high confidence,
as if written, where a parameter-decided AuthType in SAM is reported naming what decides
it. The diagnostic says it was "taken as public"; the finding does not. Fixed: the
finding names the param and is of low confidence; prod (the control) reports nothing.
Fixture under tests/fixtures/review_sls_param_url."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_sls_param_url"


def _urls(stage: str) -> list[tuple[str, str]]:
    result = scan(str(FIXTURES / "per_stage"), Options(stage=stage))
    return [(f.message, f.confidence) for f in result.findings if f.rule_id == "FG-AUTH-001"]


def test_the_stage_defining_the_param_is_not_reported() -> None:
    assert _urls("prod") == []


def test_an_undefined_param_is_named_not_taken_for_none() -> None:
    [(message, confidence)] = _urls("dev")
    assert "param:authType" in message or confidence == "low"
    assert "${param:authType}, which has no value for stage 'dev'" in message
