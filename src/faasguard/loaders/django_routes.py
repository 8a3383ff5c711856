"""The URL routes of a Django project, read from its code with `ast` (never imported).

Zappa deploys a Django project from `django_settings` (`"mysite.settings"`) instead of an
`app_function`. `django_project(root, code_dir, "mysite.settings")` finds the settings
module (following its star imports: `from .base import *`), its `ROOT_URLCONF` and
`WSGI_APPLICATION`, and reads the `urlpatterns` of the URL module:

- `path("v1/items/<int:id>/", view)`: a route, written in API Gateway's form
  (`/v1/items/{id}/`);
- `re_path(r"^v1/(?P<slug>[-\\w]+)/$", view)` (and the old `url(...)`): a regex route, its
  groups written as parameters (`/v1/{slug}/`), kept with its pattern and marked inexact;
- `include("shop.urls")` (a dotted name, `("shop.urls", "shop")`, an imported module, a
  list of patterns) followed within the project under its prefix; an include the project
  does not hold (`admin.site.urls`, a third-party app's URLs) is one inexact catch-all
  route under its prefix (`/admin/{proxy+}`);
- `i18n_patterns(...)`: its routes under a language code, `/{language}/...`, inexact;
- `urlpatterns = [...]`, `urlpatterns += [...]`, `.append(...)`, `.extend([...])` at the
  module's top level;
- a Django REST framework router's URLs (`include(router.urls)`, `urlpatterns +=
  router.urls`; `router = DefaultRouter()` or `SimpleRouter()` there or imported): each
  `router.register("items", ItemViewSet)` is the routes of the viewset's actions, the
  list ones (`items/`: `list` GET, `create` POST) and the detail ones (`items/<pk>/`:
  `retrieve`, `update`, `partial_update`, `destroy`; the lookup named by the class's
  `lookup_url_kwarg` or `lookup_field`), those it defines or inherits from DRF's
  `ModelViewSet`, `ReadOnlyModelViewSet` and model mixins, and its `@action` methods
  (`items/<pk>/archive/` with `detail=True`);
- a Django Ninja API's URLs (`path("api/", api.urls)`, `api = NinjaAPI()` there or
  imported): its operations (`@api.get("/items/{item_id}")`, `post`, ..., and
  `@api.api_operation(["GET", "POST"], "/x")`) and those of the routers it adds
  (`api.add_router("/events/", router)`, a router named by its dotted path too, routers
  adding routers), their views `NinjaView`s (parameters resolved from the request by
  type, as FastAPI's).

A route answers the methods its view does (a view wrapped where the route is written,
`csrf_exempt(views.hook)`, is the view): `@require_GET`, `@require_POST`,
`@require_safe`, `@require_http_methods([...])` (or Django REST framework's
`@api_view([...])`) on a function view, the `get`/`post`/... methods of a class-based
view (`View.as_view()`); else ANY (a Django view answers every method unless it says
otherwise).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from faasguard.loaders.blueprints import (
    dotted_module,
    imported_module,
    module_file,
    module_imports,
)
from faasguard.loaders.decorators import decorated, literal, module_literals, parse_python
from faasguard.loaders.documents import InputError
from faasguard.loaders.flask_routes import AppRoute, api_path, view_methods
from faasguard.model import Location
from faasguard.regex_syntax import group_end

#: Settings read from the settings module.
SETTINGS = ("ROOT_URLCONF", "WSGI_APPLICATION")
#: How deep star imports of settings and includes of URL modules are followed.
MAX_DEPTH = 12
#: Django's view decorators that restrict methods (and Django REST framework's api_view).
METHOD_DECORATORS = {"require_GET": ("GET",), "require_POST": ("POST",),
                     "require_safe": ("GET", "HEAD")}
METHODS_LISTED = {"require_http_methods": None, "api_view": ("GET",)}
_ROUTE_CALLS = {"path": False, "re_path": True, "url": True}  # name -> regex route
#: Django REST framework's routers, and a viewset's actions on its list and detail routes.
REST_ROUTERS = frozenset(("DefaultRouter", "SimpleRouter"))
#: Django Ninja's API and router classes, and their operation decorators.
NINJA_API, NINJA_ROUTER = "NinjaAPI", "Router"
NINJA_OPERATIONS: dict[str, tuple[str, ...] | None] = {
    "get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",),
    "delete": ("DELETE",), "api_operation": None}
#: A Django Ninja path parameter with a converter, `{int:item_id}`.
_NINJA_PARAM = re.compile(r"\{(?:(\w+):)?(\w+)\}")
#: A pattern that admits digits only (`\d+`, `[0-9]{1,9}`): a DRF `lookup_value_regex`,
#: a regex route's group.
DIGITS_ONLY = re.compile(r"(?:\\d|\[0-9\])(?:[+*]|\{\d+(?:,\d*)?\})?")
LIST_ACTIONS = (("GET", "list"), ("POST", "create"))
DETAIL_ACTIONS = (("GET", "retrieve"), ("PUT", "update"), ("PATCH", "partial_update"),
                  ("DELETE", "destroy"))
#: The actions DRF's viewset classes and mixins bring (without code of the project's).
INHERITED_ACTIONS = {
    "ModelViewSet": {"list", "create", "retrieve", "update", "partial_update", "destroy"},
    "ReadOnlyModelViewSet": {"list", "retrieve"}, "ListModelMixin": {"list"},
    "CreateModelMixin": {"create"}, "RetrieveModelMixin": {"retrieve"},
    "UpdateModelMixin": {"update", "partial_update"}, "DestroyModelMixin": {"destroy"}}


@dataclass(frozen=True)
class DjangoView:
    """A function serving routes: its file, its name there (`Class.get` for a method of
    a class-based view) and the route as written (`api/orders/<str:order_id>`), to tell
    its path parameters; `regex` for a regex route."""

    file: str
    name: str
    route: str
    regex: bool = False


@dataclass(frozen=True)
class NinjaView(DjangoView):
    """A Django Ninja operation: its parameters after the request are read from the
    request by their types (as a FastAPI view's), the route written as Ninja writes it
    (`/items/{item_id}`)."""


@dataclass
class DjangoProject:
    """What the project's code says: its settings (`None` when not written as literals),
    its routes and the views serving them (each once), and why routes could not be read
    (`problems`, for diagnostics)."""

    urlconf: str | None = None
    wsgi: str | None = None
    routes: list[AppRoute] = field(default_factory=list)
    views: list[DjangoView] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def django_project(root: str, code_dir: str, settings: str) -> DjangoProject:
    """Read the settings module `settings` (dotted, from `code_dir`) and the URL routes of
    its `ROOT_URLCONF`."""
    project = DjangoProject()
    values = _Settings(root, code_dir, project).read(settings)
    urlconf, wsgi = values.get("ROOT_URLCONF"), values.get("WSGI_APPLICATION")
    project.wsgi = wsgi if isinstance(wsgi, str) else None
    if not isinstance(urlconf, str):
        if not project.problems:
            project.problems.append(f"settings module {settings} sets no ROOT_URLCONF "
                                    "(as a string literal)")
        return project
    project.urlconf = urlconf
    _Urls(root, code_dir, project).read(urlconf, _Prefix(), None)
    return project


class _Settings:
    """The literal values of SETTINGS in a settings module and the modules it star-imports
    (later assignments win, as when Python runs the module)."""

    def __init__(self, root: str, code_dir: str, project: DjangoProject) -> None:
        self.root, self.code_dir, self.project = root, code_dir, project

    def read(self, module: str, depth: int = 0) -> dict[str, Any]:
        rel = module_file(self.root, self.code_dir, module)
        if rel is None or depth > MAX_DEPTH:
            if depth == 0:
                self.project.problems.append(f"settings module {module} is not in the project")
            return {}
        try:
            tree = parse_python(self.root, rel)
        except InputError as exc:
            self.project.problems.append(exc.message)
            return {}
        package = module if rel.endswith("__init__.py") else module.rpartition(".")[0]
        values: dict[str, Any] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                values.update(self.read(imported_module(node, package), depth + 1))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id in SETTINGS:
                        values[target.id] = literal(node.value)
        return values


@dataclass(frozen=True)
class _Prefix:
    """The routes an include sits under: in API Gateway's form (no leading slash), as
    written (`pattern`), and whether a regex or an unread include made it inexact."""

    path: str = ""
    pattern: str = ""
    inexact: bool = False

    def join(self, path: str, pattern: str, inexact: bool) -> _Prefix:
        return _Prefix(self.path + path, self.pattern + pattern, self.inexact or inexact)


@dataclass
class _Module:
    """A parsed URL (or views) module and the names it binds."""

    rel: str
    dotted: str
    tree: ast.Module
    imports: dict[str, str]
    names: dict[str, Any]
    defs: dict[str, ast.AST]


class _Urls:
    """Walks `urlpatterns` from the root URL module through its includes."""

    def __init__(self, root: str, code_dir: str, project: DjangoProject) -> None:
        self.root, self.code_dir, self.project = root, code_dir, project
        self.modules: dict[str, _Module | None] = {}
        self.broken: set[str] = set()  # modules that do not parse (a problem each)
        self.reading: list[str] = []

    def module(self, dotted: str) -> _Module | None:
        """The project's module `dotted`, parsed once; None when it is not in the project
        (or does not parse: a problem)."""
        if dotted not in self.modules:
            rel = module_file(self.root, self.code_dir, dotted)
            found = None
            if rel is not None:
                try:
                    tree = parse_python(self.root, rel)
                except InputError as exc:
                    self.project.problems.append(exc.message)
                    self.broken.add(dotted)
                else:
                    found = _Module(rel, dotted, tree, module_imports(
                        tree, dotted_module(rel, self.code_dir), rel.endswith("__init__.py")),
                        module_literals(tree),
                        {n.name: n for n in tree.body if isinstance(
                            n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))})
            self.modules[dotted] = found
        return self.modules[dotted]

    def read(self, dotted: str, prefix: _Prefix, origin: Location | None) -> None:
        """The routes of URL module `dotted` under `prefix`; an include (`origin`) of a
        module the project does not hold is a catch-all route."""
        found = self.module(dotted) if len(self.reading) < MAX_DEPTH and \
            dotted not in self.reading else None
        if found is None:
            if origin is None:
                if dotted not in self.broken:
                    self.project.problems.append(f"ROOT_URLCONF {dotted} is not in the "
                                                 "project")
            else:
                self._catch_all(prefix, origin, dotted)
            return
        self.reading.append(dotted)
        self._patterns(found, _patterns(found.tree), prefix)
        self.reading.pop()

    def _patterns(self, module: _Module, entries: list[ast.expr], prefix: _Prefix) -> None:
        for entry in entries:
            if isinstance(entry, ast.Call) and last_name(entry.func) == "i18n_patterns":
                # under a language code prefix (also without it, for the default language
                # with prefix_default_language=False: the same views)
                self._patterns(module, list(entry.args), prefix.join(
                    "{language}/", "<language>/", True))
                continue
            if isinstance(entry, ast.Attribute) and entry.attr == "urls":  # += router.urls
                self._include(module, entry, prefix, Location(module.rel, entry.lineno))
                continue
            if not isinstance(entry, ast.Call) or last_name(entry.func) not in _ROUTE_CALLS:
                continue
            regex = _ROUTE_CALLS[last_name(entry.func)]
            given = dict(zip(("route", "view"), entry.args, strict=False))
            given.update({k.arg: k.value for k in entry.keywords if k.arg})
            route = literal(given.get("route", given.get("regex")), module.names)
            if not isinstance(route, str):
                continue  # built at run time: not known here
            here = prefix.join(regex_path(route) if regex else api_path(route), route, regex)
            self._view(module, given.get("view"), here, Location(module.rel, entry.lineno))

    def _view(self, module: _Module, node: ast.expr | None, prefix: _Prefix,
              where: Location) -> None:
        if isinstance(node, ast.Call) and last_name(node.func) == "include" and node.args:
            self._include(module, node.args[0], prefix, where)
        elif isinstance(node, ast.Attribute) and node.attr == "urls":  # admin.site.urls
            self._include(module, node, prefix, where)
        elif node is not None:
            for method, view in self._methods(module, node):
                self.project.routes.append(AppRoute(
                    method, "/" + prefix.path, where,
                    prefix.pattern if prefix.inexact else None))
                found = DjangoView(*view, prefix.pattern, prefix.inexact) if view else None
                if found is not None and found not in self.project.views:
                    self.project.views.append(found)

    def _include(self, module: _Module, target: ast.expr, prefix: _Prefix,
                 where: Location) -> None:
        if isinstance(target, (ast.Tuple, ast.List)) and target.elts and \
                not isinstance(target.elts[0], ast.Call):
            target = target.elts[0]  # include(("shop.urls", "shop"))
        if isinstance(target, (ast.Tuple, ast.List)):  # include([path(...), ...])
            self._patterns(module, list(target.elts), prefix)
            return
        if isinstance(target, ast.Attribute) and target.attr == "urls":
            made = self._made(module, target.value)
            if made is not None and made[2].get("__call__") in REST_ROUTERS:
                # include(router.urls): Django REST framework's
                self._rest_routes(module, (made[0], made[1],
                                           made[2].get("trailing_slash") is not False), prefix)
            elif made is not None and made[2].get("__call__") == NINJA_API:
                self._ninja_routes(made[0], made[1], prefix, 0)
            else:  # admin.site.urls, a third-party app's
                self._catch_all(prefix, where, ast.unparse(target))
            return
        named = literal(target) if isinstance(target, ast.Constant) else None
        if isinstance(named, str):
            self.read(named, prefix, where)
            return
        if isinstance(target, ast.Name) and target.id not in module.imports:
            local = _assigned_list(module.tree, target.id)  # extra = [path(...)]
            if local is not None:
                self._patterns(module, local, prefix)
                return
        dotted = _resolve(module, target)
        if dotted is not None:
            self.read(dotted, prefix, where)
        else:
            self._catch_all(prefix, where, ast.unparse(target))

    def _made(self, module: _Module, node: ast.expr
              ) -> tuple[_Module, str, dict[str, Any]] | None:
        """The object a name written in `module` refers to (made there or imported) when a
        top-level `name = Callee(...)` makes it: its module, its name there and the call
        as `literal` reads it (`{"__call__": "DefaultRouter", "trailing_slash": False}`)."""
        owner: _Module | None = module
        name = node.id if isinstance(node, ast.Name) else ""
        if name in module.imports or not name:
            dotted = _resolve(module, node)
            home, _, name = (dotted or "").rpartition(".")
            owner = self.module(home) if home else None
        made = owner.names.get(name) if owner is not None else None
        if owner is None or not isinstance(made, dict) or "__call__" not in made:
            return None
        return owner, name, made

    def _ninja_routes(self, owner: _Module, name: str, prefix: _Prefix, depth: int) -> None:
        """The operations of a Django Ninja API or router (`name` in module `owner`) and of
        the routers it adds (`api.add_router("/events/", router)`)."""
        for deco in decorated(owner.tree, {name}):
            methods: tuple[str, ...] | None = NINJA_OPERATIONS.get(deco.name, ())
            args = list(deco.args)
            if deco.name == "api_operation":  # api_operation(["GET", "POST"], "/x")
                listed = args.pop(0) if args else deco.kwargs.get("methods")
                methods = tuple(str(m).upper() for m in listed) \
                    if isinstance(listed, (list, tuple)) else ()
            path = args[0] if args else deco.kwargs.get("path")
            if not methods or not isinstance(path, str):  # built at run time
                self._catch_all(prefix, Location(owner.rel, deco.line), deco.function)
                continue
            at = prefix.join(_NINJA_PARAM.sub(_ninja_api_param, path.lstrip("/")),
                             _NINJA_PARAM.sub(r"<\2>", path.lstrip("/")), False)
            for method in methods:
                self.project.routes.append(AppRoute(method, "/" + at.path,
                                                    Location(owner.rel, deco.line),
                                                    at.pattern if at.inexact else None))
            found = NinjaView(owner.rel, deco.function, path)
            if found not in self.project.views:
                self.project.views.append(found)
        if depth >= MAX_DEPTH:
            return
        for stmt in owner.tree.body:
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or \
                    call.func.attr != "add_router" or len(call.args) < 2 or \
                    not (isinstance(call.func.value, ast.Name) and call.func.value.id == name):
                continue
            sub = literal(call.args[0], owner.names)
            router = call.args[1]
            if isinstance(router, ast.Constant) and isinstance(router.value, str):
                home, _, attr = router.value.rpartition(".")  # "events.api.router"
                found_module = self.module(home) if home else None
                made = (found_module, attr, found_module.names.get(attr)) \
                    if found_module is not None else None
            else:
                made = self._made(owner, router)
            under = prefix.join(sub.lstrip("/"), sub.lstrip("/"), False) \
                if isinstance(sub, str) else prefix
            if isinstance(sub, str) and made is not None and made[0] is not None and \
                    isinstance(made[2], dict) and made[2].get("__call__") == NINJA_ROUTER:
                self._ninja_routes(made[0], made[1], under, depth + 1)
            else:  # a router not in the project, a prefix built at run time
                self._catch_all(under, Location(owner.rel, call.lineno), ast.unparse(call))

    def _rest_routes(self, module: _Module, router: tuple[_Module, str, bool],
                     prefix: _Prefix) -> None:
        """The routes of the viewsets a DRF router registers (in the module making it and
        in the one including its URLs)."""
        owner, name, slash = router
        end = "/" if slash else ""
        homes = [owner] if owner is module else [owner, module]
        for home in homes:
            for stmt in home.tree.body:
                call = stmt.value if isinstance(stmt, ast.Expr) else None
                if not isinstance(call, ast.Call) or not call.args or \
                        not isinstance(call.func, ast.Attribute) or \
                        call.func.attr != "register" or \
                        not (isinstance(call.func.value, ast.Name) and
                             (call.func.value.id == name or
                              call.func.value.id in _imported_as(home, owner, name))):
                    continue
                given = dict(zip(("prefix", "viewset"), call.args, strict=False))
                given.update({k.arg: k.value for k in call.keywords if k.arg})
                written = literal(given.get("prefix"), home.names)
                found = self._definition(home, given["viewset"]) if "viewset" in given \
                    else None
                where = Location(home.rel, call.lineno)
                under = prefix.join(api_path(written), written, False) \
                    if isinstance(written, str) else prefix
                if isinstance(written, str) and found is not None and \
                        isinstance(found[1], ast.ClassDef):
                    self._viewset(found[0], found[1], under, end, where)
                else:  # a viewset not in the project, a prefix built at run time
                    self._catch_all(under, where, ast.unparse(call))

    def _viewset(self, owner: _Module, cls: ast.ClassDef, prefix: _Prefix, end: str,
                 where: Location) -> None:
        """The routes of one registered viewset: its list and detail actions, its
        `@action` methods."""
        defined = {n.name: n for n in cls.body
                   if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        inherited = {action for base in cls.bases
                     for action in INHERITED_ACTIONS.get(last_name(base), ())}
        lookup = _class_string(cls, "lookup_url_kwarg") or \
            _class_string(cls, "lookup_field") or "pk"
        digits = DIGITS_ONLY.fullmatch(_class_string(cls, "lookup_value_regex") or "")
        detail = prefix.join(f"/{{{lookup}}}", f"/<{'int:' if digits else ''}{lookup}>", False)
        for actions, at in ((LIST_ACTIONS, prefix), (DETAIL_ACTIONS, detail)):
            for method, action in actions:
                if action in defined or action in inherited:
                    self._rest_route(owner, cls, method, at.join(end, end, False),
                                     action if action in defined else None, where)
        for function in defined.values():
            marked = next((d for d in function.decorator_list if isinstance(d, ast.Call)
                           and last_name(d.func) == "action"), None)
            if marked is None:
                continue
            options = {k.arg: literal(k.value, owner.names) for k in marked.keywords if k.arg}
            path = options.get("url_path")
            path = path if isinstance(path, str) else function.name
            at = (detail if options.get("detail") else prefix).join(
                f"/{path}{end}", f"/{path}{end}", False)
            methods = options.get("methods")
            for method in methods if isinstance(methods, (list, tuple)) and methods \
                    else ["get"]:
                self._rest_route(owner, cls, str(method).upper(), at, function.name,
                                 Location(owner.rel, function.lineno))

    def _rest_route(self, owner: _Module, cls: ast.ClassDef, method: str, at: _Prefix,
                    action: str | None, where: Location) -> None:
        """One route of a viewset, and the method serving it (when the project's)."""
        self.project.routes.append(AppRoute(method, "/" + at.path, where,
                                            at.pattern if at.inexact else None))
        if action is not None:
            found = DjangoView(owner.rel, f"{cls.name}.{action}", at.pattern, at.inexact)
            if found not in self.project.views:
                self.project.views.append(found)

    def _catch_all(self, prefix: _Prefix, where: Location, what: str) -> None:
        """An include not read: every path under its prefix, any method."""
        base = prefix.path.rstrip("/")
        self.project.routes.append(AppRoute(
            "ANY", f"/{base}/{{proxy+}}" if base else "/{proxy+}", where,
            f"{prefix.pattern} -> {what}"))

    def _methods(self, module: _Module, node: ast.expr
                 ) -> list[tuple[str, tuple[str, str] | None]]:
        """The methods a view answers, each with the function serving it (when known): a
        view wrapped by a decorator applied in the URL module (`csrf_exempt(views.hook)`,
        `cache_page(60)(views.report)`, `login_required(View.as_view())`) is the view."""
        for _ in range(MAX_DEPTH):
            if isinstance(node, ast.Call) and len(node.args) == 1 and not (
                    isinstance(node.func, ast.Attribute) and node.func.attr == "as_view"):
                node = node.args[0]
        ref = node  # a function, or the class of `View.as_view(...)`
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "as_view":
            ref = node.func.value
        found = self._definition(module, ref)
        if found is None:
            return [("ANY", None)]
        owner, definition = found
        if isinstance(definition, ast.ClassDef):
            methods = view_methods(definition)
            return [(m.upper(), (owner.rel, f"{definition.name}.{m}")) for m in methods] or \
                [("ANY", None)]
        if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return [(m, (owner.rel, definition.name)) for m in _allowed(definition)]
        return [("ANY", None)]

    def _definition(self, module: _Module, node: ast.expr) -> tuple[_Module, ast.AST] | None:
        """The function or class a view expression names, in the project."""
        if isinstance(node, ast.Name) and node.id in module.defs:
            return module, module.defs[node.id]
        dotted = _resolve(module, node)
        owner_name, _, name = (dotted or "").rpartition(".")
        owner = self.module(owner_name) if owner_name else None
        if owner is None or name not in owner.defs:
            return None
        return owner, owner.defs[name]


def _ninja_api_param(match: re.Match[str]) -> str:
    """A Django Ninja path parameter in API Gateway's form (`{path:x}` greedy)."""
    return "{" + match.group(2) + ("+}" if match.group(1) == "path" else "}")


def _imported_as(module: _Module, owner: _Module, name: str) -> list[str]:
    """The names `module` imports the object `name` of module `owner` as."""
    wanted = f"{owner.dotted}.{name}"
    return [alias for alias, target in module.imports.items() if target == wanted]


def _class_string(cls: ast.ClassDef, attribute: str) -> str | None:
    """The string a class body assigns to `attribute` (`lookup_field = "slug"`)."""
    for node in cls.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == attribute for t in node.targets):
            value = literal(node.value)
            return value if isinstance(value, str) and value else None
    return None


def _patterns(tree: ast.Module) -> list[ast.expr]:
    """The entries of a module's `urlpatterns`, as its top-level statements build it."""
    out: list[ast.expr] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "urlpatterns" for t in node.targets):
            out = _elements(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and \
                node.target.id == "urlpatterns" and isinstance(node.op, ast.Add):
            out.extend(_elements(node.value))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                isinstance(node.value.func, ast.Attribute) and \
                isinstance(node.value.func.value, ast.Name) and \
                node.value.func.value.id == "urlpatterns" and node.value.args:
            if node.value.func.attr == "append":
                out.append(node.value.args[0])
            elif node.value.func.attr == "extend":
                out.extend(_elements(node.value.args[0]))
    return out


def _elements(node: ast.expr) -> list[ast.expr]:
    """The items of a list (or tuple) literal, or of lists joined with `+`; an
    `i18n_patterns(...)` call is one item (its patterns are under a language prefix)."""
    out: list[ast.expr] = []
    pending = [node]  # a stack, not recursion: `a + b + ...` nests as deep as it is long
    while pending:
        part = pending.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            pending += [part.right, part.left]
        elif isinstance(part, (ast.List, ast.Tuple)):
            out.extend(part.elts)
        elif isinstance(part, ast.Call) and last_name(part.func) == "i18n_patterns" or \
                isinstance(part, ast.Attribute) and part.attr == "urls":  # router.urls
            out.append(part)
    return out


def _assigned_list(tree: ast.Module, name: str) -> list[ast.expr] | None:
    """The items of the list literal last assigned to `name` at the top level, if any."""
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found = _elements(node.value) if isinstance(node.value, (ast.List, ast.Tuple,
                                                                      ast.BinOp)) else None
    return found


def _resolve(module: _Module, node: ast.expr) -> str | None:
    """The dotted name (from the code folder) an imported name or attribute refers to
    (`views.item` with `from shop import views` -> `shop.views.item`)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in module.imports:
        return None
    return ".".join([module.imports[node.id], *reversed(parts)])


def last_name(node: ast.expr) -> str:
    """`include` for `include` or `urls.include`."""
    return node.attr if isinstance(node, ast.Attribute) else \
        node.id if isinstance(node, ast.Name) else ""


def _allowed(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The methods a function view's decorators allow; ANY when none restricts them."""
    for deco in function.decorator_list:
        name = last_name(deco.func if isinstance(deco, ast.Call) else deco)
        if name in METHOD_DECORATORS:
            return METHOD_DECORATORS[name]
        if name in METHODS_LISTED:
            listed = literal(deco.args[0]) if isinstance(deco, ast.Call) and deco.args \
                else None
            if isinstance(listed, (list, tuple)) and listed:
                return tuple(str(m).upper() for m in listed)
            default = METHODS_LISTED[name]
            if default is not None:
                return default
    return ("ANY",)


def regex_path(regex: str) -> str:
    """A Django regex route in API Gateway's form, as near as it goes: anchors dropped,
    each group a parameter (`(?P<slug>[-\\w]+)` -> `{slug}`, an unnamed one `{arg1}`),
    escaped characters unescaped; what remains of the regex is kept as written."""
    text = regex[1:] if regex.startswith("^") else regex
    for end in ("\\Z", "$"):
        if text.endswith(end) and not text.endswith("\\" + end):
            text = text[:-len(end)]
            break
    out: list[str] = []
    index, unnamed = 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            out.append(nxt if not nxt.isalnum() else text[index:index + 2])
            index += 2
            continue
        if char == "(":
            close = group_end(text, index)
            group = text[index:close + 1]
            if group.startswith("(?P<") and ">" in group:
                out.append("{" + group[4:group.index(">")] + "}")
            elif group.startswith("(?"):
                out.append(group)  # non-capturing, look-around: kept as written
            else:
                unnamed += 1
                out.append(f"{{arg{unnamed}}}")
            index = close + 1
            continue
        out.append(char)
        index += 1
    return "".join(out)
