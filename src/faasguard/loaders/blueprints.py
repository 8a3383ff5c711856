"""Blueprints a Chalice or Flask app registers, found in its code with `ast`.

`registered_blueprints(root, code_dir, tree, rel, objects)` reads the
`<app>.register_blueprint(bp, ...)` calls at the top level of the app's module (`rel`,
parsed as `tree`; `objects` the names of its app objects; a Powertools resolver's
`<app>.include_router(router, ...)` with `method="include_router"`), also those in loops over
literal tuples and lists of blueprints, and finds each blueprint: an
object the module creates itself, or one it imports from a module of the project
(`from .views import bp`, `from api import v2` then `v2.bp`). A blueprint that cannot be
found statically is left out. Nothing is imported or run.
"""

from __future__ import annotations

import ast
import os
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from faasguard.loaders.decorators import literal, parse_python
from faasguard.loaders.documents import InputError


@dataclass
class Registration:
    """One registered blueprint: the module defining it (`tree`, `file` relative to the
    scanned root, `module` dotted from the code folder), its name there, and the literal
    keyword arguments of the `register_blueprint` call (`url_prefix`, `name_prefix`)."""

    tree: ast.Module
    file: str
    module: str
    name: str
    options: dict[str, Any] = field(default_factory=dict)


def registered_blueprints(root: str, code_dir: str, tree: ast.Module, rel: str,
                          objects: set[str], method: str = "register_blueprint"
                          ) -> list[Registration]:
    """The blueprints the app objects `objects` of module `rel` register (with the calls
    `<app>.<method>(bp, ...)`; FastAPI's `app.mount("/v1", sub_app)` with `method="mount"`,
    its path given as the `prefix` option), in order."""
    out = []
    for arg, where, options in _registered(root, code_dir, tree, rel, objects, method):
        found = _find(root, code_dir, *where, arg, options) \
            if not isinstance(arg, ast.Call) else None
        if found is not None:
            out.append(found)
    return out


def registered_made(root: str, code_dir: str, tree: ast.Module, rel: str,
                    objects: set[str], method: str = "register_blueprint"
                    ) -> list[tuple[ast.Call, ast.Module, str, dict[str, Any]]]:
    """The blueprints the app objects `objects` of module `rel` register as a call's
    result (`app.register_blueprint(create_admin_blueprint(), url_prefix="/admin")`, a
    blueprint factory): the call, the tree and file of the module it is written in, and
    the registration's literal keyword arguments."""
    return [(arg, where.tree, where.rel, options) for arg, where, options in
            _registered(root, code_dir, tree, rel, objects, method)
            if isinstance(arg, ast.Call)]


def _registered(root: str, code_dir: str, tree: ast.Module, rel: str, objects: set[str],
                method: str) -> Iterator[tuple[ast.expr, _Where, dict[str, Any]]]:
    """What each registration brings in, the module it is written in (a loop's item
    may be in the module a list is imported from) and its literal keyword arguments."""
    module = dotted_module(rel, code_dir)
    here = _Where(tree, rel, module, module_imports(tree, module, rel.endswith("__init__.py")))

    def listed(node: ast.expr) -> tuple[list[ast.expr], _Where] | None:
        return _listed(root, code_dir, here, node)

    for call, names in _registrations(tree.body, objects, {}, method, listed):
        options = {k.arg: literal(names[k.value.id][0] if isinstance(k.value, ast.Name) and
                                  k.value.id in names else k.value)
                   for k in call.keywords if k.arg}
        arg, where = call.args[0], here
        if method == "mount":  # app.mount("/v1", sub_app): the path is the prefix
            if len(call.args) < 2:
                continue
            options["prefix"], arg = literal(call.args[0]), call.args[1]
        if isinstance(arg, ast.Name) and arg.id in names:
            arg, where = names[arg.id]
        yield arg, where, options


class _Where(NamedTuple):
    """A module names are read in: its tree, file, dotted name and imports."""

    tree: ast.Module
    rel: str
    module: str
    imports: dict[str, str]


def _listed(root: str, code_dir: str, here: _Where, node: ast.expr
            ) -> tuple[list[ast.expr], _Where] | None:
    """The items of the list a loop runs over, and the module they are written in: a
    literal, or a list literal bound at the top level of this module or of the project
    module it is imported from (`from views import BLUEPRINTS`)."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return node.elts, here
    if not isinstance(node, ast.Name):
        return None
    where, name = here, node.id
    if name in here.imports:
        owner, _, name = here.imports[name].rpartition(".")
        rel = module_file(root, code_dir, owner) if owner else None
        if rel is None:
            return None
        try:
            tree = parse_python(root, rel)
        except InputError:
            return None
        where = _Where(tree, rel, owner, module_imports(tree, owner, rel.endswith("__init__.py")))
    value = next((n.value for n in reversed(where.tree.body) if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)), None)
    return (value.elts, where) if isinstance(value, (ast.Tuple, ast.List)) else None


Names = dict[str, tuple[ast.expr, _Where]]


def _registrations(stmts: list[ast.stmt], objects: set[str], names: Names, method: str,
                   listed: Callable[[ast.expr], tuple[list[ast.expr], _Where] | None]
                   ) -> Iterator[tuple[ast.Call, Names]]:
    """The `<app>.<method>(...)` calls of `stmts`, each with what the names of
    enclosing loops over tuples or lists stand for at that turn, and the module that
    item is written in (`for bp in (users, orders): app.register_blueprint(bp)`, also
    `for bp, prefix in ((users, "/users"), ...)`, and a list bound to a name: `listed`)."""
    for stmt in stmts:
        items = listed(stmt.iter) if isinstance(stmt, ast.For) and any(
            isinstance(n, ast.Attribute) and n.attr == method for n in ast.walk(stmt)) \
            else None
        if isinstance(stmt, ast.For) and items is not None:
            elements, where = items
            for item in elements:
                turn = _unpack(stmt.target, item)
                if turn is not None:
                    yield from _registrations(
                        stmt.body, objects,
                        {**names, **{k: (v, where) for k, v in turn.items()}}, method, listed)
            continue
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and call.args and isinstance(call.func, ast.Attribute) \
                and call.func.attr == method and \
                isinstance(call.func.value, ast.Name) and call.func.value.id in objects:
            yield call, names


def _unpack(target: ast.expr, item: ast.expr) -> dict[str, ast.expr] | None:
    """What the loop target's names stand for when the loop is at `item`."""
    if isinstance(target, ast.Name):
        return {target.id: item}
    if isinstance(target, ast.Tuple) and isinstance(item, (ast.Tuple, ast.List)) and \
            len(target.elts) == len(item.elts):
        found: dict[str, ast.expr] = {}
        for part, value in zip(target.elts, item.elts, strict=True):
            inner = _unpack(part, value)
            if inner is None:
                return None
            found.update(inner)
        return found
    return None


def _find(root: str, code_dir: str, tree: ast.Module, rel: str, module: str,
          imports: dict[str, str], node: ast.expr, options: dict[str, Any]
          ) -> Registration | None:
    """The module and name a `register_blueprint` argument refers to."""
    if isinstance(node, ast.Name) and node.id not in imports:
        defined = any(isinstance(t, ast.Name) and t.id == node.id
                      for n in tree.body if isinstance(n, ast.Assign) for t in n.targets)
        return Registration(tree, rel, module, node.id, options) if defined else None
    if isinstance(node, ast.Name):  # from views import bp
        dotted = imports[node.id]
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
            node.value.id in imports:  # import views; views.bp
        dotted = f"{imports[node.value.id]}.{node.attr}"
    else:
        return None
    owner, _, name = dotted.rpartition(".")
    owner_rel = module_file(root, code_dir, owner) if owner else None
    if owner_rel is None:
        return None
    try:
        return Registration(parse_python(root, owner_rel), owner_rel, owner, name, options)
    except InputError:
        return None


def module_imports(tree: ast.Module, module: str, is_package: bool = False
                   ) -> dict[str, str]:
    """Names a module's top-level imports bind -> what they name, dotted from the code
    folder (`from .views import bp` in module `api.app` -> `api.views.bp`; in a package's
    `__init__.py`, `is_package`, relative imports start from the package itself).
    A star import binds no name of its own: it is not listed."""
    package = module if is_package else module.rpartition(".")[0]
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = imported_module(node, package)
            for alias in node.names:
                if alias.name == "*":
                    continue
                out[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = \
                    alias.name if alias.asname else alias.name.split(".")[0]
    return out


def imported_module(node: ast.ImportFrom, package: str) -> str:
    """The module a `from ... import` reads, dotted from the code folder (relative imports
    resolved from `package`)."""
    base = node.module or ""
    if node.level:
        parts = package.split(".") if package else []
        parts = parts[:len(parts) - node.level + 1]
        base = ".".join(p for p in [*parts, base] if p)
    return base


def dotted_module(rel: str, code_dir: str) -> str:
    """`api/app.py` (or `api/__init__.py`) in code folder `.` -> `api.app` (`api`)."""
    path = posixpath.relpath(rel, code_dir or ".")
    path = path[:-len("/__init__.py")] if path.endswith("/__init__.py") else \
        path[:-len(".py")] if path.endswith(".py") else path
    return path.replace("/", ".")


def module_file(root: str, code_dir: str, module: str) -> str | None:
    """The file of a dotted module of the project (`a.b` -> `a/b.py`, `a/b/__init__.py`),
    relative to the scanned root and inside it; None when there is none (or the name is
    not a dotted name: `.etc.x` would be `/etc/x.py`)."""
    if not all(part.isidentifier() for part in module.split(".")):
        return None
    base = posixpath.join(code_dir or ".", module.replace(".", "/"))
    for candidate in (base + ".py", posixpath.join(base, "__init__.py")):
        rel = posixpath.normpath(candidate)
        if rel != ".." and not rel.startswith("../") and not posixpath.isabs(rel) and \
                os.path.isfile(os.path.join(root, rel)):
            return rel
    return None
