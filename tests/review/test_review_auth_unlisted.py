"""Review of f55b8b8/fcba26e (a NONE only the setting's domain offers: FG-AUTH-002 one
level lower at low confidence, 'lists no other value (no AllowedValues or validation)').
A template or module that writes NONE as a value of the parameter otherwise (a
CloudFormation AllowedPattern or Condition, a Terraform validation other than
`contains([...], var.x)`, a -var-file of the project) is not that case: high, as a
listed NONE is. Fixtures tests/fixtures/review_s12/cfn_none_written, tf_none_validated,
tf_none_var_file."""

from __future__ import annotations

from .support import FIXTURES, findings, one_about


def _route(folder: str, route: str) -> tuple[str, str, str]:
    found = one_about(findings(FIXTURES / folder, "FG-AUTH-002"), f"Route {route} ")
    return found.severity, found.confidence, found.message


def test_a_parameter_saying_nothing_else_is_domain_only() -> None:
    for folder, route in (("cfn_none_written", "POST /orders"),
                          ("tf_none_validated", "POST /orders")):
        severity, confidence, message = _route(folder, route)
        assert (severity, confidence) == ("medium", "low")
        assert "lists no other value, leaving NONE" in message


def test_a_cloudformation_allowed_pattern_naming_none_lists_it() -> None:
    assert _route("cfn_none_written", "PUT /orders")[:2] == ("high", "high")


def test_a_cloudformation_condition_on_none_lists_it() -> None:
    assert _route("cfn_none_written", "DELETE /orders")[:2] == ("high", "high")


def test_a_terraform_validation_refusing_none_does_not_list_it() -> None:
    # closed_auth: `var.closed_auth != "NONE"` names NONE to refuse it
    found = findings(FIXTURES / "tf_none_validated", "FG-AUTH-002")
    assert [f for f in found if "Route PATCH /orders " in f.message] == []


def test_a_terraform_validation_naming_none_lists_it() -> None:
    for route in ("PUT /orders", "DELETE /orders"):  # regex(...), == ... || == ...
        severity, confidence, message = _route("tf_none_validated", route)
        assert (severity, confidence) == ("high", "high"), route
        assert "NONE is one of its values" in message, route


def test_a_var_file_of_the_project_passing_none_lists_it() -> None:
    assert _route("tf_none_var_file", "POST /orders")[:2] == ("high", "high")


def test_a_public_url_permission_writes_none_for_the_url() -> None:
    found = one_about(findings(FIXTURES / "cfn_url_public_permission", "FG-AUTH-001"),
                      "Function 'Handler'")
    assert (found.severity, found.confidence) == ("high", "high")
