"""The routes of a Flask app, read from its code with `ast` (never imported).

`flask_routes(root, code_dir, "app.app")` lists the routes of the Flask object a handler
setting names (Zappa's `app_function`): the views decorated with `@<app>.route(...)` or
the one-method shortcuts (`@<app>.get`, `post`, `put`, `delete`, `patch`), the rules
added by `<app>.add_url_rule("/x", view_func=f, methods=[...])` at the module's top level
(`route_registrations` lists both, as `Decorated` records), and those of the blueprints
the app registers
(`app.register_blueprint(bp, url_prefix="/v1")`; the blueprint defined in the same
module or function, or imported from a module of the project), under their `url_prefix`,
and the blueprints those register (`bp.register_blueprint(child)`, prefixes joined). An
app made by a factory (`app = create_app()`, the factory in the module or imported from a
module of the project) has the routes and blueprints the factory's body registers on its
own `Flask(...)` object or on the app it takes from another factory, and a helper the
app is passed to (`register_routes(app)`) registers routes on it too: `app_scopes` lists
every such place (for a Flask app, or, given its `AppKind`, another framework's app made
the same way: a Powertools resolver and the routers it includes). Paths are
written the way API Gateway writes them: `<id>` and `<int:id>` become `{id}`,
`<path:key>` (which matches slashes) becomes `{key+}`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from faasguard.loaders.blueprints import (
    dotted_module,
    module_file,
    module_imports,
    registered_blueprints,
    registered_made,
)
from faasguard.loaders.decorators import (
    Decorated,
    app_objects,
    decorators_of,
    dotted_name,
    literal,
    module_literals,
    parse_python,
    top_level_value,
)
from faasguard.loaders.documents import InputError
from faasguard.model import Location, Route


@dataclass(frozen=True)
class AppKind:
    """How a framework makes and extends an app object: the constructors of its app
    objects (`makers`), the method registering a blueprint or router on it (`register`)
    and that call's keyword for the prefix of the routes it brings in (`prefix`)."""

    makers: tuple[str, ...]
    register: str = "register_blueprint"
    prefix: str = "url_prefix"


#: A Flask app: `Flask(...)`, `app.register_blueprint(bp, url_prefix="/v1")`.
FLASK = AppKind(("Flask",))
#: A FastAPI app: `FastAPI(...)`, `app.include_router(router, prefix="/v1")`, routers
#: made with their own `APIRouter(prefix=...)`.
FASTAPI = AppKind(("FastAPI",), "include_router", "prefix")
#: What a function may make and return for an app to register (`_made_blueprints`).
_PARTS = ("Blueprint", "APIRouter")
#: A Flask route parameter, `<name>` or `<converter:name>` (`<string(length=2):code>`).
FLASK_PARAM = re.compile(r"<(?:([A-Za-z_]\w*)(?:\([^)>]*\))?:)?([A-Za-z_]\w*)>")
#: Flask's route decorators: `route` (methods from `methods=`, GET by default) and the
#: one-method shortcuts of Flask 2.
ROUTE_DECORATORS = {"route": None, "get": "GET", "post": "POST", "put": "PUT",
                    "delete": "DELETE", "patch": "PATCH", "head": "HEAD",
                    "options": "OPTIONS", "api_route": None}
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

    def behind(self, proxy: Route, function: str) -> Route:
        """This route as served through `proxy`, the API route that passes requests to
        the app (it gives the API, its kind and its protection)."""
        return Route(proxy.api, proxy.api_kind, self.method, self.path, self.location,
                     function=function, authorizer=proxy.authorizer,
                     api_key_required=proxy.api_key_required, pattern=self.pattern)


def flask_routes(root: str, code_dir: str, handler: str, kind: AppKind | None = None
                 ) -> list[AppRoute]:
    """The routes of the Flask app object `handler` (`module.object`) names (of a
    FastAPI app with `kind=FASTAPI`: its routers' `prefix`es joined); [] when the module
    cannot be read (handler resolution reports that)."""
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
    return [route for scope in app_scopes(root, code_dir, tree, rel, obj, kind or FLASK)
            for route in _routes(scope.tree, scope.file, set(scope.objects), scope.prefix)]


#: How deep helpers, factories calling factories and nested blueprints are followed.
MAX_DEPTH = 8
Body = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class RouteScope:
    """Code that registers routes of one Flask app: the `route_registrations` of the names
    `objects` in `tree` (from module `file`) are routes of the app, under `prefix`.

    `app`: the names are the app object itself (else a blueprint). `function`: the factory
    or helper whose body `tree` holds (then `tree` is that module's imports, classes and
    assignments followed by the body, and the views are the functions nested in the body;
    see `views`), or None for a module's top level."""

    file: str
    tree: ast.Module
    objects: frozenset[str]
    prefix: str = ""
    app: bool = True
    function: Body | None = None

    def views(self) -> dict[str, Body]:
        """The functions its route registrations may name, by name."""
        body = self.function.body if self.function is not None else self.tree.body
        return {n.name: n for n in body if isinstance(n, (ast.FunctionDef,
                                                           ast.AsyncFunctionDef))}


def app_scopes(root: str, code_dir: str, tree: ast.Module, rel: str, obj: str,
               kind: AppKind = FLASK) -> list[RouteScope]:
    """Everywhere the Flask app `obj` of module `rel` (parsed as `tree`) gets routes, in
    order (for another framework's app, `kind` says what makes and extends it): the
    module's top level (every `Flask(...)` object it makes, and `obj`); the
    factory that makes `obj` (`obj = create_app()`, the factory in the module or imported
    from the project), and the factories that factory takes its app from; the helpers the
    app is passed to (`register_routes(app)`, at any of those places, a function of the
    project); and the blueprints registered at each of them, with the blueprints those
    register (`bp.register_blueprint(child)`), their `url_prefix`es joined."""
    scopes = _Scopes(root, code_dir, kind)
    scopes.app(rel, tree, tree, _made(tree, kind) | {obj}, None, 0)
    factory = app_factory(root, code_dir, tree, rel, obj)
    if factory is not None:
        scopes.factory(factory.file, factory.module, factory.function, 1)
    return scopes.out


class _Scopes:
    """Collects the RouteScopes of one app (see `app_scopes`), each place once."""

    def __init__(self, root: str, code_dir: str, kind: AppKind) -> None:
        self.root, self.code_dir, self.kind = root, code_dir, kind
        self.out: list[RouteScope] = []
        self._seen: set[tuple[str, int, frozenset[str], str]] = set()
        self._parsed: dict[str, ast.Module] = {}

    def parse(self, root: str, rel: str) -> ast.Module:
        """`parse_python`, each module once (so each function is one node)."""
        if rel not in self._parsed:
            self._parsed[rel] = parse_python(root, rel)
        return self._parsed[rel]

    def factory(self, file: str, module: ast.Module, function: Body, depth: int) -> bool:
        """Add the scopes of a function that makes an app; False when it makes none
        (its app: a `Flask(...)` of its body, or the app another factory returns)."""
        body = _body_tree(module, function)
        objects = _made(ast.Module(body=list(function.body), type_ignores=[]), self.kind)
        for node in function.body:
            if depth < MAX_DEPTH and isinstance(node, ast.Assign) and \
                    isinstance(node.value, ast.Call):
                inner = called_function(self.root, self.code_dir, module, file,
                                        node.value.func, self.parse)
                if inner is not None and self.factory(*inner, depth + 1):
                    objects.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if objects:
            self.app(file, module, body, objects, function, depth)
        return bool(objects)

    def app(self, file: str, module: ast.Module, tree: ast.Module, objects: set[str],
            function: Body | None, depth: int) -> None:
        """The app's routes in `tree`, the blueprints it registers there and the helpers
        it is passed to."""
        if not self._first(file, function, objects, ""):
            return
        self.out.append(RouteScope(file, tree, frozenset(objects), "", True, function))
        self._namespaces(file, tree, objects, "")
        self._made_blueprints(file, module, tree, objects, "")
        self._blueprints(file, module, tree, objects, function, "", depth)
        if depth >= MAX_DEPTH:
            return
        for stmt in tree.body if function is None else function.body:
            # register_routes(app), app = with_health(app), api = make_api(app), return ...
            call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign,
                                                   ast.Return)) else None
            if not isinstance(call, ast.Call):
                continue
            helper = called_function(self.root, self.code_dir, module, file, call.func,
                                     self.parse)
            param = _parameter(call, helper[2], objects) if helper is not None else None
            if helper is not None and param is not None:
                self.app(helper[0], helper[1], _body_tree(helper[1], helper[2]), {param},
                         helper[2], depth + 1)

    def _blueprints(self, file: str, module: ast.Module, tree: ast.Module, objects: set[str],
                    function: Body | None, prefix: str, depth: int) -> None:
        """The blueprints `objects` register in `tree` (and, nested, theirs; a FastAPI
        app's mounted sub-applications too)."""
        methods = (self.kind.register, "mount") if self.kind is FASTAPI else \
            (self.kind.register,)
        for bp in (found for method in methods for found in registered_blueprints(
                self.root, self.code_dir, tree, file, objects, method)):
            home, home_function = bp.tree, None
            if bp.tree is tree and function is not None:  # defined where it is registered
                local = _assigned(function.body, bp.name)
                home, home_function = (tree, function) if local else (module, None)
            own = bp.options.get(self.kind.prefix)
            if not isinstance(own, str):
                own = _constructor_prefix(home, bp.name, self.kind.prefix)
            joined = _join(prefix, own) if own else prefix
            if not self._first(bp.file, home_function, {bp.name}, joined):
                continue
            self.out.append(RouteScope(bp.file, home, frozenset({bp.name}), joined, False,
                                       home_function))
            self._namespaces(bp.file, home, {bp.name}, joined)
            if depth < MAX_DEPTH:  # `bp.register_blueprint(child)` where bp is defined
                self._blueprints(bp.file, home if home_function is None else module, home,
                                 {bp.name}, home_function, joined, depth + 1)
                if home is not tree and bp.file == file:  # or where the app registers it
                    self._blueprints(file, module, tree, {bp.name}, function, joined,
                                     depth + 1)

    def _made_blueprints(self, file: str, module: ast.Module, tree: ast.Module,
                         objects: set[str], prefix: str) -> None:
        """The blueprints `objects` register as a factory's result
        (`app.register_blueprint(create_admin_blueprint())`): each blueprint (or router)
        the project function makes in its body and returns, its routes nested there."""
        for made, where_tree, where_rel, options in registered_made(
                self.root, self.code_dir, tree, file, objects, self.kind.register):
            found = called_function(self.root, self.code_dir,
                                    module if where_tree is tree else where_tree, where_rel,
                                    made.func, self.parse)
            if found is None:
                continue
            home, home_module, function = found
            body = ast.Module(body=list(function.body), type_ignores=[])
            returned = {n.value.id for n in ast.walk(function)
                        if isinstance(n, ast.Return) and isinstance(n.value, ast.Name)}
            parts = AppKind((*_PARTS, *self.kind.makers))
            for name in sorted(_made(body, parts) & returned):
                own = options.get(self.kind.prefix)
                own = own if isinstance(own, str) else \
                    _constructor_prefix(body, name, self.kind.prefix)
                joined = _join(prefix, own) if own else prefix
                if self._first(home, function, {name}, joined):
                    self.out.append(RouteScope(home, _body_tree(home_module, function),
                                               frozenset({name}), joined, False, function))

    def _namespaces(self, file: str, tree: ast.Module, objects: set[str], prefix: str
                    ) -> None:
        """The Flask-RESTX namespaces added to the APIs made on `objects` in `tree`
        (`api.add_namespace(ns, path="/x")`, `ns = Namespace("x")` made elsewhere too),
        under the API's prefix and their own path."""
        apis = _rest_apis(tree, objects)
        prefixes = set(apis.values())
        base = _join(prefix, prefixes.pop()) if len(prefixes) == 1 else prefix
        for ns in registered_blueprints(self.root, self.code_dir, tree, file, set(apis),
                                        "add_namespace"):
            own = ns.options.get("path")
            own = own if isinstance(own, str) else _namespace_path(ns.tree, ns.name)
            joined = _join(base, own) if own else base
            if self._first(ns.file, None, {ns.name}, joined):
                self.out.append(RouteScope(ns.file, ns.tree, frozenset({ns.name}), joined,
                                           False))

    def _first(self, file: str, function: Body | None, objects: set[str], prefix: str
               ) -> bool:
        """Is this the first time these objects of this place are met?"""
        key = (file, function.lineno if function is not None else 0, frozenset(objects),
               prefix)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


def _made(tree: ast.Module, kind: AppKind) -> set[str]:
    """The names of the app objects of `kind` a module (or a body as one) makes."""
    return {name for maker in kind.makers for name in app_objects(tree, maker)}


def _assigned(body: list[ast.stmt], name: str) -> bool:
    """Does a statement of `body` assign `name`?"""
    return any(isinstance(t, ast.Name) and t.id == name
               for n in body if isinstance(n, ast.Assign) for t in n.targets)


def _parameter(call: ast.Call, function: Body, objects: set[str]) -> str | None:
    """The parameter of `function` a call passes one of the app objects `objects` to."""
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Name) and arg.id in objects and index < len(params):
            return params[index]
    names = params + [a.arg for a in function.args.kwonlyargs]
    return next((k.arg for k in call.keywords if k.arg in names and
                 isinstance(k.value, ast.Name) and k.value.id in objects), None)


def _body_tree(module: ast.Module, function: Body) -> ast.Module:
    """A module made of `module`'s imports, classes and assignments followed by the body of
    `function` (so what reads a module's top level reads the body's statements)."""
    context = [n for n in module.body
               if isinstance(n, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.Assign))]
    return ast.Module(body=[*context, *function.body], type_ignores=[])


@dataclass(frozen=True)
class Factory:
    """The function that makes a module's app object (`app = create_app()`): `file` the
    module defining it (`module` its tree), `function` its definition (`app_scopes` reads
    the app objects and registrations of its body)."""

    file: str
    module: ast.Module
    function: Body


def app_factory(root: str, code_dir: str, tree: ast.Module, rel: str, obj: str
                ) -> Factory | None:
    """The function whose call is assigned to the top-level name `obj` of module `rel`
    (`obj = create_app(...)`, `obj: FastAPI = create_app()`, defined there or imported
    from a module of the project); None when there is none."""
    callee = None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == obj for t in targets):
            value = getattr(node, "value", None)
            callee = value.func if isinstance(value, ast.Call) else None
    found = called_function(root, code_dir, tree, rel, callee) if callee is not None \
        else None
    if found is None:
        return None
    return Factory(*found)


def called_function(root: str, code_dir: str, tree: ast.Module, rel: str, callee: ast.expr,
                    parse: Callable[[str, str], ast.Module] = parse_python
                    ) -> tuple[str, ast.Module, Body] | None:
    """The project function a call of `callee` (`f` or `module.f`) in module `rel` runs:
    its module's file, its tree (`parse` reads other modules) and its definition (None
    when it is not one statically)."""
    imports = module_imports(tree, dotted_module(rel, code_dir), rel.endswith("__init__.py"))
    if isinstance(callee, ast.Name):
        name, owner, owner_rel = callee.id, tree, rel
        dotted = imports.get(name)
    elif isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
            callee.value.id in imports:
        name, dotted = callee.attr, f"{imports[callee.value.id]}.{callee.attr}"
    else:
        return None
    if dotted is not None:  # imported from another module of the project
        module, _, name = dotted.rpartition(".")
        found = module_file(root, code_dir, module) if module else None
        if found is None:
            return None
        try:
            owner, owner_rel = parse(root, found), found
        except InputError:
            return None
    function = next((n for n in owner.body if isinstance(n, (ast.FunctionDef,
                                                              ast.AsyncFunctionDef))
                     and n.name == name), None)
    return (owner_rel, owner, function) if function is not None else None


def route_registrations(tree: ast.Module, objects: set[str]) -> list[Decorated]:
    """The route decorators (`route`, `get`, ...) of the objects `objects` of a module and
    their `add_url_rule` calls (as `route` records), and the resources of the
    Flask-RESTful or Flask-RESTX APIs made on them (`api = Api(app)`: its
    `api.add_resource(Resource, "/x", ...)` calls and `@api.route("/x")` classes), in the
    order they are written (one walk of the module's statements). A record whose
    `function` is a class (a class-based view, a resource) has the methods the class
    defines, unless its registration lists them."""
    apis = {**{name: "" for name in objects}, **_rest_apis(tree, objects)}
    module, registering = _ModuleNames(tree), set(apis)
    out: list[Decorated] = []
    for stmt in tree.body:
        for deco in decorators_of(stmt, registering, module.literals):
            if deco.name not in ROUTE_DECORATORS:
                continue
            if deco.function in module.classes and "methods" not in deco.kwargs:
                deco.kwargs["methods"] = _class_methods(module.classes[deco.function])
            if deco.obj in apis and deco.args and isinstance(deco.args[0], str):
                deco.args[0] = _join(apis[deco.obj], deco.args[0])
            out.append(deco)
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or \
                not isinstance(call.func.value, ast.Name):
            continue
        owner = call.func.value.id
        if call.func.attr == "add_url_rule" and owner in objects:
            out.append(_url_rule(call, owner, module))
        elif call.func.attr == "add_resource" and owner in apis and call.args:
            out.extend(_resource_routes(call, owner, apis[owner], module))
    return out


class _ModuleNames:
    """What a module's top level names, for reading its registrations: its literals
    (`module_literals`), its classes, and the views it makes of them
    (`view = UserAPI.as_view("user")`)."""

    def __init__(self, tree: ast.Module) -> None:
        self.literals = module_literals(tree)
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        self.as_views = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign)
                         and _as_view(n.value) for t in n.targets if isinstance(t, ast.Name)}


#: The Flask-RESTful / Flask-RESTX class whose objects route requests to resources (also
#: imported under another name from those modules: `from flask_restx import Api as X`).
REST_API = "Api"
REST_MODULES = frozenset(("flask_restful", "flask_restx", "flask_restplus"))


def _rest_apis(tree: ast.Module, objects: set[str]) -> dict[str, str]:
    """The Flask-RESTful / Flask-RESTX APIs a module makes on the app objects `objects`
    (`api = Api(app, prefix="/v1")`, `Api(app=bp)`), and the Flask-RESTX namespaces it
    makes on those (`ns = api.namespace("todos")`): name -> the prefix of its routes."""
    out: dict[str, str] = {}
    makers = {REST_API} | {alias.asname for node in tree.body
                           if isinstance(node, ast.ImportFrom) and node.module in REST_MODULES
                           for alias in node.names if alias.name == REST_API and alias.asname}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        call = node.value
        if isinstance(call.func, ast.Attribute) and call.func.attr == "namespace" and \
                isinstance(call.func.value, ast.Name) and call.func.value.id in out:
            path = _namespace_path(ast.Module(body=[node], type_ignores=[]),
                                   next((t.id for t in node.targets
                                         if isinstance(t, ast.Name)), ""))
            out.update({t.id: _join(out[call.func.value.id], path) for t in node.targets
                        if isinstance(t, ast.Name)})
            continue
        if (call.func.attr if isinstance(call.func, ast.Attribute) else
                call.func.id if isinstance(call.func, ast.Name) else "") not in makers:
            continue
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        target = call.args[0] if call.args else keywords.get("app")
        if isinstance(target, ast.Name) and target.id in objects:
            prefix = literal(keywords.get("prefix"))
            for name in node.targets:
                if isinstance(name, ast.Name):
                    out[name.id] = prefix if isinstance(prefix, str) else ""
    return out


def _namespace_path(tree: ast.Module, name: str) -> str:
    """The path of a Flask-RESTX namespace `name = Namespace("todos", path="/t")` (or
    `api.namespace(...)`) made at the top level of `tree`: its `path=`, else `/<its
    name>`; "" when it is not made there."""
    value = top_level_value(tree, name)
    if not isinstance(value, ast.Call):
        return ""
    keywords = {k.arg: literal(k.value) for k in value.keywords if k.arg}
    first = literal(value.args[0]) if value.args else keywords.get("name")
    path = keywords.get("path")
    return path if isinstance(path, str) else f"/{first}" if isinstance(first, str) else ""


def _resource_routes(call: ast.Call, api: str, prefix: str, module: _ModuleNames
                     ) -> list[Decorated]:
    """An `<api>.add_resource(Resource, "/a", "/b", ...)` call as one `route` record per
    URL (under the API's `prefix`; the methods the resource defines)."""
    resource = call.args[0]
    name = resource.id if isinstance(resource, ast.Name) else \
        resource.attr if isinstance(resource, ast.Attribute) else ""
    cls = module.classes.get(name)
    methods = _class_methods(cls) if cls is not None else []
    out = []
    for url in call.args[1:]:
        path = literal(url, module.literals)
        if isinstance(path, str):
            out.append(Decorated(api, "route", name, call.lineno,
                                 [_join(prefix, path)], {"methods": methods} if methods else {}))
    return out


def _url_rule(call: ast.Call, obj: str, module: _ModuleNames) -> Decorated:
    """An `<obj>.add_url_rule(rule, endpoint, view_func, methods=[...])` call as the
    `@<obj>.route(rule, methods=[...])` it is equivalent to: `function` is the view's name
    (its class for `View.as_view(...)`, whose methods are the ones the class lists or
    defines when the call names none; "" without a view)."""
    names = module.literals
    given = dict(zip(("rule", "endpoint", "view_func"), call.args, strict=False))
    given.update({k.arg: k.value for k in call.keywords if k.arg})
    options = {key: literal(value, names) for key, value in given.items()
               if key not in ("rule", "endpoint", "view_func")}
    view_func = given.get("view_func")
    if isinstance(view_func, ast.Name) and view_func.id in module.as_views:
        view_func = module.as_views[view_func.id]  # view = UserAPI.as_view("user")
    view, methods = _view(view_func, module.classes)
    if methods and "methods" not in options:
        options["methods"] = methods
    return Decorated(obj, "route", view, call.lineno,
                     [literal(given.get("rule"), names)], options)


def _as_view(node: ast.expr) -> bool:
    """Is this `View.as_view(...)`?"""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        node.func.attr == "as_view"


def _view(node: ast.expr | None, classes: dict[str, ast.ClassDef]) -> tuple[str, list[str]]:
    """The name of a `view_func` as written (`index`, `views.index`: the taint analysis
    finds it where it is defined) and, for a class-based view of the module, its
    methods."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            _as_view(node):  # UserAPI.as_view("user"), views.UserAPI.as_view("user")
        name = dotted_name(node.func.value)
        cls = classes.get(name)
        return name, _class_methods(cls) if cls is not None else []
    return (dotted_name(node), []) if node is not None else ("", [])


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
        if isinstance(methods, dict):  # a name not bound to a literal (`config.METHODS`)
            methods = ["GET"]
        path = api_path(_join(prefix, deco.args[0]))
        if isinstance(methods, (set, frozenset)):
            methods = sorted(map(str, methods))
        for method in methods if isinstance(methods, (list, tuple)) else [methods]:
            out.append(AppRoute(str(method).upper(), path, Location(rel, deco.line)))
    return out


def _constructor_prefix(tree: ast.Module, name: str, keyword: str = "url_prefix") -> str:
    """The `url_prefix=` of `name = Blueprint(...)` (or another `keyword`: FastAPI's
    `APIRouter(prefix=...)`), else ""."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            prefix = next((literal(k.value) for k in node.value.keywords
                           if k.arg == keyword), None)
            return prefix if isinstance(prefix, str) else ""
    return ""


def _join(prefix: str, path: str) -> str:
    """A blueprint's rule under its URL prefix, joined the way Flask joins them."""
    return "/".join((prefix.rstrip("/"), path.lstrip("/"))) if prefix else path


def api_path(path: str) -> str:
    """A route written with `<name>` / `<converter:name>` parameters (Flask and Django's
    `path()`) or `{name:converter}` ones (FastAPI's, Starlette's) in API Gateway's form:
    `{name}`, `{name+}` for the `path` converter."""
    return _CURLY_PARAM.sub(_curly_parameter, FLASK_PARAM.sub(_api_parameter, path))


#: A FastAPI / Starlette path parameter with a converter, `{file_path:path}`.
_CURLY_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def _curly_parameter(match: re.Match[str]) -> str:
    """A `{name:converter}` parameter as API Gateway writes it (`path`: greedy)."""
    return "{" + match.group(1) + ("+}" if match.group(2) == "path" else "}")


def _api_parameter(match: re.Match[str]) -> str:
    """A Flask path parameter as API Gateway writes it (`path` matches slashes: greedy)."""
    return "{" + match.group(2) + ("+}" if match.group(1) == "path" else "}")
