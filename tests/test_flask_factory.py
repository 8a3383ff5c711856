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
