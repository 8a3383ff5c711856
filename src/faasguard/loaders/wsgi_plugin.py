"""The serverless-wsgi plugin: a WSGI app (Flask, Django) behind serverless.yml functions.

The plugin packages a Lambda handler of its own, `wsgi_handler.handler` (called
`wsgi.handler` before version 1.7), which serves the WSGI application that
`custom.wsgi.app` names with its module path: `api.app` (a Flask object) or
`mysite.wsgi.application` (Django's `get_wsgi_application()`). For every function of the
file with that handler, `serve_wsgi_apps`:

- makes the function's handler the WSGI app, as the Zappa loader does with
  `app_function` (the handler as written stays in `properties["wsgi_handler"]`), so
  handler resolution, the taint analysis and the AWS-call analysis read the app's code;
- lists the routes of the app's own router (`loaders.flask_routes`, or for Django the
  `urlpatterns` of `ROOT_URLCONF`: `loaders.django_routes`) as `app_routes` of the API
  whose catch-all route (`/{proxy+}`, an HTTP API's `*`) reaches the function, with that
  route's authoriser;
- for Django, finds the settings module in `DJANGO_SETTINGS_MODULE` of the function's
  environment, else in the WSGI module's `os.environ.setdefault("DJANGO_SETTINGS_MODULE",
  "mysite.settings")` (or `os.environ[...] = ...`: `settings_module`, which the taint
  analysis also reads for a Django application behind an adapter), and keeps the views
  (`properties["django_views"]`) as taint entry points.

What cannot be read (no `custom.wsgi.app`, a module not in the project, no settings
module) is a warning at the function or at `custom.wsgi.app`; the load goes on.

A function of any template whose handler is an adapter its module makes at the top level
(`handler = Mangum(application)`, apig-wsgi's `lambda_handler =
make_lambda_handler(app)`) serves the app it wraps the same way (`serve_adapted_apps`):
a Django application's routes and views, or a Flask or FastAPI app's routes, are listed
behind the function's catch-all routes.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from faasguard.loaders import LoadContext
from faasguard.loaders.documents import InputError, LDict
from faasguard.model import App, Diagnostic, Function

if TYPE_CHECKING:
    from faasguard.loaders.flask_routes import AppRoute

#: Adapters whose result is a Lambda handler serving a web app (`handler = Mangum(app)`,
#: apig-wsgi's `lambda_handler = make_lambda_handler(app)`).
ADAPTERS = frozenset(("Mangum", "make_lambda_handler"))
#: The handlers the plugin packages (the second, its name before version 1.7).
WSGI_HANDLERS = ("wsgi_handler.handler", "wsgi.handler")
SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
Warn = Callable[[str, "int | None"], None]


def serve_wsgi_apps(ctx: LoadContext, app: App, config: LDict, warn: Warn) -> None:
    """Point the functions of one serverless.yml that run the plugin's handler at the WSGI
    app `custom.wsgi.app` names, and list its routes (see the module docstring)."""
    served = [fn for fn in app.functions.values() if fn.handler in WSGI_HANDLERS
              and fn.id.startswith(f"{ctx.file}#")]
    if not served:
        return
    custom = config.get("custom")
    settings = custom.get("wsgi") if isinstance(custom, dict) else None
    target = settings.get("app") if isinstance(settings, dict) else None
    line = settings.line_of("app") if isinstance(settings, LDict) and \
        "app" in settings else None
    for fn in served:
        if not isinstance(target, str) or "." not in target:
            warn(f"function {fn.id.split('#', 1)[1]} runs serverless-wsgi's handler "
                 f"{fn.handler}, but custom.wsgi.app names no WSGI app (module.object); "
                 "the app's code and routes are not read", fn.location.line)
            continue
        problem = _serve(ctx, app, fn, target)
        if problem is not None:
            warn(f"custom.wsgi.app {target}: {problem}; the app's routes are not all known",
                 line)


def serve_adapted_apps(root: str, app: App) -> None:
    """List the routes of the Django, Flask or FastAPI apps the functions of a fragment
    serve through an adapter their handler module makes (see the module docstring), behind
    their catch-all routes; a Django project's views become the function's
    `django_views`, as for the plugin. Only functions with a catch-all route are read."""
    for fn in app.functions.values():
        if not isinstance(fn.handler, str) or "." not in fn.handler or \
                "wsgi_handler" in fn.properties or "django_views" in fn.properties or \
                not any(t.route is not None and t.route.catch_all for t in fn.triggers):
            continue
        routes = _adapted_routes(root, fn, app)
        if routes:
            _add_app_routes(app, fn, routes)


def _adapted_routes(root: str, fn: Function, app: App) -> list[AppRoute]:
    """The routes of the app a function's handler object adapts, if it is one (a
    problem reading a Django project is a warning at the function)."""
    from faasguard.loaders.blueprints import module_file, module_imports
    from faasguard.loaders.decorators import parse_python, top_level_value
    from faasguard.loaders.django_routes import last_name
    from faasguard.loaders.documents import read_python
    from faasguard.loaders.flask_routes import FASTAPI, flask_routes

    code_dir = fn.code_dir or "."
    module, _, obj = str(fn.handler).rpartition(".")
    rel = module_file(root, code_dir, module)
    try:
        if rel is None or not any(name in read_python(os.path.join(root, rel))
                                  for name in ADAPTERS):
            return []
        tree = parse_python(root, rel)
    except InputError:
        return []
    value = top_level_value(tree, obj)
    if not isinstance(value, ast.Call) or not value.args or \
            last_name(value.func) not in ADAPTERS:
        return []
    wrapped = value.args[0]
    if isinstance(wrapped, ast.Call):  # make_lambda_handler(get_wsgi_application())
        return _django_routes(root, fn, app, tree, tree) \
            if is_django_application(tree, obj) else []
    if not isinstance(wrapped, ast.Name):
        return []
    target = module_imports(tree, module, rel.endswith("__init__.py")).get(
        wrapped.id, f"{module}.{wrapped.id}")  # imported, or made in the module
    owner, _, name = target.rpartition(".")
    owner_rel = module_file(root, code_dir, owner) if owner else None
    try:
        owner_tree = parse_python(root, owner_rel) if owner_rel is not None else None
    except InputError:
        return []
    if owner_tree is None:
        return []
    if is_django_application(owner_tree, name):
        return _django_routes(root, fn, app, owner_tree, tree)
    frameworks = {n.partition(".")[0] for n in module_imports(owner_tree, owner).values()}
    if "fastapi" in frameworks:
        return flask_routes(root, code_dir, target, FASTAPI)
    if "flask" in frameworks:
        return flask_routes(root, code_dir, target)
    return []  # a Starlette app: its routes are not listed


def _django_routes(root: str, fn: Function, app: App, made: ast.Module,
                   handler: ast.Module) -> list[AppRoute]:
    """The routes of a Django project served through an adapter: its settings module the
    function's, else the one the module making the application or the handler's sets."""
    from faasguard.loaders.django_routes import django_project

    settings = settings_module(fn, made, handler)
    problems = [f"a Django application without {SETTINGS_VARIABLE} (in the function's "
                "environment or os.environ in the application's or the handler's module)"]
    routes: list[AppRoute] = []
    if settings is not None:
        project = django_project(root, fn.code_dir or ".", settings)
        fn.properties["django_settings"] = settings
        fn.properties["django_views"] = tuple(project.views)
        problems = [f"Django settings {settings}: {problem}" for problem in project.problems]
        routes = project.routes
    for problem in problems:
        app.diagnostics.append(Diagnostic(
            fn.location.file, f"function {fn.id.rpartition('#')[2]} serves {problem}; the "
            "app's routes are not all known", fn.location.line, "warning", "input"))
    return routes


def _serve(ctx: LoadContext, app: App, fn: Function, target: str) -> str | None:
    """Serve one function from the WSGI app `target`; why its routes are unknown, if so."""
    from faasguard.loaders.blueprints import module_file
    from faasguard.loaders.decorators import parse_python
    from faasguard.loaders.django_routes import django_project
    from faasguard.loaders.flask_routes import flask_routes

    code_dir = fn.code_dir or "."
    fn.properties["wsgi_handler"] = fn.handler
    fn.handler = target
    module, _, obj = target.rpartition(".")
    rel = module_file(ctx.root, code_dir, module)
    if rel is None:
        return f"module {module} is not in the project"
    try:
        tree = parse_python(ctx.root, rel)
    except InputError as exc:
        return exc.message
    routes: list[AppRoute]
    problem = None
    if is_django_application(tree, obj):
        settings = settings_module(fn, tree)
        if settings is None:
            return (f"a Django application without {SETTINGS_VARIABLE} (in the function's "
                    "environment or the module's os.environ.setdefault)")
        project = django_project(ctx.root, code_dir, settings)
        fn.properties["django_settings"] = settings
        fn.properties["django_views"] = tuple(project.views)
        routes = project.routes
        problem = "; ".join(project.problems) or None
    else:
        routes = flask_routes(ctx.root, code_dir, target)
    _add_app_routes(app, fn, routes)
    return problem


#: Django's application makers: the WSGI one and the ASGI one (served by Mangum).
DJANGO_APPLICATIONS = frozenset(("get_wsgi_application", "get_asgi_application"))


def is_django_application(tree: ast.Module, obj: str) -> bool:
    """Is `obj` assigned Django's WSGI or ASGI application (`get_wsgi_application()`,
    maybe wrapped: `WhiteNoise(get_wsgi_application())`, `Mangum(get_asgi_application())`)
    by a top-level assignment?"""
    from faasguard.loaders.django_routes import last_name

    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        if value is not None and any(isinstance(t, ast.Name) and t.id == obj
                                     for t in targets) and \
                any(isinstance(call, ast.Call) and last_name(call.func) in DJANGO_APPLICATIONS
                    for call in ast.walk(value)):
            return True
    return False


def settings_module(fn: Function, *trees: ast.Module) -> str | None:
    """The settings module: the function's DJANGO_SETTINGS_MODULE (a string), else the
    one the first of the modules `trees` that sets it at its top level sets
    (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)`, as Django's wsgi.py and
    asgi.py do, or `os.environ["DJANGO_SETTINGS_MODULE"] = ...`)."""
    from faasguard.loaders.decorators import literal

    variable = fn.environment.get(SETTINGS_VARIABLE)
    if variable is not None and isinstance(variable.value, str) and variable.value:
        return variable.value
    for tree in trees:
        for node in tree.body:
            value = None
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                call = node.value
                if isinstance(call.func, ast.Attribute) and call.func.attr == "setdefault" \
                        and len(call.args) == 2 and literal(call.args[0]) == SETTINGS_VARIABLE:
                    value = call.args[1]
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Subscript) and \
                    literal(node.targets[0].slice) == SETTINGS_VARIABLE:
                value = node.value
            if value is not None:
                found = literal(value)
                return found if isinstance(found, str) and found else None
    return None


def _add_app_routes(app: App, fn: Function, routes: list[AppRoute]) -> None:
    """The app's routes, behind each catch-all route of the function's HTTP events (a
    greedy path, `/{proxy+}`, or an HTTP API's `*` / `$default`)."""
    for trigger in fn.triggers:
        proxy = trigger.route
        api = app.apis.get(proxy.api) if proxy is not None else None
        if proxy is None or api is None or not proxy.catch_all:
            continue  # API Gateway passes the app only the paths this event declares
        api.app_routes.extend(r.behind(proxy, fn.id) for r in routes)
