"""How the entry points of web-framework apps are read (`frameworks.app_entries`,
`frameworks.module_views`): the route readers of the loaders (`loaders.flask_routes`,
`loaders.django_routes`, `loaders.decorators`) applied to a module's tree.

Kept apart from `frameworks` so that a scan whose handlers are plain functions never
imports those readers: `frameworks` imports this module on the first handler or module
that names or creates an app object.
"""

from __future__ import annotations

import ast

from faasguard.analysis.taint.frameworks import (
    DJANGO_NOT_TEXT,
    DJANGO_REQUEST,
    FRAMEWORKS,
    NUMERIC_CONVERTERS,
    RESOLVERS,
    View,
)
from faasguard.analysis.taint.modules import (
    FunctionNode,
    Module,
    ModuleCache,
    dotted_name,
    search_path,
)
from faasguard.loaders.decorators import app_objects
from faasguard.loaders.django_routes import DjangoView
from faasguard.loaders.flask_routes import FLASK_PARAM, app_factory, app_scopes, route_registrations
from faasguard.model import Function


def app_views(function: Function, module: Module, cache: ModuleCache) -> list[View]:
    """The views of the Chalice or Flask app object a function's handler names in
    `module` (none when it names no known app object)."""
    obj = function.handler_name or ""
    framework = next((name for name in FRAMEWORKS if obj in app_objects(module.tree, name)),
                     None)
    views: list[View] = []
    if framework == "Chalice":
        views.extend(_route_views(module, obj, framework, obj))
        for owner, blueprint in _blueprints(module, obj, cache, function.code_dir or ""):
            views.extend(_route_views(owner, blueprint, framework, None))
    elif framework == "Flask" or app_factory(cache.root, function.code_dir or ".",
                                             module.tree, module.file, obj) is not None:
        views.extend(_flask_views(function, module, obj, cache))
    return views


def constructed_views(module: Module) -> list[View]:
    """The route views of every Chalice/Flask app or blueprint object a module creates."""
    out: list[View] = []
    made = module.constructed
    for framework in FRAMEWORKS:
        if framework in made:
            for obj in app_objects(module.tree, framework):
                out.extend(_route_views(module, obj, framework, None))
    if "Blueprint" in made:
        blueprint_of = "Chalice" if module.qualify("Blueprint").startswith("chalice") \
            else "Flask"
        for obj in app_objects(module.tree, "Blueprint"):
            out.extend(_route_views(module, obj, blueprint_of, None))
    for obj in _resolver_objects(module):
        out.extend(_route_views(module, obj, "Powertools", None))
    return out


def powertools_views(module: Module, cache: ModuleCache, base: str) -> list[View]:
    """The views of the Powertools resolvers and routers a module creates, and of the
    routers its resolvers include (`app.include_router(router)` at its top level)."""
    out: list[View] = []
    for obj in _resolver_objects(module):
        out.extend(_route_views(module, obj, "Powertools", None))
        for owner, router in _blueprints(module, obj, cache, base, "include_router"):
            out.extend(_route_views(owner, router, "Powertools", None))
    return out


def _resolver_objects(module: Module) -> list[str]:
    """The names of the Powertools resolvers and routers a module's top level creates."""
    return [obj for cls in sorted(RESOLVERS & module.constructed)
            if module.qualify(cls).startswith("aws_lambda_powertools.")
            for obj in app_objects(module.tree, cls)]


def _flask_views(function: Function, module: Module, obj: str, cache: ModuleCache
                 ) -> list[View]:
    """The views of a Flask app, wherever `app_scopes` finds its routes registered (the
    module's top level, factories, helpers, blueprints); each view once."""
    views: list[View] = []
    seen: set[int] = set()
    for scope in app_scopes(cache.root, function.code_dir or ".", module.tree, module.file,
                            obj):
        owner = module if scope.file == module.file else cache.try_get(scope.file)
        if owner is None:
            continue
        nested = (scope.tree, scope.views()) if scope.function is not None else None
        for name in sorted(scope.objects):
            for view in _route_views(owner, name, "Flask", obj if scope.app else None, nested):
                if id(view.node) not in seen:
                    seen.add(id(view.node))
                    views.append(view)
    return views


def _blueprints(module: Module, obj: str, cache: ModuleCache, base: str,
                method: str = "register_blueprint") -> list[tuple[Module, str]]:
    """The blueprints `<obj>.register_blueprint(bp)` (or routers `<obj>.include_router(r)`,
    `method`) registers at the module's top level: (the module defining the blueprint
    object, its name there)."""
    out: list[tuple[Module, str]] = []
    for stmt in module.tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call) or not call.args \
                or dotted_name(call.func) != f"{obj}.{method}":
            continue
        target = dotted_name(call.args[0])
        head, dot, rest = target.partition(".")
        if head in module.aliases:  # imported: `from views import bp` or `views.bp`
            qualified = module.aliases[head] + dot + rest
            where, _, name = qualified.rpartition(".")
            owner = cache.find(where, search_path(module, base)) if where else None
            if owner is not None:
                out.append((owner, name))
        elif target in module.assigned:
            out.append((module, target))
    return out


def _route_views(module: Module, obj: str, framework: str, view_of: str | None,
                 factory: tuple[ast.Module, dict[str, FunctionNode]] | None = None
                 ) -> list[View]:
    """The views `@<obj>.route(...)` of a module (`factory`: of a factory's body, as
    `RouteScope.tree`, and the functions nested in it). `view_of` set: the routes of the app
    object itself, whose triggers name their view (blueprint routes are not in the
    App model: their flows relate to every HTTP trigger of the function)."""
    out: list[View] = []
    seen: set[str] = set()
    tree, functions = factory if factory is not None else (module.tree, module.functions)
    for deco in route_registrations(tree, {obj}):  # decorators, add_url_rule calls
        node = functions.get(deco.function)
        if node is None or deco.function in seen:
            continue
        seen.add(deco.function)
        path = deco.args[0] if deco.args and isinstance(deco.args[0], str) else ""
        names = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                 *node.args.kwonlyargs)]
        labels = {name: f"{framework} path parameter '{name}'" for name in names
                  if _is_text_param(framework, path, name)}
        out.append(View(module, node, labels, (), frozenset({"http"}),
                        deco.function if view_of is not None else None))
    return out


def _is_text_param(framework: str, path: str, name: str) -> bool:
    if framework == "Chalice":
        return "{" + name + "}" in path or "{" + name + "+}" in path
    for converter, param in FLASK_PARAM.findall(path):
        if param == name:
            return converter not in NUMERIC_CONVERTERS
    return False


def django_views(function: Function, cache: ModuleCache) -> list[View]:
    """The views of a Zappa Django project's routes (`django_views`, as the loader found
    them), each once: the request parameter an object of kind DJANGO_REQUEST, the route
    parameters of any of its routes that carry text sources."""
    routes: dict[tuple[str, str], list[DjangoView]] = {}
    for found in function.properties.get("django_views", ()):
        if isinstance(found, DjangoView):
            routes.setdefault((found.file, found.name), []).append(found)
    out: list[View] = []
    for (file, name), served in routes.items():
        module = cache.try_get(file)
        if module is None:
            continue
        owner, _, method = name.rpartition(".")  # `Class.method` or `function`
        info = module.classes.get(owner) if owner else None
        node = (info.methods.get(method) if info is not None else None) if owner else \
            module.functions.get(name)
        if node is None:
            continue
        names = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                 *node.args.kwonlyargs)][1 if owner else 0:]  # self
        if not names:
            continue
        labels = {param: f"Django path parameter '{param}'" for param in names[1:]
                  if any(_is_django_text(view, param) for view in served)}
        out.append(View(module, node, labels, (), frozenset({"http"}), None,
                        {names[0]: DJANGO_REQUEST}, info))
    return out


def _is_django_text(view: DjangoView, name: str) -> bool:
    """Is route parameter `name` text the caller chooses? (`<str:x>`, `<slug:x>`, `<x>`,
    a regex group; not `<int:x>`, `<uuid:x>`)"""
    if view.regex and f"(?P<{name}>" in view.route:
        return True
    return any(param == name and (converter or "str") not in DJANGO_NOT_TEXT
               for converter, param in FLASK_PARAM.findall(view.route))
