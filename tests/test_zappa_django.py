"""Zappa with Django: routes from the project's urlpatterns, views as taint entry points."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.django_routes import django_project, regex_path
from faasguard.model import App
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zappa"


def _load(folder: str, stage: str | None = None) -> App:
    return load_path(LoadContext(root=str(FIXTURES / folder), file="zappa_settings.json",
                                 stage=stage))


def test_urlpatterns_are_the_apis_app_routes() -> None:
    app = _load("django")
    api = app.apis["zappa_settings.json#prod:api"]
    assert [(r.method, r.path, str(r.location), r.pattern) for r in api.app_routes] == [
        # an include the project does not hold: every path under its prefix
        ("ANY", "/admin/{proxy+}", "mysite/urls.py:8", "admin/ -> admin.site.urls"),
        ("ANY", "/health/", "mysite/urls.py:9", None),  # no method decorator: any method
        ("GET", "/v1/items/{item_id}/", "mysite/urls.py:10", None),  # @require_GET
        ("ANY", "/v1/legacy/{slug}/", "mysite/urls.py:11",  # re_path: inexact
         r"^v1/legacy/(?P<slug>[-\w]+)/$"),
        # include("shop.urls") under "api/": @require_http_methods, @require_POST
        ("GET", "/api/orders/{order_id}", "shop/urls.py:6", None),
        ("DELETE", "/api/orders/{order_id}", "shop/urls.py:6", None),
        ("POST", "/api/orders", "shop/urls.py:7", None),
        # include(("shop.v2_urls", "v2")) under a regex: inexact too
        ("GET", "/v2/orders/{order_id}", "shop/v2_urls.py:5", "^v2/orders/<uuid:order_id>"),
        ("DELETE", "/v2/orders/{order_id}", "shop/v2_urls.py:5", "^v2/orders/<uuid:order_id>"),
        # urlpatterns += [...]; a class-based view answers the methods it defines
        ("GET", "/reports/{key+}", "mysite/urls.py:15", None)]
    assert all(r.function == "zappa_settings.json#prod" and r.authorizer is not None and
               r.authorizer.kind == "iam" for r in api.app_routes)
    assert {(r.method, r.path) for r in app.routes} == {("ANY", "/"), ("ANY", "/{proxy+}")}
    fn = app.functions["zappa_settings.json#prod"]
    assert fn.handler == "mysite.wsgi.application"  # WSGI_APPLICATION, via `from .base import *`
    assert fn.properties["django_settings"] == "mysite.settings"
    # the views serving the routes, once per route pattern: the taint engine's entries
    assert [(v.file, v.name, v.route) for v in fn.properties["django_views"]][-3:] == [
        ("shop/views.py", "create_order", "api/orders"),
        ("shop/views.py", "order", "^v2/orders/<uuid:order_id>"),
        ("shop/views.py", "ReportView.get", "reports/<path:key>")]
    assert [d for d in app.diagnostics if d.level != "note"] == []


def test_django_routes_are_endpoints_behind_the_catch_all() -> None:
    from faasguard.analysis.endpoints import build_endpoints

    behind = [(e.method, e.path) for e in build_endpoints(_load("django")) if e.behind]
    assert ("ANY", "/admin/{proxy+}") in behind and ("POST", "/api/orders") in behind
    assert len(behind) == 10


def test_view_methods_and_includes_variants(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "settings.py").write_text('ROOT_URLCONF = "proj.urls"\n')
    (tmp_path / "proj" / "urls.py").write_text(
        "from django.urls import include, path, re_path\n"
        "from django.conf.urls import url\n"
        "from rest_framework.decorators import api_view\n"
        "from proj import more\n"
        "\n"
        "@api_view(['GET', 'POST'])\n"
        "def items(request):\n"
        "    return None\n"
        "\n"
        "extra = [path('b/<slug:name>', items)]\n"
        "ROUTE = 'const/'\n"
        "urlpatterns = [path('a/', include(extra)), path(ROUTE, items)]\n"
        "urlpatterns.append(url(r'^old/(\\d+)/$', items))\n"
        "urlpatterns.extend([path('m/', include(more)), path('x/', include('thirdparty.urls'))])\n"
        "urlpatterns += [path(compute(), items), path('loop/', include('proj.urls'))]\n"
        "urlpatterns += i18n_patterns(path('about/', items), prefix_default_language=False)\n")
    (tmp_path / "proj" / "more.py").write_text(
        "from django.urls import path\n"
        "urlpatterns = [path('', lambda request: None)]\n")
    project = django_project(str(tmp_path), ".", "proj.settings")
    assert project.problems == []
    assert [(r.method, r.path, r.pattern) for r in project.routes] == [
        ("GET", "/a/b/{name}", None), ("POST", "/a/b/{name}", None),  # include(a list)
        ("GET", "/const/", None), ("POST", "/const/", None),  # a module constant
        ("GET", "/old/{arg1}/", r"^old/(\d+)/$"), ("POST", "/old/{arg1}/", r"^old/(\d+)/$"),
        ("ANY", "/m/", None),  # include(an imported module); a lambda view: any method
        ("ANY", "/x/{proxy+}", "x/ -> thirdparty.urls"),  # not in the project
        # path(compute(), ...) is skipped; an include of itself is not followed again
        ("ANY", "/loop/{proxy+}", "loop/ -> proj.urls"),
        ("GET", "/{language}/about/", "<language>/about/"),  # i18n_patterns: inexact
        ("POST", "/{language}/about/", "<language>/about/")]


def test_regex_routes_in_api_gateway_form() -> None:
    assert regex_path(r"^v1/legacy/(?P<slug>[-\w]+)/$") == "v1/legacy/{slug}/"
    assert regex_path(r"^a/([0-9]{4})/(?P<m>[0-9]{2})/\Z") == "a/{arg1}/{m}/"
    assert regex_path(r"^files/(?P<p>[^)/]+)\.json$") == "files/{p}.json"
    assert regex_path(r"^(?:en|fr)/home/$") == "(?:en|fr)/home/"  # kept as written


def test_settings_or_urls_that_cannot_be_read_are_diagnostics() -> None:
    app = _load("django_broken")
    warnings = {d.line: d.message for d in app.diagnostics if d.level == "warning"}
    assert warnings[3].startswith("stage prod: django_settings site.settings: settings "
                                  "module site.settings sets no ROOT_URLCONF")  # os.environ
    assert "settings module missing.settings is not in the project" in warnings[8]
    assert "site/bad_urls.py does not parse as Python" in warnings[13]  # via a star import
    assert all(d.file == "zappa_settings.json" for d in app.diagnostics)
    assert all(api.app_routes == [] for api in app.apis.values())


def test_django_views_are_taint_entry_points() -> None:
    found = sorted((f.rule_id, str(f.location), f.message.split(" reaches")[0])
                   for f in scan(str(FIXTURES / "django")).findings
                   if f.rule_id.startswith("FG-INJ"))
    assert found == [
        ("FG-INJ-001", "shop/views.py:21",
         "Command injection: Django query parameter 'archive' (request.GET['archive'])"),
        ("FG-INJ-005", "shop/views.py:27",  # <str:order_id>, not only <uuid:...>
         "Path traversal / local file inclusion: Django path parameter 'order_id' "
         "(order_id)"),
        ("FG-INJ-005", "shop/views.py:44",  # a class-based view's get(), <path:key>,
         # through self.read(key): the method is analysed as one of its class
         "Path traversal / local file inclusion: Django path parameter 'key' (key)")]
    # not reported: <int:item_id> (line 15), shlex.quote(request.POST[...]) (line 32) and
    # request.user (line 34), which is no request input


def test_flask_settings_are_unchanged_by_django_support() -> None:
    app = _load("versions")
    fn = app.functions["zappa_settings.json#prod"]
    assert "django_settings" not in fn.properties and fn.handler == "api.web"


def test_inexact_routes_are_marked_in_the_endpoint_inventory(capsys: Any) -> None:
    from faasguard.cli import main

    assert main(["endpoints", str(FIXTURES / "django"), "--format", "json"]) == 0
    endpoints = json.loads(capsys.readouterr().out)["endpoints"]
    patterns = {(e["method"], e["path"]): e.get("pattern") for e in endpoints}
    assert patterns[("ANY", "/v1/legacy/{slug}/")] == r"^v1/legacy/(?P<slug>[-\w]+)/$"
    assert patterns[("ANY", "/admin/{proxy+}")] == "admin/ -> admin.site.urls"
    assert patterns[("GET", "/v1/items/{item_id}/")] is None  # exact: no pattern
    assert main(["endpoints", str(FIXTURES / "django")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:4] == ["rest*", "ANY", "/v1/legacy/{slug}/", "~"] for line in lines)
    assert not any("/v1/items/{item_id}/ ~" in line for line in lines)
    assert any(line.startswith("~ a path approximating the router's pattern") for line in lines)
    assert main(["endpoints", str(FIXTURES / "versions")]) == 0  # Flask: every path exact
    assert "~" not in capsys.readouterr().out


def test_module_names_never_reach_outside_the_scanned_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "proj").mkdir(parents=True)
    (tmp_path / "outside_urls.py").write_text(
        "from django.urls import path\nurlpatterns = [path('leak/', None)]\n")
    outside = "." + str(tmp_path / "outside_urls").lstrip("/").replace("/", ".")
    (root / "proj" / "settings.py").write_text(f"ROOT_URLCONF = {outside!r}\n")
    project = django_project(str(root), ".", "proj.settings")
    assert project.routes == []
    assert project.problems == [f"ROOT_URLCONF {outside} is not in the project"]
    assert django_project(str(root), ".", outside).problems == [
        f"settings module {outside} is not in the project"]


def test_long_chains_of_pattern_lists_are_read_without_recursion(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "settings.py").write_text('ROOT_URLCONF = "proj.urls"\n')
    chain = " + ".join(f"[path('p{i}/', view)]" for i in range(2000))  # nests 2000 deep
    (tmp_path / "proj" / "urls.py").write_text(
        "from django.urls import path\n"
        "def view(request):\n    return None\n"
        f"urlpatterns = {chain}\n"
        "urlpatterns += [path('last/', view)] + ([path('x/', view)] + [path('y/', view)])\n")
    project = django_project(str(tmp_path), ".", "proj.settings")
    paths = [r.path for r in project.routes]
    assert len(paths) == 2003 and paths[:2] == ["/p0/", "/p1/"]
    assert paths[-3:] == ["/last/", "/x/", "/y/"]  # in the order written
