"""Webhook signature checks that gate a Python handler's work (read by FG-AUTH-002).

A webhook's sender (Stripe, GitHub, Slack, Twilio, Svix...) cannot send a token an API
Gateway authoriser would check: it signs each request, and the function's code checks
the signature. Such a check is the route's authentication when it gates the work: a
check that raises on a bad signature (Stripe's `Webhook.construct_event`, Svix's
`Webhook.verify`) not caught by a handler that carries on, or a check that answers
yes or no (`hmac.compare_digest` on a signature the request carries, Slack's
`SignatureVerifier.is_valid_request`, Twilio's `RequestValidator.validate`) tested by
an `if` whose failing branch returns or raises. The check may sit in a helper the
function calls (a helper answering yes or no, or raising), or in a decorator whose wrapper
checks before it calls the function: of the same module, or of another module of the
project (`project_check`, followed one level: the helper's own body holds the check, or
a helper of its module does). A check whose result is ignored, or a branch that carries
on, is no gate.

`signature_checks(tree, source)` gives one `CodeFact` of kind "signature-check" (KIND)
per top-level function so gated, and one of kind "signature-helper" (HELPER) per
top-level function that is a check for its callers (a helper raising or answering, a
decorator whose wrapper checks: what `project_check` follows from another module); key:
the function's name; line: the check's.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from faasguard.analysis.taint.modules import (
    FunctionNode,
    Module,
    ModuleCache,
    add_import,
    dotted_name,
    search_path,
)

KIND = "signature-check"
HELPER = "signature-helper"
#: A check in another module of the project gating a handler (`project_check`), in the
#: facts of the module holding the check; key: "<handler file>#<handler name>".
GATE = "signature-gate"
#: Text one of the checks needs in a file (a file without any is not walked): looked for
#: by plain searches (`_marked`), a third of what one pattern alternating them costs.
_MARKERS = ("compare_digest", "construct_event", "verify_header", "is_valid",
            "RequestValidator", "svix")
#: Checks that raise on a bad signature, by qualified name: what they verify.
_RAISING = {
    "stripe.Webhook.construct_event": "a Stripe webhook signature",
    "stripe.WebhookSignature.verify_header": "a Stripe webhook signature",
}
_COMPARE = {"hmac.compare_digest", "secrets.compare_digest"}
#: Methods of verifier objects, by the class the module imports: (what, raises).
_SLACK = (frozenset({"is_valid_request", "is_valid"}), "a Slack request signature", False)
_SVIX = (frozenset({"verify"}), "a Svix webhook signature", True)
_VERIFIERS = {
    "slack_sdk.signature.SignatureVerifier": _SLACK,
    "slack.signature.SignatureVerifier": _SLACK,
    "twilio.request_validator.RequestValidator": (frozenset({"validate"}),
                                                  "a Twilio request signature", False),
    "svix.webhooks.Webhook": _SVIX,
    "svix.Webhook": _SVIX,
}
#: A file comparing an HMAC it computes with a signature: compare_digest there is a
#: signature check.
_HMAC = re.compile(r"\bhmac\.(new|digest|HMAC)\b|\bHMAC\(")
_SIGNATURE = re.compile(r"signature", re.I)
_MAX_DEPTH = 2


@dataclass(frozen=True)
class Check:
    """A signature check: where, what it verifies (for a message), whether it raises;
    `file`: the module holding it when not the function's own (`project_check`)."""

    line: int
    what: str
    raises: bool
    file: str = ""


def _marked(text: str) -> bool:
    """Does `text` hold one of `_MARKERS`?"""
    for marker in _MARKERS:
        if marker in text:
            return True
    return False


def signature_checks(tree: ast.Module, source: str) -> list[tuple[str, str, Check]]:
    """(KIND, function name, check) of each top-level function whose work a signature
    check gates; (HELPER, name, check) of each other one that is a check for the
    functions calling or wearing it (a helper raising on a bad signature or answering
    whether it is good, a decorator whose wrapper checks before it calls the function)."""
    if not _marked(source):
        return []
    reader = _Reader(tree, source)
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            check = reader.function_check(node)
            if check is not None:
                found.append((KIND, node.name, check))
                continue
            check = reader.helper(node.name, 1) or \
                reader.wrapper_check(node, factory=False) or \
                reader.wrapper_check(node, factory=True)
            if check is not None:
                found.append((HELPER, node.name, check))
    return found


def project_check(cache: ModuleCache, file: str, handler: str, base: str = "") -> Check | None:
    """The signature check gating a handler's work (`handler`: a top-level function of
    `file`) when it lies in another module of the project: a helper the handler calls or
    a decorator on it, imported from a module of the scanned code (`base` first on the
    search path). None when there is none, or when no module the handler imports holds
    the text of a check (nothing is walked then)."""
    module = cache.try_get(file)
    if module is None or handler not in module.functions:
        return None
    project = _Project(cache, module, base)
    if not any(project.module_of(dotted) is not None for dotted in module.aliases.values()):
        return None
    return _Reader(module.tree, module.source, project).function_check(
        module.functions[handler])


class _Project:
    """The functions of the project's other modules a module imports, each read by its
    own module's `_Reader` (which follows no further module: one level)."""

    def __init__(self, cache: ModuleCache, module: Module, base: str):
        self.cache = cache
        self.module = module
        self.search = search_path(module, base)
        self.readers: dict[str, _Reader] = {}

    def module_of(self, dotted: str, checks: bool = True) -> tuple[Module, str] | None:
        """The module of the project (not this one) holding the function `dotted` names,
        and the function's name; `checks`: only when the module's text may hold a check."""
        found = self.cache.module_prefix(dotted, self.search)
        if found is None:
            return None
        other, rest = found
        if other.file == self.module.file or len(rest) != 1 or \
                rest[0] not in other.functions or checks and not _marked(other.source):
            return None
        return other, rest[0]

    def function(self, dotted: str, checks: bool = True
                 ) -> tuple[_Reader, FunctionNode] | None:
        """The reader of a function's module and the function `dotted` names, if any
        (`checks`: as `module_of`)."""
        found = self.module_of(dotted, checks)
        if found is None:
            return None
        other, name = found
        reader = self.readers.get(other.file)
        if reader is None:
            reader = self.readers[other.file] = _Reader(other.tree, other.source,
                                                        file=other.file)
        return reader, other.functions[name]


class _Reader:
    """The checks of one module: its imports qualify names, its functions are helpers;
    `project` follows the functions it imports from the project's other modules."""

    def __init__(self, tree: ast.Module, source: str, project: _Project | None = None,
                 file: str = ""):
        self.project = project
        self.file = file
        package = ""
        self.aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                add_import(self.aliases, node, package)
        self.functions = {n.name: n for n in tree.body
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        imported = set(self.aliases.values())
        self.verifiers = [spec for dotted, spec in _VERIFIERS.items()
                          if dotted in imported or dotted.rpartition(".")[0] in imported]
        self.signed = bool(_HMAC.search(source)) and bool(_SIGNATURE.search(source))
        self._helpers: dict[tuple[str, bool], Check | None] = {}

    def qualify(self, dotted: str) -> str:
        head, dot, rest = dotted.partition(".")
        target = self.aliases.get(head)
        return (target + dot + rest if dot else target) if target else dotted

    # ---------------------------------------------------------------- the checks
    def call_check(self, call: ast.Call, depth: int) -> Check | None:
        """The check a call is: a raising or answering one, or a helper of the module
        that raises on a bad signature (`raises`) or returns the answer of a check."""
        name = self.qualify(dotted_name(call.func))
        if name in _RAISING:
            return Check(call.lineno, f"{_RAISING[name]} ({name})", True, self.file)
        if name in _COMPARE:
            return Check(call.lineno, f"an HMAC signature of the request ({name})",
                         False, self.file) if self.signed else None
        if isinstance(call.func, ast.Attribute):
            for methods, what, raises in self.verifiers:
                if call.func.attr in methods:
                    return Check(call.lineno, f"{what} (.{call.func.attr})", raises,
                                 self.file)
        if depth >= _MAX_DEPTH:
            return None
        if isinstance(call.func, ast.Name) and call.func.id in self.functions:
            return self.helper(call.func.id, depth + 1)
        outside = self.project.function(name) if self.project is not None and \
            dotted_name(call.func).partition(".")[0] in self.aliases else None
        if outside is not None:
            reader, node = outside
            return reader.helper(node.name, depth + 1)
        return None

    def function_check(self, node: FunctionNode) -> Check | None:
        """The check gating a function's work: in a decorator on it, or in its body."""
        return self.decorated(node) or self.gated(node.body, raise_only=False, depth=0)

    def decorated(self, node: FunctionNode) -> Check | None:
        """The check of a decorator whose wrapper verifies before it calls the function
        (`@verified`, `@verified(secret=...)`: the wrapper the decorator, or the decorator
        its factory, returns): the wrapper's body gated as a handler's is. A decorator
        listed above it (run first) whose wrapper does work before calling on (stores the
        body) leaves that work unchecked: no gate then. A decorator the scan cannot read
        is taken to do no work."""
        for decorator in node.decorator_list:  # the outermost, which runs first, first
            factory = isinstance(decorator, ast.Call)
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            found: tuple[_Reader, FunctionNode] | None = None
            if isinstance(target, ast.Name) and target.id in self.functions:
                found = (self, self.functions[target.id])
            elif self.project is not None:  # (any module: one without a check may work)
                found = self.project.function(self.qualify(dotted_name(target)), False)
            if found is None:
                continue
            reader, function = found
            check = reader.wrapper_check(function, factory)
            if check is not None:
                return check
            if reader.works_first(function, factory):
                return None
        return None

    def wrapper_check(self, decorator: FunctionNode, factory: bool) -> Check | None:
        """The check of a decorator of this module: the wrapper it returns (a factory:
        the wrapper its decorator returns) gated as a handler's body is; a failing branch
        that calls the decorated function (a report-only mode) stops nothing."""
        found = _wrapper_of(decorator, factory)
        if found is None:
            return None
        wrapper, wrapped = found
        return self.gated(wrapper.body, raise_only=False, depth=1, wrapped=wrapped)

    def works_first(self, decorator: FunctionNode, factory: bool) -> bool:
        """Does a decorator's wrapper do work before it calls the decorated function?"""
        found = _wrapper_of(decorator, factory)
        if found is None:
            return False
        wrapper, wrapped = found
        for stmt in wrapper.body:
            if _calls(stmt, wrapped):
                return False
            try:
                self._no_work(stmt, 1)
            except _Worked:
                return True
        return False

    def helper(self, name: str, depth: int) -> Check | None:
        """A helper's check: it raises on a bad signature (a gate of its own, raising),
        else it returns a check's answer."""
        key = (name, True)
        if key not in self._helpers:
            self._helpers[key] = None  # (recursion)
            node = self.functions[name]
            found = self.gated(node.body, raise_only=True, depth=depth)
            if found is not None:
                found = replace(found, raises=True)
            else:
                returns = [sub.value for sub in _statements(node.body)
                           if isinstance(sub, ast.Return) and sub.value is not None]
                vouches = any(isinstance(value, ast.Constant) and value.value is True
                              for value in returns)  # `if not sig: return True`
                for value in returns if not vouches else ():
                    found = self.answer(value, depth)
                    if found is not None:
                        break
            self._helpers[key] = found
        return self._helpers[key]

    def answer(self, expr: ast.expr, depth: int) -> Check | None:
        """A check whose yes-or-no answer `expr` is (or holds, in a `not`/`and`)."""
        for node in _own_nodes(expr):
            if isinstance(node, ast.Call):
                found = self.call_check(node, depth)
                if found is not None:
                    return found
        return None

    # ---------------------------------------------------------------- gates
    def gated(self, body: list[ast.stmt], raise_only: bool, depth: int,
              wrapped: str = "") -> Check | None:
        """`gate`, None when work runs before the check (`_Worked`)."""
        try:
            return self.gate(body, raise_only, depth, wrapped)
        except _Worked:
            return None

    def gate(self, body: list[ast.stmt], raise_only: bool, depth: int,
             wrapped: str = "") -> Check | None:
        """The check that gates the rest of `body`'s work, if any: a statement before the
        work that stops it on a bad signature (`raise_only`: by raising, and a return
        before the check lets the caller go on unchecked; in a handler, returning stops
        it too; in a decorator's wrapper, a branch calling the decorated function
        `wrapped` stops nothing). Raises `_Worked` when a statement before it does work
        (`table.put_item(...)` and then the check: the work ran unchecked); reading the
        request, computing an HMAC, reading a secret, logging do not count. The answer of
        a check kept in a name (`ok = hmac.compare_digest(...)`) is tested by the name."""
        answers: dict[str, Check] = {}  # names holding a check's answer
        for index, stmt in enumerate(body):
            if isinstance(stmt, ast.If):
                check = self.answer(stmt.test, depth) or _named_answer(stmt.test, answers)
                if check is not None and not check.raises:
                    negated = isinstance(stmt.test, ast.UnaryOp) and \
                        isinstance(stmt.test.op, ast.Not)
                    stops = stmt.body if negated else stmt.orelse
                    if _stops(stops, raise_only) and not (wrapped and _calls(stops, wrapped)):
                        return check
                    if not negated and not stmt.orelse and not raise_only and \
                            _nothing_after(body[index + 1:]):
                        return check  # `if valid: <the work>`, nothing done otherwise
                if check is not None and check.raises:
                    return check  # raised while the test is evaluated
                if check is None and _works_and_ends(stmt):
                    return None  # work the check does not gate (another route served)
                if check is None and raise_only and _returns(stmt):
                    raise _Worked  # (a return before the check: the caller goes on)
                if check is None:
                    self._no_work(stmt, depth)
            elif isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)):
                value = stmt.value
                if value is not None:
                    check = self.answer(value, depth)
                    if check is not None and check.raises:
                        return check
                    if check is not None and isinstance(stmt, ast.Assign) and \
                            len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                        answers[stmt.targets[0].id] = check
                        continue
                if raise_only and isinstance(stmt, ast.Return):
                    raise _Worked
                self._no_work(stmt, depth)
            elif isinstance(stmt, ast.Try):
                check = self.gate(stmt.body, raise_only, depth, wrapped)
                if check is not None and (not check.raises or all(
                        _stops(h.body, raise_only) for h in stmt.handlers)):
                    return check
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                check = self.gate(stmt.body, raise_only, depth, wrapped)
                if check is not None:
                    return check
            elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._no_work(stmt, depth)
        return None

    def _no_work(self, stmt: ast.stmt, depth: int) -> None:
        """Raise `_Worked` when a statement met before any check does work: a call other
        than one preparing the check (`_prepares`) or a check (its answer ignored)."""
        for sub in _statements([stmt]):
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for part in ast.iter_child_nodes(sub):
                if not isinstance(part, ast.expr):
                    continue
                for node in _own_nodes(part):
                    if isinstance(node, ast.Call) and not _prepares(node) and \
                            self.call_check(node, depth) is None:
                        raise _Worked


#: Calls that do no work of their own in a branch that ends the function: logging, the
#: builtins and `json` building an answer, reading or formatting a value.
_IDLE_HEADS = frozenset({"print", "logger", "logging", "log", "LOGGER", "LOG", "json", "str",
                         "int", "len", "dict", "list", "bool", "float", "base64"})
_IDLE_METHODS = frozenset({"get", "lower", "upper", "strip", "format", "encode", "decode",
                           "items", "keys", "values", "startswith", "endswith", "split",
                           "join", "replace"})


def _works_and_ends(stmt: ast.If) -> bool:
    """Does a branch of this `if`, met before any check, end the function after doing
    work (a call other than logging or building the answer, a returned call's result)?
    That work runs without the check: a function serving another route too
    (`if event["routeKey"] == "DELETE /orders/{id}": table.delete_item(...); return`).
    A class called (`Response(405)`, `ValueError(...)`) is an answer, not work."""
    for branch in (stmt.body, stmt.orelse):
        statements = list(_statements(branch))
        if not any(isinstance(s, (ast.Return, ast.Raise)) for s in statements):
            continue
        for sub in statements:
            if isinstance(sub, (ast.If, ast.For, ast.While, ast.With, ast.Try,
                                ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # their own statements are in the list (their tests are reads)
            for node in ast.walk(sub):
                if isinstance(node, ast.Call) and not _idle(node):
                    return True
    return False


def _idle(call: ast.Call) -> bool:
    name = dotted_name(call.func)
    head, _, _ = name.partition(".")
    last = name.rpartition(".")[2]
    return head in _IDLE_HEADS or last in _IDLE_METHODS or last[:1].isupper() or (
        not name and isinstance(call.func, ast.Attribute) and call.func.attr in _IDLE_METHODS)


class _Worked(Exception):
    """Work ran before any signature check (see `_Reader.gate`)."""


#: Calls that prepare a check, before it: reading the request or a secret, computing the
#: HMAC (beside `_idle`'s logging, formatting and answers).
_PREPARING_HEADS = frozenset({"hmac", "hashlib", "base64", "binascii", "os", "time",
                              "datetime", "urllib", "secrets"})
_PREPARING_METHODS = frozenset({"hexdigest", "digest", "new", "update", "getenv", "loads",
                                "load", "now", "time"})
_READING = ("get", "read", "load", "fetch", "parse", "decode", "verify", "validate",
            "is_", "has_", "check")


def _prepares(call: ast.Call) -> bool:
    """Is this call, met before a check, no work of its own (see `_PREPARING_HEADS`)?"""
    name = dotted_name(call.func)
    last = name.rpartition(".")[2] or (call.func.attr if isinstance(call.func, ast.Attribute)
                                       else "")
    return _idle(call) or name.partition(".")[0] in _PREPARING_HEADS or \
        last in _PREPARING_METHODS or last.lower().startswith(_READING)


def _named_answer(test: ast.expr, answers: dict[str, Check]) -> Check | None:
    """The check whose answer a name in an `if`'s test holds (`if not ok:`)."""
    inner = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) \
        else test
    return answers.get(inner.id) if isinstance(inner, ast.Name) else None


def _own_nodes(expr: ast.expr) -> Iterator[ast.AST]:
    """The nodes of an expression, not those of lambdas or comprehensions in it."""
    todo: list[ast.AST] = [expr]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                 ast.GeneratorExp)):
            todo.extend(ast.iter_child_nodes(node))


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a body, nested ones included, not those of nested functions."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for part in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, part, []))
        for handler in getattr(stmt, "handlers", []):
            yield from _statements(handler.body)


def _returned_def(function: FunctionNode) -> FunctionNode | None:
    """The function a function defines and returns (`def wrapper...; return wrapper`),
    when it returns nothing else (a decorator that may return the function undecorated,
    `if not SECRET: return handler`, has none)."""
    defined = {n.name: n for n in function.body
               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    returned = {stmt.value.id if isinstance(stmt.value, ast.Name) else ""
                for stmt in _statements(function.body) if isinstance(stmt, ast.Return)}
    [name] = returned if len(returned) == 1 else [""]
    return defined.get(name)


def _wrapper_of(decorator: FunctionNode, factory: bool) -> tuple[FunctionNode, str] | None:
    """The wrapper a decorator returns (a factory: the one the decorator it returns
    returns) and the name of the decorated function in it (the decorator's parameter)."""
    taking = _returned_def(decorator) if factory else decorator
    wrapper = _returned_def(taking) if taking is not None else None
    if taking is None or wrapper is None or not taking.args.args:
        return None
    return wrapper, taking.args.args[0].arg


def _calls(stmt: ast.stmt | list[ast.stmt], name: str) -> bool:
    """Do these statements call the function a plain name holds (`handler(event, ...)`)?"""
    for sub in _statements(stmt if isinstance(stmt, list) else [stmt]):
        for part in ast.iter_child_nodes(sub):
            if isinstance(part, ast.expr) and any(
                    isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
                    n.func.id == name for n in _own_nodes(part)):
                return True
    return False


def _returns(stmt: ast.stmt) -> bool:
    """Does a statement hold a return (of the function it is in)?"""
    return any(isinstance(sub, ast.Return) for sub in _statements([stmt]))


def _stops(body: list[ast.stmt], raise_only: bool) -> bool:
    """Does the block end the function (a return or a raise; `raise_only`: a raise)?"""
    if not body:
        return False
    last = body[-1]
    return isinstance(last, ast.Raise) or (not raise_only and isinstance(last, ast.Return))


def _nothing_after(rest: list[ast.stmt]) -> bool:
    """Is what follows an `if` no work: nothing, or a return of a constant or a name?"""
    return all(isinstance(s, ast.Return) and (s.value is None or isinstance(
        s.value, (ast.Constant, ast.Name, ast.Dict))) for s in rest)
