"""FG-MON-008 on API Gateway data tracing (full request and response payloads in the
execution logs) on a production stage: SAM MethodSettings, an AWS::ApiGateway::Stage,
Terraform aws_api_gateway_method_settings, serverless.yml logs.restApi.fullExecutionData
(the recall review's data_trace gap). The cases FG-MON-008/*-data-trace run with the
rule's others (tests/rules/test_monitoring.py); here, what the finding says."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-MON-008"


def test_the_finding_names_the_stage_and_is_medium() -> None:
    found = [(f.message, f.severity) for f in
             scan(str(CASES / "serverless-pos-data-trace")).findings
             if f.rule_id == "FG-MON-008"]
    assert found == [(
        "API 'ApiGatewayRestApi' logs full request and response data in production (data "
        "tracing on stage production): every payload its callers send or receive is "
        "written to CloudWatch Logs.", "medium")]


def test_the_fix_is_in_the_projects_format() -> None:
    [finding] = [f for f in scan(str(CASES / "terraform-pos-data-trace")).findings
                 if f.rule_id == "FG-MON-008"]
    assert "data_trace_enabled = false" in finding.remediation
