"""serverless.yml's provider.stackParameters are checked against resources.Parameters by
the code that checks --param and samconfig values against a SAM or CloudFormation
template's (cfn_parameters): a value outside AllowedValues and a parameter no
declaration names are warnings, as CloudFormation would reject either deployment. The
Serverless Framework path read the values and dropped both. Fixtures:
tests/fixtures/stack_parameters_checks (pos, neg)."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import scan

HERE = Path(__file__).resolve().parent / "fixtures" / "stack_parameters_checks"


def _warnings(name: str, **params: str) -> list[tuple[str, int | None, str]]:
    result = scan(str(HERE / name), Options(parameters=params))
    return sorted((d.file, d.line, d.message) for d in result.diagnostics)


def test_values_the_template_refuses_are_warnings() -> None:
    assert _warnings("pos") == [
        ("serverless.yml", 8, "provider.stackParameters passes parameter LogRetention, "
         "which resources.Parameters does not declare: CloudFormation would reject the "
         "deployment ('Parameters: [LogRetention] do not exist in the template'); did you "
         "mean 'LogRetentionDays'?"),
        ("serverless.yml", 15, "parameter AuthMode: 'OPEN' (from provider.stackParameters) is "
         "not one of its AllowedValues (AWS_IAM, NONE): CloudFormation would reject the "
         "deployment")]


def test_values_the_template_accepts_give_nothing() -> None:
    assert _warnings("neg") == []


def test_a_param_given_wins_and_is_checked_as_given() -> None:
    """--param AuthMode=NONE replaces the stackParameters value: no AllowedValues warning;
    --param AuthMode=OPEN is named as given with --param, once."""
    assert [w[1] for w in _warnings("pos", AuthMode="NONE")] == [8]
    assert [w[2] for w in _warnings("pos", AuthMode="OPEN") if w[1] == 15] == [
        "parameter AuthMode: 'OPEN' (given with --param or in the configuration) is not one "
        "of its AllowedValues (AWS_IAM, NONE): CloudFormation would reject the deployment"]
