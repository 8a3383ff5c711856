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
    elif framework is None and "Mangum" in module.constructed:
        views.extend(fastapi_views(module, obj, cache, function.code_dir or ""))
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


def fastapi_views(module: Module, handler: str, cache: ModuleCache, base: str
                  ) -> list[View]:
    """The views of the FastAPI app a Mangum handler serves (`handler = Mangum(app)`, the
    app made in the module or imported from the project) and of the routers it includes
    (`app.include_router(router)`, routers including routers), each app or router once."""
    out: list[View] = []
    todo = _mangum_apps(module, handler, cache, base)
    seen: set[tuple[str, str]] = set()
    while todo:
        owner, obj = todo.pop()
        if (owner.file, obj) in seen or len(seen) >= _MAX_ROUTERS:
            continue
        seen.add((owner.file, obj))
        out.extend(_fastapi_route_views(owner, obj))
        todo.extend(_blueprints(owner, obj, cache, base, "include_router"))
        todo.extend(_factory_routers(owner, obj, cache, base))
    return out


def _factory_routers(module: Module, obj: str, cache: ModuleCache, base: str
                     ) -> list[tuple[Module, str]]:
    """The routers the module's factory of `obj` includes (`obj = create_app()`, with
    `app.include_router(router)` in the body of `create_app`, defined in the module)."""
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Name) and \
                any(isinstance(t, ast.Name) and t.id == obj for t in stmt.targets):
            factory = module.functions.get(stmt.value.func.id)
            if factory is None:
                return []
            calls = [st.value for st in factory.body if isinstance(st, ast.Expr)
                     and isinstance(st.value, ast.Call) and st.value.args
                     and isinstance(st.value.func, ast.Attribute)
                     and st.value.func.attr == "include_router"]
            found = [_object_module(module, dotted_name(c.args[0]), cache, base)
                     for c in calls]
            return [f for f in found if f is not None]
    return []


#: The most apps and routers one Mangum handler's views are read from.
_MAX_ROUTERS = 256


def _mangum_apps(module: Module, handler: str, cache: ModuleCache, base: str
                 ) -> list[tuple[Module, str]]:
    """The app a top-level `handler = Mangum(app, ...)` wraps: (its module, its name)."""
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and \
                stmt.value.args and dotted_name(stmt.value.func).endswith("Mangum") and \
                any(isinstance(t, ast.Name) and t.id == handler for t in stmt.targets):
            found = _object_module(module, dotted_name(stmt.value.args[0]), cache, base)
            return [found] if found is not None else []
    return []


def _fastapi_route_views(module: Module, obj: str) -> list[View]:
    """The views `@<obj>.get(path)` (post, put, ...) of a FastAPI app or router: their
    parameters are what the request gives them (path parameters by name, the others query
    parameters, headers, cookies or the JSON body), but for numbers, booleans, dates and
    UUIDs FastAPI validated, framework objects and dependencies (`Depends(...)`)."""
    out: list[View] = []
    for deco in route_registrations(module.tree, {obj}):
        node = module.functions.get(deco.function)
        if node is None:
            continue
        path = deco.args[0] if deco.args and isinstance(deco.args[0], str) else ""
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += args.defaults
        labels: dict[str, str] = {}
        objects: dict[str, str] = {}
        for arg, default in (*zip(positional, defaults, strict=True),
                             *zip(args.kwonlyargs, args.kw_defaults, strict=True)):
            if arg.annotation is not None and \
                    dotted_name(arg.annotation).rpartition(".")[2] == "Request":
                objects[arg.arg] = FASTAPI_REQUEST  # read through its sources
            elif _fastapi_text(arg.annotation, default):
                where = "path" if "{" + arg.arg + "}" in path or \
                    "{" + arg.arg + ":" in path else "request"
                labels[arg.arg] = f"FastAPI {where} parameter '{arg.arg}'"
        out.append(View(module, node, labels, (), frozenset({"http"}), None, objects))
    return out


#: The kind of a FastAPI view's `Request` parameter (its sources: taint_python.json).
FASTAPI_REQUEST = "fastapi-request"
#: Annotations FastAPI fills with a validated non-text value, or with a framework object.
_FASTAPI_NOT_TEXT = frozenset((
    "int", "float", "bool", "UUID", "date", "datetime", "time", "timedelta", "Decimal",
    "Request", "Response", "BackgroundTasks", "WebSocket", "HTTPConnection",
    "SecurityScopes", "UploadFile"))
#: Default values that make a parameter a dependency, not request input.
_FASTAPI_DEPENDENCIES = frozenset(("Depends", "Security"))


def _fastapi_text(annotation: ast.expr | None, default: ast.expr | None) -> bool:
    """Does a FastAPI view parameter receive text the caller chose?"""
    if isinstance(default, ast.Call) and \
            dotted_name(default.func).rpartition(".")[2] in _FASTAPI_DEPENDENCIES:
        return False
    if isinstance(annotation, ast.Subscript):  # Annotated[str, Query()], Optional[int]
        head = dotted_name(annotation.value).rpartition(".")[2]
        inner = annotation.slice
        parts = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if head == "Annotated":
            return _fastapi_text(parts[0], parts[-1] if len(parts) > 1 else None)
        if head in ("Optional", "Union"):
            return any(_fastapi_text(p, None) for p in parts
                       if not (isinstance(p, ast.Constant) and p.value is None))
        return True
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        parts = [annotation.left, annotation.right]  # int | None
        return any(_fastapi_text(p, None) for p in parts
                   if not (isinstance(p, ast.Constant) and p.value is None))
    if annotation is None:
        return True
    return dotted_name(annotation).rpartition(".")[2] not in _FASTAPI_NOT_TEXT


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
        found = _object_module(module, dotted_name(call.args[0]), cache, base)
        if found is not None:
            out.append(found)
    return out


def _object_module(module: Module, target: str, cache: ModuleCache, base: str
                   ) -> tuple[Module, str] | None:
    """The module defining the object a module names `target` (`bp`, imported as
    `from views import bp` or read as `views.bp`, or assigned at its top level) and the
    object's name there; None when it is neither."""
    head, dot, rest = target.partition(".")
    if head in module.aliases:  # imported: `from views import bp` or `views.bp`
        qualified = module.aliases[head] + dot + rest
        where, _, name = qualified.rpartition(".")
        owner = cache.find(where, search_path(module, base)) if where else None
        return (owner, name) if owner is not None else None
    return (module, target) if target in module.assigned else None


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
