"""The auth rules: fixtures through the whole pipeline, and rule functions on built models."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Facts
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    FunctionUrl,
    Location,
    ResourcePolicy,
    Route,
    Statement,
)
from faasguard.rules.auth import (
    open_resource_policy,
    route_without_authorizer,
    weak_authorizer,
)

from .conftest import cases, check_case

AUTH_RULES = ["FG-AUTH-001", "FG-AUTH-002", "FG-AUTH-003", "FG-AUTH-004", "FG-AUTH-005",
              "FG-AUTH-102"]


@pytest.mark.parametrize("case", [c for r in AUTH_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


# --------------------------------------------------------------------------- built models


def _loc(line: int) -> Location:
    return Location("t.yaml", line)


def _ws_app(connect_auth: Authorizer | None) -> App:
    app = App()
    app.apis["t.yaml#Ws"] = Api("t.yaml#Ws", "websocket", _loc(1))
    app.routes += [
        Route("t.yaml#Ws", "websocket", "$connect", "$connect", _loc(5), "t.yaml#Fn",
              authorizer=connect_auth),
        Route("t.yaml#Ws", "websocket", "sendMessage", "sendMessage", _loc(9), "t.yaml#Fn"),
    ]
    return app


def test_websocket_reported_once_at_connect():
    findings = list(route_without_authorizer(_ws_app(None), Facts()))
    assert [(f.location.line, f.severity) for f in findings] == [(5, "medium")]


def test_websocket_authorised_connect_covers_every_route():
    auth = Authorizer("lambda-request", "wsAuth", identity_sources=("route.request.header.Auth",))
    assert list(route_without_authorizer(_ws_app(auth), Facts())) == []


def test_destructive_routes_rank_above_reads_and_private_apis_below():
    app = App()
    app.apis["t.yaml#Pub"] = Api("t.yaml#Pub", "rest", _loc(1))
    app.apis["t.yaml#Priv"] = Api("t.yaml#Priv", "rest", _loc(2), endpoint_type="PRIVATE")
    app.routes += [Route("t.yaml#Pub", "rest", "DELETE", "/a", _loc(3)),
                   Route("t.yaml#Pub", "rest", "GET", "/a", _loc(4)),
                   Route("t.yaml#Priv", "rest", "DELETE", "/a", _loc(5)),
                   Route("t.yaml#Pub", "rest", "OPTIONS", "/a", _loc(6))]
    got = {f.location.line: f.severity for f in route_without_authorizer(app, Facts())}
    assert got == {3: "high", 4: "medium", 5: "low"}


def test_explicit_none_overrides_the_api_default():
    app = App()
    app.apis["t.yaml#Api"] = Api("t.yaml#Api", "rest", _loc(1),
                                 default_authorizer=Authorizer("cognito", "Pool"))
    app.routes += [Route("t.yaml#Api", "rest", "POST", "/open", _loc(3),
                         authorizer=Authorizer("none")),
                   Route("t.yaml#Api", "rest", "POST", "/closed", _loc(4))]
    assert [f.location.line for f in route_without_authorizer(app, Facts())] == [3]


def test_request_authoriser_without_identity_source():
    app = App()
    bare = Authorizer("lambda-request", "Custom", location=_loc(2))
    sourced = Authorizer("lambda-request", "Sourced", identity_sources=("$request.header.X",))
    app.routes += [Route("t.yaml#Api", "http", "GET", "/a", _loc(5), authorizer=bare),
                   Route("t.yaml#Api", "http", "GET", "/b", _loc(6), authorizer=bare),
                   Route("t.yaml#Api", "http", "GET", "/c", _loc(7), authorizer=sourced)]
    findings = list(weak_authorizer(app, Facts()))
    assert [f.location.line for f in findings] == [2]  # once per authoriser, where declared


def test_an_authoriser_known_at_deploy_time_is_named_by_its_source():
    from faasguard.model import Unknown

    imported = Authorizer("cognito", str(Unknown("cf:platform-prod.UsersAuthorizer")))
    app = App(routes=[Route("t.yaml#Api", "rest", "POST", "/orders", _loc(5),
                            authorizer=imported)])
    (finding,) = weak_authorizer(app, Facts())
    assert "<unknown" not in finding.message
    assert "cognito authoriser given by cf:platform-prod.UsersAuthorizer" in finding.message


def _policy(principal: str, action: str, url_auth: str | None = None,
            conditions: dict | None = None) -> ResourcePolicy:
    statement = Statement("Allow", (action,), resources=("*",), principals=(principal,),
                          conditions=conditions or {}, location=_loc(8))
    return ResourcePolicy("t.yaml#Perm", "lambda", "t.yaml#Fn", statement, _loc(7),
                          function_url_auth_type=url_auth)


def test_open_policies_public_url_left_to_auth_001():
    app = App()
    app.functions["t.yaml#Fn"] = Function("t.yaml#Fn", _loc(1), "sam",
                                          url=FunctionUrl("NONE", _loc(2)))
    app.resource_policies.append(_policy("*", "lambda:InvokeFunctionUrl", "NONE"))
    assert list(open_resource_policy(app, Facts())) == []


def test_open_policies_iam_url_to_everyone_and_conditions():
    app = App()
    app.resource_policies += [
        _policy("*", "lambda:InvokeFunctionUrl", "AWS_IAM"),
        _policy("*", "lambda:*", conditions={"StringEquals": {"aws:SourceAccount": "1"}}),
        _policy("*", "lambda:GetFunction"),
    ]
    findings = list(open_resource_policy(app, Facts()))
    assert len(findings) == 1 and findings[0].severity == "high"
    assert "lambda:InvokeFunctionUrl" in findings[0].message


def test_fixture_severities_follow_the_method():
    case = next(c for c in cases("FG-AUTH-002") if c.path.name == "sam-pos")
    severities = {f.message.split()[1]: f.severity for f in check_case(case)}
    assert severities == {"DELETE": "high", "GET": "medium"}
