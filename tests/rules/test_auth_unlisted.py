"""How sure "may have no authoriser" / "may have a public function URL" is: a NONE the
template writes (an AllowedValues entry, a branch, a validation's list, a stage's value)
is reported as before; a NONE only the setting's domain offers (a parameter or variable
with an authenticating default and no AllowedValues or validation: `Unknown.unlisted`)
is reported one severity level lower, at low confidence, naming the parameter and its
default."""

from __future__ import annotations

import pytest

from faasguard.analysis.endpoints import build_endpoints, none_unlisted
from faasguard.analysis.facts import Facts, Options
from faasguard.model import Api, App, Authorizer, Location, Route, Unknown
from faasguard.rules.auth import api_key_only
from faasguard.scan import scan

from .conftest import FIXTURES


def _findings(rule_id: str, case: str, **options: object) -> dict[str, tuple[str, str, str]]:
    """subject -> (severity, confidence, message) of one rule's findings on a case."""
    result = scan(str(FIXTURES / rule_id / case), Options(**options))  # type: ignore[arg-type]
    return {f.subject: (f.severity, f.confidence, f.message) for f in result.findings
            if f.rule_id == rule_id}


@pytest.mark.parametrize("value, expected", [
    (Unknown("parameter P", ("AWS_IAM", "NONE"), ("NONE",)), True),
    (Unknown("var.p", ("AWS_IAM", "NONE", "CUSTOM"), ("NONE", "CUSTOM")), True),
    (Unknown("parameter P", ("AWS_IAM", "NONE")), False),  # AllowedValues list NONE
    (Unknown("parameter P", ("AWS_IAM", "NONE"), ("AWS_IAM", "NONE")), False),  # no default
    (Unknown("If C", ("NONE", "AWS_IAM"), ("AWS_IAM",)), False),  # a branch writes NONE
    (Unknown("parameter P", ("AWS_IAM", "CUSTOM"), ("CUSTOM",)), False),  # no NONE at all
])
def test_none_unlisted(value, expected):
    assert none_unlisted(value) is expected


def test_sam_event_authorisers():
    found = _findings("FG-AUTH-002", "sam-pos-unlisted")
    create = found["route:Api:POST:/orders"]
    assert create == (
        "medium", "low",
        "Route POST /orders (function 'Orders') may have no authoriser: its authoriser "
        "depends on the parameter OrdersAuth, which defaults to TokenAuth and lists no "
        "other value, leaving NONE and AWS_IAM of what the setting accepts; NONE only if a "
        "deployment passes it, and such a deployment lets anyone from the internet call "
        "it, and it changes state.")
    # a condition choosing between that parameter and AWS_IAM: NONE still not written
    update = found["route:Api:PUT:/orders"]
    assert update[:2] == ("medium", "low")
    assert "whose values as written (TokenAuth, AWS_IAM) authenticate" in update[2]
    # NONE written: an AllowedValues entry, a branch, a branch leaving the authoriser out
    assert found["route:Api:GET:/orders"][:2] == ("medium", "high")
    assert found["route:Api:DELETE:/orders"][:2] == ("high", "high")
    assert found["route:Api:PATCH:/orders"][:2] == ("high", "high")


def test_cloudformation_methods_and_routes():
    found = _findings("FG-AUTH-002", "sam-pos-unlisted-cloudformation")
    assert {s: f[:2] for s, f in found.items()} == {
        "route:Api:POST:/orders": ("medium", "low"),
        "route:Api:DELETE:/orders": ("high", "high"),  # no default: every deployment picks
        "route:Http:GET:/orders": ("low", "low"),
        "route:Socket:$connect:$connect": ("low", "low"),
    }
    assert "parameter MethodAuth, which defaults to AWS_IAM" in \
        found["route:Api:POST:/orders"][2]
    # the deployment's values decide, as before: a fact at the rule's severity
    given = _findings("FG-AUTH-002", "sam-pos-unlisted-cloudformation",
                      parameters={"MethodAuth": "NONE", "OpenAuth": "AWS_IAM",
                                  "RouteAuth": "AWS_IAM", "ConnectAuth": "AWS_IAM"})
    assert {s: f[:2] for s, f in given.items()} == {"route:Api:POST:/orders": ("high", "high")}
    assert "has no authoriser" in given["route:Api:POST:/orders"][2]


def test_terraform_variables():
    found = _findings("FG-AUTH-002", "terraform-pos-unlisted")
    assert {s: f[:2] for s, f in found.items()} == {
        "route:aws_api_gateway_rest_api.api:POST:/orders": ("medium", "low"),
        "route:aws_api_gateway_rest_api.api:DELETE:/orders": ("high", "high"),
        "route:aws_apigatewayv2_api.http:POST:/report": ("high", "high"),  # no default
    }
    assert "the variable var.method_auth, which defaults to AWS_IAM" in \
        found["route:aws_api_gateway_rest_api.api:POST:/orders"][2]


def test_function_urls():
    found = _findings("FG-AUTH-001", "sam-pos-default")
    assert {s: f[:2] for s, f in found.items()} == {
        "function-url:Preview": ("high", "high"),  # AllowedValues [AWS_IAM, NONE]
        "function-url:Hook": ("high", "high"),
        "function-url:Free": ("medium", "low"),  # default AWS_IAM, no AllowedValues
        "function-url:Open": ("high", "high"),  # no default either
    }
    assert "the parameter FreeAuth, which defaults to AWS_IAM" in \
        found["function-url:Free"][2]
    found = _findings("FG-AUTH-001", "terraform-pos-unlisted")
    assert {s: f[:2] for s, f in found.items()} == {
        "function-url:aws_lambda_function.preview": ("medium", "low"),
        "function-url:aws_lambda_function.hook": ("high", "high"),
    }


def test_a_parameter_without_default_listing_only_authenticating_values_is_no_authoriser():
    """`AuthorizationType: !Ref P`, P with no default and AllowedValues [AWS_IAM,
    COGNITO_USER_POOLS]: the deployment picks one of them. It was read as a Lambda
    authoriser named '<UNKNOWN: PARAMETER OPENAUTH>' (a false FG-AUTH-005)."""
    result = scan(str(FIXTURES / "FG-AUTH-002" / "sam-neg-unlisted-cloudformation"),
                  Options())
    assert [f for f in result.findings if f.rule_id.startswith("FG-AUTH")] == []


def test_the_inventory_names_the_unlisted_values():
    result = scan(str(FIXTURES / "FG-AUTH-002" / "sam-pos-unlisted-cloudformation"),
                  Options())
    endpoints = {(e.method, e.path): e for e in build_endpoints(result.app)}
    assert endpoints[("POST", "/orders")].as_dict()["undecided"] == {
        "by": "parameter MethodAuth", "choices": ["AWS_IAM", "NONE", "CUSTOM",
                                                  "COGNITO_USER_POOLS"],
        "unlisted": ["NONE", "CUSTOM", "COGNITO_USER_POOLS"], "none_only_if_passed": True}


def test_an_api_key_route():
    app = App()
    app.apis["t.yaml#Api"] = Api("t.yaml#Api", "rest", Location("t.yaml", 1))
    app.routes.append(Route(
        "t.yaml#Api", "rest", "GET", "/r", Location("t.yaml", 5), api_key_required=True,
        authorizer=Authorizer("iam", "AWS_IAM", undecided=Unknown(
            "parameter P", ("AWS_IAM", "NONE"), ("NONE",)))))
    [finding] = list(api_key_only(app, Facts()))
    assert (finding.severity, finding.confidence) == ("low", "low")
    assert "the parameter P, which defaults to AWS_IAM" in finding.message


def test_serverless_stage_values_are_written():
    """A stage's empty authoriser (custom.auth.dev: '', params dev: reportsAuth: '') is
    written in the file: reported as before. serverless-neg-param-default: a
    `${param:x, 'checkToken'}` default stands (the setting has no NONE to pass)."""
    found = _findings("FG-AUTH-002", "serverless-pos-undecided")
    assert {s: f[:2] for s, f in found.items()} == {
        "route:ApiGatewayRestApi:POST:/orders": ("high", "high"),
        "route:ApiGatewayRestApi:GET:/orders": ("medium", "high"),
        "route:HttpApi:GET:/reports": ("medium", "high"),
    }
    assert _findings("FG-AUTH-002", "serverless-neg-param-default") == {}
