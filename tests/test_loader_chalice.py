"""Chalice loader: .chalice/config.json plus the decorators of app.py (read with ast)."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders import LoadContext, load_path
from faasguard.model import App
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chalice"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(folder: Path, stage: str | None = "prod") -> App:
    return load_path(LoadContext(root=str(folder), file=".chalice/config.json", stage=stage))


def test_routes_share_the_api_handler_with_their_authorisers() -> None:
    app = _load(FIXTURES / "secured")
    routes = {(r.method, r.path): r for r in app.routes}
    assert set(routes) == {("GET", "/items/{item_id}"), ("PUT", "/items/{item_id}"),
                           ("POST", "/admin"), ("GET", "/health")}
    handler = app.functions[".chalice/config.json#api_handler"]
    assert {r.function for r in app.routes} == {handler.id}
    assert handler.handler == "app.app" and handler.format == "chalice"
    item = routes[("GET", "/items/{item_id}")]
    assert item.authorizer is not None and item.authorizer.kind == "cognito"
    assert item.location.file == "app.py" and item.location.line == 13
    admin = routes[("POST", "/admin")]
    assert admin.authorizer is not None and admin.authorizer.kind == "lambda-token"
    assert admin.authorizer.name == "token_auth" and admin.api_key_required
    assert routes[("GET", "/health")].authorizer is None


def test_event_handlers_are_functions_with_triggers() -> None:
    app = _load(FIXTURES / "secured")
    kinds = {fid.split("#")[1]: [t.kind for t in fn.triggers]
             for fid, fn in app.functions.items()}
    assert kinds["on_upload"] == ["s3"] and kinds["on_job"] == ["sqs"]
    assert kinds["hourly"] == ["schedule"] and kinds["token_auth"] == []
    upload = app.functions[".chalice/config.json#on_upload"]
    assert upload.triggers[0].source == "shop-uploads"
    assert upload.handler == "app.on_upload"


def test_stage_and_per_function_settings() -> None:
    app = _load(FIXTURES / "secured")
    handler = app.functions[".chalice/config.json#api_handler"]
    assert (handler.memory_mb, handler.timeout_s, handler.reserved_concurrency) == (256, 10, 20)
    assert handler.tracing == "Active"
    assert handler.role is None and handler.role_arn.endswith(":role/shop-api")
    assert set(handler.environment) == {"LOG_LEVEL", "STAGE"}
    assert handler.environment["STAGE"].location.line == 13
    assert app.functions[".chalice/config.json#on_upload"].memory_mb == 1024
    dev = _load(FIXTURES / "secured", "dev").functions[".chalice/config.json#api_handler"]
    assert dev.timeout_s == 60 and set(dev.environment) == {"LOG_LEVEL"}


def test_policy_file_gives_the_role_its_statements() -> None:
    app = _load(EXAMPLES / "vulnerable-app-chalice", "dev")
    role, = app.roles.values()
    assert any(s.actions == ("*",) for s in role.statements)
    assert all(fn.role == role.id for fn in app.functions.values())


def test_broken_app_py_is_a_diagnostic() -> None:
    app = _load(FIXTURES / "broken")
    assert not app.functions
    error, = app.diagnostics
    assert error.level == "error" and "does not parse" in error.message


def test_scan_of_the_vulnerable_chalice_app() -> None:
    result = scan(str(EXAMPLES / "vulnerable-app-chalice"))
    rules = {f.rule_id for f in result.findings}
    assert {"FG-AUTH-002", "FG-DATA-001", "FG-PERM-001", "FG-WALLET-003"} <= rules
    public = [f.location for f in scan(str(FIXTURES / "secured")).findings
              if f.rule_id == "FG-AUTH-002"]
    assert [(loc.file, loc.line) for loc in public] == [("app.py", 23)]  # only /health


def _loops(folder: Path) -> dict[str, str]:
    """FG-WALLET-004 findings of a fixture: function name -> message."""
    return {f.message.split("'")[1]: f.message for f in scan(str(folder)).findings
            if f.rule_id == "FG-WALLET-004"}


def test_s3_handler_writing_to_its_own_bucket_is_a_loop() -> None:
    app = _load(FIXTURES / "s3_loop", "dev")
    assert [t.source for t in app.functions[".chalice/config.json#tag"].triggers] == [
        "photos-archive"]  # bucket=ARCHIVE, a module constant
    loops = _loops(FIXTURES / "s3_loop")
    # `note` writes nothing: the role's write to photos-incoming is shrink's (one role)
    assert set(loops) == {"shrink", "tag"}
    # `event.bucket` and `event.to_dict()[...]["bucket"]["name"]` name the trigger's bucket
    assert "its code writes back to it" in loops["shrink"]
    assert "s3 'photos-archive' and its code writes back" in loops["tag"]


def test_s3_handler_writing_to_another_bucket_is_no_loop() -> None:
    assert _loops(FIXTURES / "s3_no_loop") == {}


def test_queue_and_topic_handlers_writing_back_are_loops() -> None:
    app = _load(FIXTURES / "queue_loop", "dev")
    assert [t.source for t in app.functions[".chalice/config.json#jobs"].triggers] == [
        "arn:aws:sqs:us-east-1:123456789012:jobs"]  # on_sqs_message(queue_arn=...)
    loops = _loops(FIXTURES / "queue_loop")
    # a queue URL names the queue; `old-orders` and `audit-archive` are other resources
    assert set(loops) == {"retry", "jobs", "fanout"}
    assert all("its code writes back to it" in message for message in loops.values())


def test_blueprints_give_routes_and_functions_with_their_prefixes() -> None:
    app = _load(FIXTURES / "blueprints", "dev")
    assert [(r.method, r.path, str(r.location)) for r in app.routes] == [
        ("GET", "/health", "app.py:12"),
        ("GET", "/v1/orders/{order_id}", "chalicelib/orders.py:7"),  # url_prefix
        ("GET", "/v2/orders/{order_id}", "chalicelib/orders.py:12"),
        ("DELETE", "/v2/orders/{order_id}", "chalicelib/orders.py:12")]
    resize = app.functions[".chalice/config.json#media_resize"]  # name_prefix
    assert (resize.name, resize.handler) == ("shop-dev-media_resize", "chalicelib.events.resize")
    assert str(resize.location) == "chalicelib/events.py:8"
    assert [(t.kind, t.source) for t in resize.triggers] == [("s3", "media-uploads")]
    findings = {(f.rule_id, str(f.location)) for f in scan(str(FIXTURES / "blueprints")).findings}
    assert ("FG-WALLET-004", "chalicelib/events.py:8") in findings  # writes to event.bucket
    assert ("FG-SHADOW-006", "chalicelib/orders.py:7") in findings


def test_policy_file_statements_are_at_their_own_lines() -> None:
    app = _load(FIXTURES / "policy_lines")
    roles = {r.id.split("#")[1]: r for r in app.roles.values()}
    default = roles["DefaultRole"]  # .chalice/policy-prod.json (autogen_policy: false)
    assert [(s.sid, str(s.location)) for s in default.statements] == [
        ("ReadLedger", ".chalice/policy-prod.json:4"),  # tab-indented, as JSON allows
        ("Everything", ".chalice/policy-prod.json:11")]  # a one-line statement
    assert str(default.location) == ".chalice/config.json:7"  # "autogen_policy": false
    nightly = roles["nightlyRole"]  # per-function iam_policy_file, one statement mapping
    assert [(s.actions, str(s.location)) for s in nightly.statements] == [
        (("s3:PutObject",), ".chalice/policy-nightly.json:3")]
    assert str(nightly.location) == ".chalice/config.json:13"
    env = app.functions[".chalice/config.json#nightly"].environment
    assert {k: v.location.line for k, v in env.items()} == {"LEDGER_TABLE": 9,
                                                            "REPORT_BUCKET": 15}


def test_broken_policy_file_is_a_diagnostic_at_the_setting_naming_it() -> None:
    app = _load(FIXTURES / "policy_lines")
    assert app.roles[".chalice/config.json#auditRole"].statements == []
    warning, = app.diagnostics
    assert (warning.file, warning.line, warning.level) == (".chalice/config.json", 19, "warning")
    assert warning.message.startswith("policy file .chalice/policy-audit.json: line 5: ")
    assert "the role's permissions are not known" in warning.message


def test_permission_findings_point_at_the_statement() -> None:
    found = {(f.rule_id, str(f.location)) for f in scan(
        str(EXAMPLES / "vulnerable-app-chalice")).findings}
    assert ("FG-PERM-001", ".chalice/policy-dev.json:4") in found  # "Action": "*"
    assert ("FG-PERM-002", ".chalice/policy-dev.json:5") in found  # "dynamodb:*"
    assert ("FG-PERM-104", ".chalice/config.json:18") in found  # "iam_policy_file"
    assert not {loc for _, loc in found} & {".chalice/policy-dev.json:1",
                                             ".chalice/config.json:1"}


def _event_findings(folder: Path) -> set[tuple[str, str]]:
    """(rule id, location) of the findings the event settings of a fixture clear."""
    return {(f.rule_id, str(f.location)) for f in scan(str(folder)).findings
            if f.rule_id in ("FG-WALLET-004", "FG-WALLET-005")}


def test_sqs_maximum_concurrency_and_s3_key_filter_are_read() -> None:
    unset = _load(FIXTURES / "event_limits_unset", "dev").functions
    capped = _load(FIXTURES / "event_limits_set", "dev").functions
    assert unset[".chalice/config.json#request"].triggers[0].max_concurrency is None
    assert capped[".chalice/config.json#request"].triggers[0].max_concurrency == 4
    assert "rules" not in unset[".chalice/config.json#preview"].triggers[0].properties
    # the form the serverless.yml loader gives `rules: [{prefix: ...}, {suffix: ...}]`
    assert capped[".chalice/config.json#preview"].triggers[0].properties["rules"] == [
        {"prefix": "incoming/"}, {"suffix": ".pdf"}]


def test_findings_the_event_settings_fix_appear_without_them_only() -> None:
    # the code writes to previews/ of the bucket: a loop unless only incoming/ triggers
    assert _event_findings(FIXTURES / "event_limits_unset") == {
        ("FG-WALLET-005", "app.py:9"), ("FG-WALLET-004", "app.py:15")}
    assert _event_findings(FIXTURES / "event_limits_set") == set()
