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

A Zappa Django project (`django_settings`) has no app object: its entry points are the
views of its URL routes (`Function.properties["django_views"]`, found by
`loaders.django_routes`), whose first parameter is a Django request (an object of kind
`django-request`: `request.GET`, `POST`, `body`, `META`, ... are the table's sources)
and whose route parameters are sources (not `int`/`uuid`).
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass, field

from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    dotted_name,
    search_path,
)
from faasguard.loaders.decorators import app_objects
from faasguard.loaders.django_routes import DjangoView
from faasguard.loaders.flask_routes import FLASK_PARAM, app_factory, app_scopes, route_registrations
from faasguard.model import App, Function

#: Flask route converters whose value is a number (not attacker-chosen text).
NUMERIC_CONVERTERS = {"int", "float"}
#: Django path converters whose value is no attacker-chosen text (digits, a UUID).
DJANGO_NOT_TEXT = {"int", "uuid"}
#: The kind of a Django view's request parameter (its attributes are sources).
DJANGO_REQUEST = "django-request"
_FRAMEWORKS = {"Chalice": "Chalice", "Flask": "Flask"}


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
    django = _django_views(function, cache)
    if django:
        return [*django, *_event_functions(function, cache)]
    if not function.source_file or not function.handler_name:
        return []
    module = cache.try_get(function.source_file)
    if module is None or function.handler_name in module.functions:
        return []
    obj = function.handler_name
    framework = next((name for name in _FRAMEWORKS if obj in app_objects(module.tree, name)),
                     None)
    views: list[View] = []
    if framework == "Chalice":
        views.extend(_route_views(module, obj, framework, obj))
        for owner, blueprint in _blueprints(module, obj, cache, function.code_dir or ""):
            views.extend(_route_views(owner, blueprint, framework, None))
    elif framework == "Flask" or app_factory(cache.root, function.code_dir or ".",
                                             module.tree, module.file, obj) is not None:
        views.extend(_flask_views(function, module, obj, cache))
    views.extend(_event_functions(function, cache))
    return views


def module_views(module: Module) -> list[View]:
    """The route views of every Chalice/Flask app or blueprint object a module creates
    (for code no function of the App reaches: a WSGI app behind an adapter, say)."""
    out: list[View] = []
    made = module.constructed  # no `x = Flask(...)` at the top level: no Flask app object
    for framework in _FRAMEWORKS:
        if framework in made:
            for obj in app_objects(module.tree, framework):
                out.extend(_route_views(module, obj, framework, None))
    if "Blueprint" in made:
        blueprint_of = "Chalice" if module.qualify("Blueprint").startswith("chalice") \
            else "Flask"
        for obj in app_objects(module.tree, "Blueprint"):
            out.extend(_route_views(module, obj, blueprint_of, None))
    return out


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


def _blueprints(module: Module, obj: str, cache: ModuleCache, base: str
                ) -> list[tuple[Module, str]]:
    """The blueprints `<obj>.register_blueprint(bp)` registers at the module's top level:
    (the module defining the blueprint object, its name there)."""
    out: list[tuple[Module, str]] = []
    for stmt in module.tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call) or not call.args \
                or dotted_name(call.func) != f"{obj}.register_blueprint":
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


def _django_views(function: Function, cache: ModuleCache) -> list[View]:
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


def _event_functions(function: Function, cache: ModuleCache) -> list[View]:
    """Zappa `events` entries that name a function (`"function": "app.thumbnail"`)."""
    from faasguard.analysis.handlers import split_handler

    out: list[View] = []
    code_dir = (function.code_dir or "").strip("/")
    code_dir = "" if code_dir in (".", "./") else code_dir
    for trigger in function.triggers:
        target = trigger.properties.get("function")
        parts = split_handler(target) if isinstance(target, str) else None
        if parts is None:
            continue
        rel = posixpath.normpath(posixpath.join(code_dir, parts[0] + ".py"))
        module = cache.try_get(rel)
        node = module.functions.get(parts[1]) if module is not None else None
        if module is None or node is None:
            continue
        first = [a.arg for a in (*node.args.posonlyargs, *node.args.args)][:1]
        out.append(View(module, node, {}, tuple(first), frozenset({trigger.kind}), None))
    return out
