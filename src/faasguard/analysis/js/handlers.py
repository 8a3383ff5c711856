"""Handler resolution for Node.js functions: the file and the exported function.

For a `nodejs*` runtime the handler `src/app.handler` names the file `src/app.js` (or
`.mjs`, `.cjs`, `.ts`, ...) under the function's code folder, and `handler` the name it
exports: `exports.handler = ...`, `module.exports = { handler }`, `export const handler`,
`export async function handler`, `export { impl as handler }`, or `export default`
(handler name `default`). A wrapper such as `middy(baseHandler)` resolves to the wrapped
function; an Express-style app wrapped by `serverless-http` (`serverless(app)`) resolves
to its route callbacks, which become the API's `app_routes` behind the function's
catch-all route (as a Flask app's behind a WSGI adapter). Nothing is executed: the
file's top level is evaluated abstractly.
"""

from __future__ import annotations

import posixpath
import re

from faasguard.analysis.facts import Facts
from faasguard.analysis.handler_paths import given_handler, handler_base
from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.frameworks import bootstraps_nest, file_nest_routes
from faasguard.analysis.js.parse import JsModuleCache, JsParseError, js_module_cache, line
from faasguard.analysis.js.table import js_table
from faasguard.analysis.js.tsconfig import sources_of_output
from faasguard.analysis.js.values import FuncRef, JsFrame
from faasguard.analysis.nodejs import EXTENSIONS
from faasguard.analysis.taint.state import Val
from faasguard.loaders.flask_routes import AppRoute
from faasguard.loaders.wsgi_plugin import _add_app_routes
from faasguard.model import BUILD_ENTRY_POINTS, App, Diagnostic, Function, Location, logical_id

#: The kind of `serverless(app)` (serverless-http and friends): the routes are the code.
EXPRESS_HANDLER = "express-handler"


def split_node_handler(handler: str) -> tuple[str, str] | None:
    """`("src/app", "handler")` for `src/app.handler`; None when malformed."""
    module, dot, name = handler.strip().rpartition(".")
    if not dot or not module or not name or not (name.replace("$", "_").isidentifier()):
        return None
    return module, name


def exported_value(cache: JsModuleCache, file: str, name: str) -> tuple[JsAnalyzer, Val] | None:
    """What a file exports under `name` (None when the file does not parse or has no such
    export), with the analyzer that evaluated it."""
    module = cache.try_get(file)
    if module is None:
        return None
    analyzer = JsAnalyzer(js_table(), cache)
    exports = analyzer.module_exports(module)
    val = exports.get(name)
    if val is None and name != "default":
        whole = exports.get("default") or exports.get("module.exports")
        if whole is not None and name == "handler" and analyzer.func_ref(whole) is None:
            val = analyzer.member(whole, name, JsFrame(module, "<module>"))
    return (analyzer, val) if val is not None else None


def exported_function(cache: JsModuleCache, file: str, name: str) -> FuncRef | None:
    """The function a file exports under `name` (None when not a known function)."""
    found = exported_value(cache, file, name)
    return found[0].func_ref(found[1]) if found is not None else None


def is_express_handler(cache: JsModuleCache, file: str, name: str) -> bool:
    """Is the export an Express-style app wrapped for Lambda (`serverless(app)`)?"""
    found = exported_value(cache, file, name)
    return found is not None and found[1].kind == EXPRESS_HANDLER


def _entry_point(function: Function, handler: str, module_path: str,
                 cache: JsModuleCache) -> str | None:
    """The bundler entry point (SAM esbuild `EntryPoints`) the handler's file is built
    from: esbuild writes `src/handlers/get.ts` as `get.js` (the path below the entry
    points' common folder), so the handler `get.handler` names that source; failing
    that, the one entry point of the handler file's name (`dist/handlers/get.handler`)."""
    points = function.properties.get(BUILD_ENTRY_POINTS)
    stems = {point: posixpath.splitext(point.replace("\\", "/"))[0]
             for point in (points if isinstance(points, tuple) else ())}
    name = posixpath.basename(module_path)
    chosen = [p for p, stem in stems.items()
              if stem == module_path or stem.endswith("/" + module_path)] or \
        [p for p, stem in stems.items() if posixpath.basename(stem) == name]
    if len(chosen) == 1:
        path = handler_base(function, handler, chosen[0])
        if isinstance(path, str) and cache.exists(path):
            return path
    return None


def resolve_node(function: Function, app: App, facts: Facts) -> Diagnostic | None:
    """Fill `source_file` and `handler_name` of a Node.js function; a problem, if any."""
    cache = js_module_cache(app.root, facts, app.layers)
    where, at = function.location.file, function.location.line
    name = logical_id(function.id)
    handler = given_handler(function)
    if isinstance(handler, Diagnostic):
        return handler
    parts = split_node_handler(handler)
    if parts is None:
        return Diagnostic(where, f"function '{name}': handler '{handler}' is not of the form "
                          "'file.export' (for example 'src/app.handler')", at, "error", "handler")
    module_path, export = parts
    base = handler_base(function, handler, module_path)
    if isinstance(base, Diagnostic):
        return base
    found = next((base + ext for ext in EXTENSIONS if cache.exists(base + ext)), None)
    if found is None:  # tsc's output folder: its sources
        found = next((path + ext for path in sources_of_output(app.root, base)
                      for ext in EXTENSIONS if cache.exists(path + ext)), None)
    if found is None:  # a bundle named after its entry point: that source
        found = _entry_point(function, handler, module_path, cache)
    if found is None:  # a folder: the runtime's require() loads its index file
        found = next((f"{base}/index{ext}" for ext in EXTENSIONS
                      if cache.exists(f"{base}/index{ext}")), None)
    if found is None:
        return Diagnostic(where, f"function '{name}': handler '{handler}' not found (looked for "
                          f"{base}.js, .mjs, .cjs, .ts); its code was not analysed", at,
                          "warning", "handler")
    function.source_file = found
    try:
        cache.get(found)
    except JsParseError as exc:
        return Diagnostic(found, f"handler file of function '{name}' {exc.message}; its code "
                          "was not analysed", exc.line, "error", "handler")
    function.handler_name = export
    try:
        ref = exported_function(cache, found, export)
    except RecursionError:
        return Diagnostic(found, f"function '{name}': {found} is nested too deeply for the "
                          "analysis; its code was not analysed", None, "warning", "handler")
    if ref is None and not is_express_handler(cache, found, export):
        return Diagnostic(found, f"function '{name}': {found} exports no function named "
                          f"'{export}' that the analysis can follow", None, "warning", "handler")
    if ref is None:
        _add_app_routes(app, function, app_routes(cache, found))
    elif bootstraps_nest(ref.module):  # a Nest app: its controllers' routes
        _add_app_routes(app, function, nest_app_routes(cache, found))
    return None


#: Route registrations that are HTTP methods (`all`: any); `use` mounts middleware.
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "ALL"})
_PARAMETER = re.compile(r":(\w+)\??")


def app_routes(cache: JsModuleCache, file: str) -> list[AppRoute]:
    """The routes of the Express-style app a handler file runs (`serverless(app)`), the
    paths in API Gateway's form under the paths their routers are mounted at
    (`app.use("/orders", orders)` and `router.post("/:id/label")`: /orders/{id}/label)."""
    from faasguard.analysis.js.project import module_graph  # (project imports this module)

    found: list[AppRoute] = []
    for graph_file in module_graph(cache, file):
        for label, ref, _ in cache.routes.get(graph_file, ()):
            method, _, path = label.partition(" ")
            if method not in _HTTP_METHODS or not path.startswith("/"):
                continue
            found.append(_app_route(method, _mounted(cache, graph_file) + path,
                                    Location(ref.module.file, line(ref.node))))
    return found


def nest_app_routes(cache: JsModuleCache, file: str) -> list[AppRoute]:
    """The routes of the NestJS controllers in a handler's module graph (`@Controller(
    "orders")` and `@Get(":id/label")`: GET /orders/{id}/label)."""
    from faasguard.analysis.js.project import module_graph  # (project imports this module)

    found: list[AppRoute] = []
    for graph_file in module_graph(cache, file):
        module = cache.try_get(graph_file)
        for route in file_nest_routes(module) if module is not None else ():
            method, _, path = route.label.partition(" ")
            found.append(_app_route(method, path, Location(graph_file, line(route.node))))
    return found


def _app_route(method: str, path: str, location: Location) -> AppRoute:
    """A route of an app's router, its path in API Gateway's form (`:id` -> `{id}`)."""
    return AppRoute("ANY" if method == "ALL" else method,
                    _PARAMETER.sub(r"{\1}", path.rstrip("/")).replace("*", "{proxy+}") or "/",
                    location)


def _mounted(cache: JsModuleCache, file: str) -> str:
    """The path a file's routes are mounted under ("" at the app's root)."""
    prefix, seen = "", {file}
    while file in cache.mounts:
        file, path = cache.mounts[file]
        prefix = path.rstrip("/") + prefix
        if file in seen:
            break
        seen.add(file)
    return prefix
