"""Values a template or project writes for an authoriser setting decided by a parameter or
variable (beside its default, `AllowedValues` and a `contains([...], var.x)` validation):
a NONE it writes is a listed choice (FG-AUTH-002 high, high confidence), one only the
setting's domain offers stays 'NONE only if a deployment passes it' (medium or lower, low
confidence). Fixtures tests/fixtures/written_values (positive and negative twins);
the pinned reviews are tests/review/test_review_auth_unlisted.py and
tests/review/test_review_terraform_modules.py."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.findings import Finding
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "written_values"
DOMAIN_ONLY = "NONE only if a deployment passes it"


def _routes(folder: str) -> dict[str, Finding]:
    """FG-AUTH-002 by route ('PUT /orders') in a scan of one fixture."""
    found: dict[str, Finding] = {}
    for finding in scan(str(FIXTURES / folder)).findings:
        if finding.rule_id == "FG-AUTH-002" and not finding.suppressed:
            route = finding.message.split("Route ", 1)[1].split(" (", 1)[0]
            assert route not in found, route
            found[route] = finding
    return found


def test_an_allowed_pattern_of_literals_lists_its_values() -> None:
    routes = _routes("cfn")
    # ^(AWS_IAM|NONE)$: NONE is written
    put = routes["PUT /orders"]
    assert (put.severity, put.confidence) == ("high", "high")
    assert "NONE is one of its values (AWS_IAM, NONE)" in put.message
    # ^(?:AWS_IAM|COGNITO_USER_POOLS)$: CloudFormation refuses NONE, as AllowedValues would
    assert "PATCH /orders" not in routes
    # ^[A-Z_]+$ lists no values: NONE still comes from the setting's domain only
    post = routes["POST /orders"]
    assert (post.severity, post.confidence) == ("medium", "low")
    assert DOMAIN_ONLY in post.message


def test_a_value_outside_an_allowed_pattern_of_literals_is_a_warning() -> None:
    options = Options(parameters={"PatternClosed": "NONE", "PatternOther": "NONE"})
    warnings = [d.message for d in scan(str(FIXTURES / "cfn"), options).diagnostics
                if d.level == "warning"]
    assert warnings == [
        "parameter PatternClosed: 'NONE' (given with --param or in the configuration) is "
        "not one of its AllowedPattern's values (AWS_IAM, COGNITO_USER_POOLS): "
        "CloudFormation would reject the deployment"]  # ^[A-Z_]+$ lists nothing


def test_a_condition_comparing_the_parameter_with_none_lists_it() -> None:
    routes = _routes("cfn")
    for route in ("DELETE /orders", "HEAD /orders"):  # !Equals, !Not [!Equals ...]
        assert routes[route].confidence == "high", route
        assert "NONE is one of its values" in routes[route].message, route
    assert routes["DELETE /orders"].severity == "high"
    # !Equals [COGNITO_USER_POOLS, !Ref SwitchOther]: written, and it authenticates
    other = routes["GET /orders"]
    assert other.confidence == "low" and DOMAIN_ONLY in other.message
    assert "(AWS_IAM, COGNITO_USER_POOLS) authenticate" in other.message


def test_a_condition_does_not_narrow_a_maps_keys() -> None:
    # IsProd compares Stage with prod only; the Stages map's dev entry (NONE) stays a
    # value a deployment may pick (as Scope.allowed would have ruled it out)
    [route] = _routes("cfn_map").values()
    assert (route.severity, route.confidence) == ("high", "high")
    assert "NONE is one of its values (AWS_IAM, NONE)" in route.message


def test_a_var_file_of_the_project_lists_the_value_it_passes() -> None:
    routes = _routes("tf_var_files")
    for route in ("PUT /orders", "HEAD /orders"):  # env/preview.tfvars, staging.tfvars
        assert routes[route].confidence == "high", route
        assert "NONE is one of its values" in routes[route].message, route
    assert routes["PUT /orders"].severity == "high"
    # env/prod.tfvars passes COGNITO_USER_POOLS: written, and it authenticates
    other = routes["POST /orders"]
    assert (other.severity, other.confidence) == ("medium", "low")
    assert "(AWS_IAM, COGNITO_USER_POOLS) authenticate" in other.message
    # a var-file of another module (modules/audit/preview.tfvars) is not this module's
    nested = routes["GET /orders"]
    assert nested.confidence == "low" and DOMAIN_ONLY in nested.message


def test_a_var_file_does_not_override_a_value_or_a_validation() -> None:
    routes = _routes("tf_var_files")
    assert "PATCH /orders" not in routes  # validation var.refused_auth != "NONE"
    assert "DELETE /orders" not in routes  # terraform.tfvars gives AWS_IAM: the value


def test_a_module_input_carries_the_root_variables_choices() -> None:
    # the root variable lists nothing: the module's method is domain-only, as a root one
    [route] = _routes("tf_module_domain").values()
    assert (route.severity, route.confidence) == ("medium", "low")
    assert "the variable var.method_auth, which defaults to AWS_IAM" in route.message
    assert DOMAIN_ONLY in route.message
    # the root's validation, or the module's own, lists authenticating values only
    assert _routes("tf_module_closed") == {}
    assert _routes("tf_module_child_closed") == {}
