"""FG-AUTH-001 on an AuthType the deployment decides (model.Unknown and its choices), and
FG-AUTH-002/003 and the endpoint inventory on a route authoriser it decides
(`Authorizer.undecided`)."""

from __future__ import annotations

import pytest

from faasguard.analysis.endpoints import build_endpoints
from faasguard.analysis.facts import Facts, Options
from faasguard.cli import main
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    FunctionUrl,
    Location,
    Route,
    Unknown,
)
from faasguard.rules.auth import api_key_only, function_url_without_auth, route_without_authorizer
from faasguard.scan import scan

from .conftest import FIXTURES


def _messages(auth_type: object) -> list[str]:
    app = App()
    app.functions["t.yaml#Fn"] = Function(
        "t.yaml#Fn", Location("t.yaml", 1), "sam",
        url=FunctionUrl(auth_type, Location("t.yaml", 9)))
    return [f.message for f in function_url_without_auth(app, Facts())]


@pytest.mark.parametrize("auth_type, decided_by", [
    (Unknown("If IsDev", ("NONE", "AWS_IAM")), "the condition IsDev"),
    (Unknown("parameter UrlAuth", ("AWS_IAM", "none")), "the parameter UrlAuth"),
    (Unknown("var.url_auth", ("AWS_IAM", "NONE")), "the variable var.url_auth"),
    (Unknown("conditional on var.public", ("NONE", "AWS_IAM")),
     "the conditional on var.public"),
    (Unknown("ImportValue", ("NONE",)), "a value known at deploy time (ImportValue)"),
])
def test_reported_when_none_is_a_possible_value(auth_type, decided_by):
    [message] = _messages(auth_type)
    assert message.startswith(f"Function 'Fn' may have a public function URL: its AuthType "
                              f"depends on {decided_by}, and NONE is one of its values")


@pytest.mark.parametrize("auth_type", [
    Unknown("If IsDev", ("AWS_IAM",)),  # every possible value is AWS_IAM
    Unknown("parameter UrlAuth"),  # nothing listed: not guessed
    Unknown("If IsDev", (5, True)),
    "AWS_IAM",
])
def test_silent_when_none_is_not_a_possible_value(auth_type):
    assert _messages(auth_type) == []


def test_a_known_none_keeps_its_message():
    assert _messages("NONE") == ["Function 'Fn' has a public function URL (AuthType NONE): "
                                 "anyone can invoke it."]


# ------------------------------------------------------------------ API routes (FG-AUTH-002/003)

AUTH_002 = FIXTURES / "FG-AUTH-002"


def _route_findings(case: str, rule_id: str = "FG-AUTH-002",
                    **options: object) -> dict[str, str]:
    result = scan(str(AUTH_002 / case), Options(**options))  # type: ignore[arg-type]
    return {f.subject: f.message for f in result.findings if f.rule_id == rule_id}


def test_a_route_whose_authoriser_a_condition_picks_may_have_none():
    messages = _route_findings("sam-pos-undecided")
    assert messages["route:Api:POST:/orders"] == (
        "Route POST /orders (function 'Orders') may have no authoriser: its authoriser "
        "depends on the condition IsProd, and NONE is one of its values (TokenAuth, NONE); "
        "a deployment that picks NONE lets anyone from the internet call it, and it "
        "changes state.")
    # a branch leaving the authoriser out, with no default authoriser: NONE
    assert "(TokenAuth, NONE)" in messages["route:Api:GET:/orders"]
    # a default authoriser only production has
    assert "may have no authoriser" in messages["route:Partners:POST:/partner/orders"]
    # an API whose whole Auth only production has
    assert "depends on the condition IsProd, and NONE is one of its values (TokenAuth, " \
        "NONE)" in messages["route:Admin:DELETE:/admin/purge"]


def test_cloudformation_authorization_types_the_deployment_picks():
    messages = _route_findings("sam-pos-undecided-cloudformation")
    assert set(messages) == {"route:Api:POST:/orders", "route:Api:DELETE:/orders",
                             "route:Http:GET:/orders"}
    assert "depends on the condition IsProd, and NONE is one of its values " \
        "(COGNITO_USER_POOLS, NONE)" in messages["route:Api:POST:/orders"]
    assert "depends on the parameter AdminAuth, and NONE is one of its values " \
        "(AWS_IAM, NONE)" in messages["route:Api:DELETE:/orders"]
    assert "(AWS_IAM, NONE)" in messages["route:Http:GET:/orders"]


def test_the_deployments_values_decide_the_route():
    # --param: every route authenticates on that deployment
    assert _route_findings("sam-pos-undecided-cloudformation",
                           parameters={"Stage": "prod", "AdminAuth": "AWS_IAM"}) == {}
    # --param Stage=dev: facts, the routes have no authoriser (not "may")
    given = _route_findings("sam-pos-undecided-cloudformation",
                            parameters={"Stage": "dev", "AdminAuth": "NONE"})
    assert len(given) == 3 and all("has no authoriser" in m for m in given.values())
    # samconfig.toml beside the template gives the same values
    assert _route_findings("sam-pos-undecided-given") == given


def test_the_authoriser_the_other_value_gives_is_kept():
    """FG-AUTH-005 still reads the authoriser a production deployment gets, and the
    inventory says the deployment decides."""
    result = scan(str(AUTH_002 / "sam-pos-undecided-cloudformation"), Options())
    endpoints = {(e.method, e.path, e.kind): e for e in build_endpoints(result.app)}
    post = endpoints[("POST", "/orders", "rest")]
    assert (post.auth, post.authorizer, post.unauthenticated) == ("cognito", "users", False)
    assert post.as_dict()["undecided"] == {"by": "If IsProd",
                                           "choices": ["COGNITO_USER_POOLS", "NONE"]}
    assert post.route is not None and post.route.authorizer is not None
    assert post.route.authorizer.scopes == ("orders/write",)


def test_an_api_key_route_whose_authoriser_may_be_none_is_reported_by_auth_003():
    app = App()
    app.apis["t.yaml#Api"] = Api("t.yaml#Api", "rest", Location("t.yaml", 1))
    undecided = Authorizer("cognito", "Users", scopes=("a/b",),
                           undecided=Unknown("If IsProd", ("COGNITO_USER_POOLS", "NONE")))
    app.routes.append(Route("t.yaml#Api", "rest", "GET", "/r", Location("t.yaml", 5),
                            authorizer=undecided, api_key_required=True))
    [finding] = list(api_key_only(app, Facts()))
    assert finding.message.startswith(
        "Route GET /r may be protected only by an API key: its authoriser depends on the "
        "condition IsProd")
    assert list(route_without_authorizer(app, Facts())) == []  # FG-AUTH-003's, not both
    app.routes[0].authorizer = Authorizer(
        "cognito", "Users", undecided=Unknown("If IsProd", ("COGNITO_USER_POOLS", "AWS_IAM")))
    assert list(api_key_only(app, Facts())) == []


def test_a_websocket_connect_the_deployment_may_leave_open():
    app = App()
    app.apis["t.yaml#Ws"] = Api("t.yaml#Ws", "websocket", Location("t.yaml", 1))
    app.routes += [
        Route("t.yaml#Ws", "websocket", "$connect", "$connect", Location("t.yaml", 5),
              authorizer=Authorizer("lambda-request", "WsAuth", ("route.request.header.A",),
                                    undecided=Unknown("var.open_ws", ("CUSTOM", "NONE")))),
        Route("t.yaml#Ws", "websocket", "send", "send", Location("t.yaml", 9)),
    ]
    [finding] = list(route_without_authorizer(app, Facts()))
    assert finding.message.startswith(
        "Websocket API 'Ws' may accept connections without authentication: its authoriser "
        "depends on the variable var.open_ws")
    assert finding.location.line == 5


def test_a_function_url_the_deployment_may_leave_open_in_the_inventory():
    app = App()
    app.functions["t.yaml#Fn"] = Function(
        "t.yaml#Fn", Location("t.yaml", 1), "sam",
        url=FunctionUrl(Unknown("If IsDev", ("NONE", "AWS_IAM")), Location("t.yaml", 9)))
    [url] = build_endpoints(app)
    assert (url.auth, url.unauthenticated) == ("iam", False)
    assert url.as_dict()["undecided"] == {"by": "If IsDev", "choices": ["NONE", "AWS_IAM"]}
    app.functions["t.yaml#Fn"].url = FunctionUrl(Unknown("parameter X"), Location("t.yaml", 9))
    [url] = build_endpoints(app)
    assert (url.auth, url.undecided) == ("none", None)  # nothing listed: as before


def test_faasguard_endpoints_says_the_deployment_decides(capsys):
    assert main(["endpoints", str(AUTH_002 / "sam-pos-undecided-cloudformation")]) == 0
    out = capsys.readouterr().out
    assert "cognito (users) or none?" in out
    assert "3 endpoints, 0 without authentication, 3 without it on some deployments" in out


def test_a_serverless_authoriser_the_stage_picks():
    """`authorizer: ${self:custom.auth.${sls:stage}}` with dev's entry empty, and
    `${param:reportsAuth}` empty on dev: with no --stage the stage assumed (prod) is no
    fact, a deployment picks another; --stage decides it."""
    messages = _route_findings("serverless-pos-undecided")
    assert messages["route:ApiGatewayRestApi:POST:/orders"] == (
        "Route POST /orders (function 'create') may have no authoriser: its authoriser "
        "depends on a value known at deploy time (--stage), and NONE is one of its values "
        "(checkToken, NONE); a deployment that picks NONE lets anyone from the internet "
        "call it, and it changes state.")
    assert "(checkToken, NONE)" in messages["route:ApiGatewayRestApi:GET:/orders"]
    assert "(aws_iam, NONE)" in messages["route:HttpApi:GET:/reports"]
    assert _route_findings("serverless-pos-undecided", stage="prod") == {}
    given = _route_findings("serverless-pos-undecided", stage="dev")
    assert len(given) == 3 and all("has no authoriser" in m for m in given.values())
