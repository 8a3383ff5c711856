"""Zappa Flask apps made by a factory (`app = create_app()`): the routes, blueprints and
views the factory registers on its own Flask object."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders import LoadContext, load_path
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zappa"


def _routes(folder: str) -> list[tuple[str, str, str]]:
    app = load_path(LoadContext(root=str(FIXTURES / folder), file="zappa_settings.json"))
    return [(r.method, r.path, str(r.location)) for api in app.apis.values()
            for r in api.app_routes]


def _injections(folder: str) -> list[tuple[str, str]]:
    return sorted((str(f.location), f.message.split(" reaches")[0])
                  for f in scan(str(FIXTURES / folder)).findings if f.rule_id == "FG-INJ-001")


def test_routes_of_a_factory_in_the_same_module() -> None:
    assert _routes("factory") == [
        ("GET", "/health", "web.py:20"),  # nested @app.route
        ("POST", "/export/{name}", "web.py:24"),  # nested @app.post
        ("GET", "/report", "web.py:32"), ("HEAD", "/report", "web.py:32"),  # add_url_rule
        ("GET", "/v1/orders/{order_id}", "shop/orders.py:6"),  # imported blueprint
        ("POST", "/admin/rotate", "web.py:10")]  # blueprint of the factory's module


def test_routes_of_a_factory_imported_from_another_module() -> None:
    assert _routes("factory_imported") == [
        ("GET", "/files/{key+}", "myapp/__init__.py:12"),
        ("GET", "/api/items", "myapp/views.py:6"), ("POST", "/api/items", "myapp/views.py:6")]


def test_an_app_builder_not_assigned_to_the_named_app_adds_no_routes() -> None:
    # make_test_app() (factory/web.py) and make_debug_app() (assigned to debug_app, not
    # to the app Zappa names) build apps of their own
    paths = {path for folder in ("factory", "factory_imported") for _, path, _ in
             _routes(folder)}
    assert not {"/debug/reset", "/debug/run"} & paths


def test_views_nested_in_a_factory_are_entry_points() -> None:
    assert _injections("factory") == [
        ("web.py:26", "Command injection: Flask path parameter 'name' (name)")]
    assert _injections("factory_imported") == [
        ("myapp/__init__.py:14", "Command injection: Flask path parameter 'key' (key)")]


def test_routes_of_factories_helpers_and_nested_blueprints() -> None:
    assert sorted(_routes("factory_deep")) == [
        ("DELETE", "/cache/{age}", "core/routes.py:21"),  # a helper's helper
        ("GET", "/api/status", "core/factory.py:22"),  # blueprint made in the factory
        ("GET", "/api/v1/items/{item_id}", "core/factory.py:26"),  # nested: prefixes joined
        ("GET", "/files/{name+}", "core/routes.py:7"),  # register_routes(app), imported
        ("GET", "/health", "core/base.py:7"),  # the factory the app comes from
        ("GET", "/ping", "core/routes.py:12"),  # add_url_rule in a helper
        ("POST", "/admin/users/{user_id}/reset", "core/admin.py:7")]  # app=app, nested


def test_what_the_app_is_not_given_adds_no_routes() -> None:
    # a blueprint made but never registered, a helper given no app (configure_logging),
    # a function making an app of its own (register_debug), an external CORS(app)
    paths = {path for _, path, _ in _routes("factory_deep")}
    assert not {p for p in paths if p.startswith(("/unused", "/never", "/debug"))}


def test_views_of_deep_factories_and_nested_blueprints_are_entry_points() -> None:
    assert _injections("factory_deep") == [
        ("core/factory.py:28", "Command injection: Flask path parameter 'item_id' (item_id)")]
    injections = [(str(f.location), f.rule_id)
                  for f in scan(str(FIXTURES / "factory_deep")).findings
                  if f.rule_id.startswith("FG-INJ") and f.location.file == "core/routes.py"]
    # the view nested in register_routes; not register_debug's (line 33): its own app is
    # not the one Zappa serves
    assert injections == [("core/routes.py:9", "FG-INJ-005")]


def test_helpers_calling_each_other_are_read_once(tmp_path: Path) -> None:
    (tmp_path / "zappa_settings.json").write_text('{"dev": {"app_function": "web.app"}}')
    (tmp_path / "web.py").write_text("from flask import Flask\nimport a\n"
                                     "app = Flask(__name__)\na.one(app)\n")
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / f"{name}.py").write_text(
            f"import {other}\n\n\ndef {'one' if name == 'a' else 'two'}(app):\n"
            f"    @app.get('/{name}')\n    def view():\n        return '{name}'\n\n"
            f"    {other}.{'two' if name == 'a' else 'one'}(app)\n")
    app = load_path(LoadContext(root=str(tmp_path), file="zappa_settings.json"))
    routes = [(r.method, r.path, str(r.location)) for api in app.apis.values()
              for r in api.app_routes]
    assert routes == [("GET", "/a", "a.py:5"), ("GET", "/b", "b.py:5")]


def test_helpers_whose_result_is_kept_and_blueprints_registered_in_loops(
        tmp_path: Path) -> None:
    (tmp_path / "zappa_settings.json").write_text('{"dev": {"app_function": "web.app"}}')
    (tmp_path / "web.py").write_text(
        "from flask import Blueprint, Flask\n"
        "import extras\n"
        "from views import orders, users\n\n"
        "admin = Blueprint('admin', __name__)\n"
        "reports = Blueprint('reports', __name__)\n\n\n"
        "@admin.get('/stats')\n"
        "def stats():\n"
        "    return 'ok'\n\n\n"
        "@reports.get('/daily')\n"
        "def daily():\n"
        "    return 'ok'\n\n\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        "    app = extras.with_health(app)\n"
        "    api: object = extras.make_api(app)\n"
        "    for bp in (users.bp, orders.bp):\n"
        "        app.register_blueprint(bp)\n"
        "    for bp, prefix in ((admin, '/admin'), [reports, '/reports']):\n"
        "        app.register_blueprint(bp, url_prefix=prefix)\n"
        "    return extras.finish(app)\n\n\n"
        "app = create_app()\n")
    (tmp_path / "extras.py").write_text(
        "def with_health(app):\n"
        "    @app.get('/health')\n"
        "    def health():\n"
        "        return 'ok'\n"
        "    return app\n\n\n"
        "def make_api(app):\n"
        "    app.add_url_rule('/api', 'api', lambda: 'api')\n"
        "    return object()\n\n\n"
        "def finish(app):\n"
        "    @app.delete('/cache')\n"
        "    def clear():\n"
        "        return 'ok'\n"
        "    return app\n\n\n"
        "def unused(app):\n"
        "    @app.get('/never')\n"
        "    def never():\n"
        "        return 'no'\n")
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "__init__.py").write_text("")
    for name in ("users", "orders"):
        (tmp_path / "views" / f"{name}.py").write_text(
            f"from flask import Blueprint\n\nbp = Blueprint('{name}', __name__, "
            f"url_prefix='/{name}')\n\n\n@bp.get('/')\ndef index():\n    return '{name}'\n")
    app = load_path(LoadContext(root=str(tmp_path), file="zappa_settings.json"))
    routes = sorted((r.method, r.path, str(r.location)) for api in app.apis.values()
                    for r in api.app_routes)
    assert routes == [  # not unused()'s /never: the app is never passed to it
        ("DELETE", "/cache", "extras.py:14"),  # return finish(app)
        ("GET", "/admin/stats", "web.py:9"),  # loop over (blueprint, prefix) pairs
        ("GET", "/api", "extras.py:9"),  # api = make_api(app)
        ("GET", "/health", "extras.py:2"),  # app = with_health(app)
        ("GET", "/orders/", "views/orders.py:6"),  # loop over blueprints
        ("GET", "/reports/daily", "web.py:14"),
        ("GET", "/users/", "views/users.py:6")]
