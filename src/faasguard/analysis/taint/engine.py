"""The taint engine: an abstract interpreter over the Python AST.

It walks one function at a time, statement by statement, keeping for every local
variable an abstract value (`Val`): the taints it carries (where in the event it came
from and the steps it took) and, for some objects, a kind ("path", "http-client",
"archive", "cls:<file>:<Class>", ...) that decides which method calls are sinks.
Calls to functions and classes of the project's own modules are followed inline
(context-sensitive, bounded depth and budget); calls listed in the taint table are
sinks, sanitisers or propagators; any other call passes its arguments' taint on.

Branches are analysed separately and merged; loops twice (enough for loop-carried
taint in practice); a branch that returns or raises does not flow on, which is what
makes allow-list checks with an early return work.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, NamedTuple

from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    add_import,
    dotted_name,
    search_path,
)
from faasguard.analysis.taint.table import Sink, TaintTable

Step = tuple[str, int, str]  # file, line, what happened

MAX_DEPTH = 12
MAX_INLINE_CALLS = 400
MAX_STEPS = 24
MAX_TAINTS = 6
SAFE_TAR_FILTERS = {"data", "tar"}
_MUTATORS = {"append", "extend", "insert", "add", "update"}
SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")


class Taint(NamedTuple):
    """Attacker-controlled data: where it came from and what happened to it.

    path: the access path into the source parameter ("Records", "*", "s3", ...).
    origin: the source's name (parameter or user-declared source call).
    structured: it may be a parsed JSON object/array, not only a string (NoSQL).
    argv: it sits in a non-program position of an argv list (safe without a shell).
    cleared: sink categories a partial sanitiser made it safe for.
    """

    path: tuple[str, ...]
    steps: tuple[Step, ...]
    origin: str
    structured: bool = False
    argv: bool = False
    cleared: frozenset[str] = frozenset()
    read_at: tuple[str, int] | None = None  # where the value was last read out of the source


def _T(path: tuple[str, ...], steps: tuple[Step, ...], origin: str, structured: bool,
       argv: bool, cleared: frozenset[str], read_at: tuple[str, int] | None) -> Taint:
    """Build a Taint positionally (hot path: cheaper than NamedTuple._replace)."""
    return _new_taint(Taint, (path, steps, origin, structured, argv, cleared, read_at))


_new_taint = tuple.__new__


class Val(NamedTuple):
    """An abstract value: its taints and the kind of object it is (or None)."""

    taints: tuple[Taint, ...] = ()
    kind: str | None = None


CLEAN = Val()


class Hit(NamedTuple):
    """Tainted data reaching a sink."""

    category: str
    sink: str
    file: str
    line: int
    taint: Taint
    function: str  # "file:qualname" of the code holding the sink


class Frame:
    """The state of one function being analysed."""

    __slots__ = ("module", "env", "cls", "returns", "name", "aliases", "local_funcs", "search")

    def __init__(self, module: Module, name: str, search: tuple[str, ...],
                 cls: ClassInfo | None = None, env: dict[str, Val] | None = None):
        self.module = module
        self.name = name
        self.search = search
        self.cls = cls
        self.env: dict[str, Val] = env if env is not None else {}
        self.returns: list[Val] = []
        self.aliases: dict[str, str] | None = None
        self.local_funcs: dict[str, tuple[FunctionNode, Frame]] | None = None

    def qualify(self, dotted: str) -> str:
        """A dotted name with its head import alias resolved (function-level imports too)."""
        if self.aliases is not None:
            head, dot, rest = dotted.partition(".")
            target = self.aliases.get(head)
            if target is not None:
                return target + dot + rest if dot else target
            return dotted
        return self.module.qualify(dotted)

    def is_alias(self, name: str) -> bool:
        """Does `name` refer to an imported module or name (not a local variable)?"""
        if name in self.env:
            return False
        aliases = self.aliases if self.aliases is not None else self.module.aliases
        return name in aliases


# --------------------------------------------------------------------------- value helpers


def union(vals: list[Val] | tuple[Val, ...], kind: str | None = None) -> Val:
    """One value carrying the taints of all `vals` (deduplicated, bounded)."""
    tainted = [val for val in vals if val.taints]
    if not tainted:
        return Val((), kind) if kind else CLEAN
    if len(tainted) == 1 and tainted[0].kind == kind:
        return tainted[0]
    out: list[Taint] = []
    seen: set[tuple[tuple[str, ...], str, bool]] = set()
    for val in tainted:
        for taint in val.taints:
            key = (taint.path, taint.origin, taint.structured)
            if key not in seen and len(out) < MAX_TAINTS:
                seen.add(key)
                out.append(taint)
    return Val(tuple(out), kind) if out or kind else CLEAN


def merge(a: Val, b: Val) -> Val:
    """Join of two values (after an if/else, a loop, or two writes to one attribute)."""
    if a is b or not b.taints and b.kind in (None, a.kind):
        return a
    if not a.taints and a.kind in (None, b.kind):
        return b
    return union((a, b), a.kind or b.kind)


def _with_step(val: Val, step: Step) -> Val:
    if not val.taints:
        return val
    return Val(tuple([_T(t[0], _add_step(t[1], step), t[2], t[3], t[4], t[5], t[6])
                      for t in val.taints]), val.kind)


def _add_step(steps: tuple[Step, ...], step: Step) -> tuple[Step, ...]:
    if steps and steps[-1] == step:
        return steps
    if len(steps) >= MAX_STEPS:
        return steps[:4] + steps[-(MAX_STEPS - 6):] + (step,)
    return steps + (step,)


def _extend(val: Val, key: str, at: tuple[str, int] | None = None,
            kind: str | None = None) -> Val:
    if not val.taints:
        return CLEAN if kind is None else Val((), kind)
    return Val(tuple([_T(t[0] + (key,), t[1], t[2], t[3], t[4], t[5], at or t[6])
                      if len(t[0]) < 16 else t for t in val.taints]), kind)


def _string(val: Val) -> Val:
    """The value after string building: no longer an object, no longer argv-separated."""
    if not val.taints:
        return CLEAN
    return Val(tuple(_T(t[0], t[1], t[2], False, False, t[5], t[6])
                     if t.structured or t.argv else t for t in val.taints))


def _structured(val: Val) -> Val:
    if not val.taints:
        return CLEAN
    return Val(tuple([_T(t[0], t[1], t[2], True, False, t[5], t[6]) for t in val.taints]))


def _cleared(val: Val, categories: frozenset[str]) -> Val:
    if not val.taints:
        return CLEAN
    return Val(tuple([_T(t[0], t[1], t[2], t[3], t[4], t[5] | categories, t[6])
                      for t in val.taints]), val.kind)


def _argv(val: Val) -> Val:
    if not val.taints:
        return val
    return Val(tuple([_T(t[0], t[1], t[2], t[3], True, t[5], t[6]) for t in val.taints]),
               val.kind)


def _const_str(node: ast.expr | None) -> str | None:
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value
    return None


# --------------------------------------------------------------------------- the analyser


class Analyzer:
    """Analyses one entry point (a handler, or a function whose parameters look like input).

    `visited` is shared between analysers of one scan: functions reached with tainted
    arguments from a handler are not analysed again as unreachable code.
    """

    def __init__(self, table: TaintTable, cache: ModuleCache, visited: set[tuple[str, int]],
                 base: str | None = None):
        self.table = table
        self.cache = cache
        self.visited = visited
        self.base = base
        self.hits: list[Hit] = []
        self.class_attrs: dict[tuple[str, str], Val] = {}
        self.tainted_classes: set[str] = set()
        self.classes: dict[str, ClassInfo] = {}
        self.stack: list[FunctionNode] = []
        self.budget = MAX_INLINE_CALLS
        self._calls: dict[tuple[Any, ...], Val] = {}
        self._reads: set[str] | None = None  # names read before written in a loop's pass
        self._written: set[str] | None = None
        self._local_cache: dict[tuple[str, str], tuple[Module, FunctionNode | ClassInfo,
                                                       FunctionNode | None] | None] = {}

    # ------------------------------------------------------------------ entry points

    def analyse(self, module: Module, node: FunctionNode, params: list[str],
                cls: ClassInfo | None = None) -> None:
        """Analyse `node` with the named parameters as sources."""
        search = search_path(module, self.base)
        qual = f"{cls.name}.{node.name}" if cls else node.name
        frame = Frame(module, qual, search, cls)
        if cls is not None:
            self.classes[cls.key] = cls
        first = _positional(node)
        if cls is not None and first and not _is_static(node):
            frame.env[first[0].arg] = Val((), "cls:" + cls.key)
        for name in params:
            origin = name
            step = (module.file, node.lineno, f"'{name}' of {qual}() is attacker-controlled input")
            frame.env[name] = Val((Taint((), (step,), origin),))
        self.visited.add((module.file, node.lineno))
        self.stack.append(node)
        self.block(node.body, frame)
        self.stack.pop()

    # ------------------------------------------------------------------ statements

    def block(self, stmts: list[ast.stmt], f: Frame) -> bool:
        """Analyse statements in order; True when the block always leaves (return/raise)."""
        handlers: dict[type, Callable[[Analyzer, Any, Frame], bool]] = _STMT
        for stmt in stmts:
            handler = handlers.get(type(stmt))
            if handler is not None and handler(self, stmt, f):
                return True
        return False

    def _s_expr(self, node: ast.Expr, f: Frame) -> bool:
        self.ev(node.value, f)
        return False

    def _s_assign(self, node: ast.Assign, f: Frame) -> bool:
        value = node.value
        targets = node.targets
        if (len(targets) == 1 and type(value) is ast.Tuple
                and type(targets[0]) is ast.Tuple
                and len(targets[0].elts) == len(value.elts)):
            for target, elt in zip(targets[0].elts, value.elts, strict=True):
                self.assign(target, self.ev(elt, f), f, node.lineno)
            return False
        val = self.ev(value, f)
        for target in targets:
            self.assign(target, val, f, node.lineno)
        return False

    def _s_annassign(self, node: ast.AnnAssign, f: Frame) -> bool:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value, f), f, node.lineno)
        return False

    def _s_augassign(self, node: ast.AugAssign, f: Frame) -> bool:
        current = self.ev(node.target, f) if type(node.target) is ast.Name else CLEAN
        added = self.ev(node.value, f)
        val = merge(current, added)
        if type(node.op) is not ast.Div or val.kind != "path":
            val = _string(val) if val.kind is None else val
        self.assign(node.target, val, f, node.lineno)
        return False

    def _s_return(self, node: ast.Return, f: Frame) -> bool:
        if node.value is not None:
            f.returns.append(self.ev(node.value, f))
        return True

    def _s_raise(self, node: ast.Raise, f: Frame) -> bool:
        if node.exc is not None:
            self.ev(node.exc, f)
        return True

    def _s_jump(self, node: ast.stmt, f: Frame) -> bool:
        return True

    def _s_if(self, node: ast.If, f: Frame) -> bool:
        self.ev(node.test, f)
        when_true, when_false = self._guard(node.test, f)
        before = f.env
        f.env = dict(before)
        for name in when_true:
            f.env[name] = CLEAN
        left = self.block(node.body, f)
        env_body = f.env
        f.env = dict(before)
        for name in when_false:
            f.env[name] = CLEAN
        right = self.block(node.orelse, f)
        env_else = f.env
        if left and not right:
            f.env = env_else
        elif right and not left:
            f.env = env_body
        elif not left:
            f.env = _merge_env(env_body, env_else)
        return left and right

    def _s_assert(self, node: ast.Assert, f: Frame) -> bool:
        self.ev(node.test, f)
        for name in self._guard(node.test, f)[0]:
            f.env[name] = CLEAN
        return False

    def _s_for(self, node: ast.For | ast.AsyncFor, f: Frame) -> bool:
        items = self.ev(node.iter, f)
        element = _extend(items, "*", (f.module.file, node.lineno))
        if items.taints:
            element = _with_step(element, (f.module.file, node.lineno, "iterated over"))

        def one_pass() -> None:
            self.assign(node.target, element, f, node.lineno)
            self.block(node.body, f)

        self._loop(f, one_pass)
        self.block(node.orelse, f)
        return False

    def _s_while(self, node: ast.While, f: Frame) -> bool:
        def one_pass() -> None:
            self.ev(node.test, f)
            self.block(node.body, f)

        self._loop(f, one_pass)
        self.block(node.orelse, f)
        return False

    def _loop(self, f: Frame, one_pass: Callable[[], None]) -> None:
        """Run a loop body once, and again only if a value it reads before writing it
        changed during the first pass (taint carried from one iteration to the next)."""
        before = dict(f.env)
        outer_reads, outer_written = self._reads, self._written
        reads: set[str] = set()
        self._reads, self._written = reads, set()
        one_pass()
        if any(_sig(before.get(name)) != _sig(f.env.get(name)) for name in reads):
            one_pass()
        if outer_reads is not None and outer_written is not None:
            outer_reads |= reads - outer_written
            outer_written |= self._written
        self._reads, self._written = outer_reads, outer_written
        f.env = _merge_env(before, f.env)

    def _s_with(self, node: ast.With | ast.AsyncWith, f: Frame) -> bool:
        for item in node.items:
            val = self.ev(item.context_expr, f)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, val, f, node.lineno)
        return self.block(node.body, f)

    def _s_try(self, node: ast.Try, f: Frame) -> bool:
        before = dict(f.env)
        left = self.block(node.body, f)
        if not left:
            left = self.block(node.orelse, f)
        outcomes = [] if left else [f.env]
        after_body = _merge_env(before, f.env)
        for handler in node.handlers:
            f.env = dict(after_body)
            if handler.name:
                f.env[handler.name] = CLEAN
            if not self.block(handler.body, f):
                outcomes.append(f.env)
        if outcomes:
            env = outcomes[0]
            for other in outcomes[1:]:
                env = _merge_env(env, other)
            f.env = env
        else:
            f.env = after_body
        final = self.block(node.finalbody, f)
        return final or not outcomes

    def _s_match(self, node: ast.Match, f: Frame) -> bool:
        self.ev(node.subject, f)
        before = f.env
        outcomes = []
        for case in node.cases:
            f.env = dict(before)
            if not self.block(case.body, f):
                outcomes.append(f.env)
        env = before
        for other in outcomes:
            env = _merge_env(env, other)
        f.env = env
        return False

    def _s_funcdef(self, node: FunctionNode, f: Frame) -> bool:
        if f.local_funcs is None:
            f.local_funcs = {}
        f.local_funcs[node.name] = (node, f)
        f.env.pop(node.name, None)
        return False

    def _s_import(self, node: ast.Import | ast.ImportFrom, f: Frame) -> bool:
        if f.aliases is None:
            f.aliases = dict(f.module.aliases)
        package = f.module.dotted if f.module.file.endswith("__init__.py") else \
            f.module.dotted.rpartition(".")[0]
        add_import(f.aliases, node, package)
        return False

    # ------------------------------------------------------------------ assignment

    def assign(self, target: ast.expr, val: Val, f: Frame, line: int) -> None:
        """Bind `val` to an assignment target (names, unpacking, attributes, items)."""
        kind = type(target)
        if kind is ast.Name:
            name = target.id  # type: ignore[attr-defined]
            f.env[name] = _with_step(val, (f.module.file, line, f"assigned to '{name}'"))
            if self._written is not None:
                self._written.add(name)
        elif kind is ast.Tuple or kind is ast.List:
            for elt in target.elts:  # type: ignore[attr-defined]
                self.assign(elt, val, f, line)
        elif kind is ast.Starred:
            self.assign(target.value, val, f, line)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            assert isinstance(target, ast.Attribute)
            holder = self.ev(target.value, f)
            if holder.kind is not None and holder.kind.startswith("cls:"):
                key = (holder.kind[4:], target.attr)
                old = self.class_attrs.get(key, CLEAN)
                self.class_attrs[key] = merge(old, _with_step(
                    val, (f.module.file, line, f"stored in attribute '{target.attr}'")))
                if val.taints:
                    self.tainted_classes.add(holder.kind[4:])
            elif val.taints and type(target.value) is ast.Name:
                name = target.value.id
                f.env[name] = merge(f.env.get(name, CLEAN), val)
        elif kind is ast.Subscript:
            assert isinstance(target, ast.Subscript)
            self.ev(target.slice, f)
            header = _const_str(target.slice)
            if val.taints and header is not None and header.lower() == "location":
                self.report("redirect", "Location header", target, val, f)
            if type(target.value) is ast.Name:
                name = target.value.id
                old = f.env.get(name, CLEAN)
                if val.taints:
                    f.env[name] = merge(old, _with_step(val, (f.module.file, line,
                                                              f"stored in '{name}'")))
            else:
                self.ev(target.value, f)

    # ------------------------------------------------------------------ guards

    def _guard(self, test: ast.expr, f: Frame) -> tuple[set[str], set[str]]:
        """Variables a condition validates: (when it is true, when it is false)."""
        kind = type(test)
        if kind is ast.UnaryOp and type(test.op) is ast.Not:  # type: ignore[attr-defined]
            yes, no = self._guard(test.operand, f)  # type: ignore[attr-defined]
            return no, yes
        if kind is ast.BoolOp:
            parts = [self._guard(v, f) for v in test.values]  # type: ignore[attr-defined]
            if type(test.op) is ast.And:  # type: ignore[attr-defined]
                return set().union(*(p[0] for p in parts)), set()
            return set(), set().union(*(p[1] for p in parts))
        if kind is ast.Compare and len(test.ops) == 1:  # type: ignore[attr-defined]
            assert isinstance(test, ast.Compare)
            op = type(test.ops[0])
            names = self._tainted_names([test.left], f)
            if not names or self.ev(test.comparators[0], f).taints:
                return set(), set()
            if op is ast.In or op is ast.Eq:
                return names, set()
            if op is ast.NotIn or op is ast.NotEq:
                return set(), names
            return set(), set()
        if kind is ast.Call:
            assert isinstance(test, ast.Call)
            func = test.func
            if type(func) is ast.Attribute:
                assert isinstance(func, ast.Attribute)
                qualified = f.qualify(dotted_name(func))
                if func.attr in self.table.guards or qualified in self.table.guards:
                    return self._tainted_names([func.value, *test.args], f), set()
            elif type(func) is ast.Name:
                name = f.qualify(func.id)
                if name in self.table.guards or name == "isinstance":
                    return self._tainted_names(test.args, f), set()
        return set(), set()

    @staticmethod
    def _tainted_names(nodes: list[ast.expr], f: Frame) -> set[str]:
        out = set()
        for node in nodes:
            if type(node) is ast.Name:
                val = f.env.get(node.id)
                if val is not None and val.taints:
                    out.add(node.id)
        return out

    # ------------------------------------------------------------------ expressions

    def ev(self, node: ast.expr, f: Frame) -> Val:
        """The abstract value of an expression (evaluating nested calls for their sinks)."""
        handler: Callable[[Analyzer, Any, Frame], Val] | None = _EXPR.get(type(node))
        if handler is None:
            return CLEAN
        return handler(self, node, f)

    def _e_name(self, node: ast.Name, f: Frame) -> Val:
        reads = self._reads
        if reads is not None and node.id not in self._written:  # type: ignore[operator]
            reads.add(node.id)
        val = f.env.get(node.id)
        if val is not None:
            return val
        if node.id in f.module.assigned:
            return self._global(f.module, node.id)
        return CLEAN

    def _global(self, module: Module, name: str) -> Val:
        """A module-level object's kind (`session = requests.Session()` at import time)."""
        kinds = module.global_kinds
        if kinds is None:
            kinds = module.global_kinds = {}
            frame = Frame(module, "<module>", search_path(module, self.base))
            for stmt in module.tree.body:
                if type(stmt) is ast.Assign and type(stmt.value) is ast.Call:
                    val = self._e_call(stmt.value, frame)
                    if val.kind is not None:
                        for target in stmt.targets:
                            if type(target) is ast.Name:
                                kinds[target.id] = val.kind
        kind = kinds.get(name)
        return Val((), kind) if kind is not None else CLEAN

    def _e_attribute(self, node: ast.Attribute, f: Frame) -> Val:
        base = node.value
        if type(base) is ast.Name and f.is_alias(base.id):  # a module attribute
            if self.table.source_calls:
                return self._user_source(f.qualify(dotted_name(node)), node, f)
            return CLEAN
        holder = self.ev(base, f)
        kind = holder.kind
        if kind is not None:
            if kind.startswith("cls:"):
                stored = self.class_attrs.get((kind[4:], node.attr))
                if stored is not None:
                    return merge(stored, _extend(holder, node.attr, (f.module.file, node.lineno))
                                 ) if holder.taints else stored
            elif kind == "path":
                return Val(holder.taints, "path")
        return _extend(holder, node.attr, (f.module.file, node.lineno)) if holder.taints else CLEAN

    def _e_subscript(self, node: ast.Subscript, f: Frame) -> Val:
        holder = self.ev(node.value, f)
        index = node.slice
        if type(index) is not ast.Constant:
            self.ev(index, f)
        if not holder.taints:
            return CLEAN
        key = _const_str(index)
        return _extend(holder, key if key is not None else "*", (f.module.file, node.lineno))

    def _e_binop(self, node: ast.BinOp, f: Frame) -> Val:
        left = self.ev(node.left, f)
        right = self.ev(node.right, f)
        if type(node.op) is ast.Div and "path" in (left.kind, right.kind):
            return union((left, right), "path")
        if not left.taints and not right.taints:
            return CLEAN
        return _string(union((left, right)))

    def _e_joinedstr(self, node: ast.JoinedStr, f: Frame) -> Val:
        vals = [self.ev(v.value, f) for v in node.values if type(v) is ast.FormattedValue]
        return _string(union(vals)) if vals else CLEAN

    def _e_boolop(self, node: ast.BoolOp, f: Frame) -> Val:
        return union([self.ev(v, f) for v in node.values])

    def _e_ifexp(self, node: ast.IfExp, f: Frame) -> Val:
        self.ev(node.test, f)
        return union((self.ev(node.body, f), self.ev(node.orelse, f)))

    def _e_compare(self, node: ast.Compare, f: Frame) -> Val:
        self.ev(node.left, f)
        for comparator in node.comparators:
            self.ev(comparator, f)
        return CLEAN

    def _e_unaryop(self, node: ast.UnaryOp, f: Frame) -> Val:
        val = self.ev(node.operand, f)
        return CLEAN if type(node.op) is ast.Not else val

    def _e_passthrough(self, node: ast.Await | ast.Starred | ast.FormattedValue,
                       f: Frame) -> Val:
        return self.ev(node.value, f)

    def _e_yield(self, node: ast.Yield | ast.YieldFrom, f: Frame) -> Val:
        if node.value is not None:
            f.returns.append(self.ev(node.value, f))
        return CLEAN

    def _e_namedexpr(self, node: ast.NamedExpr, f: Frame) -> Val:
        val = self.ev(node.value, f)
        self.assign(node.target, val, f, node.lineno)
        return val

    def _e_dict(self, node: ast.Dict, f: Frame) -> Val:
        vals: list[Val] = []
        where = False
        for key, value in zip(node.keys, node.values, strict=True):
            val = self.ev(value, f)
            if key is not None:
                text = _const_str(key)
                if text is None:
                    vals.append(self.ev(key, f))
                elif val.taints:
                    low = text.lower()
                    if low == "location":
                        self.report("redirect", "Location header", value, val, f)
                    elif low == "$where":
                        where = True
            vals.append(val)
        result = union(vals)
        return _structured(result) if where else result

    def _e_sequence(self, node: ast.List | ast.Tuple | ast.Set, f: Frame) -> Val:
        vals = []
        for index, elt in enumerate(node.elts):
            val = self.ev(elt, f)
            vals.append(_argv(val) if index else val)
        return union(vals)

    def _e_comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp
                         | ast.DictComp, f: Frame) -> Val:
        saved = f.env
        f.env = dict(saved)
        for gen in node.generators:
            items = self.ev(gen.iter, f)
            self.assign(gen.target, _extend(items, "*", (f.module.file, node.lineno)), f,
                        node.lineno)
            for cond in gen.ifs:
                self.ev(cond, f)
                for name in self._guard(cond, f)[0]:
                    f.env[name] = CLEAN
        if isinstance(node, ast.DictComp):
            result = union((self.ev(node.key, f), self.ev(node.value, f)))
        else:
            result = self.ev(node.elt, f)
        f.env = saved
        return result

    def _e_slice(self, node: ast.Slice, f: Frame) -> Val:
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                self.ev(part, f)
        return CLEAN

    # ------------------------------------------------------------------ calls

    def _e_call(self, node: ast.Call, f: Frame) -> Val:
        ev = self.ev
        args = [ev(arg, f) for arg in node.args]  # `*xs` evaluates to the value of xs
        kwargs: dict[str, Val] = {}
        for keyword in node.keywords:
            kwargs[keyword.arg or "**"] = ev(keyword.value, f)
        if args and any(type(arg) is ast.Starred for arg in node.args):
            kwargs["*"] = union(args)
        func = node.func
        kind = type(func)
        if kind is ast.Name:
            name = func.id  # type: ignore[attr-defined]
            if f.local_funcs is not None and name in f.local_funcs:
                inner, outer = f.local_funcs[name]
                return self._inline(inner, outer.module, args, kwargs, node, f,
                                    closure=outer, cls=outer.cls)
            if name in f.env:  # calling a value (a callback): result follows the arguments
                return union([*args, *kwargs.values()])
            return self._named_call(f.qualify(name), node, args, kwargs, f, name)
        if kind is ast.Attribute:
            assert isinstance(func, ast.Attribute)
            dotted = dotted_name(func.value)
            head = dotted.partition(".")[0]
            if head and head not in f.env and (f.is_alias(head) or head in f.module.classes):
                return self._named_call(f.qualify(dotted) + "." + func.attr, node, args,
                                        kwargs, f, dotted + "." + func.attr)
            holder = func.value
            if func.attr in _MUTATORS and type(holder) is ast.Name:  # a write, not a read
                receiver = f.env.get(holder.id) or self._global(f.module, holder.id)
            else:
                receiver = self.ev(holder, f)
            return self._method_call(func.attr, receiver, node, args, kwargs, f)
        callee = self.ev(func, f)
        return union([callee, *args, *kwargs.values()])

    def _named_call(self, qname: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val],
                    f: Frame, written: str) -> Val:
        table = self.table
        sinks = table.calls.get(qname)
        if sinks is not None:
            for sink in sinks:
                self._check_sink(sink, node, args, kwargs, f, CLEAN)
            if sinks[0].result == "clean":
                return CLEAN
        if table.source_calls and qname in table.source_calls:
            return self._user_source(qname, node, f)
        if qname in table.full_sanitisers:
            return CLEAN
        partial = table.partial_sanitisers.get(qname)
        if partial is not None:
            return _cleared(union([*args, *kwargs.values()]), partial)
        if qname in table.validators:
            self._validate(node, f)
            return CLEAN
        if qname in table.structured:
            return _structured(union(args[:1] or list(kwargs.values())))
        if qname in table.stringify:
            return _string(union([*args, *kwargs.values()]))
        kind = table.kinds.get(qname)
        if kind is not None:
            if kind == "xml-parser" and _keyword_false(node, "resolve_entities"):
                kind = "xml-parser-safe"
            return union([*args, *kwargs.values()], kind)
        local = self._local(qname, written, f)
        if local is not None:
            module, target, method = local
            if isinstance(target, ClassInfo):
                return self._instantiate(target, node, args, kwargs, f, method)
            return self._inline(target, module, args, kwargs, node, f)
        if sinks is not None:
            return CLEAN
        last = written.rpartition(".")[2]
        if last != written:  # `Model.objects.raw(...)`, `Order.model_validate_json(...)`
            for sink in table.methods.get(last, []):
                if sink.receiver is None:
                    self._check_sink(sink, node, args, kwargs, f, CLEAN)
            if last in table.clean_methods:
                return CLEAN
        return union([*args, *kwargs.values()])

    def _method_call(self, name: str, receiver: Val, node: ast.Call, args: list[Val],
                     kwargs: dict[str, Val], f: Frame) -> Val:
        table = self.table
        sinks = table.methods.get(name)
        if sinks is not None:
            for sink in sinks:
                if sink.receiver is None or sink.receiver == receiver.kind:
                    self._check_sink(sink, node, args, kwargs, f, receiver)
        kind = receiver.kind
        if kind is not None and kind.startswith("cls:"):
            cls = self.classes.get(kind[4:])
            if cls is not None:
                found = self._find_method(cls, name)
                if found is not None:
                    owner, method = found
                    return self._inline(method, owner.module, [receiver, *args], kwargs, node,
                                        f, cls=owner, self_call=True)
        if name in table.clean_methods:
            return CLEAN
        if name in table.validator_methods:
            self._validate(node, f)
            return CLEAN
        if not receiver.taints:
            if name in table.arg_methods:
                added = union([*args, *kwargs.values()])
                if added.taints:
                    holder = node.func.value  # type: ignore[attr-defined]
                    if type(holder) is ast.Name and name not in ("join", "format", "format_map"):
                        f.env[holder.id] = merge(f.env.get(holder.id, CLEAN), _argv(added))
                    return _string(added) if name in ("join", "format", "format_map") else \
                        Val(added.taints, kind)
            return Val((), kind) if kind == "path" else CLEAN
        if name in table.container_methods:
            key = _const_str(node.args[0]) if node.args else None
            at = (f.module.file, node.lineno)
            if name in ("values", "items", "keys", "copy"):
                result = _extend(receiver, "*", at) if name != "copy" else receiver
            else:
                result = _extend(receiver, key if key is not None else "*", at)
            if len(args) > 1:
                result = union((result, args[1]))
            return result
        if name in table.string_methods:
            result = _string(receiver)
            if name in table.arg_methods:
                result = union((result, _string(union(args))))
            return result
        if name in table.arg_methods:
            return union([receiver, *args], kind)
        return Val(receiver.taints, kind if kind in ("path", "archive") else None)

    def _check_sink(self, sink: Sink, node: ast.Call, args: list[Val], kwargs: dict[str, Val],
                    f: Frame, receiver: Val) -> None:
        condition = sink.condition
        if condition == "receiver":
            checked = [receiver]
        elif condition == "archive":
            for keyword in node.keywords:
                if keyword.arg == "filter" and _const_str(keyword.value) in SAFE_TAR_FILTERS:
                    return
            checked = [receiver]
        else:
            checked = [args[i] for i in sink.args if i < len(args)]
            checked.extend(kwargs[k] for k in sink.kwargs if k in kwargs)
            if "*" in kwargs and sink.args:
                checked.append(kwargs["*"])
            if "**" in kwargs and sink.kwargs:
                checked.append(kwargs["**"])
        if not any(val.taints for val in checked):
            return
        if condition == "shell":
            if not self._shell(node):
                checked = [Val(tuple(t for t in val.taints if not t.argv)) for val in checked]
        elif condition == "structured":
            checked = [Val(tuple(t for t in val.taints if t.structured)) for val in checked]
        elif condition == "unsafe-yaml":
            loader = next((k.value for k in node.keywords if k.arg == "Loader"),
                          node.args[1] if len(node.args) > 1 else None)
            if loader is not None and dotted_name(loader).endswith(SAFE_YAML_LOADERS):
                return
        elif condition == "lxml-parser":
            parser = kwargs.get("parser", args[1] if len(args) > 1 else CLEAN)
            if parser.kind == "xml-parser-safe":
                return
        for val in checked:
            if val.taints:
                self.report(sink.category, sink.name, node, val, f)

    def _shell(self, node: ast.Call) -> bool:
        """Does a subprocess call run a shell (shell=True, or `sh -c` in its argv)?"""
        for keyword in node.keywords:
            if keyword.arg == "shell":
                value = keyword.value
                return not (type(value) is ast.Constant and not value.value)
        command = node.args[0] if node.args else None
        if type(command) in (ast.List, ast.Tuple):
            words = [_const_str(e) for e in command.elts]  # type: ignore[union-attr]
            return bool(words) and words[0] in self.table.shells and "-c" in words
        return False

    def report(self, category: str, sink: str, node: ast.AST, val: Val, f: Frame) -> None:
        """Record every taint of `val` that is not cleared for `category` as a hit."""
        line = getattr(node, "lineno", 0)
        function = f"{f.module.file}:{f.name}"
        for taint in val.taints:
            if category not in taint.cleared:
                self.hits.append(Hit(category, sink, f.module.file, line, taint, function))

    def _user_source(self, qname: str, node: ast.AST, f: Frame) -> Val:
        label = self.table.source_calls.get(qname)
        if label is None:
            return CLEAN
        step = (f.module.file, getattr(node, "lineno", 0), f"{label} (declared source)")
        return Val((Taint((), (step,), label),))

    def _validate(self, node: ast.Call, f: Frame) -> None:
        """A validating call (jsonschema.validate(x, ...)): `x` is trusted afterwards."""
        target = next((k.value for k in node.keywords if k.arg == "instance"),
                      node.args[0] if node.args else None)
        if type(target) is ast.Name:
            f.env[target.id] = CLEAN

    # ------------------------------------------------------------------ local code

    def _local(self, qname: str, written: str, f: Frame
               ) -> tuple[Module, FunctionNode | ClassInfo, FunctionNode | None] | None:
        """The project function or class a call refers to (its module, target, method)."""
        module = f.module
        head, _, rest = written.partition(".")
        if head in module.functions and not rest and head not in module.aliases:
            return module, module.functions[head], None
        if head in module.classes and head not in module.aliases:
            cls = module.classes[head]
            if not rest:
                return module, cls, None
            method = cls.methods.get(rest)
            return (module, cls, method) if method is not None and "." not in rest else None
        key = (module.file, qname)
        if key in self._local_cache:
            return self._local_cache[key]
        found: tuple[Module, FunctionNode | ClassInfo, FunctionNode | None] | None = None
        parts = qname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            target_module = self.cache.find(".".join(parts[:cut]), f.search)
            if target_module is None:
                continue
            tail = parts[cut:]
            if len(tail) == 1 and tail[0] in target_module.functions:
                found = (target_module, target_module.functions[tail[0]], None)
            elif tail[0] in target_module.classes:
                cls = target_module.classes[tail[0]]
                if len(tail) == 1:
                    found = (target_module, cls, None)
                elif len(tail) == 2 and tail[1] in cls.methods:
                    found = (target_module, cls, cls.methods[tail[1]])
            elif len(tail) == 1 and tail[0] in target_module.aliases:
                alias = target_module.aliases[tail[0]]
                found = self._local(alias, alias, Frame(target_module, "", search_path(
                    target_module, self.base)))
            break
        self._local_cache[key] = found
        return found

    def _find_method(self, cls: ClassInfo, name: str,
                     depth: int = 0) -> tuple[ClassInfo, FunctionNode] | None:
        method = cls.methods.get(name)
        if method is not None:
            return cls, method
        if depth > 8:
            return None
        for base in cls.bases:
            parent = self._class_of(cls.module, base)
            if parent is not None:
                found = self._find_method(parent, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _class_of(self, module: Module, qualified: str) -> ClassInfo | None:
        if qualified in module.classes:
            return module.classes[qualified]
        local = self._local(qualified, qualified, Frame(module, "", search_path(module,
                                                                                 self.base)))
        if local is not None and isinstance(local[1], ClassInfo):
            return local[1]
        return None

    def _is_model(self, cls: ClassInfo, depth: int = 0) -> bool:
        """Does the class derive from a validating model base (pydantic BaseModel, ...)?"""
        for base in cls.bases:
            if base in self.table.model_bases or base.rpartition(".")[2] in \
                    self.table.model_bases and base.startswith("pydantic"):
                return True
            parent = self._class_of(cls.module, base) if depth < 8 else None
            if parent is not None and self._is_model(parent, depth + 1):
                return True
        return False

    def _instantiate(self, cls: ClassInfo, node: ast.Call, args: list[Val],
                     kwargs: dict[str, Val], f: Frame, method: FunctionNode | None) -> Val:
        self.classes[cls.key] = cls
        if method is not None:  # Class.method(...): a static or class method
            bound = [Val((), "cls:" + cls.key), *args] if not _is_static(method) else args
            if method.name in self.table.clean_methods:
                return CLEAN
            return self._inline(method, cls.module, bound, kwargs, node, f, cls=cls)
        if self._is_model(cls):
            return CLEAN
        instance = Val((), "cls:" + cls.key)
        found = self._find_method(cls, "__init__")
        if found is None:
            added = union([*args, *kwargs.values()])
            return Val(added.taints, instance.kind)
        owner, init = found
        self._inline(init, owner.module, [instance, *args], kwargs, node, f, cls=owner,
                     self_call=True)
        return instance

    def _inline(self, fnode: FunctionNode, module: Module, args: list[Val],
                kwargs: dict[str, Val], node: ast.Call, caller: Frame,
                closure: Frame | None = None, cls: ClassInfo | None = None,
                self_call: bool = False) -> Val:
        """Analyse a project function for this call's arguments; its return value."""
        tainted = any(a.taints for a in args) or any(v.taints for v in kwargs.values())
        if not tainted and not (self_call and args and args[0].kind is not None
                                and args[0].kind[4:] in self.tainted_classes):
            if closure is None or not any(v.taints for v in closure.env.values()):
                return CLEAN
        if fnode in self.stack or len(self.stack) > MAX_DEPTH or self.budget <= 0:
            return union([*args, *kwargs.values()])
        key = (id(node), id(fnode), _signature(args), _signature(list(kwargs.values())),
               len(self.class_attrs))
        known = self._calls.get(key)
        if known is not None:  # the same call again (a loop's second pass): same result
            return known
        result = self._analyse_call(fnode, module, args, kwargs, node, caller, closure, cls,
                                    tainted)
        self._calls[key] = result
        return result

    def _analyse_call(self, fnode: FunctionNode, module: Module, args: list[Val],
                      kwargs: dict[str, Val], node: ast.Call, caller: Frame,
                      closure: Frame | None, cls: ClassInfo | None, tainted: bool) -> Val:
        self.budget -= 1
        qual = f"{cls.name}.{fnode.name}" if cls is not None else fnode.name
        search = caller.search if module is caller.module else search_path(module, self.base)
        env = dict(closure.env) if closure is not None else {}
        frame = Frame(module, qual, search, cls, env)
        if closure is not None:
            frame.aliases = closure.aliases
            frame.local_funcs = closure.local_funcs
        if cls is not None:
            self.classes[cls.key] = cls
        self._bind(fnode, frame, args, kwargs, caller, node)
        self.stack.append(fnode)
        if tainted:
            self.visited.add((module.file, fnode.lineno))
        loop_tracking = self._reads, self._written
        self._reads = self._written = None  # the callee's names are not the loop's
        self.block(fnode.body, frame)
        self._reads, self._written = loop_tracking
        self.stack.pop()
        result = union(frame.returns, next((r.kind for r in frame.returns if r.kind), None))
        if result.taints:
            result = _with_step(result, (caller.module.file, node.lineno,
                                         f"returned from {qual}()"))
        return result

    def _bind(self, fnode: FunctionNode, frame: Frame, args: list[Val], kwargs: dict[str, Val],
              caller: Frame, node: ast.Call) -> None:
        params = fnode.args
        positional = _positional(fnode)
        file = frame.module.file
        rest = kwargs.get("*", CLEAN)
        splat = kwargs.get("**", CLEAN)
        for index, param in enumerate(positional):
            if index < len(args):
                val = args[index]
            else:
                val = kwargs.get(param.arg, merge(rest, splat))
            frame.env[param.arg] = _with_step(
                val, (caller.module.file, node.lineno,
                      f"passed to {frame.name}() as '{param.arg}'")) if val.taints else val
        for param in params.kwonlyargs:
            val = kwargs.get(param.arg, splat)
            frame.env[param.arg] = _with_step(
                val, (file, fnode.lineno, f"passed to {frame.name}() as '{param.arg}'"))
        if params.vararg is not None:
            frame.env[params.vararg.arg] = union(args[len(positional):])
        if params.kwarg is not None:
            named = {p.arg for p in positional} | {p.arg for p in params.kwonlyargs}
            frame.env[params.kwarg.arg] = union(
                [v for k, v in kwargs.items() if k not in named])


def _sig(val: Val | None) -> tuple[Any, ...] | None:
    if val is None:
        return None
    return val.kind, tuple((t[0], t[2], t[3], t[4], t[5]) for t in val.taints)


def _signature(vals: list[Val]) -> tuple[Any, ...]:
    """What of the arguments decides a call's analysis (not the steps they took)."""
    return tuple((val.kind, tuple((t[0], t[2], t[3], t[4], t[5]) for t in val.taints))
                 for val in vals)


def _positional(node: FunctionNode) -> list[ast.arg]:
    return [*node.args.posonlyargs, *node.args.args]


def _is_static(node: FunctionNode) -> bool:
    return any(dotted_name(d) == "staticmethod" for d in node.decorator_list)


def _keyword_false(node: ast.Call, name: str) -> bool:
    for keyword in node.keywords:
        if keyword.arg == name:
            value = keyword.value
            return type(value) is ast.Constant and value.value is False
    return False


def _merge_env(a: dict[str, Val], b: dict[str, Val]) -> dict[str, Val]:
    if a is b:
        return a
    out = dict(a)
    for name, val in b.items():
        old = out.get(name)
        out[name] = val if old is None else merge(old, val)
    return out


_STMT: dict[type, Callable[[Analyzer, Any, Frame], bool]] = {
    ast.Expr: Analyzer._s_expr,
    ast.Assign: Analyzer._s_assign,
    ast.AnnAssign: Analyzer._s_annassign,
    ast.AugAssign: Analyzer._s_augassign,
    ast.Return: Analyzer._s_return,
    ast.Raise: Analyzer._s_raise,
    ast.Continue: Analyzer._s_jump,
    ast.Break: Analyzer._s_jump,
    ast.If: Analyzer._s_if,
    ast.Assert: Analyzer._s_assert,
    ast.For: Analyzer._s_for,
    ast.AsyncFor: Analyzer._s_for,
    ast.While: Analyzer._s_while,
    ast.With: Analyzer._s_with,
    ast.AsyncWith: Analyzer._s_with,
    ast.Try: Analyzer._s_try,
    ast.Match: Analyzer._s_match,
    ast.FunctionDef: Analyzer._s_funcdef,
    ast.AsyncFunctionDef: Analyzer._s_funcdef,
    ast.Import: Analyzer._s_import,
    ast.ImportFrom: Analyzer._s_import,
}
if hasattr(ast, "TryStar"):
    _STMT[ast.TryStar] = Analyzer._s_try

_EXPR: dict[type, Callable[[Analyzer, Any, Frame], Val]] = {
    ast.Name: Analyzer._e_name,
    ast.Attribute: Analyzer._e_attribute,
    ast.Subscript: Analyzer._e_subscript,
    ast.Call: Analyzer._e_call,
    ast.BinOp: Analyzer._e_binop,
    ast.JoinedStr: Analyzer._e_joinedstr,
    ast.FormattedValue: Analyzer._e_passthrough,
    ast.BoolOp: Analyzer._e_boolop,
    ast.IfExp: Analyzer._e_ifexp,
    ast.Compare: Analyzer._e_compare,
    ast.UnaryOp: Analyzer._e_unaryop,
    ast.Await: Analyzer._e_passthrough,
    ast.Starred: Analyzer._e_passthrough,
    ast.Yield: Analyzer._e_yield,
    ast.YieldFrom: Analyzer._e_yield,
    ast.NamedExpr: Analyzer._e_namedexpr,
    ast.Dict: Analyzer._e_dict,
    ast.List: Analyzer._e_sequence,
    ast.Tuple: Analyzer._e_sequence,
    ast.Set: Analyzer._e_sequence,
    ast.ListComp: Analyzer._e_comprehension,
    ast.SetComp: Analyzer._e_comprehension,
    ast.GeneratorExp: Analyzer._e_comprehension,
    ast.DictComp: Analyzer._e_comprehension,
    ast.Slice: Analyzer._e_slice,
}
