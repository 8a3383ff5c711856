"""Terraform's JSON variable-definitions files: `terraform.tfvars.json` and
`*.auto.tfvars.json` give a root module's variables their values as `terraform.tfvars`
and `*.auto.tfvars` do (the `*.auto` files after `terraform.tfvars` and
`terraform.tfvars.json`, whatever their names), and a `-var-file` a deployment may pass
(`env/preview.tfvars.json`) writes choices as a `.tfvars` one does. Fixtures
tests/fixtures/tfvars_json."""

from __future__ import annotations

from faasguard.findings import Finding
from tests.test_written_values import DOMAIN_ONLY
from tests.test_written_values import _routes as _written_routes


def _routes(case: str) -> dict[str, Finding]:
    """FG-AUTH-002 by route in a scan of one fixture (test_written_values's reading)."""
    return _written_routes(f"../tfvars_json/{case}")


def test_terraform_tfvars_json_gives_the_value() -> None:
    routes = _routes("values")
    put = routes["PUT /orders"]  # json_auth: NONE from terraform.tfvars.json
    assert (put.severity, put.confidence) == ("high", "high")
    assert "POST /orders" not in routes  # json_closed: AWS_IAM over its default NONE


def test_auto_files_come_after_terraform_tfvars() -> None:
    routes = _routes("values")
    assert "PATCH /orders" not in routes  # z.auto.tfvars.json over terraform.tfvars
    assert "DELETE /orders" not in routes  # a.auto.tfvars over terraform.tfvars


def test_a_json_var_file_writes_choices() -> None:
    routes = _routes("var_files")
    put = routes["PUT /orders"]  # env/preview.tfvars.json: NONE
    assert (put.severity, put.confidence) == ("high", "high")
    assert "NONE is one of its values" in put.message
    assert DOMAIN_ONLY not in put.message
    other = routes["POST /orders"]  # env/prod.tfvars.json: COGNITO_USER_POOLS
    assert (other.severity, other.confidence) == ("medium", "low")
    assert "(AWS_IAM, COGNITO_USER_POOLS) authenticate" in other.message
