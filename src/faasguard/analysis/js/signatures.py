"""Webhook signature checks that gate a Node.js handler's work (read by FG-AUTH-002): the
JavaScript counterpart of `analysis.signatures`, with the same gates.

Checks that throw on a bad signature: Stripe's `stripe.webhooks.constructEvent(Async)`,
Svix's `new Webhook(secret).verify(...)`, Slack's `verifySlackRequest`. Checks that answer
yes or no: `crypto.timingSafeEqual` in a file that computes an HMAC (`createHmac`) of a
signature, Twilio's `validateRequest(WithBody)`, Slack's `isValidSlackRequest`, Octokit's
`webhooks.verify` / `@octokit/webhooks-methods`' `verify`. A helper function of the same
file may hold the check (raising, or returning the answer).

`signature_checks(module)` gives (export name, check) for each function the file exports
whose work such a check gates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import JsModule, first_named
from faasguard.analysis.js.reach import outline
from faasguard.analysis.signatures import Check

if TYPE_CHECKING:
    from tree_sitter import Node

_MARKERS = re.compile(rb"constructEvent|timingSafeEqual|validateRequest|SlackRequest|"
                      rb"svix|octokit")
#: Callee endings of the checks that throw, and of those that answer: what they verify.
_RAISING = {".webhooks.constructEvent": "a Stripe webhook signature",
            ".webhooks.constructEventAsync": "a Stripe webhook signature",
            "verifySlackRequest": "a Slack request signature"}
_ANSWERING = {"validateRequest": "a Twilio request signature",
              "validateRequestWithBody": "a Twilio request signature",
              "isValidSlackRequest": "a Slack request signature",
              "webhooks.verify": "a GitHub webhook signature (Octokit)"}
#: Callee endings of the checks whose answer (or throw) comes through a promise.
_ASYNC_CHECKS = (".webhooks.constructEventAsync", "webhooks.verify")
_HMAC = re.compile(rb"createHmac\s*\(")
_SIGNATURE = re.compile(rb"signature", re.I)
_STOPS = ("return_statement", "throw_statement")
_MAX_DEPTH = 2
#: Calls that do no work of their own in a branch that ends the function: logging,
#: building the answer, reading or formatting a value.
_IDLE_HEADS = frozenset({"console", "JSON", "String", "Number", "Boolean", "logger", "log",
                         "Buffer", "Object", "Array", "Math", "parseInt", "encodeURIComponent"})
_IDLE_METHODS = frozenset({"get", "toLowerCase", "toUpperCase", "trim", "toString",
                           "includes", "startsWith", "endsWith", "split", "join", "replace",
                           "stringify", "parse", "keys", "values"})
_FUNCTIONS = ("arrow_function", "function_expression", "function", "function_declaration",
              "generator_function_declaration", "method_definition")


def signature_checks(module: JsModule) -> list[tuple[str, Check]]:
    """(export name, check) of each exported function whose work a signature check gates."""
    if not _MARKERS.search(module.source):
        return []
    reader = _Reader(module)
    found = []
    for export, locals_ in outline(module).exports.items():
        for local in locals_ or [export]:
            check = reader.entry_gate(local, raise_only=False, depth=0)
            if check is None:  # `export const handler = middy(async (event) => {...})`
                body = reader.wrapped_body(local, export)
                check = reader.gated(list(body.named_children), False, 0) \
                    if body is not None else None
            if check is not None:
                found.append((export, check))
                break
    return found


class _Reader:
    def __init__(self, module: JsModule):
        self.module = module
        self.outline = outline(module)
        self.signed = bool(_HMAC.search(module.source)) and \
            bool(_SIGNATURE.search(module.source))
        self.svix = b"svix" in module.source
        self.octokit = b"@octokit/webhooks-methods" in module.source
        self._helpers: dict[str, Check | None] = {}

    def text(self, node: Node | None) -> str:
        return self.module.text(node) if node is not None else ""

    def function_of(self, name: str) -> Node | None:
        """The function an entry of the file defines."""
        for start, end in self.outline.entries.get(name, ()):
            node = self.module.root.descendant_for_byte_range(start, end)
            todo = [node] if node is not None else []
            while todo:
                current = todo.pop(0)
                if current.type in _FUNCTIONS:
                    return current
                todo.extend(current.named_children)
        return None

    def body_of(self, name: str) -> Node | None:
        """The statement block of the function an entry of the file defines."""
        function = self.function_of(name)
        body = function.child_by_field_id(self.module.fid.body) \
            if function is not None else None
        return body if body is not None and body.type == "statement_block" else None

    def wrapped_body(self, name: str, export: str) -> Node | None:
        """The body of the function a wrapper call is given, where the top level binds
        `name` (or assigns `exports.<export>`) to such a call (`middy(fn)`, `ApiHandler(
        async (event) => {...})`, `handle(fn).use(...)`): its first function argument, or
        a function of the file it names."""
        value = self._bound_value(name, export)
        if value is None or value.type != "call_expression":
            return None
        todo, seen = [value], 0
        while todo and seen < 64:
            node = todo.pop(0)
            seen += 1
            if node.type in _FUNCTIONS:
                body = node.child_by_field_id(self.module.fid.body)
                return body if body is not None and body.type == "statement_block" else None
            if node.type == "identifier" and node.parent is not None and \
                    node.parent.type == "arguments" and self.text(node) in self.outline.entries:
                return self.body_of(self.text(node))
            todo.extend(node.named_children)
        return None

    def _bound_value(self, name: str, export: str) -> Node | None:
        fid = self.module.fid
        targets = {f"exports.{export}", f"module.exports.{export}"}
        for statement in self.module.root.named_children:
            holder = statement.child_by_field_id(fid.declaration) \
                if statement.type == "export_statement" else statement
            if holder is None:
                continue
            if holder.type in ("lexical_declaration", "variable_declaration"):
                for declarator in holder.named_children:
                    if self.text(declarator.child_by_field_id(fid.name)) == name:
                        return declarator.child_by_field_id(fid.value)
            elif holder.type == "expression_statement" and holder.named_child_count == 1:
                assignment = holder.named_child(0)
                if assignment is not None and assignment.type == "assignment_expression" and \
                        self.text(assignment.child_by_field_id(fid.left)).replace(" ", "") \
                        in targets:
                    return assignment.child_by_field_id(fid.right)
        return None

    def entry_gate(self, name: str, raise_only: bool, depth: int) -> Check | None:
        body = self.body_of(name)
        return self.gated(list(body.named_children), raise_only, depth) \
            if body is not None else None

    def gated(self, statements: list[Node], raise_only: bool, depth: int) -> Check | None:
        """`gate`, None when work runs before the check (`_Worked`)."""
        try:
            return self.gate(statements, raise_only, depth)
        except _Worked:
            return None

    def _no_work(self, stmt: Node, depth: int) -> None:
        """Raise `_Worked` when a statement met before any check does work: a call other
        than one preparing the check (`_prepares`) or a check (its answer ignored)."""
        for node in self._descendants(stmt):
            if node.type == "call_expression" and not self._prepares(node) and \
                    self.call_check(node, depth) is None:
                raise _Worked

    def _prepares(self, call: Node) -> bool:
        """Is this call, met before a check, no work of its own: `_idle`'s, reading the
        request or a secret, computing the HMAC (`crypto.createHmac(...).update(...)`)?"""
        callee = self.text(call.child_by_field_id(self.module.fid.function)).replace(" ", "")
        head, last = callee.split(".", 1)[0], callee.rsplit(".", 1)[-1]
        return self._idle(call) or head in _PREPARING_HEADS or last in _PREPARING_METHODS \
            or last.lower().startswith(_READING)

    def _named_answer(self, condition: Node | None, answers: dict[str, Check]) -> Check | None:
        """The check whose answer a name in an `if`'s condition holds (`if (!ok)`)."""
        node = condition
        while node is not None and node.type in ("parenthesized_expression",
                                                 "unary_expression"):
            if node.type == "unary_expression" and not self.text(node).startswith("!"):
                return None
            node = first_named(node)
        return answers.get(self.text(node)) if node is not None and \
            node.type == "identifier" else None

    # ---------------------------------------------------------------- the checks
    def call_check(self, call: Node, depth: int) -> Check | None:
        """The check a call makes, if any. One that answers or throws through a promise
        (`constructEventAsync`, Octokit's `verify`, an async helper of the file) counts
        only awaited: `if (!verify(...))` tests a promise, which is never false, and a
        rejection nobody awaits stops nothing."""
        found = self._call_check(call, depth)
        if found is not None and not _awaited(call) and self._is_async(call):
            return None
        return found

    def _is_async(self, call: Node) -> bool:
        callee = self.text(call.child_by_field_id(self.module.fid.function)).replace(" ", "")
        if callee.endswith(".verify") and self.svix:
            return False  # Svix's verify throws at once (a `webhooks` object too)
        if callee.endswith(_ASYNC_CHECKS) or callee == "verify" and self.octokit:
            return True
        function = self.function_of(callee) if callee in self.outline.entries else None
        return function is not None and any(c.type == "async" for c in function.children)

    def _call_check(self, call: Node, depth: int) -> Check | None:
        callee = self.text(call.child_by_field_id(self.module.fid.function)).replace(" ", "")
        line = call.start_point[0] + 1
        for ending, what in _RAISING.items():
            if callee.endswith(ending) or callee == ending.lstrip("."):
                return Check(line, f"{what} ({callee})", True)
        if callee.endswith(".verify") and self.svix:
            return Check(line, f"a Svix webhook signature ({callee})", True)
        if callee.rsplit(".", 1)[-1] == "timingSafeEqual":
            return Check(line, f"an HMAC signature of the request ({callee})", False) \
                if self.signed else None
        for ending, what in _ANSWERING.items():
            if callee == ending or callee.endswith("." + ending):
                return Check(line, f"{what} ({callee})", False)
        if callee == "verify" and self.octokit:
            return Check(line, f"a GitHub webhook signature ({callee})", False)
        if callee in self.outline.entries and depth < _MAX_DEPTH:
            return self.helper(callee, depth + 1)
        return None

    def helper(self, name: str, depth: int) -> Check | None:
        """A helper's check: it throws on a bad signature, or returns a check's answer."""
        if name not in self._helpers:
            self._helpers[name] = None  # (recursion)
            found = self.entry_gate(name, raise_only=True, depth=depth)
            if found is not None:
                found = Check(found.line, found.what, True)
            else:
                returns = [node for node in self._descendants(self.body_of(name))
                           if node.type == "return_statement"]
                vouches = any(_returns_true(node) for node in returns)
                for node in returns if not vouches else ():  # (`if (!sig) return true`)
                    found = self.answer(node, depth)
                    if found is not None:
                        break
            self._helpers[name] = found
        return self._helpers[name]

    def answer(self, node: Node | None, depth: int) -> Check | None:
        """The first check among the calls of an expression (not in nested functions)."""
        for sub in self._descendants(node):
            if sub.type == "call_expression":
                found = self.call_check(sub, depth)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _descendants(node: Node | None) -> list[Node]:
        out: list[Node] = []
        todo = [node] if node is not None else []
        while todo:
            current = todo.pop()
            out.append(current)
            if current is node or current.type not in _FUNCTIONS:
                todo.extend(reversed(current.named_children))
        return out

    def works_and_ends(self, stmt: Node) -> bool:
        """Does a branch of this `if`, met before any check, end the function after doing
        work (a call other than logging or building the answer)? That work runs without
        the check: a function serving another route too (`if (event.routeKey === "DELETE
        /orders/{id}") { await db.send(...); return ...; }`), as analysis.signatures."""
        fid = self.module.fid
        for branch in (stmt.child_by_field_id(fid.consequence),
                       stmt.child_by_field_id(fid.alternative)):
            nodes = self._descendants(branch)
            if not any(n.type in _STOPS for n in nodes):
                continue
            for node in nodes:
                if node.type == "call_expression" and not self._idle(node):
                    return True
        return False

    def _idle(self, call: Node) -> bool:
        callee = self.text(call.child_by_field_id(self.module.fid.function)).replace(" ", "")
        head, last = callee.split(".", 1)[0], callee.rsplit(".", 1)[-1]
        return head in _IDLE_HEADS or last in _IDLE_METHODS or last[:1].isupper()

    # ---------------------------------------------------------------- gates
    def gate(self, statements: list[Node], raise_only: bool, depth: int) -> Check | None:
        """The check that gates the rest of a block's work (as analysis.signatures: work
        before it raises `_Worked`; a check's answer kept in a name is tested by it)."""
        answers: dict[str, Check] = {}  # names holding a check's answer
        for index, stmt in enumerate(statements):
            kind = stmt.type
            if kind == "if_statement":
                condition = stmt.child_by_field_id(self.module.fid.condition)
                check = self.answer(condition, depth) or \
                    self._named_answer(condition, answers)
                if check is None:
                    if self.works_and_ends(stmt):
                        return None  # work the check does not gate (another route served)
                    self._no_work(stmt, depth)
                    continue
                if check.raises:
                    return check
                inner = first_named(condition) if condition is not None else None
                negated = inner is not None and inner.type == "unary_expression" and \
                    self.text(inner).startswith("!")
                alternative = stmt.child_by_field_id(self.module.fid.alternative)
                stops = stmt.child_by_field_id(self.module.fid.consequence) if negated \
                    else alternative
                if _stops(stops, raise_only):
                    return check
                if not negated and alternative is None and not raise_only and \
                        _nothing_after(statements[index + 1:]):
                    return check
            elif kind in ("expression_statement", "lexical_declaration",
                          "variable_declaration", "return_statement"):
                check = self.answer(stmt, depth)
                if check is not None and check.raises:
                    return check
                name = self._declared_name(stmt) if check is not None else None
                if name is not None and check is not None:
                    answers[name] = check  # `const ok = crypto.timingSafeEqual(...)`
                    continue
                self._no_work(stmt, depth)
            elif kind == "try_statement":
                body = stmt.child_by_field_id(self.module.fid.body)
                check = self.gate(list(body.named_children), raise_only, depth) \
                    if body is not None else None
                handler = stmt.child_by_field_id(self.module.fid.handler)
                caught = handler.child_by_field_id(self.module.fid.body) \
                    if handler is not None else None
                if check is not None and (not check.raises or handler is None or
                                          _stops(caught, raise_only)):
                    return check
            elif kind not in ("function_declaration", "class_declaration", "comment",
                              "empty_statement"):
                self._no_work(stmt, depth)
        return None

    def _declared_name(self, stmt: Node) -> str | None:
        """The name a one-declarator `const`/`let`/`var` declares, if it is a name."""
        if stmt.type not in ("lexical_declaration", "variable_declaration") or \
                stmt.named_child_count != 1:
            return None
        declarator = stmt.named_child(0)
        target = declarator.child_by_field_id(self.module.fid.name) \
            if declarator is not None else None
        return self.text(target) if target is not None and target.type == "identifier" \
            else None


class _Worked(Exception):
    """Work ran before any signature check (see `_Reader.gate`)."""


#: Calls that prepare a check, before it (beside `_idle`'s): the HMAC, the environment,
#: reading the request or a secret (as analysis.signatures).
_PREPARING_HEADS = frozenset({"crypto", "process", "Date", "querystring", "qs"})
_PREPARING_METHODS = frozenset({"createHmac", "update", "digest", "from", "now", "getenv"})
_READING = ("get", "read", "load", "fetch", "parse", "decode", "verify", "validate", "is",
            "has", "check")


def _awaited(call: Node) -> bool:
    """Is a call's promise awaited where it is made (`await f()`, `!(await f())`)?"""
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    return parent is not None and parent.type == "await_expression"


def _stops(node: Node | None, raise_only: bool) -> bool:
    """Does a branch end the function (a return or a throw; `raise_only`: a throw)?"""
    if node is None:
        return False
    if node.type == "else_clause":
        node = first_named(node)
        if node is None:
            return False
    last = node
    if node.type == "statement_block":
        if not node.named_child_count:
            return False
        last = node.named_child(node.named_child_count - 1)
    kinds = ("throw_statement",) if raise_only else _STOPS
    return last is not None and last.type in kinds


def _returns_true(node: Node) -> bool:
    """Does a return statement answer `true` without a check (a request let through)?"""
    value = first_named(node)
    return value is not None and value.type == "true"


def _nothing_after(rest: list[Node]) -> bool:
    """Is what follows an `if` no work: nothing, or a return of a literal or a name?"""
    for stmt in rest:
        if stmt.type != "return_statement":
            return False
        value = first_named(stmt)
        if value is not None and value.type not in ("identifier", "object", "string",
                                                    "number", "null", "undefined"):
            return False
    return True
