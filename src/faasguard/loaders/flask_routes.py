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
import re
from dataclasses import dataclass

from faasguard.loaders.blueprints import module_file, registered_blueprints
from faasguard.loaders.decorators import app_objects, decorated, literal, parse_python
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
    rel = module_file(root, code_dir, module)
    if rel is None:
        return []
    try:
        tree = parse_python(root, rel)
    except InputError:
        return []
    objects = set(app_objects(tree, "Flask")) | {obj}
    routes = _routes(tree, rel, objects, "")
    for bp in registered_blueprints(root, code_dir, tree, rel, objects):
        prefix = bp.options.get("url_prefix")
        if not isinstance(prefix, str):
            prefix = _constructor_prefix(bp.tree, bp.name)
        routes.extend(_routes(bp.tree, bp.file, {bp.name}, prefix))
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


def _api_parameter(match: re.Match[str]) -> str:
    """A Flask path parameter as API Gateway writes it (`path` matches slashes: greedy)."""
    return "{" + match.group(2) + ("+}" if match.group(1) == "path" else "}")
