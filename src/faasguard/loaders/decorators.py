"""Python web apps read with `ast` (never imported): decorator calls and literals.

Chalice and Flask declare routes and event handlers with decorators on an app object
(`@app.route("/x")`, `@app.on_s3_event(bucket="b")`). `app_objects` finds the objects a
module creates (`app = Chalice(...)`), `decorated` the decorator calls on its top-level
functions with their literal arguments (`literal`; `module_literals` the module constants
they may name), and `parse_python` parses a project file, a syntax error becoming an
`InputError`.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Any

from faasguard.loaders.documents import InputError, read_python


@dataclass
class Decorated:
    """A decorator call on a top-level function (or class): `@<obj>.<name>(args,
    **kwargs)`."""

    obj: str
    name: str
    function: str
    line: int
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


def literal(node: ast.AST | None, names: dict[str, Any] | None = None) -> Any:
    """A constant, list or dict literal (names bound to literals resolved); a call as
    `{"__call__": callee, **keywords}`, a name or dotted name as `{"__name__": ...}`;
    else None."""
    if node is None:
        return None
    if isinstance(node, ast.Name) and names is not None and node.id in names:
        return names[node.id]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        pass
    if isinstance(node, ast.Call):  # a constructor such as CognitoUserPoolAuthorizer(...)
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else \
            node.func.id if isinstance(node.func, ast.Name) else "?"
        call = {"__call__": callee, **{k.arg: literal(k.value, names) for k in node.keywords
                                       if k.arg}}
        if isinstance(node.func, ast.Attribute):  # a method such as auth.with_scopes([...])
            call["__on__"] = literal(node.func.value, names)
            call["__args__"] = [literal(arg, names) for arg in node.args]
        return call
    dotted = dotted_name(node)  # a name, or a module's attribute: auth.token_auth
    return {"__name__": dotted} if dotted else None


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for a name or attribute chain; "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def app_objects(tree: ast.Module, constructor: str) -> dict[str, str]:
    """Top-level `name = Constructor(...)` (or `module.Constructor(...)`) -> first arg."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            callee = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else None
            if callee != constructor:
                continue
            first = node.value.args[0] if node.value.args else next(
                (k.value for k in node.value.keywords if k.arg in ("app_name", "import_name")),
                None)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = str(literal(first) or target.id)
    return found


def top_level_value(tree: ast.Module, name: str) -> ast.expr | None:
    """The value the last top-level `name = value` (or `name: T = value`) of a module
    binds, also in a top-level `try` or `if`; a constant there (`except ImportError:
    handler = None`) does not replace a value bound before."""
    found = None
    todo = list(reversed(tree.body))
    while todo:
        stmt = todo.pop()
        value = None
        if isinstance(stmt, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                value = stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            if isinstance(stmt.target, ast.Name) and stmt.target.id == name:
                value = stmt.value
        elif isinstance(stmt, (ast.Try, ast.If)):
            nested = [*stmt.body, *(h for handler in getattr(stmt, "handlers", ())
                                    for h in handler.body), *stmt.orelse]
            todo.extend(reversed(nested))
        if value is not None and not (isinstance(value, ast.Constant) and found is not None):
            found = value
    return found


def module_literals(tree: ast.Module) -> dict[str, Any]:
    """Top-level `NAME = <literal>` of a module (`METHODS = ["GET", "PUT"]`), so call
    arguments naming them read as their values (None for a non-literal)."""
    return {t.id: literal(n.value) for n in tree.body if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Name)}


def decorated(tree: ast.Module, objects: set[str]) -> list[Decorated]:
    """The decorators `@obj.name(...)` (or `@obj.name`) of top-level functions and classes
    (a Flask-RESTX resource: `@api.route("/x")` on its class)."""
    names = module_literals(tree)
    return [deco for node in tree.body for deco in decorators_of(node, objects, names)]


def decorators_of(node: ast.stmt, objects: set[str], names: dict[str, Any]
                  ) -> list[Decorated]:
    """The decorators `@obj.name(...)` (or `@obj.name`) of one statement: a function or
    class (`decorated`'s, for a walk of its own); `names`: the module's literals
    (`module_literals`)."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    out = []
    for deco in node.decorator_list:
        call = deco if isinstance(deco, ast.Call) else None
        target = call.func if call is not None else deco
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
                target.value.id in objects:
            out.append(Decorated(
                target.value.id, target.attr, node.name, deco.lineno,
                [literal(a, names) for a in call.args] if call else [],
                {k.arg: literal(k.value, names) for k in call.keywords if k.arg}
                if call else {}))
    return out


def parse_python(root: str, rel: str) -> ast.Module:
    """Parse a project's Python file (never imported); `InputError` naming the file when
    it cannot be."""
    try:
        text = read_python(os.path.join(root, rel))
    except InputError as exc:
        raise InputError(f"{rel}: {exc.message}", exc.line) from None
    try:
        return ast.parse(text, rel)
    except SyntaxError as exc:  # its str() names the file and line again: its parts here
        at = f" (line {exc.lineno})" if exc.lineno else ""
        raise InputError(f"{rel} does not parse as Python: {exc.msg}{at}", exc.lineno) \
            from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{rel} does not parse as Python: {exc}") from None
