"""The JS taint engine: an abstract interpreter over tree-sitter syntax trees.

It walks one function at a time, statement by statement, keeping for every local binding
a `Val` (the taints it carries and, for some objects, a kind; see values.py). Taints,
values and hits are the Python engine's (analysis.taint.state), so flows, rules and
reports are shared. Calls are the business of `calls.JsCalls`.

Branches are analysed separately and merged; a branch that returns or throws does not
flow on, which is what makes allow-list checks with an early return work. Loop bodies
run once, and again when a binding they read changed. Module top levels are evaluated
once (without taint) to know what `require`/`import` bind and what a file exports.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from faasguard.analysis.js.calls import (
    JsCalls,
    access_path,
    html_headers,
    request_index,
)
from faasguard.analysis.js.demand import (
    call_only_writes,
    clear_of_other_words,
    holds_any,
    inert_words,
)
from faasguard.analysis.js.origins import fixed_origin
from faasguard.analysis.js.parse import (
    MAX_NESTING,
    FieldIds,
    JsModule,
    JsModuleCache,
    first_named,
    import_clause_of,
    line,
    named_children_of,
    string_value,
    text_in,
    text_of,
)
from faasguard.analysis.js.spots import calls_within, word_node_at, word_nodes, word_spans
from faasguard.analysis.js.table import DYNAMO_EXPRESSIONS, JsTable
from faasguard.analysis.js.values import (
    APP,
    CLASS,
    FN,
    HTML_RESPONSE,
    INSTANCE,
    LOCAL,
    MOD,
    REF,
    REQUEST,
    FuncRef,
    JsFrame,
    package_name,
    qualified,
)
from faasguard.analysis.taint.paths import JS_OPENS, PATHS, forget_paths, joined_paths
from faasguard.analysis.taint.state import (
    CLEAN,
    Hit,
    Taint,
    Val,
    extend,
    joined_env,
    merge,
    merge_env,
    merged_outcomes,
    stringified,
    taint_signature,
    union,
    with_step,
)

if TYPE_CHECKING:
    from tree_sitter import Node

PASSTHROUGH = {"parenthesized_expression", "await_expression", "as_expression",
               "satisfies_expression", "non_null_expression", "spread_element",
               "type_assertion"}
FUNCTIONS = {"arrow_function", "function_expression", "function", "function_declaration",
             "generator_function_declaration", "generator_function", "method_definition"}
#: What the text of a loop that makes functions or classes or uses `this` holds
#: (`JsAnalyzer._same_again`).
_MAKES_FUNCTIONS = (b"=>", b"function", b"class", b"this")
CLEAN_OPERATORS = {"===", "!==", "==", "!=", "<", ">", "<=", ">=", "-", "*", "/", "%", "**",
                   "instanceof", "in", "&", "|", "^", "<<", ">>", ">>>"}


class JsAnalyzer(JsCalls):
    """Analyses one entry point (a handler) with its first parameter as the source."""

    def __init__(self, table: JsTable, cache: JsModuleCache):
        self.table = table
        self.cache = cache
        self.hits: list[Hit] = []
        self.local_funcs: dict[str, FuncRef] = {}
        self.stack: list[int] = []
        self.budget = 400
        self.patterns = 0  # the destructuring patterns `bind` is within (MAX_NESTING)
        self.plugin_prefix = ""
        self.memo: dict[tuple[Any, ...], Val] = {}
        self.visited: set[tuple[str, int]] = set()
        # (class key, field) -> this.field; what module top levels set is shared by all
        self.fields: dict[tuple[str, str], Val] = dict(cache.class_fields)
        # what was read of the syntax of a call or member node (by node id, unique among
        # the cache's trees), for its next visit: loop bodies run twice, callees again
        self.syntax: dict[int, Any] = {}
        # the frame of the function `analyse` was given with `prune_tail`, and the span
        # of its text: its statements that nothing needs are skipped
        self.entry: JsFrame | None = None
        self.entry_span = (0, 0)
        # the event paths a framework validated before the analysed function runs
        # (frameworks.validated_paths): read as clean
        self.validated: frozenset[tuple[str, ...]] = frozenset()
        # the bindings at each `break` of the switch being analysed (None outside one)
        self.breaks: list[dict[str, Val]] | None = None

    # ------------------------------------------------------------------ entry points

    def analyse(self, module: JsModule, fnode: Node, name: str, sources: int = 1,
                request: bool = False, prune_tail: bool = False,
                validated: frozenset[tuple[str, ...]] = frozenset()) -> None:
        """Analyse a function with its first `sources` parameters as attacker input
        (`request`: the first is an Express-style request, read as the HTTP event, or
        the second in an error handler, `(err, req, res, next)`;
        `validated`: the event paths a framework's schema checked, read as clean).

        `prune_tail` (for an analyzer of this one function, whose memo, budget and fields
        nothing reads afterwards): the statements that end the body and can neither
        report nor change anything kept are skipped (`_inert_tail`), and so are the
        expression statements anywhere in it that nothing needs (`_unneeded`)."""
        self.module_exports(module)
        self.validated = validated
        frame = JsFrame(module, name)
        params = self.params(fnode, module.fid)
        at = line(fnode)
        first = request_index(params) if request else 0
        for param in params[first:first + sources]:
            self._bind_input(param, frame, at, name, (), request, own_origin=not request)
        self.visited.add((module.file, at))
        body = fnode.child_by_field_id(module.fid.body)
        if prune_tail:
            self.entry, self.entry_span = frame, (fnode.start_byte, fnode.end_byte)
        if prune_tail and body is not None and body.type == "statement_block":
            self.block(body.named_children, frame, prune_tail=True)
        else:
            self.run_body(fnode, frame)

    def analyse_filled(self, module: JsModule, fnode: Node, name: str,
                       given: tuple[tuple[Node, tuple[str, ...], bool], ...]) -> None:
        """Analyse a function whose parameters a framework fills from the HTTP event
        (NestJS's `@Param("id") id`: each parameter, its event path, and whether it is
        the whole request); parameters not given are not input."""
        self.module_exports(module)
        self.validated = frozenset()
        frame = JsFrame(module, name)
        at = line(fnode)
        for param, path, request in given:
            self._bind_input(param, frame, at, name, path, request, own_origin=False)
        self.visited.add((module.file, at))
        self.run_body(fnode, frame)

    def _bind_input(self, param: Node, frame: JsFrame, at: int, name: str,
                    path: tuple[str, ...], request: bool, own_origin: bool) -> None:
        """Bind a parameter of the analysed function `name` to attacker input: `path` of
        the event (`request`: an Express-style request), its origin the parameter's own
        name when `own_origin` and it is a plain name, else "event"."""
        names = self.pattern_names(param, frame.module.source)
        step = (frame.module.file, at, f"'{names[0] if names else 'event'}' of "
                f"{name}() is attacker-controlled input")
        origin = names[0] if own_origin and names and param.type == "identifier" \
            else "event"
        self.bind(param, Val((Taint(path, (step,), origin),), REQUEST if request else None),
                  frame, at)

    def module_exports(self, module: JsModule) -> dict[str, Val]:
        """Evaluate a module's top level once (no taint); its exports."""
        if not module.evaluated:
            module.evaluated = True
            frame = JsFrame(module, "<module>", module.env, top_level=True)
            self.block(module.root.named_children, frame)
            self.cache.class_fields.update(
                (key, val) for key, val in self.fields.items() if not val.taints)
        return module.exports

    def run_body(self, fnode: Node, frame: JsFrame) -> None:
        """Run a function's body: a block, or the expression of an arrow function."""
        body = fnode.child_by_field_id(frame.module.fid.body)
        if body is None:
            return
        if body.type == "statement_block":
            self.block(body.named_children, frame)
        else:
            frame.returns.append(self.ev(body, frame))

    @staticmethod
    def params(fnode: Node, fid: FieldIds) -> list[Node]:
        """The parameter nodes of a function (an arrow's bare `x => ...` too); `fid`: the
        field ids of its file's grammar."""
        single = fnode.child_by_field_id(fid.parameter)
        if single is not None:
            return [single]
        params = fnode.child_by_field_id(fid.parameters)
        if params is None:
            return []
        return [p for p in params.named_children if p.type != "comment"]

    def pattern_names(self, node: Node, source: bytes) -> list[str]:
        """The names a parameter or pattern binds (first one first); `source`: the bytes
        of the node's file (slicing them is cheaper than `node.text`)."""
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            return [text_in(source, node)]
        out: list[str] = []
        for child in node.named_children:
            if child.type in ("type_annotation", "accessibility_modifier"):
                continue
            out.extend(self.pattern_names(child, source))
        return out

    # ------------------------------------------------------------------ statements

    def block(self, stmts: list[Node], f: JsFrame, prune_tail: bool = False) -> bool:
        """Analyse statements in order; True when the block always leaves (return/throw).
        `prune_tail`: the body of the function `analyse` was given (see there)."""
        names = f.module.kinds
        kinds = [names[stmt.kind_id] for stmt in stmts]
        if not _HOISTING.isdisjoint(kinds):  # hoisting: functions are bound first
            for stmt, kind in zip(stmts, kinds, strict=True):
                if kind == "export_statement":
                    decl = stmt.child_by_field_id(f.module.fid.declaration)
                    if decl is not None and decl.type in FUNCTIONS:
                        self._declare(decl, f)
                elif kind in _HOISTING:
                    self._declare(stmt, f)
        if prune_tail:
            tail = _inert_words(stmts, f.module)
            first_inert = len(stmts) - len(tail)
        else:
            tail, first_inert = [], len(stmts)
        entry = f is self.entry
        for index, (stmt, kind) in enumerate(zip(stmts, kinds, strict=True)):
            if index >= first_inert and self._inert_tail(tail[index - first_inert:], f):
                return False
            if kind == "expression_statement" and entry and self._unneeded(stmt, f):
                continue
            handler = _STMT.get(kind)
            if handler is not None and handler(self, stmt, f):
                return True
        return False

    def _unneeded(self, stmt: Node, f: JsFrame) -> bool:
        """Can an expression statement of the entry function be skipped? It can neither
        report nor run project code (as for `_inert_tail`, and it calls no project
        function at all), it assigns nothing, and the only names it may write (the lists
        it adds to: `calls.method`, table.arg_methods) are not bound yet and are written
        nowhere else in the function: nothing kept reads what it would compute."""
        source = f.module.source[stmt.start_byte:stmt.end_byte]
        words = inert_words(source, file_clear=clear_of_other_words(f.module))
        if words is None:
            return False
        holders = call_only_writes(source, words, self.table.arg_methods)
        if holders is None:
            return False
        calls = self.table.calls
        for word in words:
            val = self.lookup(word, f)
            kind = val.kind
            if kind is not None and (kind.startswith((CLASS, INSTANCE, LOCAL, FN))
                                     or kind == APP or kind == HTML_RESPONSE
                                     or qualified(val) in calls):
                return False
        return not any(holder in f.env or self._met_outside(f.module, holder, stmt)
                       for holder in holders)

    def _met_outside(self, module: JsModule, name: str, part: Node) -> bool:
        """Is `name` written in the entry function outside `part` (a node within it)?
        (Only the words outside `part` are looked up in the tree.)"""
        start, end = part.start_byte, part.end_byte
        return any(not start <= at < end and word_node_at(module, at, stop) is not None
                   for at, stop in word_spans(module, name, span=self.entry_span))

    def _inert_tail(self, tail: list[list[str]], f: JsFrame) -> bool:
        """Can the rest of an entry function's body (the words of each statement) be left
        out? Its text names no sink, reported key or effect (`demand.inert_words`), and
        none of its words is bound, here, to what could run project code or be a sink:
        a class, an instance, a project module, an Express app, a sink function, or a
        project function other than an inert one (`_inert_function`). The values and
        bindings it would compute are then never read."""
        calls = self.table.calls
        for words in tail:
            for word in words:
                val = self.lookup(word, f)
                kind = val.kind
                if kind is None:
                    continue
                if kind.startswith((CLASS, INSTANCE, LOCAL)) or kind == APP or \
                        kind == HTML_RESPONSE:
                    return False
                if kind.startswith(FN):
                    ref = self.func_ref(val)
                    if ref is None or not _inert_function(ref):
                        return False
                elif qualified(val) in calls:
                    return False
        return True

    def _s_class(self, node: Node, f: JsFrame) -> bool:
        name = text_in(f.module.source, node.child_by_field_id(f.module.fid.name))
        if name:
            f.env[name] = self.class_value(node, f)
        return False

    def class_value(self, node: Node, f: JsFrame) -> Val:
        """A class declaration or expression as a value."""
        key = f"{f.module.file}:{node.start_byte}"
        ref = FuncRef(f.module, node, None if f.top_level else f, self._class_name(node))
        (self.cache.functions if f.top_level else self.local_funcs)[key] = ref
        return Val((), CLASS + key)

    @staticmethod
    def _class_name(node: Node) -> str:
        return text_of(node.child_by_field_name("name")) or "<class>"

    def _declare(self, node: Node, f: JsFrame) -> None:
        name = text_in(f.module.source, node.child_by_field_id(f.module.fid.name))
        if name:
            f.env[name] = self.function_value(node, f, name)

    def _s_expression(self, node: Node, f: JsFrame) -> bool:
        for child in named_children_of(node):
            self.ev(child, f)
        return False

    def _s_declaration(self, node: Node, f: JsFrame) -> bool:
        if f.top_level and self._replay(node, f, _is_package_require):
            return False
        kinds, fid = f.module.kinds, f.module.fid
        for decl in named_children_of(node):  # (one declarator: without a list of them)
            if kinds[decl.kind_id] != "variable_declarator":
                continue
            target = decl.child_by_field_id(fid.name)
            value = decl.child_by_field_id(fid.value)
            if target is None:
                continue
            if value is None:
                val = CLEAN
            else:  # (a name only a function value takes)
                val = self.ev(value, f, name_hint=self._name(target, f)
                              if kinds[value.kind_id] in FUNCTIONS else None)
            # (the line is read only where a step is recorded: not for a clean name)
            self.bind(target, val, f, line(decl) if val.taints or
                      kinds[target.kind_id] != "identifier" else 0,
                      _pattern_path(value, target, f) if PATHS in f.env else "")
        return False

    def _name(self, node: Node, f: JsFrame) -> str | None:
        return (text_in(f.module.source, node) or None) if node.type == "identifier" else None

    def _s_return(self, node: Node, f: JsFrame) -> bool:
        for child in named_children_of(node):
            f.returns.append(self.ev(child, f))
        return True

    def _s_throw(self, node: Node, f: JsFrame) -> bool:
        for child in named_children_of(node):
            self.ev(child, f)
        return True

    def _s_jump(self, node: Node, f: JsFrame) -> bool:
        if self.breaks is not None and node.type == "break_statement" and \
                node.named_child_count == 0 and _breaks_switch(node):
            self.breaks.append(dict(f.env))  # (what the switch being analysed goes on with)
        return True

    def _s_block(self, node: Node, f: JsFrame) -> bool:
        return self.block(node.named_children, f)

    def _branch(self, node: Node | None, f: JsFrame) -> bool:
        if node is None:
            return False
        if node.type == "else_clause":
            return self.block(node.named_children, f)
        if node.type == "statement_block":
            return self.block(node.named_children, f)
        return self.block([node], f)

    def _s_if(self, node: Node, f: JsFrame) -> bool:
        cond = node.child_by_field_id(f.module.fid.condition)
        when_true: set[str] = set()
        when_false: set[str] = set()
        if cond is not None:
            self.ev(cond, f)
            when_true, when_false = self.guard(cond, f)
        before = f.env
        f.env = dict(before)
        if when_true:
            _checked(f.env, when_true)
        left = self._branch(node.child_by_field_id(f.module.fid.consequence), f)
        env_body = f.env
        f.env = dict(before)
        if when_false:
            _checked(f.env, when_false)
        right = self._branch(node.child_by_field_id(f.module.fid.alternative), f)
        env_else = f.env
        f.env = joined_env(left, env_body, right, env_else)
        if not left and not right and PATHS in f.env:
            joined_paths(f.env, env_body, env_else, opens=JS_OPENS)
        return left and right

    def _loop(self, f: JsFrame, one_pass: Callable[[], None], loop: Node | None = None
              ) -> None:
        before = dict(f.env)
        one_pass()
        # again only when a binding from before the loop changed (bindings made in the body
        # start afresh on each iteration), and a second pass can read something new
        changed = [k for k, v in before.items() if (now := f.env.get(k)) is not v
                   and taint_signature(v) != taint_signature(now)]
        if changed and (loop is None or f is not self.entry or
                        not self._same_again(loop, f, changed, before)):
            one_pass()
        after = f.env
        f.env = merge_env(before, after)
        if PATHS in f.env:  # (a loop may run no time, or stop anywhere)
            joined_paths(f.env, before, after, opens=JS_OPENS)

    def _same_again(self, loop: Node, f: JsFrame, changed: list[str],
                    before: dict[str, Val]) -> bool:
        """Would a second pass over a loop of the entry function read only what the first
        read (so it could find nothing new: the same hits, the same bindings)? Yes when
        the bindings from before the loop that changed are only added to in the loop
        (`list.push(x);`: a statement that reads the list only to add to it, and is
        discarded), and each binding the first pass made is first met in the loop where
        it is declared and is written nowhere else in the function: the second pass makes
        it again before reading it. No when the loop makes functions or classes or
        uses `this` (what a call reads would be harder to tell)."""
        module = f.module
        start, end = loop.start_byte, loop.end_byte
        text = module.source[start:end]
        if holds_any(text, _MAKES_FUNCTIONS):
            return False
        methods = self.table.arg_methods
        for name in changed:
            if not all(_added_to(node, module, methods)
                       for node in word_nodes(module, name, span=(start, end))):
                return False
        for name in f.env:
            if name not in before and not self._only_in(module, name, start, end):
                return False
        return True

    def _only_in(self, module: JsModule, name: str, start: int, end: int) -> bool:
        """Is `name` met in the entry function only between these offsets (a loop's),
        first where it is declared? Only the words outside, and the first inside, are
        looked up in the tree (one search each; as for `word_nodes`, a comment or a longer
        string with the name in it is no meeting, a string that is just the name is one)."""
        first = None
        for at, stop in word_spans(module, name, span=self.entry_span):
            if not start <= at < end:
                if word_node_at(module, at, stop) is not None:
                    return False  # (met outside the loop)
            elif first is None:
                first = word_node_at(module, at, stop)
        return first is not None and _declared(first, module)

    def _s_for_in(self, node: Node, f: JsFrame) -> bool:
        right = node.child_by_field_id(f.module.fid.right)
        items = self.ev(right, f) if right is not None else CLEAN
        at = line(node)
        element = extend(items, "*", (f.module.file, at))
        if items.taints:
            element = with_step(element, (f.module.file, at, "iterated over"))
        left = node.child_by_field_id(f.module.fid.left)
        body = node.child_by_field_id(f.module.fid.body)

        def one_pass() -> None:
            if left is not None:
                self.bind(left, element, f, line(node))
            if body is not None:
                self._branch(body, f)

        self._loop(f, one_pass, node)
        return False

    def _s_for(self, node: Node, f: JsFrame) -> bool:
        for field in ("initializer", "condition", "increment"):
            part = node.child_by_field_name(field)
            if part is not None:
                if part.type in ("lexical_declaration", "variable_declaration"):
                    self._s_declaration(part, f)
                elif part.type != "empty_statement":
                    self.ev(part, f) if part.type != "expression_statement" else \
                        self._s_expression(part, f)
        body = node.child_by_field_id(f.module.fid.body)
        if body is not None:
            def one_pass() -> None:
                self._branch(body, f)

            self._loop(f, one_pass, node)
        return False

    def _s_while(self, node: Node, f: JsFrame) -> bool:
        cond = node.child_by_field_id(f.module.fid.condition)
        body = node.child_by_field_id(f.module.fid.body)

        def one_pass() -> None:
            if cond is not None:
                self.ev(cond, f)
            if body is not None:
                self._branch(body, f)

        # (a `do` loop's condition is read before its body here, after it in the text)
        self._loop(f, one_pass, node if node.type == "while_statement" else None)
        return False

    def _s_try(self, node: Node, f: JsFrame) -> bool:
        before = dict(f.env)
        body = node.child_by_field_id(f.module.fid.body)
        left = self._branch(body, f)
        outcomes = [] if left else [f.env]
        after_body = merge_env(before, f.env)
        if PATHS in after_body:
            joined_paths(after_body, before, f.env, opens=JS_OPENS)
        handler = node.child_by_field_id(f.module.fid.handler)
        if handler is not None:
            f.env = dict(after_body)
            param = handler.child_by_field_id(f.module.fid.parameter)
            if param is not None:
                self.bind(param, CLEAN, f, line(handler))
            if not self._branch(handler.child_by_field_id(f.module.fid.body), f):
                outcomes.append(f.env)
        f.env = merged_outcomes(outcomes, after_body)
        if PATHS in f.env:
            joined_paths(f.env, *outcomes, opens=JS_OPENS)
        final = node.child_by_field_id(f.module.fid.finalizer)
        leaves = False
        if final is not None:
            leaves = self._branch(final.child_by_field_id(f.module.fid.body), f)
        return leaves or not outcomes

    def _s_switch(self, node: Node, f: JsFrame) -> bool:
        value = node.child_by_field_id(f.module.fid.value)
        if value is not None:
            self.ev(value, f)
        body = node.child_by_field_id(f.module.fid.body)
        before = f.env
        # what goes on after the switch: the bindings at its breaks, and those of the last
        # case if it runs to the end; and those from before if no case may match (no
        # `default`). A case that does not leave falls into the next, which starts with
        # its bindings joined with those from before (it may be matched itself)
        outer, self.breaks = self.breaks, []
        ways: list[dict[str, Val]] = []
        falls: dict[str, Val] | None = None
        default = False
        try:
            for case in body.named_children if body is not None else []:
                default = default or case.type == "switch_default"
                if falls is None:
                    f.env = dict(before)
                else:
                    f.env = merge_env(before, falls)
                    if PATHS in f.env:
                        joined_paths(f.env, before, falls, opens=JS_OPENS)
                value = case.child_by_field_id(f.module.fid.value)
                stmts = [c for c in case.named_children if c != value]
                falls = None if self.block(stmts, f) else f.env
            ways = ([] if default else [before]) + self.breaks + \
                ([falls] if falls is not None else [])
        finally:
            self.breaks = outer
        f.env = merged_outcomes(ways, before)
        if PATHS in f.env:
            joined_paths(f.env, *ways, opens=JS_OPENS)
        return not ways

    def _s_labeled(self, node: Node, f: JsFrame) -> bool:
        body = node.child_by_field_id(f.module.fid.body)
        return self._branch(body, f) if body is not None else False

    def _s_function(self, node: Node, f: JsFrame) -> bool:
        return False  # bound when the block started (hoisting)

    def _s_import(self, node: Node, f: JsFrame) -> bool:
        if f.top_level and self._replay(node, f, _is_package_import):
            return False
        source = string_value(node.child_by_field_id(f.module.fid.source))
        if source is None:
            return False
        module_val = self.require(source, f)
        clause = import_clause_of(node)
        if clause is None:
            return False
        for part in clause.named_children:
            kind = part.type
            if kind == "identifier":  # default import
                text = text_in(f.module.source, part)
                if text:
                    f.env[text] = self.member(module_val, "default", f, default=True)
            elif kind == "namespace_import":
                first = next((c for c in part.named_children if c.type == "identifier"), None)
                ident = text_in(f.module.source, first)
                if ident:
                    f.env[ident] = module_val
            elif kind == "named_imports":
                for spec in part.named_children:
                    name = spec.child_by_field_id(f.module.fid.name)
                    alias = spec.child_by_field_id(f.module.fid.alias)
                    name_text = text_in(f.module.source, name)
                    alias_text = text_in(f.module.source, alias) if alias is not None else name_text
                    if name_text and alias_text:
                        f.env[alias_text] = self.member(module_val, name_text, f)
        return False

    def _replay(self, node: Node, f: JsFrame, shape: Callable[[Node, JsModule], bool]) -> bool:
        """Bind what a module-level import of a package (`shape` tells) binds, as the scan's
        first statement of the same text bound it: it runs no project code and reads
        nothing but itself (a `require` of the module's own aside), so the same text
        binds the same values in any file. False when the statement is no such import
        (it is then analysed as usual)."""
        text = f.module.source[node.start_byte:node.end_byte]
        if shape is _is_package_require and text.find(b"require") < 0:
            return False  # (no such import, as `shape` would tell: not worth a memo entry)
        if "require" in f.env or self.cache.aliases(f.module.file):
            return False  # (a bare specifier may be a tsconfig.json path alias: a file)
        key = (f.module.dialect, text)
        memo = self.cache.package_imports
        if key not in memo:
            memo[key] = None  # (meanwhile: the statement below is analysed as usual)
            if not shape(node, f.module):
                return False
            bound, f.env = f.env, {}
            try:
                _STMT[node.type](self, node, f)
            finally:
                fresh, f.env = f.env, bound
            memo[key] = tuple(fresh.items())
        writes = memo[key]
        if writes is None:
            return False
        f.env.update(writes)
        return True

    def _s_export(self, node: Node, f: JsFrame) -> bool:
        decl = node.child_by_field_id(f.module.fid.declaration)
        exports = f.module.exports if f.top_level else None
        if decl is not None:
            handler = _STMT.get(decl.type)
            if handler is not None:
                handler(self, decl, f)
            if exports is not None:
                names: list[str] = []
                if decl.type in FUNCTIONS or decl.type == "class_declaration":
                    ident = decl.child_by_field_id(f.module.fid.name)
                    names = [ident.text.decode()] if ident is not None and ident.text else []
                else:
                    for sub in decl.named_children:
                        target = sub.child_by_field_id(f.module.fid.name)
                        if sub.type == "variable_declarator" and target is not None:
                            names.extend(self.pattern_names(target, f.module.source))
                for name in names:
                    exports[name] = f.env.get(name, CLEAN)
                if names and any(c.type == "default" for c in node.children):
                    # `export default async function main(event) {}`: also the default
                    exports["default"] = exports[names[0]]
            return False
        value = node.child_by_field_id(f.module.fid.value)
        if value is not None:  # export default <expression or function>
            val = self.ev(value, f, name_hint="default")
            if exports is not None:
                exports["default"] = val
            return False
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is None and exports is not None:
            self._export_star(node, exports, f)
            return False
        if clause is not None and exports is not None:
            source = string_value(node.child_by_field_id(f.module.fid.source))
            origin = self.require(source, f) if source is not None else None
            for spec in clause.named_children:
                original = spec.child_by_field_id(f.module.fid.name)
                alias = spec.child_by_field_id(f.module.fid.alias) or original
                if original is None or alias is None or not original.text or not alias.text:
                    continue
                local = original.text.decode()
                exports[alias.text.decode()] = self.member(origin, local, f) if origin is not None \
                    else f.env.get(local, CLEAN)
        return False

    def _export_star(self, node: Node, exports: dict[str, Val], f: JsFrame) -> None:
        """`export * from "./x"` (every named export of x, as barrel files do) and
        `export * as ns from "./x"` (x's namespace under one name)."""
        source = string_value(node.child_by_field_id(f.module.fid.source))
        if source is None:
            return
        origin = self.require(source, f)
        namespace = next((c for c in node.named_children if c.type == "namespace_export"),
                         None)
        if namespace is not None:
            alias = first_named(namespace)
            if alias is not None and alias.text:
                exports[alias.text.decode()] = origin
            return
        kind = origin.kind
        module = self.cache.try_get(kind[len(LOCAL):]) \
            if kind is not None and kind.startswith(LOCAL) else None
        if module is None:
            return
        for name, val in self.module_exports(module).items():
            if name not in ("default", "module.exports"):
                exports.setdefault(name, val)

    # ------------------------------------------------------------------ binding

    def bind(self, target: Node, val: Val, f: JsFrame, at: int, path: str = "") -> None:
        """Bind a value to a declaration target or parameter (patterns destructure);
        `path`: the access path the value was read from (`body`: `const { cmd } = body`),
        whose checked paths an object pattern's fields read, or ""."""
        kind = f.module.kinds[target.kind_id]
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            name = text_in(f.module.source, target)
            f.env[name] = with_step(val, (f.module.file, at, f"assigned to '{name}'")) \
                if val.taints else val
            if val.taints and PATHS in f.env:  # (a clean object's paths read clean)
                forget_paths(f.env, name, JS_OPENS)
        elif kind in ("required_parameter", "optional_parameter"):
            pattern = target.child_by_field_id(f.module.fid.pattern)
            if pattern is not None:
                default = target.child_by_field_id(f.module.fid.value)
                self.bind(pattern, merge(val, self.ev(default, f)) if default else val, f, at)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = target.child_by_field_id(f.module.fid.left)
            right = target.child_by_field_id(f.module.fid.right)
            if left is not None:
                self.bind(left, merge(val, self.ev(right, f)) if right else val, f, at)
        elif kind == "rest_pattern":
            for child in target.named_children:
                self.bind(child, val, f, at)
        elif kind in ("object_pattern", "array_pattern"):  # (each level of nesting has one)
            self.patterns += 1
            try:
                if self.patterns > MAX_NESTING:
                    raise RecursionError("pattern nested too deeply")
                if kind == "object_pattern":
                    self._bind_object(target, val, f, at, path)
                else:
                    for child in target.named_children:
                        self.bind(child, extend(val, "*", (f.module.file, at))
                                  if val.taints else CLEAN, f, at)
            finally:
                self.patterns -= 1
        elif kind in ("member_expression", "subscript_expression"):
            self.assign_member(target, val, f, at)

    def _bind_object(self, target: Node, val: Val, f: JsFrame, at: int, path: str) -> None:
        where = (f.module.file, at)
        for child in target.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                name = text_in(f.module.source, child)
                self.bind(child, self._field(val, name, f, path), f, at)
            elif child.type == "pair_pattern":
                value = child.child_by_field_id(f.module.fid.value)
                key = self.key_text(child.child_by_field_id(f.module.fid.key), f.module.source)
                if value is not None:
                    part = self._field(val, key, f, path) if key is not None else \
                        extend(val, "*", where)
                    self.bind(value, part, f, at, f"{path}.{key}" if path and key else "")
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_id(f.module.fid.left)
                right = child.child_by_field_id(f.module.fid.right)
                if left is not None and left.text:
                    part = self._field(val, left.text.decode(), f, path)
                    self.bind(left, merge(part, self.ev(right, f)) if right else part, f, at)
            elif child.type == "rest_pattern":
                for inner in child.named_children:
                    self.bind(inner, val, f, at)

    def _field(self, val: Val, key: str, f: JsFrame, path: str) -> Val:
        """The field `key` of `val`, read from `path` by a pattern: clean where that
        field's path is checked (`const { cmd } = body` after a check of `body.cmd`)."""
        if path and (checked := f.env.get(f"{path}.{key}")) is not None:
            return checked
        return self.member(val, key, f)

    def key_text(self, key: Node | None, source: bytes | None = None) -> str | None:
        """The literal name of an object key (None for a computed key); `source`: the
        bytes of the key's file, if at hand (slicing them is cheaper)."""
        if key is None:
            return None
        kind = key.type
        if kind in ("property_identifier", "identifier", "shorthand_property_identifier",
                    "number"):
            return (text_in(source, key) if source is not None else text_of(key)) or None
        if kind == "string":
            return string_value(key)
        return None

    def assign_member(self, target: Node, val: Val, f: JsFrame, at: int) -> None:
        """`obj.x = v`, `obj[k] = v`, `exports.x = v`, `module.exports = v`."""
        obj = target.child_by_field_id(f.module.fid.object)
        if target.type == "member_expression":
            key = text_in(f.module.source, target.child_by_field_id(f.module.fid.property)) or None
        else:
            index = target.child_by_field_id(f.module.fid.index)
            key = string_value(index)
            if index is not None and key is None:
                self.ev(index, f)
        if obj is None:
            return
        obj_text = f.module.text(obj)
        if obj.type == "this" and f.cls is not None and key is not None:
            field_key = (f.cls, key)
            self.fields[field_key] = merge(self.fields.get(field_key, CLEAN), with_step(
                val, (f.module.file, at, f"stored in this.{key}")))
            return
        if f.top_level and obj_text in ("exports", "module.exports") and key is not None:
            f.module.exports[key] = val
            return
        if f.top_level and obj_text == "module" and key == "exports":
            self._module_exports(target, val, f)
            return
        if key is not None and key.lower() == "location" and val.taints and \
                obj_text.rsplit(".", 1)[-1].lower() in ("headers", "multivalueheaders") and \
                not self._fixed_origin(_assigned_value(target), f):
            self.report("redirect", "Location header", target, val, f)
        root = f.module.chain_root(obj)
        if PATHS in f.env and root.type == "identifier":
            forget_paths(f.env, text_in(f.module.source, root), JS_OPENS)
        name = text_in(f.module.source, root) if val.taints and root.type == "identifier" else ""
        if name:
            old = f.env.get(name, CLEAN)
            f.env[name] = merge(old, with_step(val, (f.module.file, at, f"stored in '{name}'")))

    def _module_exports(self, target: Node, val: Val, f: JsFrame) -> None:
        assignment = target.parent
        right = assignment.child_by_field_id(f.module.fid.right) if assignment is not None else None
        exports = f.module.exports
        if right is not None and right.type == "object":
            for child in right.named_children:
                if child.type == "shorthand_property_identifier" and child.text:
                    name = child.text.decode()
                    exports[name] = self.lookup(name, f)
                elif child.type == "pair":
                    key = self.key_text(child.child_by_field_id(f.module.fid.key), f.module.source)
                    value = child.child_by_field_id(f.module.fid.value)
                    if key is not None and value is not None:
                        exports[key] = self.ev(value, f, name_hint=key)
                elif child.type == "method_definition":
                    name_node = child.child_by_field_id(f.module.fid.name)
                    if name_node is not None and name_node.text:
                        name = name_node.text.decode()
                        exports[name] = self.function_value(child, f, name)
        else:
            exports["module.exports"] = val

    # ------------------------------------------------------------------ expressions

    def ev(self, node: Node | None, f: JsFrame, name_hint: str | None = None) -> Val:
        """The abstract value of an expression."""
        if node is None:
            return CLEAN
        kind = f.module.kinds[node.kind_id]  # (node.type, without a new string)
        handler = _EXPR.get(kind)  # the common kinds first (none is below)
        if handler is not None:
            return handler(self, node, f)
        if kind in PASSTHROUGH:  # `((x))`, `await await x`: a loop, not a recursion
            wrappers = 0
            while kind in PASSTHROUGH:
                wrappers += 1
                if wrappers > MAX_NESTING:
                    raise RecursionError("expression wrapped too deeply")
                if kind != "type_assertion":  # (the first child, without a list of them)
                    inner_node = first_named(node)
                else:
                    inner = node.named_children
                    inner_node = inner[-1] if inner else None
                if inner_node is None:
                    return CLEAN
                node = inner_node
                kind = f.module.kinds[node.kind_id]
            return self.ev(node, f)  # (the wrapped expression: one call, no wrapper left)
        if kind in FUNCTIONS:
            return self.function_value(node, f, name_hint or "<anonymous>")
        if kind == "class":
            return self.class_value(node, f)
        if kind == "this":
            return Val((), INSTANCE + f.cls) if f.cls else CLEAN
        return CLEAN

    def function_value(self, node: Node, f: JsFrame, name: str) -> Val:
        """A function literal or declaration as a value (closing over the frame)."""
        key = f"{f.module.file}:{node.start_byte}"
        ref = FuncRef(f.module, node, None if f.top_level else f, name, f.cls)
        if f.top_level:
            self.cache.functions[key] = ref
        else:
            self.local_funcs[key] = ref
        return Val((), FN + key)

    def func_ref(self, val: Val) -> FuncRef | None:
        """The function a `fn:` value names."""
        if val.kind is None or not val.kind.startswith(FN):
            return None
        key = val.kind[3:]
        found = self.local_funcs.get(key)
        if found is None:
            found = self.cache.functions.get(key)
        return found

    def class_ref(self, val: Val) -> FuncRef | None:
        """The class a `class:` or `inst:` value names."""
        kind = val.kind
        if kind is None:
            return None
        if kind.startswith(CLASS):
            key = kind[len(CLASS):]
        elif kind.startswith(INSTANCE):
            key = kind[len(INSTANCE):]
        else:
            return None
        found = self.local_funcs.get(key)
        return found if found is not None else self.cache.functions.get(key)

    def lookup(self, name: str, f: JsFrame) -> Val:
        """A name's value: local, module-level, or a known global."""
        val = f.env.get(name)
        if val is not None:
            return val
        val = f.module.env.get(name)
        if val is not None:
            return val
        if name in self.table.globals:
            return _global_ref(name)
        return CLEAN

    def _e_identifier(self, node: Node, f: JsFrame) -> Val:
        # (text_in inlined: the commonest expression, a node never None)
        return self.lookup(f.module.source[node.start_byte:node.end_byte].decode(), f)

    def require(self, spec: str, f: JsFrame) -> Val:
        """What `require(spec)` / `import ... from spec` evaluates to."""
        local = self.cache.resolve_local(f.module.file, spec)
        if local is not None:
            target = self.cache.try_get(local)
            if target is not None:
                self.module_exports(target)
                return Val((), LOCAL + local)
            return CLEAN
        if spec.startswith((".", "/")):
            return CLEAN
        return Val((), MOD + package_name(spec))

    def member(self, holder: Val, prop: str, f: JsFrame, at: int | None = None,
               default: bool = False) -> Val:
        """`holder.prop` (also a destructured or imported name)."""
        kind = holder.kind
        if kind is not None:
            if kind.startswith(LOCAL):
                module = self.cache.try_get(kind[len(LOCAL):])
                if module is None:
                    return CLEAN
                exports = self.module_exports(module)
                found = exports.get(prop)
                if found is None and default:  # CommonJS interop: the default is the module
                    found = exports.get("module.exports", holder)
                if found is None:
                    whole = exports.get("module.exports")
                    found = self.member(whole, prop, f) if whole is not None else CLEAN
                return found
            if kind.startswith(MOD) or kind.startswith(REF):
                if default:
                    return holder
                return Val((), REF + kind[4:] + "." + prop)
            if kind.startswith(INSTANCE):  # `api.handle`: the method, as a function value
                cls = self.class_ref(holder)
                method = self.class_method(cls, prop) if cls is not None else None
                if method is not None:
                    key = f"{method.module.file}:{method.node.start_byte}"
                    self.cache.functions.setdefault(key, method)
                    return Val((), FN + key)
        if not holder.taints:
            return CLEAN
        if kind == REQUEST:  # req.query -> the event's queryStringParameters
            prop = self.table.request.get(prop, prop)
            if not prop:  # Koa's ctx.request: the request itself
                return holder
        found = extend(holder, prop, (f.module.file, at) if at else None)
        if self.validated and all(t.path in self.validated for t in found.taints):
            return CLEAN  # a field the event's schema holds to safe values
        return found

    def _e_member(self, node: Node, f: JsFrame) -> Val:
        memo = self.syntax
        syntax = memo.get(node.id)
        if syntax is None:  # read once per node (loop bodies are visited twice)
            obj = node.child_by_field_id(f.module.fid.object)
            name = text_in(f.module.source, node.child_by_field_id(f.module.fid.property))
            kind = f.module.kinds[obj.kind_id] if obj is not None and name else ""
            if kind == "identifier" and name == "env" and obj is not None and \
                    text_in(f.module.source, obj) == "process":
                kind = "process.env"
            syntax = memo[node.id] = (obj, name, kind)
        obj, name, kind = syntax
        if not kind or kind == "process.env":
            return CLEAN
        if kind == "this" and f.cls is not None:
            return self.fields.get((f.cls, name), CLEAN)
        holder = self.ev(obj, f)  # the line is only needed where a taint is extended
        if not holder.taints:
            return self.member(holder, name, f)
        if PATHS in f.env and (checked := f.env.get(access_path(f.module, node))) is not None:
            return checked  # `body.cmd` after `if (!ALLOWED.includes(body.cmd)) return`
        return self.member(holder, name, f, line(node))

    def _e_subscript(self, node: Node, f: JsFrame) -> Val:
        holder = self.ev(node.child_by_field_id(f.module.fid.object), f)
        index = node.child_by_field_id(f.module.fid.index)
        self.ev(index, f)
        if not holder.taints:
            return CLEAN
        if PATHS in f.env and (checked := f.env.get(access_path(f.module, node))) is not None:
            return checked
        key = string_value(index)
        if key is None and index is not None and index.type == "number":
            key = text_in(f.module.source, index) or None
        return extend(holder, key if key is not None else "*", (f.module.file, line(node)))

    def _e_template(self, node: Node, f: JsFrame) -> Val:
        kinds = f.module.kinds
        vals = [self.ev(inner, f) for sub in node.named_children
                if kinds[sub.kind_id] == "template_substitution" and
                (inner := first_named(sub)) is not None]
        return stringified(union(vals)) if vals else CLEAN

    def _e_binary(self, node: Node, f: JsFrame) -> Val:
        left = self.ev(node.child_by_field_id(f.module.fid.left), f)
        right = self.ev(node.child_by_field_id(f.module.fid.right), f)
        text = text_in(f.module.source, node.child_by_field_id(f.module.fid.operator))
        if text in CLEAN_OPERATORS:
            return CLEAN
        if text == "+":
            return stringified(union((left, right)))
        return union((left, right))  # && || ??

    def _e_ternary(self, node: Node, f: JsFrame) -> Val:
        self.ev(node.child_by_field_id(f.module.fid.condition), f)
        return union((self.ev(node.child_by_field_id(f.module.fid.consequence), f),
                      self.ev(node.child_by_field_id(f.module.fid.alternative), f)))

    def _e_clean(self, node: Node, f: JsFrame) -> Val:
        for child in named_children_of(node):
            self.ev(child, f)
        return CLEAN

    def _e_assignment(self, node: Node, f: JsFrame) -> Val:
        left = node.child_by_field_id(f.module.fid.left)
        right = node.child_by_field_id(f.module.fid.right)
        val = self.ev(right, f, name_hint=self._name(left, f) if left is not None and
                      right is not None and right.type in FUNCTIONS else None)
        if left is not None:
            self.bind(left, val, f, line(node),
                      _pattern_path(right, left, f) if PATHS in f.env else "")
        return val

    def _e_augmented(self, node: Node, f: JsFrame) -> Val:
        left = node.child_by_field_id(f.module.fid.left)
        added = self.ev(node.child_by_field_id(f.module.fid.right), f)
        if left is None:
            return added
        val = stringified(union((self.ev(left, f), added)))
        self.bind(left, val, f, line(node))
        return val

    def _e_sequence(self, node: Node, f: JsFrame) -> Val:
        val = CLEAN
        for child in node.named_children:
            val = self.ev(child, f)
        return val

    def _e_array(self, node: Node, f: JsFrame) -> Val:
        return union([self.ev(child, f) for child in node.named_children])

    def _e_object(self, node: Node, f: JsFrame, headers: bool = False) -> Val:
        vals: list[Val] = []
        body: tuple[Node, Val] | None = None
        html = False
        for child in node.named_children:
            if child.type == "pair":
                key = self.key_text(child.child_by_field_id(f.module.fid.key), f.module.source)
                value = child.child_by_field_id(f.module.fid.value)
                if key is None:
                    vals.append(self.ev(child.child_by_field_id(f.module.fid.key), f))
                if value is None:
                    continue
                if value.type == "object" and key in ("headers", "multiValueHeaders"):
                    val = self._e_object(value, f, headers=True)
                    html = html or html_headers(value, f.module)
                else:
                    val = self.ev(value, f, name_hint=key)
                if val.taints and key is not None and value.type not in ("array", "object"):
                    self._special_key(key, child, val, f, headers)
                    if key == "body":
                        body = (child, val)
                vals.append(val)
            elif child.type == "shorthand_property_identifier" and \
                    (name := text_in(f.module.source, child)):
                val = self.lookup(name, f)
                if val.taints:
                    self._special_key(name, child, val, f, headers)
                    if name == "body":
                        body = (child, val)
                vals.append(val)
            elif child.type == "spread_element":
                vals.append(self.ev(child, f))
        if html and body is not None:  # a Lambda proxy result serving HTML
            self.report("html", "HTML response body", body[0], body[1], f)
        return union(vals)

    def _special_key(self, key: str, node: Node, val: Val, f: JsFrame, headers: bool) -> None:
        if key in DYNAMO_EXPRESSIONS:
            self.report("nosql", f"DynamoDB {key}", node, val, f)
        elif key == "$where":
            self.report("nosql", "$where", node, val, f)
        elif headers and key.lower() == "location" and not self._fixed_origin(
                node.child_by_field_id(f.module.fid.value) if node.type == "pair" else node, f):
            self.report("redirect", "Location header", node, val, f)

    def _fixed_origin(self, value: Node | None, f: JsFrame) -> bool:
        """A redirect target on a host the code fixes (see analysis/js/origins.py)."""
        return fixed_origin(value, f.module, lambda name: not self.lookup(name, f).taints)

    def _e_yield(self, node: Node, f: JsFrame) -> Val:
        for child in node.named_children:  # a generator's yields are what it produces
            f.returns.append(self.ev(child, f))
        return CLEAN

    def _e_new_expression(self, node: Node, f: JsFrame) -> Val:
        return self.call(node, f, new=True)


#: The value of each known global met (`_global_ref`).
_GLOBAL_REFS: dict[str, Val] = {}


def _global_ref(name: str) -> Val:
    """The value of a known global (`JSON`, `Buffer`...), made once per process (a value
    is immutable)."""
    found = _GLOBAL_REFS.get(name)
    if found is None:
        found = _GLOBAL_REFS[name] = Val((), REF + name)
    return found


def _checked(env: dict[str, Val], keys: set[str]) -> None:
    """Bind what a condition checked as clean: names, and access paths (`body.cmd`, with
    the PATHS mark that tells member reads to look paths up)."""
    for key in keys:
        env[key] = CLEAN
        if JS_OPENS in key:
            env[PATHS] = CLEAN


#: The statements `JsAnalyzer.block` binds before the others: function declarations, and
#: an export statement, whose declaration may be one.
_HOISTING = frozenset(("function_declaration", "generator_function_declaration",
                       "export_statement"))
#: The loops a `break` may leave (`_breaks_switch`).
_BREAKABLE = frozenset(("for_statement", "for_in_statement", "while_statement",
                        "do_statement"))


def _breaks_switch(node: Node) -> bool:
    """Does this `break` leave a switch (not a loop within it, or a loop it is in)?"""
    parent = node.parent
    while parent is not None:
        kind = parent.type
        if kind == "switch_statement":
            return True
        if kind in _BREAKABLE or kind in FUNCTIONS:
            return False
        parent = parent.parent
    return False


def _pattern_path(value: Node | None, target: Node, f: JsFrame) -> str:
    """The access path an object pattern destructures (`body` in `const { cmd } = body`),
    else "" (the `path` of `JsAnalyzer.bind`; asked while the frame holds checked paths)."""
    return access_path(f.module, value) if target.type == "object_pattern" else ""


def _is_package_import(node: Node, module: JsModule) -> bool:
    """Is this `import ... from "pkg"` (or `import "pkg"`) of a package, not a file?"""
    spec = string_value(node.child_by_field_id(module.fid.source))
    return spec is not None and not spec.startswith((".", "/"))


def _is_package_require(node: Node, module: JsModule) -> bool:
    """Is this `const x = require("pkg")` or `const { a, b: c } = require("pkg")` (one
    declarator; a package, not a file; no default values)?"""
    fid = module.fid
    if node.named_child_count != 1:
        return False
    decl = node.named_child(0)
    value = decl.child_by_field_id(fid.value) if decl is not None and \
        decl.type == "variable_declarator" else None
    target = decl.child_by_field_id(fid.name) if decl is not None else None
    if value is None or target is None or value.type != "call_expression":
        return False
    func = value.child_by_field_id(fid.function)
    args = value.child_by_field_id(fid.arguments)
    if func is None or func.type != "identifier" or module.text(func) != "require" or \
            args is None or args.type != "arguments" or not args.named_child_count:
        return False
    spec = string_value(args.named_child(0))
    if spec is None or spec.startswith((".", "/")):
        return False
    if target.type == "identifier":
        return True
    return target.type == "object_pattern" and all(
        child.type == "shorthand_property_identifier_pattern" or (
            child.type == "pair_pattern" and
            (key := child.child_by_field_id(fid.key)) is not None and
            key.type in ("property_identifier", "string") and
            (alias := child.child_by_field_id(fid.value)) is not None and
            alias.type == "identifier") for child in target.named_children)


def _added_to(node: Node, module: JsModule, methods: AbstractSet[str]) -> bool:
    """Is this name the list of a statement that only adds to it (`name.push(x);`)?"""
    fid = module.fid
    if node.type != "identifier":  # (`.parent` searches down from the root: read late, once)
        return False
    member = node.parent
    if member is None or member.type != "member_expression" \
            or member.child_by_field_id(fid.object) != node or \
            text_in(module.source, member.child_by_field_id(fid.property)) not in methods:
        return False
    call = member.parent
    return call is not None and call.type == "call_expression" and \
        call.child_by_field_id(fid.function) == member and \
        (statement := call.parent) is not None and statement.type == "expression_statement"


def _declared(node: Node, module: JsModule) -> bool:
    """Is this name where a declaration binds it (`const name = ...`,
    `const { name } = ...`, `for (const name of ...)`)?"""
    kind = node.type
    if kind == "identifier":
        # a declarator's or a for-in's name is mostly followed by more of it (` = `,
        # ` of `): the smallest named node around the name and the byte after it is then
        # its parent, found in one search, where `.parent` costs as much (read only when
        # that node binds no such name: `let name;`)
        around = module.root.named_descendant_for_byte_range(node.start_byte,
                                                             node.end_byte + 1)
        if around is not None and _binds(around, node, module):
            return True
        holder = node.parent
    elif kind == "shorthand_property_identifier_pattern":
        pattern = node.parent
        if pattern is None or pattern.type != "object_pattern":
            return False
        node, holder = pattern, pattern.parent
    else:
        return False  # (before `.parent`, which searches down from the root)
    return holder is not None and _binds(holder, node, module)


def _binds(holder: Node, name: Node, module: JsModule) -> bool:
    """Is `name` (a child of `holder`) what a declarator or a for-in statement binds?"""
    kind = module.kinds[holder.kind_id]
    if kind == "variable_declarator":
        return holder.child_by_field_id(module.fid.name) == name
    return kind == "for_in_statement" and holder.child_by_field_id(module.fid.left) == name


def _assigned_value(target: Node) -> Node | None:
    """The right side of the assignment `target` is the left side of."""
    parent = target.parent
    if parent is not None and parent.type in ("assignment_expression",
                                              "augmented_assignment_expression"):
        return parent.child_by_field_name("right")
    return None


def _inert_words(stmts: list[Node], module: JsModule) -> list[list[str]]:
    """The words of each of the last statements that `demand.inert_words` passes (the
    longest such run at the end of `stmts`)."""
    out: list[list[str]] = []
    source = module.source
    clear = clear_of_other_words(module)
    for stmt in reversed(stmts):
        words = inert_words(source[stmt.start_byte:stmt.end_byte], file_clear=clear)
        if words is None:
            break
        out.append(words)
    out.reverse()
    return out


def _inert_function(ref: FuncRef) -> bool:
    """Would analysing a call of this function change nothing but its own bindings and
    its return value: no call or `new` in it (nor in its parameters' defaults), no
    reported key or effect word in its parameters and body? (Analysed on its own, from
    `_analyse_unreached`, it reports nothing either: not being marked visited changes
    nothing.) Worked out once per function."""
    node = ref.node
    return ref.module.summary(f"inert:{node.start_byte}",
                              lambda module: _is_inert_function(module, node))


def _is_inert_function(module: JsModule, node: Node) -> bool:
    fid, source = module.fid, module.source
    body = node.child_by_field_id(fid.body)
    params = node.child_by_field_id(fid.parameters) or node.child_by_field_id(fid.parameter)
    if body is None:
        return False
    if calls_within(module, node.start_byte, node.end_byte):
        return False  # (then sink names cannot matter, only reported keys)
    clear = clear_of_other_words(module, calls=False)
    for part in (body, params):
        words = inert_words(source[part.start_byte:part.end_byte], calls=False,
                            file_clear=clear) if part is not None else []
        if words is None or "new" in words:
            return False
    return True


_STMT: dict[str, Callable[[JsAnalyzer, Any, JsFrame], bool]] = {
    "expression_statement": JsAnalyzer._s_expression,
    "lexical_declaration": JsAnalyzer._s_declaration,
    "variable_declaration": JsAnalyzer._s_declaration,
    "return_statement": JsAnalyzer._s_return,
    "throw_statement": JsAnalyzer._s_throw,
    "break_statement": JsAnalyzer._s_jump,
    "continue_statement": JsAnalyzer._s_jump,
    "statement_block": JsAnalyzer._s_block,
    "if_statement": JsAnalyzer._s_if,
    "for_in_statement": JsAnalyzer._s_for_in,
    "for_statement": JsAnalyzer._s_for,
    "while_statement": JsAnalyzer._s_while,
    "do_statement": JsAnalyzer._s_while,
    "try_statement": JsAnalyzer._s_try,
    "switch_statement": JsAnalyzer._s_switch,
    "labeled_statement": JsAnalyzer._s_labeled,
    "class_declaration": JsAnalyzer._s_class,
    "function_declaration": JsAnalyzer._s_function,
    "generator_function_declaration": JsAnalyzer._s_function,
    "import_statement": JsAnalyzer._s_import,
    "export_statement": JsAnalyzer._s_export,
}

_EXPR: dict[str, Callable[[JsAnalyzer, Any, JsFrame], Val]] = {
    "identifier": JsAnalyzer._e_identifier,
    "member_expression": JsAnalyzer._e_member,
    "subscript_expression": JsAnalyzer._e_subscript,
    "template_string": JsAnalyzer._e_template,
    "binary_expression": JsAnalyzer._e_binary,
    "ternary_expression": JsAnalyzer._e_ternary,
    "unary_expression": JsAnalyzer._e_clean,
    "update_expression": JsAnalyzer._e_clean,
    "assignment_expression": JsAnalyzer._e_assignment,
    "augmented_assignment_expression": JsAnalyzer._e_augmented,
    "sequence_expression": JsAnalyzer._e_sequence,
    "array": JsAnalyzer._e_array,
    "object": JsAnalyzer._e_object,
    "call_expression": JsAnalyzer.call,
    "yield_expression": JsAnalyzer._e_yield,
    "new_expression": JsAnalyzer._e_new_expression,
}
