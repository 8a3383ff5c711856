"""The routes of a Flask app, read from its code with `ast` (never imported).

`flask_routes(root, code_dir, "app.app")` lists the routes of the Flask object a handler
setting names (Zappa's `app_function`): the views decorated with `@<app>.route(...)` or
the one-method shortcuts (`@<app>.get`, `post`, `put`, `delete`, `patch`), and those of
the blueprints the app registers at its module's top level
(`app.register_blueprint(bp, url_prefix="/v1")`; the blueprint defined in the same
module or imported from a module of the project), under their `url_prefix`. Paths are
written the way API Gateway writes them: `<id>` and `<int:id>` become `{id}`,
`<path:key>` (which matches slashes) becomes `{key+}`.
"""

from __future__ import annotations

import ast
import os
import posixpath
import re
from dataclasses import dataclass

from faasguard.loaders.chalice import app_objects, decorated, literal, parse_python
from faasguard.loaders.documents import InputError
from faasguard.model import Location

#: A Flask route parameter, `<name>` or `<converter:name>` (`<string(length=2):code>`).
FLASK_PARAM = re.compile(r"<(?:([A-Za-z_]\w*)(?:\([^)>]*\))?:)?([A-Za-z_]\w*)>")
#: Flask's route decorators: `route` (methods from `methods=`, GET by default) and the
#: one-method shortcuts of Flask 2.
ROUTE_DECORATORS = {"route": None, "get": "GET", "post": "POST", "put": "PUT",
                    "delete": "DELETE", "patch": "PATCH"}


@dataclass(frozen=True)
class FlaskRoute:
    """One method and path of a Flask app (path in API Gateway's form), and its view."""

    method: str
    path: str
    location: Location


def flask_routes(root: str, code_dir: str, handler: str) -> list[FlaskRoute]:
    """The routes of the Flask app object `handler` (`module.object`) names; [] when the
    module cannot be read (handler resolution reports that)."""
    module, _, obj = handler.rpartition(".")
    if not module:
        return []
    rel = _module_file(root, code_dir or ".", module)
    if rel is None:
        return []
    try:
        tree = parse_python(root, rel)
    except InputError:
        return []
    objects = set(app_objects(tree, "Flask")) | {obj}
    routes = _routes(tree, rel, objects, "")
    for owner, owner_rel, name, prefix in _blueprints(root, code_dir or ".", tree, rel,
                                                      objects):
        routes.extend(_routes(owner, owner_rel, {name}, prefix))
    return routes


def _routes(tree: ast.Module, rel: str, objects: set[str], prefix: str) -> list[FlaskRoute]:
    out = []
    for deco in decorated(tree, objects):
        if deco.name not in ROUTE_DECORATORS or not deco.args or \
                not isinstance(deco.args[0], str):
            continue
        methods = ROUTE_DECORATORS[deco.name] or deco.kwargs.get("methods") or ["GET"]
        path = FLASK_PARAM.sub(_api_parameter, _join(prefix, deco.args[0]))
        for method in methods if isinstance(methods, list) else [methods]:
            out.append(FlaskRoute(str(method).upper(), path, Location(rel, deco.line)))
    return out


def _blueprints(root: str, code_dir: str, tree: ast.Module, rel: str, objects: set[str]
                ) -> list[tuple[ast.Module, str, str, str]]:
    """`<app>.register_blueprint(bp, url_prefix=...)` calls at the module's top level:
    (the tree and file defining the blueprint, its name there, the URL prefix)."""
    imports = _imports(tree, posixpath.relpath(rel, code_dir))
    out = []
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call) or not call.args or \
                not isinstance(call.func, ast.Attribute) or \
                call.func.attr != "register_blueprint" or \
                not isinstance(call.func.value, ast.Name) or call.func.value.id not in objects:
            continue
        found = _blueprint(root, code_dir, tree, rel, imports, call.args[0])
        if found is None:
            continue
        owner, owner_rel, name = found
        prefix = next((literal(k.value) for k in call.keywords if k.arg == "url_prefix"),
                      None)
        if not isinstance(prefix, str):
            prefix = _constructor_prefix(owner, name)
        out.append((owner, owner_rel, name, prefix))
    return out


def _blueprint(root: str, code_dir: str, tree: ast.Module, rel: str,
               imports: dict[str, str], node: ast.expr
               ) -> tuple[ast.Module, str, str] | None:
    """The module and name a `register_blueprint` argument refers to."""
    if isinstance(node, ast.Name) and node.id in app_objects(tree, "Blueprint"):
        return tree, rel, node.id
    if isinstance(node, ast.Name) and node.id in imports:  # from views import bp
        dotted = imports[node.id]
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
            node.value.id in imports:  # import views; views.bp
        dotted = f"{imports[node.value.id]}.{node.attr}"
    else:
        return None
    module, _, name = dotted.rpartition(".")
    owner_rel = _module_file(root, code_dir, module) if module else None
    if owner_rel is None:
        return None
    try:
        return parse_python(root, owner_rel), owner_rel, name
    except InputError:
        return None


def _imports(tree: ast.Module, rel: str) -> dict[str, str]:
    """Names a module's top-level imports bind -> what they name, dotted from the code
    folder (`from .views import bp` in `api/app.py`, relative to the code folder ->
    `api.views.bp`)."""
    package = posixpath.dirname(rel).replace("/", ".")
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[:len(parts) - node.level + 1] if node.level > 1 else parts
                base = ".".join(p for p in [*parts, base] if p)
            for alias in node.names:
                out[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = \
                    alias.name if alias.asname else alias.name.split(".")[0]
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


def _module_file(root: str, code_dir: str, module: str) -> str | None:
    """The file of a dotted module of the project (`a.b` -> `a/b.py`, `a/b/__init__.py`),
    relative to the scanned root and inside it; None when there is none."""
    base = posixpath.join(code_dir, module.replace(".", "/"))
    for candidate in (base + ".py", posixpath.join(base, "__init__.py")):
        rel = posixpath.normpath(candidate)
        if rel != ".." and not rel.startswith("../") and \
                os.path.isfile(os.path.join(root, rel)):
            return rel
    return None


def _join(prefix: str, path: str) -> str:
    """A blueprint's rule under its URL prefix, joined the way Flask joins them."""
    return "/".join((prefix.rstrip("/"), path.lstrip("/"))) if prefix else path


def _api_parameter(match: re.Match[str]) -> str:
    """A Flask path parameter as API Gateway writes it (`path` matches slashes: greedy)."""
    return "{" + match.group(2) + ("+}" if match.group(1) == "path" else "}")
