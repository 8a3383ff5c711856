"""FG-MON-004 on a retention a deployment gives: a parameter or Terraform variable with no
default, a serverless.yml `${param:...}` / `${opt:...}` with no value. It is set (its value
unknown), not "no retention set"; reported only when every value the template allows is
outside the range, naming what decides it. Fixtures under tests/fixtures/rules/FG-MON-004."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-MON-004"


def _messages(case: str) -> list[str]:
    return sorted(f.message for f in scan(str(CASES / case)).findings
                  if f.rule_id == "FG-MON-004")


def test_allowed_values_all_below_the_minimum_are_named() -> None:
    assert _messages("sam-pos-parameter") == [
        "Log group 'AccessLogs' keeps logs 3 or 5 days, as the condition IsProd decides, "
        "less than the 7 days required.",
        "Log group 'AuditLogs' keeps logs 3 days, less than the 7 days required.",
        "Log group 'FnLogs' keeps logs 1 or 3 days, as the parameter DaysAllowed decides, "
        "less than the 7 days required.",
    ]


def test_a_validation_list_all_below_the_minimum_is_named() -> None:
    assert "Log group 'aws_cloudwatch_log_group.audit' keeps logs 1 or 3 days, as the " \
        "variable var.audit_days decides, less than the 7 days required." \
        in _messages("terraform-pos-variable")


def test_a_retention_from_the_deployment_is_not_missing() -> None:
    for case in ("sam-neg-parameter", "serverless-neg-variable", "terraform-neg-variable"):
        assert _messages(case) == [], case
