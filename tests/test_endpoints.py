"""The endpoint inventory, the OpenAPI comparison and `faasguard endpoints`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from faasguard.analysis.endpoints import build_endpoints, effective_authorizer
from faasguard.analysis.facts import Facts, Options
from faasguard.analysis.openapi import (
    analyse_openapi,
    documented_by,
    normalise_path,
    parse_spec,
    path_matches,
)
from faasguard.cli import main
from faasguard.loaders.documents import parse
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    FunctionUrl,
    Location,
    Route,
    Trigger,
)

RULE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"


def _loc(line: int) -> Location:
    return Location("t.yaml", line)


def test_inventory_covers_every_entry_point():
    app = App()
    app.apis["t.yaml#Rest"] = Api("t.yaml#Rest", "rest", _loc(1), endpoint_type="PRIVATE",
                                  default_authorizer=Authorizer("cognito", "Pool"))
    app.apis["t.yaml#Ws"] = Api("t.yaml#Ws", "websocket", _loc(2))
    app.routes += [
        Route("t.yaml#Rest", "rest", "GET", "/a", _loc(10), "t.yaml#Fn"),
        Route("t.yaml#Rest", "rest", "POST", "/b", _loc(11), "t.yaml#Fn",
              authorizer=Authorizer("none"), api_key_required=True),
        Route("t.yaml#Ws", "websocket", "$connect", "$connect", _loc(12), "t.yaml#Fn",
              authorizer=Authorizer("lambda-request", "WsAuth")),
        Route("t.yaml#Ws", "websocket", "send", "send", _loc(13), "t.yaml#Fn"),
    ]
    fn = Function("t.yaml#Fn", _loc(20), "sam", url=FunctionUrl("AWS_IAM", _loc(21)))
    fn.triggers.append(Trigger("alb", fn.id, _loc(22),
                               properties={"conditions": {"path": ["/web/*"]}}))
    app.functions[fn.id] = fn
    got = [(e.kind, e.method, e.path, e.auth, e.api_key, e.exposure)
           for e in build_endpoints(app)]
    assert got == [
        ("rest", "GET", "/a", "cognito", False, "vpc"),
        ("rest", "POST", "/b", "none", True, "vpc"),
        ("websocket", "$connect", "$connect", "lambda-request", False, "internet"),
        ("websocket", "send", "send", "lambda-request", False, "internet"),  # from $connect
        ("url", "ANY", "/", "iam", False, "internet"),
        ("alb", "ANY", "/web/*", "none", False, "internet"),
    ]


@pytest.mark.parametrize("route, spec, match", [
    ("/orders/{id}", "/orders/{orderId}", True),
    ("/orders/{id}/", "/orders/{orderId}", True),
    ("/orders", "/orders/{id}", False),
    ("/{proxy+}", "/anything/below", True),
    ("/api/{proxy+}", "/other", False),
])
def test_path_matching(route, spec, match):
    assert path_matches(normalise_path(route), normalise_path(spec)) is match


SPEC3 = """\
openapi: 3.0.1
info: {title: t, version: "1"}
servers:
  - url: https://{host}/{basePath}
    variables:
      host: {default: api.example.com}
      basePath: {default: v2}
paths:
  /items:
    get: {responses: {"200": {description: ok}}}
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: aws_proxy}
  /items/{id}:
    parameters: []
    delete: {responses: {"204": {description: gone}}}
"""


def test_parse_spec_operations_lines_and_base_path():
    spec = parse_spec(parse(SPEC3).data, "spec.yaml", "spec.yaml")
    assert spec is not None and spec.base_path == "/v2"
    assert [(o.method, o.path, o.location.line, o.has_integration) for o in spec.operations] == [
        ("GET", "/items", 10, False), ("ANY", "/items", 11, True),
        ("DELETE", "/items/{id}", 15, False)]
    assert documented_by([spec], "any-api", "DELETE", "/v2/items/{itemId}") is True
    assert documented_by([spec], "any-api", "PATCH", "/items") is True  # the ANY operation
    assert documented_by([spec], "any-api", "PATCH", "/items/{id}") is False
    assert parse_spec({"name": "not a spec"}, "x", "x") is None


def test_api_definition_applies_to_its_own_api_only():
    spec = parse_spec(parse(SPEC3).data, "def", "t.yaml", api="t.yaml#Api")
    assert documented_by([spec], "t.yaml#Api", "GET", "/items") is True
    assert documented_by([spec], "t.yaml#Other", "GET", "/nope") is None


def test_broken_and_missing_specs_are_diagnostics(tmp_path):
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.0\npaths: [\n")
    (tmp_path / "swagger.json").write_text('{"swagger": "2.0", "paths": {"/a": {"get": {}}}}')
    (tmp_path / "named.yaml").write_text("just: a mapping\n")
    app = App(root=str(tmp_path))
    facts = Facts(options=Options(openapi_files=["named.yaml", "absent.yaml"]))
    analyse_openapi(app, facts)
    assert [s.source for s in facts.openapi] == ["swagger.json"]
    problems = {(d.file, d.level) for d in app.diagnostics}
    assert ("openapi.yaml", "warning") in problems  # found by name: a warning
    assert ("named.yaml", "error") in problems  # named by the user: an error
    assert ("absent.yaml", "error") in problems


# --------------------------------------------------------------------------- the command


def test_endpoints_command_text(capsys):
    assert main(["endpoints", str(RULE_FIXTURES / "FG-SHADOW-001" / "serverless-pos")]) == 0
    out = capsys.readouterr().out
    assert "GET     /debug/env" in out and "NO" in out
    assert "2 endpoints missing from the specs (shadow)" in out
    assert "1 spec operations with no implementation" not in out


def test_endpoints_command_json_with_openapi_flag(tmp_path, capsys):
    case = RULE_FIXTURES / "FG-SHADOW-001" / "serverless-pos-option"
    shutil.copy(case / "serverless.yml", tmp_path / "serverless.yml")
    spec = tmp_path.parent / f"{tmp_path.name}-orders.yaml"  # outside the scanned folder
    shutil.copy(case / "docs" / "orders-api.yaml", spec)
    assert main(["endpoints", str(tmp_path), "--openapi", str(spec), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    documented = {(e["method"], e["path"]): e["documented"] for e in data["endpoints"]}
    assert documented == {("GET", "/orders"): True, ("POST", "/orders"): False}
    assert data["undocumented"] == 1
    assert [(z["method"], z["path"]) for z in data["not_implemented"]] == \
        [("GET", "/orders/{orderId}")]
    assert data["specs"][0]["source"] == str(spec)


def test_endpoints_command_without_spec(capsys):
    assert main(["endpoints", str(RULE_FIXTURES / "FG-AUTH-001" / "sam-pos")]) == 0
    out = capsys.readouterr().out
    assert "url   ANY     /" in out and "No OpenAPI spec found" in out


def test_endpoints_command_nothing_found(tmp_path, capsys):
    assert main(["endpoints", str(tmp_path)]) == 2
    assert "no function or API found" in capsys.readouterr().err


def test_nothing_found_says_why_as_scan_does(tmp_path, capsys):
    # a service written in TypeScript whose export is a call is never run: the reason
    # comes with the error
    (tmp_path / "serverless.ts").write_text("export default build('shortener');\n")
    for command in ("endpoints", "cost", "policy"):
        assert main([command, str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "serverless.ts:1: warning:" in err and "serverless print" in err, command
        assert err.rstrip().endswith(f"no function or API found in {tmp_path}"), command


def test_spec_files_found_by_name_honour_excludes(tmp_path):
    spec = '{"openapi": "3.0.0", "paths": {"/a": {"get": {}}}}'
    for rel in ("api/openapi.json", "vendor/lib/swagger.json", "orders.openapi.json",
                "node_modules/x/openapi.json", "notes.json"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(spec)
    app = App(root=str(tmp_path))
    facts = Facts(options=Options(excludes=["vendor"]))
    analyse_openapi(app, facts)
    assert sorted(s.source for s in facts.openapi) == ["api/openapi.json", "orders.openapi.json"]


def test_endpoints_command_named_spec_errors(tmp_path, capsys):
    folder = str(RULE_FIXTURES / "FG-AUTH-001" / "sam-pos")
    assert main(["endpoints", folder, "--openapi", str(tmp_path / "absent.yaml")]) == 2
    assert "OpenAPI spec not found" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.0\npaths: [\n")
    assert main(["endpoints", folder, "--openapi", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml:" in err and "invalid YAML" in err and "Traceback" not in err


def test_scan_command_takes_openapi_files(tmp_path, capsys):
    case = RULE_FIXTURES / "FG-SHADOW-001" / "serverless-pos-option"
    shutil.copy(case / "serverless.yml", tmp_path / "serverless.yml")
    spec = str(case / "docs" / "orders-api.yaml")
    main(["scan", str(tmp_path), "--format", "json", "--fail-on", "none"])
    assert "FG-SHADOW-001" not in capsys.readouterr().out  # no spec, no comparison
    main(["scan", str(tmp_path), "--format", "json", "--openapi", spec, "--fail-on", "none"])
    rules = [f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert rules.count("FG-SHADOW-001") == 1 and rules.count("FG-SHADOW-002") == 1


def test_found_spec_of_another_service_is_not_compared(tmp_path):
    (tmp_path / "partner.openapi.json").write_text(
        '{"openapi": "3.0.0", "paths": {"/partner/quotes": {"get": {}}}}')
    app = App(root=str(tmp_path))
    app.routes.append(Route("t.yaml#Api", "http", "GET", "/orders", _loc(3), "t.yaml#Fn"))
    facts = Facts()
    analyse_openapi(app, facts)
    assert facts.openapi == []
    assert [(d.file, d.level) for d in app.diagnostics] == [("partner.openapi.json", "note")]
    named = Facts(options=Options(openapi_files=[str(tmp_path / "partner.openapi.json")]))
    analyse_openapi(App(root=str(tmp_path), routes=list(app.routes)), named)
    assert len(named.openapi) == 1  # named by the user: compared whatever it says


def _websocket_apps() -> tuple[App, list[str | None]]:
    """Three websocket APIs (a $connect with a Lambda authoriser, one without, none at all;
    the first has a second $connect route, which is not the one used) beside a REST API, and
    the authoriser kind each route meets, in order."""
    app = App()
    guard = Authorizer("lambda-request", "Guard")
    for n, api in enumerate(("Chat", "Feed", "Ticks", "Rest")):
        app.apis[api] = Api(api, "rest" if api == "Rest" else "websocket", _loc(n))
    routes = [("Chat", "$connect", guard), ("Chat", "$connect", None),
              ("Feed", "$connect", Authorizer("none")), ("Chat", "send", None),
              ("Feed", "send", Authorizer("iam")), ("Ticks", "$default", None),
              ("Chat", "$disconnect", None), ("Rest", "GET", guard)]
    for line, (api, method, authorizer) in enumerate(routes, 10):
        kind = "rest" if api == "Rest" else "websocket"
        app.routes.append(Route(api, kind, method, f"/{method}", _loc(line),
                                authorizer=authorizer))
    lambda_request = "lambda-request"
    expected = [lambda_request, None, None, lambda_request, None, None, lambda_request,
                lambda_request]
    return app, expected


def _kinds(app: App) -> list[str | None]:
    return [(a.kind if (a := effective_authorizer(app, r)) else None) for r in app.routes]


def test_websocket_routes_meet_their_own_apis_first_connect_authoriser():
    app, expected = _websocket_apps()
    assert _kinds(app) == expected
    # another app, then routes added to the first: each answer is that of its own routes
    other, _ = _websocket_apps()
    del other.routes[:3]  # no $connect left for Chat nor Feed
    assert _kinds(other) == [None, None, None, None, "lambda-request"]
    app.routes.append(Route("Ticks", "websocket", "$connect", "/$connect", _loc(30),
                            authorizer=Authorizer("cognito")))
    expected[5] = "cognito"  # Ticks $default
    assert _kinds(app) == [*expected, "cognito"]
