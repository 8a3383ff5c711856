"""Recall review of FG-DATA-002 against what other scanners check: a secret written in an
API Gateway stage's variables (Prowler's stage-variable check) or as an SSM parameter's
`Value` under a secret's `Name` (Checkov's Parameter Store check) is a plaintext secret in
the template. The stage's `Variables` were skipped as if they were a function's
environment, and a parameter's `Value` was judged under the key `Properties`. Fixtures
under tests/fixtures/review_template_secrets (SAM, serverless.yml, Terraform)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_template_secrets"


def _secrets(folder: str) -> list[str]:
    return sorted(f"{f.location.file}:{f.location.line} {f.message.rsplit(' ', 1)[-1]}"
                  for f in findings(FIXTURES / folder, "FG-DATA-002"))


@pytest.mark.parametrize(("folder", "expected"), [
    ("sam_pos", ["template.yaml:27 Resources.Api.Properties.Variables.partnerPassword.",
                 "template.yaml:35 Resources.LegacyStage.Properties.Variables.upstreamApiKey.",
                 "template.yaml:41 Resources.DbPassword.Properties.Value."]),
    ("sls_pos", ["serverless.yml:19 "
                 "resources.Resources.LegacyStage.Properties.Variables.upstreamApiKey.",
                 "serverless.yml:25 resources.Resources.DbPassword.Properties.Value."]),
    ("tf_pos", ["main.tf:11 resource.aws_api_gateway_stage.prod.variables.partnerPassword.",
                "main.tf:18 resource.aws_ssm_parameter.db.value."]),
])
def test_secrets_in_stage_variables_and_parameters(folder: str, expected: list[str]) -> None:
    assert _secrets(folder) == expected


@pytest.mark.parametrize("folder", ["sam_neg", "sls_neg", "tf_neg"])
def test_names_and_references_there(folder: str) -> None:
    assert _secrets(folder) == []


def test_a_function_environment_stays_fg_data_001s() -> None:
    # the function's own Environment.Variables are judged per function, not here
    [env] = findings(FIXTURES / "sam_pos", "FG-DATA-001")
    assert (env.location.line, "PARTNER_TOKEN" in env.message) == (13, True)
