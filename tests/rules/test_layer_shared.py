"""FG-TP-007: a layer version shared with every AWS account (lambda:GetLayerVersion to '*'
without an organisation; the recall review's layer_shared_with_everyone gap):
AWS::Lambda::LayerVersionPermission in SAM/CloudFormation and serverless.yml resources,
serverless.yml `layers.<name>.allowedAccounts`, Terraform
aws_lambda_layer_version_permission."""

from __future__ import annotations

import pytest

from tests.rules.conftest import cases, check_case


@pytest.mark.parametrize("case", cases("FG-TP-007"), ids=str)
def test_fixture(case) -> None:
    check_case(case)
