"""The routes of a Flask app, read from its code with `ast` (never imported).

`flask_routes(root, code_dir, "app.app")` lists the routes of the Flask object a handler
setting names (Zappa's `app_function`): the views decorated with `@<app>.route(...)` or
the one-method shortcuts (`@<app>.get`, `post`, `put`, `delete`, `patch`), the rules
added by `<app>.add_url_rule("/x", view_func=f, methods=[...])` at the module's top level
(`route_registrations` lists both, as `Decorated` records), and those of the blueprints
the app registers at its module's top level
(`app.register_blueprint(bp, url_prefix="/v1")`; the blueprint defined in the same
module or imported from a module of the project), under their `url_prefix`. An app made
by a factory (`app = create_app()`, the factory in the module or imported from a module
of the project) has the routes and blueprints the factory's body registers on its own
`Flask(...)` object (`app_factory`). Paths are
written the way API Gateway writes them: `<id>` and `<int:id>` become `{id}`,
`<path:key>` (which matches slashes) becomes `{key+}`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from faasguard.loaders.blueprints import (
    dotted_module,
    module_file,
    module_imports,
    registered_blueprints,
)
from faasguard.loaders.decorators import (
    Decorated,
    app_objects,
    decorated,
    literal,
    module_literals,
    parse_python,
)
from faasguard.loaders.documents import InputError
from faasguard.model import Location

#: A Flask route parameter, `<name>` or `<converter:name>` (`<string(length=2):code>`).
FLASK_PARAM = re.compile(r"<(?:([A-Za-z_]\w*)(?:\([^)>]*\))?:)?([A-Za-z_]\w*)>")
#: Flask's route decorators: `route` (methods from `methods=`, GET by default) and the
#: one-method shortcuts of Flask 2.
ROUTE_DECORATORS = {"route": None, "get": "GET", "post": "POST", "put": "PUT",
                    "delete": "DELETE", "patch": "PATCH"}
#: The methods a class-based view (`MethodView`) answers: those it defines a method for.
VIEW_METHODS = ("get", "post", "put", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class AppRoute:
    """One method and path of a Python web app's own router (Flask, Django), the path in
    API Gateway's form. `pattern`: the route as the router writes it when `path` only
    approximates it (a Django regex route), else None."""

    method: str
    path: str
    location: Location
    pattern: str | None = None


def flask_routes(root: str, code_dir: str, handler: str) -> list[AppRoute]:
    """The routes of the Flask app object `handler` (`module.object`) names; [] when the
    module cannot be read (handler resolution reports that)."""
    module, _, obj = handler.rpartition(".")
    if not module:
        return []
    rel = module_file(root, code_dir, module)
    if rel is None:
        return []
    try:
        tree = parse_python(root, rel)
    except InputError:
        return []
    routes = _app_routes(root, code_dir, tree, rel, set(app_objects(tree, "Flask")) | {obj})
    factory = app_factory(root, code_dir, tree, rel, obj)
    if factory is not None:
        routes.extend(_app_routes(root, code_dir, factory.tree, factory.file, factory.objects,
                                  factory.module))
    return routes


def _app_routes(root: str, code_dir: str, tree: ast.Module, rel: str, objects: set[str],
                home: ast.Module | None = None) -> list[AppRoute]:
    """The routes the app objects `objects` of `tree` register, their blueprints' too
    (`home`: the whole module when `tree` is a factory's, where its blueprints live)."""
    routes = _routes(tree, rel, objects, "")
    for bp in registered_blueprints(root, code_dir, tree, rel, objects):
        bp_tree = home if home is not None and bp.tree is tree else bp.tree
        prefix = bp.options.get("url_prefix")
        if not isinstance(prefix, str):
            prefix = _constructor_prefix(bp_tree, bp.name)
        routes.extend(_routes(bp_tree, bp.file, {bp.name}, prefix))
    return routes


@dataclass(frozen=True)
class Factory:
    """The function that makes a module's app object (`app = create_app()`): `file` the
    module defining it (`module` its tree), `function` its definition, `objects` the names
    of the `Flask(...)` objects its body makes, and `tree` a module made of that module's
    imports, classes and assignments followed by the factory's body (so the functions
    reading a module's top level read the factory's registrations, and nothing the module
    registers itself)."""

    file: str
    module: ast.Module
    function: ast.FunctionDef | ast.AsyncFunctionDef
    objects: set[str]
    tree: ast.Module


def app_factory(root: str, code_dir: str, tree: ast.Module, rel: str, obj: str
                ) -> Factory | None:
    """The factory assigned to the top-level name `obj` of module `rel` (`obj =
    create_app(...)`, the factory defined there or imported from a module of the
    project), if it makes a Flask object; else None. One level: a factory calling
    another factory is not followed."""
    callee = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == obj for t in node.targets):
            callee = node.value.func if isinstance(node.value, ast.Call) else None
    if isinstance(callee, ast.Name):
        name, owner, owner_rel = callee.id, tree, rel
        imports = module_imports(tree, dotted_module(rel, code_dir),
                                 rel.endswith("__init__.py"))
        dotted = imports.get(name)
    elif isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name):
        name = callee.attr
        imports = module_imports(tree, dotted_module(rel, code_dir),
                                 rel.endswith("__init__.py"))
        base = imports.get(callee.value.id)
        dotted = f"{base}.{name}" if base else None
        if dotted is None:
            return None
    else:
        return None
    if dotted is not None:  # imported from another module of the project
        module, _, name = dotted.rpartition(".")
        found = module_file(root, code_dir, module) if module else None
        if found is None:
            return None
        try:
            owner, owner_rel = parse_python(root, found), found
        except InputError:
            return None
    function = next((n for n in owner.body if isinstance(n, (ast.FunctionDef,
                                                              ast.AsyncFunctionDef))
                     and n.name == name), None)
    if function is None:
        return None
    body = ast.Module(body=list(function.body), type_ignores=[])
    objects = set(app_objects(body, "Flask"))
    if not objects:
        return None
    context = [n for n in owner.body
               if isinstance(n, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.Assign))]
    return Factory(owner_rel, owner, function, objects,
                   ast.Module(body=[*context, *function.body], type_ignores=[]))


def route_registrations(tree: ast.Module, objects: set[str]) -> list[Decorated]:
    """The route decorators (`route`, `get`, ...) of the objects `objects` of a module and
    their `add_url_rule` calls (as `route` records), in the order they are written."""
    found = [d for d in decorated(tree, objects) if d.name in ROUTE_DECORATORS]
    return sorted([*found, *url_rules(tree, objects)], key=lambda d: d.line)


def url_rules(tree: ast.Module, objects: set[str]) -> list[Decorated]:
    """`<obj>.add_url_rule(rule, endpoint, view_func, methods=[...])` calls at the top
    level of a module, as the `@<obj>.route(rule, methods=[...])` they are equivalent to:
    `function` is the view's name (its class for `View.as_view(...)`, whose methods are
    the ones the class lists or defines when the call names none; "" without a view)."""
    names = module_literals(tree)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    out = []
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or \
                call.func.attr != "add_url_rule" or \
                not isinstance(call.func.value, ast.Name) or call.func.value.id not in objects:
            continue
        given = dict(zip(("rule", "endpoint", "view_func"), call.args, strict=False))
        given.update({k.arg: k.value for k in call.keywords if k.arg})
        options = {key: literal(value, names) for key, value in given.items()
                   if key not in ("rule", "endpoint", "view_func")}
        view, methods = _view(given.get("view_func"), classes)
        if methods and "methods" not in options:
            options["methods"] = methods
        out.append(Decorated(call.func.value.id, "route", view, call.lineno,
                             [literal(given.get("rule"), names)], options))
    return out


def _view(node: ast.expr | None, classes: dict[str, ast.ClassDef]) -> tuple[str, list[str]]:
    """The name of a `view_func` and, for a class-based view of the module, its methods."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "as_view":  # UserAPI.as_view("user")
        name = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
        cls = classes.get(name)
        return name, _class_methods(cls) if cls is not None else []
    if isinstance(node, ast.Name):
        return node.id, []
    if isinstance(node, ast.Attribute):  # views.index
        return node.attr, []
    return "", []


def _class_methods(cls: ast.ClassDef) -> list[str]:
    """A view class's `methods = [...]`, else the HTTP methods it defines (MethodView)."""
    for node in cls.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "methods" for t in node.targets):
            listed = literal(node.value)
            if isinstance(listed, (list, tuple, set)):
                return [str(m).upper() for m in listed]
    return [m.upper() for m in view_methods(cls)]


def view_methods(cls: ast.ClassDef) -> list[str]:
    """The HTTP methods a class-based view defines a method for (`get`, `post`, ...), in
    the order of VIEW_METHODS."""
    defined = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef,
                                                          ast.AsyncFunctionDef))}
    return [m for m in VIEW_METHODS if m in defined]


def _routes(tree: ast.Module, rel: str, objects: set[str], prefix: str) -> list[AppRoute]:
    out = []
    for deco in route_registrations(tree, objects):
        if not deco.args or not isinstance(deco.args[0], str):
            continue
        methods = ROUTE_DECORATORS[deco.name] or deco.kwargs.get("methods") or ["GET"]
        path = api_path(_join(prefix, deco.args[0]))
        if isinstance(methods, (set, frozenset)):
            methods = sorted(map(str, methods))
        for method in methods if isinstance(methods, (list, tuple)) else [methods]:
            out.append(AppRoute(str(method).upper(), path, Location(rel, deco.line)))
    return out


def _constructor_prefix(tree: ast.Module, name: str) -> str:
    """The `url_prefix=` of `name = Blueprint(...)`, else ""."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            prefix = next((literal(k.value) for k in node.value.keywords
                           if k.arg == "url_prefix"), None)
            return prefix if isinstance(prefix, str) else ""
    return ""


def _join(prefix: str, path: str) -> str:
    """A blueprint's rule under its URL prefix, joined the way Flask joins them."""
    return "/".join((prefix.rstrip("/"), path.lstrip("/"))) if prefix else path


def api_path(path: str) -> str:
    """A route written with `<name>` / `<converter:name>` parameters (Flask and Django's
    `path()`) in API Gateway's form: `{name}`, `{name+}` for the `path` converter."""
    return FLASK_PARAM.sub(_api_parameter, path)


def _api_parameter(match: re.Match[str]) -> str:
    """A Flask path parameter as API Gateway writes it (`path` matches slashes: greedy)."""
    return "{" + match.group(2) + ("+}" if match.group(1) == "path" else "}")
