"""How the entry points of web-framework apps are read (`frameworks.app_entries`,
`frameworks.module_views`): the route readers of the loaders (`loaders.flask_routes`,
`loaders.django_routes`, `loaders.decorators`) applied to a module's tree.

Kept apart from `frameworks` so that a scan whose handlers are plain functions never
imports those readers: `frameworks` imports this module on the first handler or module
that names or creates an app object.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from faasguard.analysis.taint.frameworks import (
    ADAPTER_CALLS,
    DJANGO_NOT_TEXT,
    DJANGO_REQUEST,
    FRAMEWORKS,
    NUMERIC_CONVERTERS,
    POWERTOOLS_RESOLVER,
    RESOLVERS,
    View,
)
from faasguard.analysis.taint.models import CLEAN, TEXT, annotation_verdict
from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    dotted_name,
    search_path,
)
from faasguard.analysis.taint.table import builtin_table
from faasguard.loaders.decorators import Decorated, app_objects, decorated, top_level_value
from faasguard.loaders.django_routes import DIGITS_ONLY, DjangoView, NinjaView, django_project
from faasguard.loaders.flask_routes import (
    FASTAPI,
    FLASK,
    FLASK_PARAM,
    AppKind,
    app_factory,
    app_scopes,
    route_registrations,
    view_methods,
)
from faasguard.loaders.wsgi_plugin import ADAPTERS, is_django_application, settings_module
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
            views.extend(_route_views(owner, blueprint, framework, blueprint))
    elif framework is None and (adapted := _adapted_apps(module, obj, cache,
                                                         function.code_dir or "")):
        for app_module, app in adapted:
            views.extend(_served_views(function, app_module, app, cache, module))
    elif framework == "Flask" or app_factory(cache.root, function.code_dir or ".",
                                             module.tree, module.file, obj) is not None:
        views.extend(_scoped_views(module, obj, cache, function.code_dir or "", "Flask"))
    return views


def constructed_views(module: Module, cache: ModuleCache) -> list[View]:
    """The route views of every Chalice/Flask/FastAPI app, blueprint or router object a
    module creates, and the websocket endpoints of a Starlette or FastAPI app's routes
    list."""
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
    for maker in ("FastAPI", "APIRouter", "Starlette"):
        if maker in made and module.qualify(maker).startswith(("fastapi", "starlette")):
            for obj in app_objects(module.tree, maker):
                if maker != "Starlette":
                    out.extend(_fastapi_route_views(module, obj, cache, ""))
                # the websocket endpoints of its routes list: a function serving the app
                # through HTTP events alone never reaches them (`_reached`)
                out.extend(view for view in _listed_route_views(module, obj, cache, "")[0]
                           if view.kinds == WEBSOCKET_KINDS)
    return out


def powertools_views(module: Module, cache: ModuleCache, base: str,
                     resolved: tuple[str, ...] = ()) -> list[View]:
    """The views of the Powertools resolvers and routers a module creates, of the
    routers its resolvers include (`app.include_router(router)` at its top level) and
    those `app_scopes` finds besides (nested in the helpers the resolver is passed to,
    `register_routes(app)`, or in a function making a router it includes:
    `app.include_router(make_router())`).

    `resolved`: names the module's handler resolves events with. One made by a factory
    (`app = create_app()`) has the views `app_scopes` finds: those the factory (and the
    helpers it passes the resolver to) registers on its resolver, nested in its body,
    and of the routers it includes there. One imported (`from api.resolver import app`)
    has its views read where it is made and in the modules that decorate it (`from
    api.resolver import app` then `@app.get(...)`)."""
    out: list[View] = []
    where = (cache, base)
    made_here = _resolver_objects(module)
    for obj in made_here:
        out.extend(_route_views(module, obj, "Powertools", None, where=where))
        for owner, router in _blueprints(module, obj, cache, base, "include_router"):
            out.extend(_route_views(owner, router, "Powertools", None, where=where))
    for obj in made_here:
        have = {id(view.node) for view in out}
        out.extend(view for view in _scoped_views(module, obj, cache, base, "Powertools")
                   if id(view.node) not in have)
    for name in resolved:
        found = _object_module(module, name, cache, base)
        if found is None:
            continue
        owner, obj = found
        made = obj in _resolver_objects(owner)
        if not made and app_factory(cache.root, base or ".", owner.tree, owner.file,
                                    obj) is not None:
            made = True
            have = {id(view.node) for view in out}
            out.extend(view for view in _scoped_views(owner, obj, cache, base, "Powertools")
                       if id(view.node) not in have)
        if owner is module or not made:
            continue
        for elsewhere, alias in _decorated_elsewhere(found, (module, owner), cache, base):
            out.extend(_route_views(elsewhere, alias, "Powertools", None, where=where,
                                    bound=alias))
        out.extend(powertools_views(owner, cache, base))
    return out


def _decorated_elsewhere(made: tuple[Module, str], near: tuple[Module, ...],
                         cache: ModuleCache, base: str) -> list[tuple[Module, str]]:
    """The modules that import an app object (`made`: the module making it, its name) and
    register routes on it, among the project modules `near` import (the route modules a
    handler or the app's own module imports so that their decorators run), with the name
    the object has there."""
    out: list[tuple[Module, str]] = []
    seen = {made[0].file}
    for importer in near:
        for target in set(importer.aliases.values()):
            candidate = cache.find(target, search_path(importer, base))
            if candidate is None or candidate.file in seen:
                continue
            seen.add(candidate.file)
            for alias in candidate.aliases:
                found = _object_module(candidate, alias, cache, base)
                if found is not None and found[0] is made[0] and found[1] == made[1]:
                    out.append((candidate, alias))
    return out


def called_adapter_views(function: Function, module: Module, handler: FunctionNode,
                         cache: ModuleCache) -> list[View]:
    """The views of the apps a handler function gives an adapter call
    (`serverless_wsgi.handle_request(app, event, context)`, `Mangum(app)(event, ...)`)."""
    base = function.code_dir or ""
    out: list[View] = []
    for node in ast.walk(handler):
        if isinstance(node, ast.Call) and node.args and \
                module.qualify(dotted_name(node.func)) in ADAPTER_CALLS:
            found = _object_module(module, dotted_name(node.args[0]), cache, base)
            if found is not None:
                out.extend(_served_views(function, found[0], found[1], cache, module))
    return out


def _served_views(function: Function, module: Module, app: str, cache: ModuleCache,
                  handler: Module) -> list[View]:
    """The views of the app object `app` of `module` an adapter in `handler` serves: a
    Django project's when it is Django's application (`get_wsgi_application()`,
    `get_asgi_application()`), a FastAPI app's (`fastapi_views`) when the module imports
    FastAPI or Starlette, else a Flask app's."""
    if is_django_application(module.tree, app):
        return _adapted_django_views(function, module, handler, cache)
    if any(target.partition(".")[0] in ("fastapi", "starlette")
           for target in module.aliases.values()):
        return _reached(function, fastapi_views([(module, app)], cache,
                                                function.code_dir or "", handler))
    return _scoped_views(module, app, cache, function.code_dir or "", "Flask")


def _reached(function: Function, views: list[View]) -> list[View]:
    """The views a function's events can reach: a websocket endpoint's messages come from
    an API Gateway WebSocket API route only (an HTTP request's scope never matches it),
    so for a function with triggers but no websocket one it is no entry point of the
    function (left to the pass over code no handler reaches)."""
    kinds = {trigger.kind for trigger in function.triggers}
    if function.url is not None:
        kinds.add("url")
    if not kinds or "websocket" in kinds:
        return views
    return [view for view in views if view.kinds != WEBSOCKET_KINDS]


def fastapi_views(apps: list[tuple[Module, str]], cache: ModuleCache, base: str,
                  handler: Module | None = None) -> list[View]:
    """The views of FastAPI apps (their module, their name; its routes also where modules
    it or the `handler` module imports decorate it: `from main import app` then
    `@app.get(...)`) and of the routers they include (`app.include_router(router)`,
    routers including routers), each app or router once."""
    out: list[View] = []
    todo = list(apps)
    for made in apps:
        near = (made[0],) if handler is None else (handler, made[0])
        todo.extend(_decorated_elsewhere(made, near, cache, base))
    seen: set[tuple[str, str]] = set()
    while todo:
        owner, obj = todo.pop()
        if (owner.file, obj) in seen or len(seen) >= _MAX_ROUTERS:
            continue
        seen.add((owner.file, obj))
        out.extend(_fastapi_route_views(owner, obj, cache, base))
        listed, mounted = _listed_route_views(owner, obj, cache, base)
        out.extend(listed)
        todo.extend(mounted)
        todo.extend(_blueprints(owner, obj, cache, base, "include_router"))
        todo.extend(_blueprints(owner, obj, cache, base, "mount"))
        todo.extend(_factory_routers(owner, obj, cache, base))
        nested, routers = _scope_views(owner, obj, cache, base)
        out.extend(nested)
        todo.extend(routers)
    return out


def _scope_views(module: Module, obj: str, cache: ModuleCache, base: str
                   ) -> tuple[list[View], list[tuple[Module, str]]]:
    """For a FastAPI app or router, where `app_scopes` finds its routes registered beyond
    its module's top level: the views nested in the factory making it (`app =
    create_app()`, and in the factories it calls), in the helpers it is passed to
    (`register_routes(app)`) and in a function making a router it includes
    (`app.include_router(make_router())`), and the routers included there."""
    views: list[View] = []
    routers: list[tuple[Module, str]] = []
    for scope in app_scopes(cache.root, base or ".", module.tree, module.file, obj, FASTAPI):
        owner = module if scope.file == module.file else cache.try_get(scope.file)
        if owner is None:
            continue
        if scope.function is not None:
            for name in sorted(scope.objects):
                views.extend(_fastapi_route_views(owner, name, cache, base,
                                                  (scope.tree, scope.views())))
        elif not scope.app:  # a router: its own includes are followed too
            routers.extend((owner, name) for name in scope.objects)
    return views, routers


def _factory_routers(module: Module, obj: str, cache: ModuleCache, base: str
                     ) -> list[tuple[Module, str]]:
    """The routers the module's factory of `obj` includes (`obj = create_app()`, with
    `app.include_router(router)` in the body of `create_app`, defined in the module)."""
    value = _bound_value(module, obj)
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Name):
        return []
    factory = module.functions.get(value.func.id)
    if factory is None:
        return []
    found = []
    for stmt in factory.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                call.func.attr in _INCLUDES:
            given = _included(call, call.func.attr)
            where = _object_module(module, dotted_name(given), cache, base) \
                if given is not None else None
            if where is not None:
                found.append(where)
    return found


#: Calls of a FastAPI app bringing another's routes in: `include_router(router)`, and
#: `mount("/v1", sub_app)` of a sub-application (its routes are the request's too).
_INCLUDES = frozenset(("include_router", "mount"))


def _bound_value(module: Module, name: str) -> ast.expr | None:
    """The value the last top-level `name = value` of a module binds
    (`decorators.top_level_value`)."""
    return top_level_value(module.tree, name)


#: The most apps and routers one Mangum handler's views are read from.
_MAX_ROUTERS = 256


def _adapted_apps(module: Module, handler: str, cache: ModuleCache, base: str
                  ) -> list[tuple[Module, str]]:
    """The app a top-level `handler = Mangum(app, ...)` (or `make_lambda_handler(app)`)
    wraps: (its module, its name); the handler itself when the app is made in the call
    (`make_lambda_handler(get_wsgi_application())`: Django's application)."""
    value = _bound_value(module, handler)
    if isinstance(value, ast.Call) and value.args and \
            dotted_name(value.func).rpartition(".")[2] in ADAPTERS:
        if isinstance(value.args[0], ast.Call) and is_django_application(module.tree, handler):
            return [(module, handler)]
        found = _object_module(module, dotted_name(value.args[0]), cache, base)
        return [found] if found is not None else []
    return []


def _fastapi_route_views(module: Module, obj: str, cache: ModuleCache, base: str,
                         factory: tuple[ast.Module, dict[str, FunctionNode]] | None = None
                         ) -> list[View]:
    """The views `@<obj>.get(path)` (post, put, ...) of a FastAPI app or router (`factory`:
    of a factory's body, as for `_route_views`), their parameters read by
    `_request_params`."""
    out: list[View] = []
    tree, functions = factory if factory is not None else (module.tree, module.functions)
    sockets = [deco for deco in decorated(tree, {obj}) if deco.name in _WEBSOCKET_DECORATORS]
    for deco in sorted([*route_registrations(tree, {obj}), *sockets], key=lambda d: d.line):
        node = functions.get(deco.function)
        if node is None:
            continue
        path = deco.args[0] if deco.args and isinstance(deco.args[0], str) else ""
        # Starlette's `websocket_route` calls its endpoint with the connection alone
        labels, objects = ({}, _connection(node, None)) if deco.name == "websocket_route" \
            else _request_params(node, module, cache, base, "FastAPI", path)
        kinds = WEBSOCKET_KINDS if deco.name in _WEBSOCKET_DECORATORS else _HTTP_KINDS
        out.append(View(module, node, labels, (), kinds, None, objects))
    return out


#: The decorators registering a websocket endpoint on a FastAPI app or router
#: (`@app.websocket("/ws")`; Starlette's `@app.websocket_route("/ws")`).
_WEBSOCKET_DECORATORS = frozenset(("websocket", "websocket_route"))
#: The trigger kinds whose events reach a view: an HTTP route's, or a websocket
#: endpoint's (an API Gateway WebSocket API's routes).
_HTTP_KINDS = frozenset({"http"})
WEBSOCKET_KINDS = frozenset({"websocket"})


#: Starlette's route classes whose endpoint is called with the request (or websocket);
#: FastAPI's, whose endpoint's parameters are resolved from the request (`_request_params`).
_ROUTE_CLASSES = {"Route": False, "WebSocketRoute": False, "APIRoute": True,
                  "APIWebSocketRoute": True}
#: Methods adding one route to an app or router, likewise.
_ROUTE_ADDERS = {"add_route": False, "add_websocket_route": False, "add_api_route": True,
                 "add_api_websocket_route": True}
#: Those of them whose endpoint serves a websocket's messages.
_WEBSOCKET_ROUTES = frozenset(("WebSocketRoute", "APIWebSocketRoute", "add_websocket_route",
                               "add_api_websocket_route"))
#: The methods of a class endpoint (Starlette's `HTTPEndpoint`) that serve requests.
_ENDPOINT_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
#: Those of a websocket class endpoint (Starlette's `WebSocketEndpoint`), called with the
#: connection; `on_receive`'s next parameter is the message, decoded.
_SOCKET_METHODS = ("on_connect", "on_receive", "on_disconnect")


def _listed_route_views(module: Module, obj: str, cache: ModuleCache, base: str
                        ) -> tuple[list[View], list[tuple[Module, str]]]:
    """The views of the routes a Starlette or FastAPI app or router is given as a list
    (`Starlette(routes=[Route("/x", view), Mount("/v1", routes=[...])])`, the list
    written there or bound to a name, imported too) or adds one by one at the top level
    (`app.add_route(path, view)`, `router.add_api_route(path, view)`), and the
    sub-applications it mounts that way (`Mount("/v1", app=sub_app)`)."""
    views: list[View] = []
    mounted: list[tuple[Module, str]] = []
    value = _bound_value(module, obj)
    given = next((k.value for k in value.keywords if k.arg == "routes"), None) \
        if isinstance(value, ast.Call) else None
    todo = [(module, given)] if given is not None else []
    for stmt in module.tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                dotted_name(call.func.value) == obj and call.func.attr in _ROUTE_ADDERS:
            views.extend(_endpoint_views(module, call, _ROUTE_ADDERS[call.func.attr],
                                         cache, base, call.func.attr in _WEBSOCKET_ROUTES))
    for _ in range(_MAX_ROUTERS):  # bounded: `routes = routes` binds a name to itself
        if not todo:
            break
        where, node = todo.pop()
        if isinstance(node, (ast.Name, ast.Attribute)):
            found = _object_module(where, dotted_name(node), cache, base)
            bound = _bound_value(*found) if found is not None else None
            if found is not None and bound is not None:
                todo.append((found[0], bound))
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            todo.extend(((where, node.left), (where, node.right)))
            continue
        for entry in node.elts if isinstance(node, (ast.List, ast.Tuple)) else ():
            if not isinstance(entry, ast.Call):
                continue
            kind = dotted_name(entry.func).rpartition(".")[2]
            if kind in _ROUTE_CLASSES:
                views.extend(_endpoint_views(where, entry, _ROUTE_CLASSES[kind], cache, base,
                                             kind in _WEBSOCKET_ROUTES))
            elif kind in ("Mount", "Host"):
                keywords = {k.arg: k.value for k in entry.keywords if k.arg}
                if "routes" in keywords:
                    todo.append((where, keywords["routes"]))
                sub = keywords.get("app", entry.args[1] if len(entry.args) > 1 else None)
                found = _object_module(where, dotted_name(sub), cache, base) \
                    if isinstance(sub, (ast.Name, ast.Attribute)) else None
                if found is not None:
                    mounted.append(found)
    return views, mounted


def _endpoint_views(module: Module, call: ast.Call, fastapi: bool, cache: ModuleCache,
                    base: str, socket: bool = False) -> list[View]:
    """The views of one route written as a call (`Route(path, endpoint)`,
    `app.add_api_route(path, endpoint)`): a function of the project taking the request
    (its parameters resolved from the request as a FastAPI view's when `fastapi`), or a
    class endpoint's `get`, `post`, ... methods; for a websocket route (`socket`:
    `WebSocketRoute(path, endpoint)`), a function taking the connection or a
    `WebSocketEndpoint`'s `on_connect`, `on_receive` (its message a source) and
    `on_disconnect`."""
    given = dict(zip(("path", "endpoint"), call.args, strict=False))
    given.update({k.arg: k.value for k in call.keywords if k.arg in ("path", "endpoint")})
    endpoint, path = given.get("endpoint"), given.get("path")
    written = dotted_name(endpoint) if endpoint is not None else ""
    found = _definition(module, written, cache, base) if written else None
    if found is None:
        return []
    owner, name = found
    path_text = path.value if isinstance(path, ast.Constant) and \
        isinstance(path.value, str) else ""
    info = owner.classes.get(name)
    methods = _SOCKET_METHODS if socket else _ENDPOINT_METHODS
    served = [(owner.functions[name], None)] if name in owner.functions else \
        [(info.methods[m], info) for m in methods if m in info.methods] \
        if info is not None else []
    out = []
    for node, cls in served:
        if fastapi and cls is None:
            labels, objects = _request_params(node, owner, cache, base, "FastAPI", path_text)
        else:
            labels, objects = {}, _connection(node, cls)
            names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            if socket and node.name == "on_receive" and len(names) > 2:
                labels[names[2]] = "WebSocket message"  # after self and the connection
        out.append(View(owner, node, labels, (), WEBSOCKET_KINDS if socket else _HTTP_KINDS,
                        None, objects, cls))
    return out


def _connection(node: FunctionNode, cls: ClassInfo | None) -> dict[str, str]:
    """A Starlette endpoint's request (or websocket) parameter, as a framework object:
    the first, after `self` for a class endpoint's method."""
    names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    names = names[1:] if cls is not None else names
    return {names[0]: FASTAPI_REQUEST} if names else {}


def _definition(module: Module, written: str, cache: ModuleCache, base: str
                ) -> tuple[Module, str] | None:
    """The module defining the function or class a name written in `module` refers to
    (defined there, or imported from a module of the project), and its name there."""
    if written in module.functions or written in module.classes:
        return module, written
    found = _object_module(module, written, cache, base)
    if found is None or (found[1] not in found[0].functions and
                         found[1] not in found[0].classes):
        return None
    return found


def _request_params(node: FunctionNode, module: Module, cache: ModuleCache, base: str,
                    framework: str, path: str, typed_only: bool = False, depth: int = 0
                    ) -> tuple[dict[str, str], dict[str, str]]:
    """The parameters of a FastAPI view (or of a Powertools view with data validation:
    `typed_only`, the annotated ones) that carry request input, and the framework objects
    among them: path parameters by name, the others query parameters, headers, cookies,
    form fields or the JSON body; not what the framework validated into no text
    (numbers, booleans, dates, UUIDs, Enum members, `Literal` choices, a string held to
    an anchored `pattern=`), nor dependencies (`Depends(...)`) unless the dependency
    returns request input (`_dependency_input`). A parameter typed with a
    pydantic model of the project is its JSON body, read field by field
    (`models.model_fields`): its kind is the model's."""
    table = builtin_table()  # (model bases and guards: the user's section extends neither)

    def resolve(where: Module, written: str) -> ClassInfo | None:
        return _class_named(where, written, cache, base)

    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    labels: dict[str, str] = {}
    objects: dict[str, str] = {}
    for arg, default in (*zip(positional, defaults, strict=True),
                         *zip(args.kwonlyargs, args.kw_defaults, strict=True)):
        if typed_only and arg.annotation is None:
            continue
        where_typed, annotation = _aliased(module, arg.annotation, cache, base)
        annotation, default = _unannotated(annotation, default)
        kind = _FASTAPI_OBJECTS.get(dotted_name(annotation).rpartition(".")[2]) \
            if annotation is not None else None
        if kind is not None:
            if kind:
                objects[arg.arg] = kind  # read through its sources
            continue
        if isinstance(default, ast.Call) and \
                dotted_name(default.func).rpartition(".")[2] in _FASTAPI_DEPENDENCIES:
            dependency = _dependency_input(default, where_typed, cache, base, framework, depth)
            if dependency:
                labels[arg.arg] = f"{framework} dependency '{dependency}'"
            continue
        verdict = annotation_verdict(annotation, default, where_typed, table, resolve)
        if verdict == CLEAN:
            continue
        where = "path" if any(mark + arg.arg + end in path for mark, end in
                              (("{", "}"), ("{", ":"), (":", "}"), ("<", ">"))) else "request"
        labels[arg.arg] = f"{framework} {where} parameter '{arg.arg}'"
        if verdict != TEXT:
            objects[arg.arg] = verdict  # a model: its fields decide
    return labels, objects


def _dependency_input(call: ast.Call, where: Module, cache: ModuleCache, base: str,
                      framework: str, depth: int) -> str:
    """The name of the project function a `Depends(f)` written in `where` names when f
    returns request input: it takes some (its own parameters are resolved from the
    request as a view's are: query, body, headers, a `Request`) and a `return` of it
    reads one of them (`return await request.json()`, `return cmd`). '' otherwise: a
    dependency reading no input, or returning something else (a user row found by a
    token, a database session)."""
    target = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg == "dependency"), None)
    name = dotted_name(target) if target is not None else ""
    if not name or depth > 3:
        return ""
    found = _definition(where, name, cache, base)
    if found is None or found[1] not in found[0].functions:
        return ""
    owner, function = found[0], found[0].functions[found[1]]
    labels, objects = _request_params(function, owner, cache, base, framework, "",
                                      depth=depth + 1)
    inputs = set(labels) | set(objects)
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None and any(
                isinstance(n, ast.Name) and n.id in inputs for n in ast.walk(node.value)):
            return name
    return ""


#: The kind of a FastAPI view's `Request` parameter (its sources: taint_python.json).
FASTAPI_REQUEST = "fastapi-request"
#: Framework objects a FastAPI view may take, and the kind whose sources they have (an
#: empty kind: nothing of it is request input).
_FASTAPI_OBJECTS = {
    "Request": FASTAPI_REQUEST, "HTTPConnection": FASTAPI_REQUEST,
    "WebSocket": FASTAPI_REQUEST, "UploadFile": "fastapi-upload",
    "Response": "", "BackgroundTasks": "", "SecurityScopes": ""}
#: Default values that make a parameter a dependency, not request input.
_FASTAPI_DEPENDENCIES = frozenset(("Depends", "Security"))


def _aliased(module: Module, annotation: ast.expr | None, cache: ModuleCache, base: str,
             depth: int = 0) -> tuple[Module, ast.expr | None]:
    """A type alias the annotation names, as the module it is written in and what it
    stands for (`DB = Annotated[Session, Depends(get_db)]` at the top level of the
    module or of a project module it imports it from, aliases of aliases too); the
    annotation itself otherwise."""
    name = dotted_name(annotation) if annotation is not None else ""
    found = _object_module(module, name, cache, base) if name and depth < 4 else None
    if found is None:
        return module, annotation
    owner, alias = found
    value = _bound_value(owner, alias)
    if isinstance(value, ast.Subscript):
        return owner, value
    if isinstance(value, (ast.Name, ast.Attribute)):  # `UserDep = CurrentUser`
        return _aliased(owner, value, cache, base, depth + 1)
    return module, annotation


def _unannotated(annotation: ast.expr | None, default: ast.expr | None
                 ) -> tuple[ast.expr | None, ast.expr | None]:
    """`Annotated[T, Query(...)]` as the type T and the default `Query(...)` (the last of
    its metadata); any other annotation as it is."""
    if isinstance(annotation, ast.Subscript) and \
            dotted_name(annotation.value).rpartition(".")[2] == "Annotated" and \
            isinstance(annotation.slice, ast.Tuple) and len(annotation.slice.elts) > 1:
        return annotation.slice.elts[0], annotation.slice.elts[-1]
    return annotation, default


def _class_named(module: Module, written: str, cache: ModuleCache, base: str
                 ) -> ClassInfo | None:
    """The project class a name written in `module` refers to (defined there, or imported
    from a module of the project)."""
    found = _definition(module, written, cache, base)
    return found[0].classes.get(found[1]) if found is not None else None


def _resolver_objects(module: Module) -> list[str]:
    """The names of the Powertools resolvers and routers a module's top level creates."""
    return [obj for cls in sorted(RESOLVERS & module.constructed)
            if module.qualify(cls).startswith("aws_lambda_powertools.")
            for obj in app_objects(module.tree, cls)]


#: How a Powertools resolver is made and extended, for `app_scopes`.
POWERTOOLS = AppKind(tuple(sorted(RESOLVERS)), "include_router", "prefix")
_KINDS = {"Flask": FLASK, "Powertools": POWERTOOLS}


def _scoped_views(module: Module, obj: str, cache: ModuleCache, base: str, framework: str
                  ) -> list[View]:
    """The views of a Flask app (or a Powertools resolver: `framework`), wherever
    `app_scopes` finds its routes registered (the module's top level, factories, helpers,
    blueprints or included routers); each view once."""
    views: list[View] = []
    seen: set[int] = set()
    powertools = framework == "Powertools"
    where = (cache, base)
    for scope in app_scopes(cache.root, base or ".", module.tree, module.file, obj,
                            _KINDS[framework]):
        owner = module if scope.file == module.file else cache.try_get(scope.file)
        if owner is None:
            continue
        nested = (scope.tree, scope.views()) if scope.function is not None else None
        for name in sorted(scope.objects):
            view_of = obj if scope.app and not powertools else None
            for view in _route_views(owner, name, framework, view_of, nested, where,
                                     name if powertools else None):
                if id(view.node) not in seen:
                    seen.add(id(view.node))
                    views.append(view)
    return views


def _blueprints(module: Module, obj: str, cache: ModuleCache, base: str,
                method: str = "register_blueprint") -> list[tuple[Module, str]]:
    """The blueprints `<obj>.register_blueprint(bp)` (or routers `<obj>.include_router(r)`,
    `method`; `router=r` too) registers at the module's top level, also in a loop over a
    list of them (`for r in routers: app.include_router(r)`, the list written there or
    imported): (the module defining the blueprint object, its name there)."""
    out: list[tuple[Module, str]] = []
    for stmt in module.tree.body:
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name):
            loop = stmt.target.id
            if any(_registered(inner, obj, method) == loop for inner in stmt.body):
                for owner, item in _listed(module, stmt.iter, cache, base):
                    found = _object_module(owner, item, cache, base)
                    if found is not None:
                        out.append(found)
            continue
        name = _registered(stmt, obj, method)
        found = _object_module(module, name, cache, base) if name else None
        if found is not None:
            out.append(found)
    return out


def _registered(stmt: ast.stmt, obj: str, method: str) -> str:
    """The name `<obj>.<method>(x)` (or `router=x`, `blueprint=x`) registers in a statement
    ('' when it is no such call)."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not isinstance(call, ast.Call) or dotted_name(call.func) != f"{obj}.{method}":
        return ""
    given = _included(call, method)
    return dotted_name(given) if given is not None else ""


def _included(call: ast.Call, method: str) -> ast.expr | None:
    """What an include call brings in: `include_router(router)` / `register_blueprint(bp)`
    (or `router=`, `blueprint=`), `mount("/v1", sub_app)` (or `app=`)."""
    if method == "mount":
        return call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "app"), None)
    return call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg in ("router", "blueprint")), None)


def _listed(module: Module, node: ast.expr, cache: ModuleCache, base: str
            ) -> list[tuple[Module, str]]:
    """The names in a list a loop runs over: written there (`[a.router, b.router]`) or
    a list bound at the top level of the module defining it (`from routes import routers`)
    with the module they are written in."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return [(module, dotted_name(e)) for e in node.elts if dotted_name(e)]
    found = _object_module(module, dotted_name(node), cache, base) if dotted_name(node) \
        else None
    if found is None:
        return []
    owner, name = found
    value = _bound_value(owner, name)
    if isinstance(value, (ast.List, ast.Tuple)):
        return [(owner, dotted_name(e)) for e in value.elts if dotted_name(e)]
    return []


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
                 factory: tuple[ast.Module, dict[str, FunctionNode]] | None = None,
                 where: tuple[ModuleCache, str] | None = None, bound: str | None = None
                 ) -> list[View]:
    """The views `@<obj>.route(...)` of a module (`factory`: of a factory's body, as
    `RouteScope.tree`, and the functions nested in it). `view_of` set: the routes of an
    object whose triggers name their view (a Chalice app's, and its registered
    blueprints', which the Chalice loader reads as routes of the app); else their flows
    relate to every HTTP trigger of the function. `where` (the
    module cache and the code folder): a view a registration names from another module
    (`add_url_rule("/x", view_func=views.search)`) is found there, and a Powertools
    view's annotated parameters that are no path parameter are input too (data
    validation fills them from the query string, headers or the body: without it, they
    would only ever hold their default).
    `bound`: the name the views read the Powertools resolver by (`app.current_event`) when
    the code does not show its kind: a factory's local resolver, a helper's parameter, a
    resolver made by a factory and imported."""
    out: list[View] = []
    seen: set[str] = set()
    classes: dict[int, View] = {}
    tree, functions = factory if factory is not None else (module.tree, module.functions)
    for deco in route_registrations(tree, {obj}):  # decorators, add_url_rule calls
        owner, node = module, functions.get(deco.function)
        info = module.classes.get(deco.function) if node is None else None
        found = _definition(module, deco.function, *where) \
            if node is None and info is None and where is not None and deco.function else None
        if found is not None:  # `view_func=views.search`, imported
            owner, node = found[0], found[0].functions.get(found[1])
            info = owner.classes.get(found[1]) if node is None else None
        if info is not None:  # a class-based view or a resource: its methods serve
            _class_views(info, deco, framework, classes)
            continue
        if node is None or deco.function in seen:
            continue
        seen.add(deco.function)
        path = deco.args[0] if deco.args and isinstance(deco.args[0], str) else ""
        names = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                 *node.args.kwonlyargs)]
        labels = {name: f"{framework} path parameter '{name}'" for name in names
                  if _is_text_param(framework, path, name)}
        objects: dict[str, str] = {}
        if where is not None and framework == "Powertools":
            given, kinds = _request_params(node, owner, where[0], where[1], framework,
                                           path, typed_only=True)
            # a path parameter is text whatever its type (without validation, a string)
            objects = {name: kind for name, kind in kinds.items() if name not in labels}
            labels = {**given, **labels}
        if bound is not None:
            objects[bound] = POWERTOOLS_RESOLVER
        out.append(View(owner, node, labels, (), frozenset({"http"}),
                        deco.function if view_of is not None else None, objects))
    return [*out, *classes.values()]


def _class_views(info: ClassInfo, deco: Decorated, framework: str,
                 views: dict[int, View]) -> None:
    """Add (to `views`, by node) the methods of a class-based view (Flask's `MethodView`,
    a Flask-RESTful resource) that serve one registration of it (`methods`, else those it
    defines), its route's text parameters as their sources; a method serving several
    routes has the parameters of each."""
    path = deco.args[0] if deco.args and isinstance(deco.args[0], str) else ""
    listed = deco.kwargs.get("methods")
    wanted = [str(m).lower() for m in listed] if isinstance(listed, (list, tuple)) \
        else view_methods(info.node)
    for name in wanted:
        node = info.methods.get(name)
        if node is None:
            continue
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                  *node.args.kwonlyargs)][1:]  # self
        labels = {param: f"{framework} path parameter '{param}'" for param in params
                  if _is_text_param(framework, path, param)}
        view = views.get(id(node))
        if view is None:
            views[id(node)] = View(info.module, node, labels, (), frozenset({"http"}), None,
                                   {}, info)
        else:
            view.labels.update(labels)


def _is_text_param(framework: str, path: str, name: str) -> bool:
    if framework == "Chalice":
        return "{" + name + "}" in path or "{" + name + "+}" in path
    for converter, param in FLASK_PARAM.findall(path):
        if param == name:
            return converter not in NUMERIC_CONVERTERS
    return False


def _adapted_django_views(function: Function, module: Module, handler: Module,
                          cache: ModuleCache) -> list[View]:
    """The views of the Django project whose application (made in `module`) an adapter
    in `handler` serves (`Mangum(get_asgi_application())`, apig-wsgi's
    `make_lambda_handler(application)`): its settings module is the function's
    DJANGO_SETTINGS_MODULE, else the one the application's module or the handler's sets;
    its routes are read from the settings' ROOT_URLCONF as for Zappa."""
    settings = settings_module(function, module.tree, handler.tree)
    if settings is None:
        return []
    project = django_project(cache.root, function.code_dir or ".", settings)
    return django_views(project.views, cache, function.code_dir or "")


def django_views(found_views: Iterable[object], cache: ModuleCache, base: str = ""
                 ) -> list[View]:
    """The views of a Django project's routes (`DjangoView`s: a Zappa or serverless-wsgi
    function's `django_views`, as the loader found them, or those of a project behind an
    adapter), each once: the request parameter an object of kind DJANGO_REQUEST, the
    route parameters of any of its routes that carry text sources; a Django Ninja
    operation's other parameters are read as a FastAPI view's (`_request_params`: by
    their types)."""
    routes: dict[tuple[str, str], list[DjangoView]] = {}
    for found in found_views:
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
        objects = {names[0]: DJANGO_REQUEST}
        if any(isinstance(view, NinjaView) for view in served):  # Django Ninja
            labels, typed = _request_params(node, module, cache, base, "Django Ninja",
                                            served[0].route)
            labels.pop(names[0], None)
            objects = {**typed, names[0]: DJANGO_REQUEST}
        out.append(View(module, node, labels, (), frozenset({"http"}), None, objects, info))
    return out


def _is_django_text(view: DjangoView, name: str) -> bool:
    """Is route parameter `name` text the caller chooses? (`<str:x>`, `<slug:x>`, `<x>`,
    a regex group; not `<int:x>`, `<uuid:x>`, a group of digits `(?P<year>[0-9]{4})`)"""
    if view.regex and f"(?P<{name}>" in view.route:
        group = re.search(rf"\(\?P<{re.escape(name)}>([^()]*)\)", view.route)
        return group is None or not DIGITS_ONLY.fullmatch(group.group(1))  # not `\d+`
    return any(param == name and (converter or "str") not in DJANGO_NOT_TEXT
               for converter, param in FLASK_PARAM.findall(view.route))
