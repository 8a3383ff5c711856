"""serverless-wsgi: the WSGI app (Flask, Django) behind serverless.yml functions whose
handler is the plugin's `wsgi_handler.handler`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.analysis.endpoints import build_endpoints
from faasguard.loaders import LoadContext, load_path
from faasguard.model import App
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _load(root: Path) -> App:
    return load_path(LoadContext(root=str(root), file="serverless.yml"))


def _app_routes(app: App) -> list[tuple[str, str, str, str, str | None]]:
    return [(r.function or "", r.method, r.path, str(r.location),
             r.authorizer.kind if r.authorizer else None)
            for api in app.apis.values() for r in api.app_routes]


def test_flask_app_routes_behind_the_catch_all() -> None:
    app = _load(FIXTURES / "flask_wsgi")
    web = app.functions["serverless.yml#web"]
    assert web.handler == "api.app"
    assert web.properties["wsgi_handler"] == "wsgi_handler.handler"
    assert _app_routes(app) == [
        ("serverless.yml#web", "GET", "/files/{name}", "api.py:11", None),
        ("serverless.yml#web", "GET", "/health", "api.py:17", None),
        ("serverless.yml#web", "GET", "/notes/{note_id}", "notes/views.py:6", None),
        ("serverless.yml#web", "DELETE", "/notes/{note_id}", "notes/views.py:6", None)]
    assert not app.diagnostics


def test_a_function_with_its_own_handler_is_not_served() -> None:
    app = _load(FIXTURES / "flask_wsgi")
    worker = app.functions["serverless.yml#worker"]
    assert worker.handler == "jobs.handle" and "wsgi_handler" not in worker.properties


def test_flask_views_are_entry_points() -> None:
    result = scan(str(FIXTURES / "flask_wsgi"))
    found = [(str(f.location), f.rule_id) for f in result.findings
             if f.rule_id.startswith("FG-INJ")]
    assert found == [("api.py:13", "FG-INJ-005")]
    assert "public" in next(f.message for f in result.findings if f.rule_id == "FG-INJ-005")
    assert not [d for d in result.diagnostics if "not found" in d.message]


def test_django_routes_from_the_settings_module() -> None:
    app = _load(FIXTURES / "django_wsgi")
    api, office = app.functions["serverless.yml#api"], app.functions["serverless.yml#backoffice"]
    assert api.handler == office.handler == "mysite.wsgi.application"
    # wsgi.py's os.environ.setdefault, unless the function's environment sets it
    assert api.properties["django_settings"] == "mysite.settings"
    assert office.properties["django_settings"] == "mysite.settings_backoffice"
    assert _app_routes(app) == [
        ("serverless.yml#api", "GET", "/files/{name}/", "mysite/urls.py:6", "iam"),
        ("serverless.yml#api", "GET", "/items/{item_id}/", "mysite/urls.py:7", "iam"),
        ("serverless.yml#backoffice", "POST", "/backoffice/export/",
         "mysite/backoffice_urls.py:6", None)]
    assert not app.diagnostics


def test_django_views_are_entry_points() -> None:
    found = sorted((str(f.location), f.rule_id, _function_of(f.message))
                   for f in scan(str(FIXTURES / "django_wsgi")).findings
                   if f.rule_id.startswith("FG-INJ"))
    assert found == [("mysite/views.py:10", "FG-INJ-005", "api"),
                     ("mysite/views.py:21", "FG-INJ-001", "backoffice")]


def _function_of(message: str) -> str | None:
    match = re.search(r"in function '([^']+)'", message)
    return match.group(1) if match else None


@pytest.mark.parametrize(("custom", "files", "expected"), [
    ("", {}, "custom.wsgi.app names no WSGI app"),
    ("custom:\n  wsgi:\n    app: missing.app\n", {}, "module missing is not in the project"),
    ("custom:\n  wsgi:\n    app: site.wsgi.application\n",
     {"site/__init__.py": "", "site/wsgi.py": "from django.core.wsgi import "
      "get_wsgi_application\napplication = get_wsgi_application()\n"},
     "without DJANGO_SETTINGS_MODULE"),
    ("custom:\n  wsgi:\n    app: broken.app\n", {"broken.py": "def (:\n"},
     "does not parse as Python"),
])
def test_what_cannot_be_read_is_a_warning(tmp_path: Path, custom: str,
                                          files: dict[str, str], expected: str) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n" + custom +
        "functions:\n  web:\n    handler: wsgi_handler.handler\n    events:\n"
        "      - http: ANY /{proxy+}\n")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    app = _load(tmp_path)
    warning, = app.diagnostics
    assert warning.level == "warning" and expected in warning.message
    assert warning.file == "serverless.yml" and warning.line is not None
    assert not _app_routes(app)


def _flask_service(root: Path, handler: str, event: str) -> App:
    """A serverless-wsgi service of one function (`handler`, one `event`) serving a Flask
    app with one route, GET /admin; loaded."""
    (root / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\ncustom:\n  wsgi:\n"
        f"    app: api.app\nfunctions:\n  web:\n    handler: {handler}\n    events:\n"
        f"      - {event}\n")
    (root / "api.py").write_text("from flask import Flask\napp = Flask(__name__)\n\n\n"
                                 "@app.route('/admin')\ndef admin():\n    return 'x'\n")
    return _load(root)


def test_no_catch_all_no_app_routes(tmp_path: Path) -> None:
    app = _flask_service(tmp_path, "wsgi.handler", "http: GET /health")
    assert app.functions["serverless.yml#web"].handler == "api.app"  # the old handler name
    assert not _app_routes(app)  # API Gateway only passes /health on


def test_an_http_api_catch_all_serves_the_app_routes(tmp_path: Path) -> None:
    app = _flask_service(tmp_path, "wsgi_handler.handler", "httpApi: '*'")
    routes = [(r.api_kind, r.method, r.path) for api in app.apis.values()
              for r in api.app_routes]
    assert routes == [("http", "GET", "/admin")]
    behind = [(e.path, e.behind) for e in build_endpoints(app) if e.behind]
    assert behind == [("/admin", "ANY *")]  # the catch-all the API declares
