"""A function URL (AWS::Lambda::Url) under a `Condition` decided false is not created, so
it is no FG-AUTH-001: in SAM/CloudFormation and in a serverless.yml's `resources:`. One
under a condition written with the stage the scan was not given (`!Equals
['${sls:stage}', prod]` with no --stage) may be created on another stage: kept, as one
under a condition decided true. Fixtures tests/fixtures/function_url_condition."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.config import Options
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "function_url_condition"


def _public_urls(folder: str, stage: str | None = None) -> list[str]:
    result = scan(str(FIXTURES / folder), Options(stage=stage))
    return [f"{f.location.file}:{f.location.line}" for f in result.findings
            if f.rule_id == "FG-AUTH-001"]


@pytest.mark.parametrize("folder", ["serverless-false", "sam-false"])
def test_a_url_under_a_condition_decided_false_is_not_created(folder: str) -> None:
    assert _public_urls(folder) == []


def test_a_url_under_a_condition_decided_true() -> None:
    assert _public_urls("sam-true") == ["template.yaml:20"]


def test_a_url_under_a_condition_on_the_stage_not_given() -> None:
    assert _public_urls("serverless-staged") == ["serverless.yml:19"]
    assert _public_urls("serverless-staged", "prod") == ["serverless.yml:19"]
    assert _public_urls("serverless-staged", "dev") == []
