"""Chalice and Flask (Zappa) apps: request objects are taint sources, route views and event
functions are entry points (fixtures in fixtures/taint_frameworks, marked `# expect:`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import REPO, expected_marks, run_cli
from test_workers import _sharded_equals_serial

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "taint_frameworks"
PROJECTS = ["chalice_vulnerable", "chalice_safe", "zappa_vulnerable", "zappa_safe",
            "flask_unreached", "powertools_vulnerable", "powertools_safe",
            "fastapi_vulnerable", "fastapi_safe", "fastapi_models_vulnerable",
            "fastapi_models_safe", "powertools_split_vulnerable", "powertools_split_safe",
            "adapters_vulnerable", "adapters_safe", "powertools_factory_vulnerable",
            "powertools_factory_safe", "django_adapters_vulnerable", "django_adapters_safe",
            "starlette_vulnerable", "starlette_safe", "fastapi_factory_vulnerable",
            "fastapi_factory_safe", "django_rest_vulnerable", "django_rest_safe",
            "flask_classes_vulnerable", "flask_classes_safe", "django_ninja_vulnerable",
            "django_ninja_safe", "django_terraform_vulnerable", "django_terraform_safe",
            "websocket_vulnerable", "websocket_safe"]
CHALICE, ZAPPA = "chalice_vulnerable", "zappa_vulnerable"


def _scan(capsys: Any, folder: Path) -> dict[str, Any]:
    code, out, err = run_cli(capsys, "scan", str(folder), "--format", "json")
    assert code in (0, 1), err
    report: dict[str, Any] = json.loads(out)
    return report


def _injections(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule_id"].startswith("FG-INJ-")]


def _got(report: dict[str, Any]) -> set[tuple[str, int, str]]:
    return {(f["location"]["file"], f["location"]["line"], f["rule_id"])
            for f in _injections(report)}


def test_precision_and_recall_on_the_framework_suite(capsys: Any) -> None:
    expected: set[tuple[str, str, int, str]] = set()
    got: set[tuple[str, str, int, str]] = set()
    for project in PROJECTS:
        expected |= {(project, *mark) for mark in expected_marks(FIXTURES / project)}
        got |= {(project, *found) for found in _got(_scan(capsys, FIXTURES / project))}
    true_positives = len(expected & got)
    precision = true_positives / len(got) if got else 0.0
    recall = true_positives / len(expected)
    with capsys.disabled():
        print(f"\nframework taint suite: {len(expected)} expected flows, {len(got)} reported, "
              f"precision {precision:.3f}, recall {recall:.3f}")
    assert len(expected) >= 20
    assert precision >= 0.95, sorted(got - expected)
    assert recall >= 0.95, sorted(expected - got)


@pytest.mark.parametrize("project", ["chalice_safe", "zappa_safe", "powertools_safe",
                                     "fastapi_safe", "fastapi_models_safe",
                                     "powertools_split_safe", "adapters_safe",
                                     "powertools_factory_safe", "django_adapters_safe",
                                     "starlette_safe", "fastapi_factory_safe",
                                     "django_rest_safe", "flask_classes_safe",
                                     "django_ninja_safe", "django_terraform_safe",
                                     "websocket_safe"])
def test_safe_twins_report_no_injection(capsys: Any, project: str) -> None:
    assert _injections(_scan(capsys, FIXTURES / project)) == []


def _at(report: dict[str, Any], project: str, text: str, file: str = "app.py"
        ) -> dict[str, Any]:
    """The one injection finding on the fixture line that contains `text`."""
    lines = (FIXTURES / project / file).read_text().splitlines()
    line = next(n for n, content in enumerate(lines, 1) if text in content)
    found = [f for f in _injections(report)
             if (f["location"]["file"], f["location"]["line"]) == (file, line)]
    assert len(found) == 1, found
    return found[0]


def _marks_met_in(capsys: Any, project: str, function: str, elsewhere: dict[str, str]
                  ) -> dict[str, Any]:
    """The report of a project whose injections are exactly its marks, each found with
    high confidence in `function` (in the function `elsewhere` names for a file)."""
    report = _scan(capsys, FIXTURES / project)
    assert _got(report) == expected_marks(FIXTURES / project)
    for found in _injections(report):
        served = elsewhere.get(found["location"]["file"], function)
        assert f"function '{served}'" in found["message"], found["message"]
        assert found["confidence"] == "high"
    return report


def test_chalice_findings_name_the_request_part_and_the_route(capsys: Any) -> None:
    report = _scan(capsys, FIXTURES / "chalice_vulnerable")
    search = _at(report, CHALICE, 'SELECT * FROM items')
    assert "Chalice query parameter 'q'" in search["message"]
    assert "function 'api_handler'" in search["message"]
    assert [r["message"] for r in search["related"] if r["message"].startswith("GET")] == \
        ["GET /search (no authoriser)"]  # only the route this view serves
    assert "public" in search["message"]
    path_param = _at(report, CHALICE, 'open("/srv/files/')
    assert "Chalice path parameter 'name'" in path_param["message"]
    # the /users route has an IAM authoriser: not public
    behind_iam = _at(report, CHALICE, 'os.system("id "')
    assert "public" not in behind_iam["message"]
    assert any("authoriser: iam" in r["message"] for r in behind_iam["related"])
    assert "S3 object key" in _at(report, CHALICE, '"file /tmp/"')["message"]
    assert "SQS message body" in _at(report, CHALICE, 'eval(record.body)')["message"]
    assert "SNS message" in _at(report, CHALICE, 'os.popen(')["message"]
    assert "not reached" not in json.dumps(report)


def test_flask_findings_name_the_request_part(capsys: Any) -> None:
    report = _scan(capsys, FIXTURES / "zappa_vulnerable")
    search = _at(report, ZAPPA, '"grep -r "')
    assert "Flask query parameter 'q' (request.args['q'])" in search["message"]
    assert search["flow"][0]["message"] == \
        "source: Flask query parameter 'q' (request.args['q'])"
    upload = _at(report, ZAPPA, 'open(os.path.join("/srv/uploads"')
    assert "Flask uploaded file 'doc'" in upload["message"]
    assert "Flask path parameter 'where'" in _at(report, ZAPPA, 'os.system(f"export')["message"]
    s3 = _at(report, ZAPPA, 'os.system("convert')  # a Zappa event function is an entry
    assert "S3 object key" in s3["message"] and "function 'dev'" in s3["message"]
    assert "not reached" not in json.dumps(report)
    # `<int:size>` is a number: only `where` of that view is a source
    assert "'size'" not in json.dumps(_injections(report))
    # a blueprint registered by the app, defined in another module
    backup = _at(report, ZAPPA, "backup.sh", "views/admin.py")
    assert "Flask path parameter 'target'" in backup["message"]
    assert "function 'dev'" in backup["message"]


def test_views_of_an_app_no_function_serves_are_analysed_with_low_confidence(
        capsys: Any) -> None:
    report = _scan(capsys, FIXTURES / "flask_unreached")
    ping = _at(report, "flask_unreached", "ping -c 1", "webapp.py")
    assert ping["confidence"] == "low"
    assert "Flask query parameter 'host'" in ping["message"]
    assert "not reached from any handler" in ping["message"]
    assert len(_injections(report)) == 1  # `<int:count>` is a number


@pytest.mark.parametrize("example, wanted", [
    ("vulnerable-app-chalice", {("app.py", 59, "FG-INJ-001"), ("app.py", 66, "FG-INJ-001"),
                                ("app.py", 45, "FG-INJ-002")}),
    ("vulnerable-app-zappa", {("app.py", 44, "FG-INJ-001"), ("app.py", 60, "FG-INJ-001"),
                              ("app.py", 43, "FG-INJ-002")}),
])
def test_examples_report_their_planted_flows_from_an_entry_point(
        capsys: Any, example: str, wanted: set[tuple[str, int, str]]) -> None:
    report = _scan(capsys, REPO / "examples" / example)
    assert wanted <= _got(report)
    assert all(f["confidence"] == "high" for f in _injections(report))
    messages = json.dumps(report)
    assert "not a plain function" not in messages
    assert "not reached from any handler" not in messages


_ORDERS_CALLS = {"dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:Scan"}


@pytest.mark.parametrize("example, config, function, actions", [
    # the Zappa function also runs the thumbnailer, which copies objects within S3
    ("vulnerable-app-zappa", "zappa_settings.json", "prod",
     _ORDERS_CALLS | {"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"}),
    ("vulnerable-app-chalice", ".chalice/config.json", "api_handler", _ORDERS_CALLS),
])
def test_route_views_aws_calls_are_the_functions_calls(example: str, config: str,
                                                       function: str,
                                                       actions: set[str]) -> None:
    from faasguard.analysis.awscalls import analyse_aws_calls
    from faasguard.analysis.facts import Facts
    from faasguard.analysis.handlers import resolve
    from faasguard.loaders import LoadContext, load_path
    from faasguard.model import logical_id

    root = REPO / "examples" / example
    app = load_path(LoadContext(root=str(root), file=config))
    facts = Facts()
    resolve(app, facts)
    analyse_aws_calls(app, facts)
    calls = {logical_id(fid): found for fid, found in facts.aws_calls.items()}[function]
    assert {a for c in calls for a in c.actions} == actions
    assert not [d for d in app.diagnostics if d.code == "awscalls"]


def test_powertools_views_are_what_the_handler_resolves(capsys: Any) -> None:
    """A plain handler that gives the event to a Powertools resolver (`app.resolve`)
    reaches the resolver's route views and those of the routers it includes; their
    `current_event` is the event, read with the words of the HTTP event's parts."""
    project = "powertools_vulnerable"
    report = _scan(capsys, FIXTURES / project)
    search = _at(report, project, "SELECT * FROM items")
    assert "query string parameter 'q'" in search["message"]
    assert "function 'api'" in search["message"] and "public" in search["message"]
    assert "HTTP header 'user-agent'" in _at(report, project, "eval(agent)")["message"]
    assert "Powertools path parameter 'host'" in _at(report, project, "ping -c 1")["message"]
    router = _at(report, project, "/srv/reports/{folder}", "routes/reports.py")
    assert "query string parameter 'folder'" in router["message"]
    assert "function 'api'" in router["message"]  # reached through include_router


def test_fastapi_models_are_checked_field_by_field(capsys: Any) -> None:
    """A view parameter typed with a pydantic model of the project is its JSON body, read
    field by field: a `str` field (nested too, or checked by a validator that never
    rejects) is text, an `int`, Enum, `Literal` or anchored-pattern field is not; the
    request object's `json()`, `form()`, `body()` and an upload's file name are sources.
    The marks are met exactly, and the safe twin's same shapes stay silent."""
    project = "fastapi_models_vulnerable"
    report = _scan(capsys, FIXTURES / project)
    assert _got(report) == expected_marks(FIXTURES / project)
    convert = _at(report, project, "convert {job.template}", "api/app.py")
    assert "FastAPI request parameter 'job'" in convert["message"]
    assert "job['template']" in convert["message"]
    owner = _at(report, project, "{job.owner.name}", "api/app.py")
    assert "job['owner']['name']" in owner["message"]
    form = _at(report, project, "form[\"printer\"]", "api/app.py")
    assert "FastAPI form field 'printer'" in form["message"]
    upload = _at(report, project, "document.filename, \"wb\"", "api/uploads.py")
    assert "FastAPI uploaded file name" in upload["message"]


def test_a_fastapi_dependency_returning_request_input_is_input(capsys: Any) -> None:
    """`Depends(f)` (through an `Annotated` alias too) is the value f returns: f's own
    parameters are request input as a view's are, so a dependency returning the JSON body
    or a query parameter hands the view request input; one reading the request but
    returning something else (the safe twin's `caller`) does not."""
    project = "fastapi_vulnerable"
    report = _scan(capsys, FIXTURES / project)
    assert _got(report) == expected_marks(FIXTURES / project)
    body = _at(report, project, "convert {job['source']}", "main.py")
    assert "FastAPI dependency 'payload'" in body["message"]
    query = _at(report, project, "kind = '{kind}'\").fetchall()", "main.py")
    assert "FastAPI dependency 'report_kind'" in query["message"]


def test_powertools_resolvers_made_elsewhere_reach_their_views(capsys: Any) -> None:
    """A handler resolving its event with a resolver imported from another module reaches
    the views registered on it there, in the modules that import it to decorate it, and
    in the routers it includes in a loop over a list of them; `app.current_event` of the
    imported resolver is the event."""
    project = "powertools_split_vulnerable"
    report = _scan(capsys, FIXTURES / project)
    assert _got(report) == expected_marks(FIXTURES / project)
    for found in _injections(report):
        assert "function 'api'" in found["message"], found["message"]
        assert found["confidence"] == "high"
    match = _at(report, project, "eval(pattern)", "api/jobs.py")
    assert "query string parameter 'match'" in match["message"]


def test_powertools_resolvers_made_by_a_factory_reach_their_views(capsys: Any) -> None:
    """`app = create_app()` (the factory imported, or in the module the handler imports
    the resolver from): the views nested in the factory, in the helper it passes the
    resolver to (`register_routes(app)`), of the router it includes and those decorated
    on the made resolver at the top level are the function's entry points, and the
    resolver's `current_event` in them is the event; a resolver another factory makes
    that no handler resolves (the safe twin's `make_debug_app()`) serves nothing. A
    resolver made at the top level (`legacy_handler`) has the views of the helper it is
    passed to and of the router a function makes for it to include."""
    project = "powertools_factory_vulnerable"
    report = _marks_met_in(capsys, project, "api", {"api/admin.py": "admin",
                                                     "api/legacy.py": "legacy"})
    export = _at(report, project, "tar czf", "api/factory.py")
    assert "query string parameter 'folder'" in export["message"]
    assert "Powertools request parameter 'term'" in \
        _at(report, project, "SELECT * FROM items", "api/factory.py")["message"]
    assert "HTTP request body" in _at(report, project, "convert {job", "api/routes.py")["message"]
    assert "HTTP header 'x-version'" in _at(report, project, "eval(", "handler.py")["message"]


def test_apps_behind_adapters_are_the_functions_entry_points(capsys: Any) -> None:
    """A web app served through an adapter (apig-wsgi's `make_lambda_handler(app)`,
    `serverless_wsgi.handle_request(app, ...)`, aws-wsgi's `awsgi.response(app, ...)`,
    `Mangum(app)` made inside the handler) has its views analysed as the function's, one
    flow per function serving them; a FastAPI router no function serves is still
    analysed, with low confidence."""
    project = "adapters_vulnerable"
    report = _scan(capsys, FIXTURES / project)
    assert _got(report) == expected_marks(FIXTURES / project)
    shop = [f for f in _injections(report) if f["location"]["file"] == "shop.py"]
    served = {f["message"].split("in function '")[1].split("'")[0] for f in shop}
    assert served == {"ApigWsgi", "ServerlessWsgi", "AwsWsgi"}
    assert all(f["confidence"] == "high" for f in shop)
    assert "function 'Asgi'" in _at(report, project, "render-report", "reports.py")["message"]
    evict = _at(report, project, "os.remove", "internal/admin_api.py")
    assert evict["confidence"] == "low"
    assert "FastAPI path parameter 'key'" in evict["message"]


def test_fastapi_apps_made_by_a_factory_reach_their_views(capsys: Any) -> None:
    """`app: FastAPI = create_app()` (imported): the views nested in the factory, in the
    factory it takes its app from (`app = base_app()`) and in the helper it passes the
    app to (`register_routes(app)`), and the routers included there, are the function's
    views, read as a FastAPI view's (`limit: int` is no text); a factory nobody calls
    (the safe twin's `make_debug_app()`) serves nothing."""
    project = "fastapi_factory_vulnerable"
    report = _marks_met_in(capsys, project, "api", {})
    show = _at(report, project, "SELECT * FROM items", "service/factory.py")
    assert "FastAPI path parameter 'name'" in show["message"]
    assert "'limit'" not in show["message"]
    assert "FastAPI request JSON body" in \
        _at(report, project, "eval(", "service/factory.py")["message"]


def test_django_projects_behind_adapters_are_the_functions_entry_points(capsys: Any) -> None:
    """Django's application served by Mangum (`Mangum(application)` with the application
    imported from asgi.py, `Mangum(application)(event, context)` in a handler function)
    or apig-wsgi (`make_lambda_handler(get_wsgi_application())`): the views of the routes
    of ROOT_URLCONF (includes, class-based views, regex groups) are each function's entry
    points (also wrapped where the route is written: `csrf_exempt(views.ping)`,
    `cache_page(60)(views.stats)`), their request's parts sources and their `<str:...>`
    and regex parameters too (not `<int:...>`), as for Zappa. The settings module is
    found in the function's environment (ApigWsgi), in the application's module's
    `os.environ.setdefault` (Asgi) and in the handler module's `os.environ[...] = ...`
    (Worker)."""
    project = "django_adapters_vulnerable"
    report = _scan(capsys, FIXTURES / project)
    assert _got(report) == expected_marks(FIXTURES / project)
    served: dict[tuple[str, int], set[str]] = {}
    for found in _injections(report):
        assert found["confidence"] == "high"
        where = (found["location"]["file"], found["location"]["line"])
        served.setdefault(where, set()).add(
            found["message"].split("in function '")[1].split("'")[0])
    assert all(functions == {"Asgi", "ApigWsgi", "Worker"} for functions in served.values())
    words = {"Django path parameter 'name'": ("open(os.path.join", "shop/views.py"),
             "Django query parameter 'q'": ("SELECT * FROM", "shop/views.py"),
             "Django request body": ("pickle.loads", "shop/views.py"),
             "Django request META value 'HTTP_X_COMMAND'": ("hookctl", "shop/views.py"),
             # (?P<year>[0-9]{4}) admits digits only: no text; (?P<name>[\w-]+) is
             "Django path parameter 'name' (name) reaches": ("render-report",
                                                             "reports/views.py")}
    for label, (text, file) in words.items():
        lines = (FIXTURES / project / file).read_text().splitlines()
        line = next(n for n, content in enumerate(lines, 1) if text in content)
        assert any(label in f["message"] for f in _injections(report)
                   if (f["location"]["file"], f["location"]["line"]) == (file, line)), label


def test_django_routes_behind_an_adapter_are_listed_behind_the_catch_all() -> None:
    """The routes of a Django project whose application a handler object adapts
    (`handler = Mangum(application)`, `make_lambda_handler(get_wsgi_application())`) are
    the API's app routes behind the function's catch-all route, as for Zappa and
    serverless-wsgi (a handler function calling the adapter is not read for them)."""
    project, file = "django_adapters_vulnerable", "template.yaml"
    routes = _app_routes(project, file, "template.yaml#Asgi")
    assert routes == _app_routes(project, file, "template.yaml#ApigWsgi") == [
        ("ANY", "/admin/{proxy+}", "mysite/urls.py:7"),
        ("ANY", "/api/proxy/", "shop/urls.py:13"),
        ("ANY", "/api/stats/", "shop/urls.py:15"),  # cache_page(60)(views.stats)
        ("ANY", "/reports/{year}/{name}/", "mysite/urls.py:9"),
        ("GET", "/api/files/{name}/", "shop/urls.py:8"),
        ("GET", "/api/hook/", "shop/urls.py:12"),
        ("GET", "/api/items/{item_id}/", "shop/urls.py:9"),
        ("GET", "/api/search/", "shop/urls.py:10"),
        ("POST", "/api/hook/", "shop/urls.py:12"),
        ("POST", "/api/ping/{host}/", "shop/urls.py:14"),  # csrf_exempt(views.ping)
        ("POST", "/api/upload/", "shop/urls.py:11")]
    assert _app_routes(project, file, "template.yaml#Worker") == []
    # a Terraform function (the HTTP API's ANY /{proxy+} route): the same
    from faasguard.scan import discover, load_app

    root = FIXTURES / "django_terraform_vulnerable"
    app = load_app(str(root), discover(str(root))[0], jobs=1)
    assert sorted((r.method, r.path, str(r.location), r.function) for api in app.apis.values()
                  for r in api.app_routes) == [
        ("GET", "/shop/files/{name}/", "src/shop/urls.py:6", "main.tf#aws_lambda_function.app"),
        ("GET", "/shop/search/", "src/shop/urls.py:7", "main.tf#aws_lambda_function.app")]
    # a Flask app behind apig-wsgi (made in a `try`), not the FastAPI app behind Mangum
    assert _app_routes("adapters_vulnerable", file) == [("GET", "/items", "shop.py:9")]


def test_starlette_route_lists_and_added_routes_are_entry_points(capsys: Any) -> None:
    """Routes given as a list (`Starlette(routes=[Route(...), Mount("/files",
    routes=...), Mount("/admin", app=sub_app)])`, the lists imported too), a class
    endpoint's methods and routes added one by one (`add_route`, FastAPI's
    `add_api_route`) are the function's views: a Starlette endpoint's request is a
    request object, an `add_api_route` endpoint's parameters are read as a FastAPI
    view's (`width: int` is no text). The FastAPI app's helper (`register_admin_routes(app)`)
    and router factory (`app.include_router(make_audit_router())`) bring their nested
    views."""
    project = "starlette_vulnerable"
    report = _marks_met_in(capsys, project, "Site", {"api_entry.py": "Api",
                                                      "web/extra.py": "Api"})
    assert "query parameter 'q'" in _at(report, project, "grep -r", "site.py")["message"]
    assert "path parameter 'name'" in \
        _at(report, project, "open(", "web/routes.py")["message"]
    resize = _at(report, project, "-resize", "api_entry.py")
    assert "'image'" in resize["message"] and "'width'" not in resize["message"]


def test_django_rest_framework_routers_are_routes_and_views(capsys: Any) -> None:
    """`include(router.urls)` of a DRF router (made in another module, registrations
    there) and a URL module whose `urlpatterns = router.urls`: each registered viewset's
    list and detail routes (the lookup its `lookup_field` names), the actions it inherits
    from DRF (`ReadOnlyModelViewSet`, `ListModelMixin`) and its `@action` methods are the
    app's routes; the methods it defines are views whose request (`request.data`,
    `query_params`) and lookup parameter are sources."""
    project = "django_rest_vulnerable"
    _marks_met_in(capsys, project, "api", {})
    assert _app_routes(project) == [
        ("GET", "/api/items/", "shop/api.py:6"),  # list
        ("GET", "/api/items/{sku}/", "shop/api.py:6"),  # retrieve, by lookup_field
        ("GET", "/api/reports/", "shop/api.py:7"),  # ReadOnlyModelViewSet's
        ("GET", "/api/reports/{pk}/", "shop/api.py:7"),
        ("GET", "/tags/labels", "shop/urls.py:6"),  # ListModelMixin; trailing_slash=False
        ("GET", "/tags/labels/export", "shop/views.py:39"),  # @action(detail=False)
        ("POST", "/api/items/", "shop/api.py:6"),  # create
        ("POST", "/api/items/{sku}/archive-now/", "shop/views.py:28")]  # url_path


def _app_routes(project: str, file: str = "serverless.yml", function: str | None = None
                ) -> list[tuple[str, str, str]]:
    """The app routes the loader lists for a fixture project (of one function's)."""
    from faasguard.loaders import LoadContext, load_path

    app = load_path(LoadContext(root=str(FIXTURES / project), file=file))
    assert not [d for d in app.diagnostics if d.level != "note"]
    return sorted((r.method, r.path, str(r.location)) for api in app.apis.values()
                  for r in api.app_routes if function in (None, r.function))


def test_django_ninja_operations_are_routes_and_typed_views(capsys: Any) -> None:
    """A Django Ninja API's URLs (`path("api/", api.urls)`) are its operations and those
    of the routers it adds (by object or by dotted path): routes in the inventory (behind
    Mangum) and views whose request is a Django request and whose other parameters are
    read by type, as FastAPI's (`item_id: int` and a `Schema` field `width: int` are no
    text; `event_id: int` on `/{event_id}/size` neither)."""
    project = "django_ninja_vulnerable"
    report = _marks_met_in(capsys, project, "Api", {})
    job = _at(report, project, "convert {job.source}", "mysite/api.py")
    assert "Django Ninja request parameter 'job'" in job["message"]
    assert "'width'" not in job["message"]
    assert "Django Ninja path parameter 'name'" in \
        _at(report, project, "open(", "mysite/api.py")["message"]
    assert _app_routes(project, "template.yaml") == [
        ("DELETE", "/api/events/{event_id}", "events/api.py:8"),
        ("GET", "/api/events/{event_id}/size", "events/api.py:15"),
        ("GET", "/api/files/{name+}", "mysite/api.py:27"),  # {path:name}
        ("GET", "/api/items/{item_id}", "mysite/api.py:17"),
        ("GET", "/api/tags/", "events/tags.py:8"),  # add_router("/tags/", "events.tags.router")
        ("POST", "/api/files/{name+}", "mysite/api.py:27"),  # api_operation(["GET", "POST"])
        ("POST", "/api/jobs", "mysite/api.py:22")]


def test_fastapi_routes_behind_mangum_are_listed_behind_the_catch_all() -> None:
    """A FastAPI app a handler adapts (`handler = Mangum(app)`) has its routes listed
    behind the function's catch-all route: its own, those of the routers it includes
    under their `prefix` (by a factory or a helper too), of the sub-applications it
    mounts under their path, and `{file_path:path}` as a greedy parameter."""
    assert _app_routes("fastapi_models_vulnerable") == [
        ("GET", "/items/{item}", "api/app.py:38"),
        ("GET", "/legacy/export/{name}", "api/legacy.py:13"),  # app.mount("/legacy", ...)
        ("POST", "/files/upload", "api/uploads.py:6"),  # include_router(prefix="/files")
        ("POST", "/notes", "api/app.py:43"),
        ("POST", "/raw", "api/app.py:28"),
        ("POST", "/render", "api/app.py:18"),
        ("POST", "/validated", "api/app.py:49")]
    assert ("GET", "/files/{file_path+}", "routers/files.py:6") in \
        _app_routes("fastapi_vulnerable", function="serverless.yml#api")
    assert _app_routes("fastapi_factory_vulnerable") == [
        ("DELETE", "/cache/{key}", "service/routes/__init__.py:9"),  # register_routes(app)
        ("GET", "/files/{name}", "service/routes/files.py:6"),
        ("GET", "/health/{probe}", "service/factory.py:12"),  # base_app()
        ("GET", "/items/{name}", "service/factory.py:23"),
        ("POST", "/hooks", "service/factory.py:27")]


def test_a_django_app_behind_an_adapter_that_cannot_be_read_is_a_warning(
        tmp_path: Path) -> None:
    """A Django application behind Mangum whose settings module is named nowhere, or
    whose settings set no ROOT_URLCONF, is a warning at the function: its routes are not
    known (as for the serverless-wsgi plugin)."""
    from faasguard.loaders import LoadContext, load_path

    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        + "".join(f"  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                  f"      CodeUri: .\n      Handler: {module}.handler\n"
                  "      Runtime: python3.12\n      Events:\n        Api:\n"
                  "          Type: HttpApi\n" for name, module in
                  (("Unnamed", "unnamed"), ("NoUrls", "no_urls"))))
    adapter = ("from django.core.asgi import get_asgi_application\n"
               "from mangum import Mangum\n{}"
               "handler = Mangum(get_asgi_application())\n")
    (tmp_path / "unnamed.py").write_text(adapter.format(""))
    (tmp_path / "no_urls.py").write_text(adapter.format(
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conf')\n"))
    (tmp_path / "conf.py").write_text("DEBUG = False\n")
    app = load_path(LoadContext(root=str(tmp_path), file="template.yaml"))
    assert sorted(d.message for d in app.diagnostics if d.level == "warning") == [
        "function NoUrls serves Django settings conf: settings module conf sets no "
        "ROOT_URLCONF (as a string literal); the app's routes are not all known",
        "function Unnamed serves a Django application without DJANGO_SETTINGS_MODULE (in "
        "the function's environment or os.environ in the application's or the handler's "
        "module); the app's routes are not all known"]


def test_router_urls_not_read_are_catch_alls(tmp_path: Path) -> None:
    """A DRF registration of a viewset the project does not hold (or under a prefix built
    at run time) and a Django Ninja router or operation that cannot be read are each one
    catch-all route under their prefix, as an include the project does not hold is: the
    inventory says a path is there, not nothing."""
    from faasguard.loaders.django_routes import django_project

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "__init__.py").write_text("")
    (tmp_path / "site" / "settings.py").write_text('ROOT_URLCONF = "site.urls"\n')
    (tmp_path / "site" / "urls.py").write_text(
        "from django.urls import include, path\n"
        "from ninja import NinjaAPI\n"
        "from rest_framework.routers import DefaultRouter\n"
        "from tokens.views import TokenViewSet\n\n"
        "router = DefaultRouter()\n"
        "router.register('tokens', TokenViewSet)\n"
        "router.register(prefix_of('users'), TokenViewSet)\n"
        "api = NinjaAPI()\n"
        "api.add_router('/billing/', 'billing.api.router')\n\n\n"
        "@api.get(PATHS['status'])\n"
        "def status(request):\n"
        "    return 'ok'\n\n\n"
        "urlpatterns = [path('api/', include(router.urls)), path('v2/', api.urls)]\n")
    project = django_project(str(tmp_path), ".", "site.settings")
    assert [(r.method, r.path, str(r.location)) for r in project.routes] == [
        ("ANY", "/api/tokens/{proxy+}", "site/urls.py:7"),
        ("ANY", "/api/{proxy+}", "site/urls.py:8"),
        ("ANY", "/v2/{proxy+}", "site/urls.py:13"),  # its path is not a literal
        ("ANY", "/v2/billing/{proxy+}", "site/urls.py:10")]
    assert project.views == [] and project.problems == []


def test_flask_class_views_resources_and_listed_blueprints(capsys: Any) -> None:
    """A Flask app's class-based views (`add_url_rule(view_func=ItemAPI.as_view(...))`,
    the view bound to a name first), its Flask-RESTful resources (`api = Api(app,
    prefix="/v1")`, `api.add_resource(Job, ...)`), the Flask-RESTX namespaces of an API
    on a blueprint (`api.add_namespace(ns, path=...)`, `@ns.route(...)` classes,
    `ns.add_resource`), the blueprints a factory registers in a loop over an imported
    list of (blueprint, url_prefix) pairs, the blueprint a factory returns
    (`register_blueprint(ops.create_ops_blueprint(), url_prefix="/ops")`; not another
    factory's nobody registers) and the view functions `add_url_rule` names from another
    module (`view_func=lookup.search`, an imported name) are routes (prefixes joined),
    and their methods and views are the function's entry points: a method serving
    several routes has each one's path parameters."""
    project = "flask_classes_vulnerable"
    _marks_met_in(capsys, project, "api", {})
    assert _app_routes(project) == [
        ("DELETE", "/items/{name}", "web/__init__.py:39"),
        ("DELETE", "/v1/jobs/{job_id}", "web/__init__.py:42"),
        ("DELETE", "/v1/jobs/{job_id}/", "web/__init__.py:42"),
        ("DELETE", "/v2/rx/people/{name}/avatar", "web/users.py:8"),  # path=
        ("GET", "/items/{name}", "web/__init__.py:39"),
        ("GET", "/ops/logs", "web/ops.py:14"),  # a blueprint factory's
        ("GET", "/reports/{year}/{title}", "web/blueprints.py:17"),
        ("GET", "/search", "web/__init__.py:43"),  # view_func=lookup.search
        ("GET", "/v1/jobs/{job_id}", "web/__init__.py:42"),
        ("GET", "/v1/jobs/{job_id}/", "web/__init__.py:42"),
        ("GET", "/v2/rx/todos/{todo_id}", "web/todos.py:9"),  # blueprint, API, namespace
        ("POST", "/admin/rotate", "web/blueprints.py:11"),
        ("POST", "/export/{folder}", "web/__init__.py:44"),  # an imported view function
        ("POST", "/items", "web/__init__.py:40"),
        ("POST", "/ops/restart/{service}", "web/ops.py:9"),
        ("POST", "/v2/rx/todos/", "web/todos.py:20")]


@pytest.mark.parametrize("project", ["adapters_vulnerable", "django_adapters_vulnerable",
                                     "powertools_factory_vulnerable"])
def test_framework_flows_are_the_same_in_shards(monkeypatch: pytest.MonkeyPatch,
                                                project: str) -> None:
    """The views of apps behind adapters (four functions, in two shards; a Django
    project's three) and of factory-made resolvers give the same flows when the handlers
    are analysed in forked workers as in one process."""
    used = _sharded_equals_serial(monkeypatch, FIXTURES / project)
    assert used and len(used[0]) == 2
