"""Entry points of web-framework apps: the functions an app object routes requests to.

A Chalice API handler (`app.app`) and a Zappa function (`app_function: app.app`) name an
app object, not a function. Its entry points are read from the code with `ast` (never
imported): the views decorated with `@<app>.route(...)` or Flask's `@<app>.get(...)`,
`post`, ..., or added by Flask's `<app>.add_url_rule(rule, view_func=f)` (their
parameters are path parameters: Chalice `{id}`, Flask `<id>`; Flask's
`int`/`float` converters make a parameter a number, not attacker text), the views of
the blueprints the app object registers (`app.register_blueprint(bp)`, at the top level
of the app's module; for Flask also nested blueprints), and for a Flask app the views
nested in the factory that makes the app object (`app = create_app()`, and the factories
it takes its app from) and in the helpers the app is passed to (`register_routes(app)`):
everywhere `loaders.flask_routes.app_scopes` finds routes registered. For
Zappa the functions its `events` name (`"function": "app.thumbnail"`), whose first
parameter is the raw Lambda event of that trigger. Chalice's event decorators
(`on_s3_event`, ...) already make functions of their own and need nothing here.

A Django project (Zappa's `django_settings`, the serverless-wsgi plugin, or an adapter
the handler module makes: `loaders.wsgi_plugin`) has no app object: its entry points are
the views of its URL routes (`Function.properties["django_views"]`, found by
`loaders.django_routes`; for an adapter a handler function calls, read here), whose
first parameter is a Django request (an object of kind `django-request`:
`request.GET`, `POST`, `body`, `META`, ... are the table's sources) and whose route
parameters are sources (not `int`/`uuid`; a Django Ninja operation's parameters by
their types).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from faasguard.analysis.taint.modules import ClassInfo, FunctionNode, Module, ModuleCache
from faasguard.model import App, Function

#: Flask route converters whose value is a number (not attacker-chosen text).
NUMERIC_CONVERTERS = {"int", "float"}
#: Django path converters whose value is no attacker-chosen text (digits, a UUID).
DJANGO_NOT_TEXT = {"int", "uuid"}
#: The kind of a Django view's request parameter (its attributes are sources).
DJANGO_REQUEST = "django-request"
#: The app classes whose objects route requests to views.
FRAMEWORKS = ("Chalice", "Flask")
#: Powertools for AWS Lambda's event handlers and routers: a plain handler gives the event
#: to `app.resolve(event, context)`, which calls the view of the request's route; a view
#: reads the request from `app.current_event` (the table's `event_objects`).
RESOLVERS = frozenset(("APIGatewayRestResolver", "APIGatewayHttpResolver", "ALBResolver",
                       "LambdaFunctionUrlResolver", "VPCLatticeResolver", "VPCLatticeV2Resolver",
                       "ApiGatewayResolver", "Router", "APIGatewayRouter", "APIGatewayHttpRouter",
                       "ALBRouter", "LambdaFunctionUrlRouter"))
#: The kind of a Powertools resolver object (its `current_event` is the request's event).
POWERTOOLS_RESOLVER = "powertools-resolver"
#: The callees whose top-level result may be an app object with route views (`module_views`).
_VIEW_MAKERS = frozenset((*FRAMEWORKS, "Blueprint", *RESOLVERS, "FastAPI", "APIRouter",
                          "Starlette"))
#: Adapter calls a handler function makes with the app it serves as the first argument
#: (`return serverless_wsgi.handle_request(app, event, context)`, aws-wsgi's
#: `awsgi.response(app, event, context)`, `Mangum(app)(event, context)`).
ADAPTER_CALLS = frozenset(("mangum.Mangum", "apig_wsgi.make_lambda_handler",
                           "serverless_wsgi.handle_request", "awsgi.response"))
_ADAPTER_MODULES = frozenset(name.partition(".")[0] for name in ADAPTER_CALLS)


@dataclass(frozen=True)
class View:
    """One entry point of an app object.

    `labels`: the parameters that are sources and their names in findings ("Flask path
    parameter 'id'"); `params`: parameters analysed as raw event input (a Zappa event
    function's event). `kinds`: the trigger kinds its input arrives through; `view`: the
    view name the function's HTTP triggers carry (`properties["view"]`), if any;
    `objects`: parameters that are framework objects, and their kind (a Django view's
    request: `django-request`); `owner`: the class of a method (a class-based view's
    `get`), so `self.helper()` is followed.
    """

    module: Module
    node: FunctionNode
    labels: dict[str, str]
    params: tuple[str, ...]
    kinds: frozenset[str]
    view: str | None
    objects: dict[str, str] = field(default_factory=dict)
    owner: ClassInfo | None = None


def app_entries(function: Function, app: App, cache: ModuleCache) -> list[View]:
    """The views and event functions of the app object a function's handler names
    (empty when the handler is a plain function or names no known app object)."""
    if function.properties.get("django_views"):
        from faasguard.analysis.taint import framework_views

        django = framework_views.django_views(function.properties["django_views"], cache,
                                              function.code_dir or "")
        if django:
            return [*django, *_event_functions(function, cache)]
    if not function.source_file or not function.handler_name:
        return []
    module = cache.try_get(function.source_file)
    if module is None or function.handler_name in module.functions:
        return []  # a plain handler function: no framework's routes to read
    from faasguard.analysis.taint import framework_views

    return [*framework_views.app_views(function, module, cache),
            *_event_functions(function, cache)]


def resolver_views(module: Module, cache: ModuleCache, base: str,
                   handler: FunctionNode | None = None) -> list[View]:
    """The route views of the Powertools event handlers a handler's module creates and of
    the routers they include (`app.include_router(router)`): what `app.resolve` calls;
    also of an event handler the handler function resolves its event with (`return
    app.resolve(event, context)`) that is made in another module or by a factory
    (`app = create_app()`)."""
    resolved = _resolved_names(module, handler) if handler is not None else ()
    if module.constructed.isdisjoint(RESOLVERS) and not resolved:
        return []
    from faasguard.analysis.taint import framework_views

    return framework_views.powertools_views(module, cache, base, resolved)


def _resolved_names(module: Module, handler: FunctionNode) -> tuple[str, ...]:
    """The imported or module-level names a handler calls `.resolve(...)` on in its own
    statements (`return app.resolve(event, context)`; inside a `try` too)."""
    if module.source and ".resolve(" not in module.source:
        return ()  # the common case: no walk of the handler
    found: list[str] = []
    todo = list(handler.body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, ast.Try):
            todo.extend(stmt.body)
            continue
        call = getattr(stmt, "value", None)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                call.func.attr == "resolve" and isinstance(call.func.value, ast.Name) and \
                (call.func.value.id in module.aliases or call.func.value.id in module.assigned):
            found.append(call.func.value.id)
    return tuple(found)


def adapter_views(function: Function, module: Module, handler: FunctionNode,
                  cache: ModuleCache) -> list[View]:
    """The views of the web apps a handler function serves through an adapter it calls
    (`ADAPTER_CALLS`): what the adapter routes the event to."""
    for target in module.aliases.values():
        if target.partition(".")[0] in _ADAPTER_MODULES:
            break
    else:
        return []  # imports no adapter (the common case: no walk of the handler)
    from faasguard.analysis.taint import framework_views

    return framework_views.called_adapter_views(function, module, handler, cache)


def module_views(module: Module, cache: ModuleCache) -> list[View]:
    """The route views of every Chalice/Flask/FastAPI app, blueprint, router or Powertools
    resolver a module creates, and the websocket endpoints of a Starlette or FastAPI app's
    routes list (for code no function of the App reaches: a WSGI app behind an adapter no
    handler shows, say, or a websocket endpoint of an app served to HTTP events only)."""
    # no `x = Flask(...)` at the top level: no Flask app object
    if module.constructed.isdisjoint(_VIEW_MAKERS):
        return []
    from faasguard.analysis.taint import framework_views

    return framework_views.constructed_views(module, cache)


def _event_functions(function: Function, cache: ModuleCache) -> list[View]:
    """Zappa `events` entries that name a function (`"function": "app.thumbnail"`)."""
    from faasguard.analysis.handlers import named_function

    out: list[View] = []
    for trigger in function.triggers:
        target = trigger.properties.get("function")
        named = named_function(function, target) if isinstance(target, str) else None
        if named is None:
            continue
        module = cache.try_get(named[0])
        node = module.functions.get(named[1]) if module is not None else None
        if module is None or node is None:
            continue
        first = [a.arg for a in (*node.args.posonlyargs, *node.args.args)][:1]
        out.append(View(module, node, {}, tuple(first), frozenset({trigger.kind}), None))
    return out
