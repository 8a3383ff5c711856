"""FG-SHADOW-004 and a NONE only the setting's domain offers: a method whose
AuthorizationType is a parameter or variable with an AWS_IAM default and no AllowedValues
or validation is IAM-signed as the template writes it (as FG-AUTH-002 judges it: medium,
low confidence), so an API whose other methods are IAM-signed is still reported, at low
confidence, naming the parameter; a written NONE or `--param X=NONE` leaves it open."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Options
from faasguard.scan import scan

from .conftest import FIXTURES


def _findings(case: str, **options: object) -> list[tuple[str, str, str]]:
    result = scan(str(FIXTURES / "FG-SHADOW-004" / case), Options(**options))  # type: ignore[arg-type]
    return [(f.severity, f.confidence, f.message) for f in result.findings
            if f.rule_id == "FG-SHADOW-004"]


@pytest.mark.parametrize("case, named", [
    ("sam-pos-unlisted", "route POST /entries: the parameter LedgerAuth, which defaults to "
                         "AWS_IAM and lists no other value, leaving NONE, CUSTOM and "
                         "COGNITO_USER_POOLS of what the setting accepts; NONE only if a "
                         "deployment passes it"),
    ("terraform-pos-unlisted", "route POST /entries: the variable var.ledger_auth, which "
                               "defaults to AWS_IAM and lists no other value, leaving NONE, "
                               "CUSTOM and COGNITO_USER_POOLS of what the setting accepts; "
                               "NONE only if a deployment passes it"),
])
def test_iam_as_written_is_reported_at_low_confidence(case, named):
    [(severity, confidence, message)] = _findings(case)
    assert (severity, confidence) == ("low", "low")
    assert message.endswith(f"off the internet, as the template writes it ({named}).")


@pytest.mark.parametrize("case, name", [("sam-pos-unlisted", "LedgerAuth"),
                                        ("terraform-pos-unlisted", "ledger_auth")])
def test_the_deployments_value_decides(case, name):
    assert _findings(case, parameters={name: "NONE"}) == []
    [(severity, confidence, message)] = _findings(case, parameters={name: "AWS_IAM"})
    assert (severity, confidence) == ("low", "high")
    assert "as the template writes it" not in message


@pytest.mark.parametrize("case", ["sam-neg-unlisted", "terraform-neg-unlisted"])
def test_a_written_none_leaves_the_api_open(case):
    assert _findings(case) == []
    # and passing AWS_IAM makes every route IAM-signed: reported as a fact
    name = "LedgerAuth" if case.startswith("sam") else "ledger_auth"
    assert [f[:2] for f in _findings(case, parameters={name: "AWS_IAM"})] == [("low", "high")]
