"""Zappa loader: zappa_settings.json / .yml into functions, the catch-all API, triggers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faasguard.loaders import LoadContext, load_path
from faasguard.model import App
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zappa"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(folder: Path, name: str, stage: str | None = None) -> App:
    return load_path(LoadContext(root=str(folder), file=name, stage=stage))


def test_each_stage_is_a_function_with_extends_applied() -> None:
    app = _load(FIXTURES / "secured", "zappa_settings.yml")
    assert set(app.functions) == {"zappa_settings.yml#base", "zappa_settings.yml#prod",
                                  "zappa_settings.yml#dev"}
    prod = app.functions["zappa_settings.yml#prod"]
    assert prod.handler == "web.app" and prod.format == "zappa"
    assert (prod.memory_mb, prod.timeout_s, prod.reserved_concurrency) == (256, 10, 20)
    assert prod.tracing == "Active" and prod.role_arn.endswith(":role/shop-web")
    assert prod.environment["LOG_LEVEL"].location.line == 17


def test_stage_option_selects_one_stage() -> None:
    app = _load(FIXTURES / "secured", "zappa_settings.yml", "prod")
    assert list(app.functions) == ["zappa_settings.yml#prod"]


def test_catch_all_routes_and_authorisers() -> None:
    app = _load(FIXTURES / "secured", "zappa_settings.yml")
    prod = [r for r in app.routes if r.function == "zappa_settings.yml#prod"]
    assert {(r.method, r.path) for r in prod} == {("ANY", "/"), ("ANY", "/{proxy+}")}
    assert all(r.authorizer is not None and r.authorizer.kind == "iam" for r in prod)
    dev = [r for r in app.routes if r.function == "zappa_settings.yml#dev"]
    assert dev[0].authorizer is not None and dev[0].authorizer.kind == "lambda-token"
    assert dev[0].authorizer.identity_sources == ("method.request.header.X-Token",)
    api = app.apis["zappa_settings.yml#prod:api"]
    assert api.endpoint_type == "REGIONAL"
    assert [(r.method, r.path) for r in api.app_routes] == [
        ("GET", "/items/{item_id}"), ("PUT", "/items/{item_id}"), ("GET", "/health")]
    assert all(r.authorizer is api.default_authorizer and r.function ==
               "zappa_settings.yml#prod" for r in api.app_routes)
    assert not set(map(id, api.app_routes)) & set(map(id, app.routes))  # not API routes


def test_events_and_keep_warm() -> None:
    app = _load(FIXTURES / "secured", "zappa_settings.yml")
    prod = app.functions["zappa_settings.yml#prod"]
    assert [(t.kind, t.source) for t in prod.triggers if t.kind != "http"] == [
        ("sqs", "arn:aws:sqs:us-east-1:123456789012:shop-jobs")]
    vulnerable = _load(EXAMPLES / "vulnerable-app-zappa", "zappa_settings.json")
    fn = vulnerable.functions["zappa_settings.json#prod"]
    kinds = sorted(t.kind for t in fn.triggers if t.kind != "http")
    assert kinds == ["s3", "schedule", "schedule", "sqs"]  # keep_warm is on by default
    assert any(t.properties.get("keep_warm") for t in fn.triggers)


def test_attach_policy_gives_the_role_its_statements() -> None:
    app = _load(EXAMPLES / "vulnerable-app-zappa", "zappa_settings.json")
    role, = app.roles.values()
    assert any(s.actions == ("*",) for s in role.statements)
    assert all(r.authorizer is not None and r.authorizer.kind == "none" for r in app.routes)


def test_broken_settings_are_a_diagnostic() -> None:
    app = _load(FIXTURES / "broken", "zappa_settings.json")
    assert not app.functions
    error, = app.diagnostics
    assert error.file == "zappa_settings.json" and error.level == "error"


def test_scan_of_the_vulnerable_zappa_app() -> None:
    rules = {f.rule_id for f in scan(str(EXAMPLES / "vulnerable-app-zappa")).findings}
    assert {"FG-AUTH-002", "FG-DATA-001", "FG-PERM-001", "FG-SHADOW-003"} <= rules
    secured = {f.rule_id for f in scan(str(FIXTURES / "secured")).findings}
    assert "FG-PERM-001" not in secured and "FG-DATA-001" not in secured


def test_flask_routes_are_in_api_gateway_form() -> None:
    app = _load(FIXTURES / "versions", "zappa_settings.json")
    api = app.apis["zappa_settings.json#prod:api"]
    assert [(r.method, r.path, r.location.line) for r in api.app_routes] == [
        ("GET", "/v1/products/{product_id}", 6),  # @web.get, <int:...>
        ("GET", "/v1/files/{key+}", 11), ("DELETE", "/v1/files/{key+}", 11),  # <path:...>
        ("GET", "/v2/products/{product_id}", 16), ("POST", "/v2/products", 21)]
    assert {r.location.file for r in api.app_routes} == {"api.py"}
    assert {(r.method, r.path) for r in app.routes} == {("ANY", "/"), ("ANY", "/{proxy+}")}


def test_flask_routes_are_endpoints_behind_the_catch_all() -> None:
    from faasguard.analysis.endpoints import build_endpoints

    endpoints = build_endpoints(_load(FIXTURES / "versions", "zappa_settings.json"))
    behind = [(e.method, e.path, e.behind, e.auth) for e in endpoints if e.behind]
    assert behind == [("GET", "/v1/products/{product_id}", "ANY /{proxy+}", "iam"),
                      ("DELETE", "/v1/files/{key+}", "ANY /{proxy+}", "iam"),
                      ("GET", "/v1/files/{key+}", "ANY /{proxy+}", "iam"),
                      ("GET", "/v2/products/{product_id}", "ANY /{proxy+}", "iam"),
                      ("POST", "/v2/products", "ANY /{proxy+}", "iam")]
    assert [(e.method, e.path) for e in endpoints if not e.behind] == [
        ("ANY", "/"), ("ANY", "/{proxy+}")]
    assert endpoints[0].as_dict()["behind"] == "ANY /{proxy+}"
    assert "behind" not in endpoints[-1].as_dict()


def test_old_flask_version_beside_a_newer_one_is_reported() -> None:
    old, = [f for f in scan(str(FIXTURES / "versions")).findings
            if f.rule_id == "FG-SHADOW-006"]
    assert (old.location.file, old.location.line) == ("api.py", 6)
    assert "3 route(s) under /v1/ are still deployed beside /v2/" in old.message
    assert not [f for f in scan(str(FIXTURES / "one_version")).findings
                if f.rule_id == "FG-SHADOW-006"]


def test_endpoints_command_marks_the_routes_behind_the_catch_all(capsys: Any) -> None:
    from faasguard.cli import main

    assert main(["endpoints", str(EXAMPLES / "vulnerable-app-zappa")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["rest*", "GET", "/v1/orders/{order_id}"]
    assert [line.split()[:3] for line in lines if line.startswith("rest ")] == [
        ["rest", "ANY", "/"], ["rest", "ANY", "/{proxy+}"]]
    assert "* a route of the app's own router, reached through the API's catch-all " \
           "(ANY /{proxy+})" in lines


def test_flask_routes_missing_from_the_spec_are_shadow_routes() -> None:
    undocumented = sorted((f.location.file, f.location.line) for f in scan(
        str(FIXTURES / "versions")).findings if f.rule_id == "FG-SHADOW-001")
    # openapi.yaml documents the /v2/ routes; the /v1/ ones and ANY / are not in it
    assert undocumented == [("api.py", 6), ("api.py", 11), ("api.py", 11),
                            ("zappa_settings.json", 2)]


def test_blueprint_routes_are_under_their_url_prefix() -> None:
    app = _load(FIXTURES / "blueprints", "zappa_settings.json")
    api = app.apis["zappa_settings.json#prod:api"]
    assert [(r.method, r.path, str(r.location)) for r in api.app_routes] == [
        ("GET", "/v1/orders/{order_id}", "api/v1.py:6"),  # from .v1 import legacy
        ("DELETE", "/v1/orders/{order_id}", "api/v1.py:6"),
        ("GET", "/v2/", "api/v2.py:6"),  # from api import v2 as current; current.bp
        ("GET", "/v2/orders/{order_id}", "api/v2.py:11"),
        ("GET", "/health/", "api/health.py:6"),  # Blueprint(..., url_prefix=...)
        ("POST", "/admin/rotate", "api/app.py:11")]  # defined in the app's module
    old, = [f for f in scan(str(FIXTURES / "blueprints")).findings
            if f.rule_id == "FG-SHADOW-006"]
    assert (old.location.file, old.location.line) == ("api/v1.py", 6)


def test_views_of_flask_shortcut_decorators_are_entry_points() -> None:
    injections = [f for f in scan(str(FIXTURES / "shortcut_views")).findings
                  if f.rule_id == "FG-INJ-001"]
    assert [(f.location.file, f.location.line) for f in injections] == [("web.py", 11)]


def test_policy_statements_are_at_their_own_lines() -> None:
    app = _load(FIXTURES / "policy_lines", "zappa_settings.json")
    prod = app.roles["zappa_settings.json#prod:role"]
    assert [(s.sid, s.actions, str(s.location)) for s in prod.statements] == [
        (None, ("sqs:SendMessage",), "zappa_settings.json:9"),  # extra_permissions
        (None, ("s3:*",), "zappa_settings.json:14"),
        ("ReadLedger", ("dynamodb:GetItem", "dynamodb:Query"), "policies/prod.json:4"),
        ("Everything", ("*",), "policies/prod.json:10")]  # attach_policy
    assert str(prod.location) == "zappa_settings.json:6"  # role_name
    dev = app.functions["zappa_settings.json#dev"]
    assert str(dev.environment["LEDGER_TABLE"].location) == "zappa_settings.json:24"
    assert str(app.functions["zappa_settings.json#prod"].environment[
        "LEDGER_TABLE"].location) == "zappa_settings.json:17"


def test_unreadable_attach_policy_is_a_diagnostic_at_the_setting() -> None:
    app = _load(FIXTURES / "policy_lines", "zappa_settings.json", "dev")
    role, = app.roles.values()
    assert [s.location.file for s in role.statements] == ["zappa_settings.json"] * 2
    warning, = [d for d in app.diagnostics if d.level == "warning"]
    assert (warning.file, warning.line) == ("zappa_settings.json", 22)
    assert "attach_policy policies/dev.json cannot be read (line 4: invalid" in warning.message


def test_permission_findings_point_at_the_attached_statement() -> None:
    found = {(f.rule_id, str(f.location)) for f in scan(
        str(EXAMPLES / "vulnerable-app-zappa")).findings}
    assert {("FG-PERM-001", "policy.json:4"), ("FG-PERM-002", "policy.json:9")} <= found
    assert "policy.json:1" not in {loc for _, loc in found}


def test_add_url_rule_calls_are_routes() -> None:
    app = _load(FIXTURES / "url_rules", "zappa_settings.json")
    api = app.apis["zappa_settings.json#prod:api"]
    assert [(r.method, r.path, str(r.location)) for r in api.app_routes] == [
        ("GET", "/v1/items", "web.py:41"),  # view_func=, GET by default
        ("PUT", "/v1/items/{item_id}", "web.py:42"),  # positional endpoint and view,
        ("DELETE", "/v1/items/{item_id}", "web.py:42"),  # methods= a module constant
        ("GET", "/v1/items/{item_id}/detail", "web.py:43"),  # MethodView: what it defines
        ("POST", "/v1/items/{item_id}/detail", "web.py:43"),
        ("GET", "/ping", "web.py:44"), ("HEAD", "/ping", "web.py:44"),  # View.methods
        ("POST", "/export/{name}", "web.py:45"),  # rule=, methods= a tuple
        ("DELETE", "/admin/users/{user_id}", "admin.py:10")]  # on a registered blueprint
    # `registry.add_url_rule(...)` (line 56) is no route: registry is not the Flask app
    assert "/not-a-route" not in {r.path for r in api.app_routes}


def test_views_of_add_url_rule_are_entry_points() -> None:
    injections = [f for f in scan(str(FIXTURES / "url_rules")).findings
                  if f.rule_id == "FG-INJ-001"]
    # the <name> path parameter and request.args of the view export(); not the
    # <int:item_id> of change_item(), a number
    assert sorted((str(f.location), f.message.split(" reaches")[0]) for f in injections) == [
        ("web.py:23", "Command injection: Flask path parameter 'name' (name)"),
        ("web.py:23", "Command injection: Flask query parameter 'dir' (request.args['dir'])")]


def test_relative_import_in_a_package_init_finds_the_blueprint() -> None:
    # app_function "shop.app" is shop/__init__.py: `from .orders import orders` is
    # shop.orders (the package's own module), not a top-level `orders`
    app = _load(FIXTURES / "package_app", "zappa_settings.json")
    assert [(r.method, r.path, str(r.location)) for api in app.apis.values()
            for r in api.app_routes] == [("GET", "/orders/{order_id}", "shop/orders.py:6")]


def _kms_and_loop_findings(folder: Path) -> set[tuple[str, str]]:
    return {(f.rule_id, str(f.location)) for f in scan(str(folder)).findings
            if f.rule_id in ("FG-DATA-004", "FG-WALLET-004")}


def test_kms_key_and_s3_key_filters_are_read() -> None:
    unset = _load(FIXTURES / "event_limits_unset", "zappa_settings.json")
    fn = unset.functions["zappa_settings.json#dev"]
    assert fn.kms_key is None
    assert [("rules" in t.properties) for t in fn.triggers if t.kind == "s3"] == [False]
    fn = _load(FIXTURES / "event_limits_set", "zappa_settings.json").functions[
        "zappa_settings.json#dev"]
    assert isinstance(fn.kms_key, str) and fn.kms_key.startswith("arn:aws:kms:us-east-1:")
    # `key_filters` in the form the serverless.yml loader gives `rules: [{prefix: ...}]`
    assert [t.properties.get("rules") for t in fn.triggers if t.kind == "s3"] == [
        [{"prefix": "uploads/"}]]


def test_findings_the_kms_key_and_key_filters_fix_appear_without_them_only() -> None:
    assert _kms_and_loop_findings(FIXTURES / "event_limits_unset") == {
        ("FG-DATA-004", "zappa_settings.json:2"), ("FG-WALLET-004", "zappa_settings.json:19")}
    assert _kms_and_loop_findings(FIXTURES / "event_limits_set") == set()
