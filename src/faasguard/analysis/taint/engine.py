"""The taint engine: an abstract interpreter over the Python AST.

It walks one function at a time, statement by statement, keeping for every local
variable an abstract value (`Val`): the taints it carries (where in the event it came
from and the steps it took) and, for some objects, a kind ("path", "http-client",
"archive", "cls:<file>:<Class>", ...) that decides which method calls are sinks.
Calls are the business of `calls.CallAnalysis`: table look-ups for sinks,
sanitisers and propagators, and inline analysis of the project's own functions.

Branches are analysed separately and merged; a loop body once, and a second time
when a value it reads before writing changed during the first pass. A branch that
returns or raises does not flow on, which is what makes allow-list checks with an early
return work.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from faasguard.analysis.taint.calls import (
    MAX_INLINE_CALLS,
    MUTATORS,
    CallAnalysis,
    html_headers,
    is_static,
    object_kind,
    positional,
)
from faasguard.analysis.taint.models import CLEAN as CLEAN_FIELD
from faasguard.analysis.taint.models import TEXT, model_fields
from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    add_import,
    dotted_name,
    search_path,
)
from faasguard.analysis.taint.paths import (
    PATHS,
    access_path,
    forget_paths,
    joined_paths,
    root_name,
)
from faasguard.analysis.taint.state import (
    CLEAN,
    Frame,
    Hit,
    Taint,
    Val,
    argv_position,
    cleared,
    const_str,
    extend,
    joined_env,
    merge,
    merge_env,
    merged_outcomes,
    stringified,
    structured,
    taint_signature,
    union,
    with_step,
)
from faasguard.analysis.taint.table import TaintTable

_SEQUENCES = (ast.List, ast.Tuple)
#: The table roles whose call gives a clean value of no kind for clean arguments of no
#: kind (`Analyzer._named_call`): a call of one is inert (`Analyzer._inert`).
_INERT_ROLES = frozenset(("clean", "partial", "structured", "stringify", "first"))
#: A literal URL start naming its scheme and host and ending the host (`https://api.example
#: /users/`): what follows it can change the path or the query, not where the request
#: goes, so it is no server-side request forgery (a tainted host still is).
_FIXED_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#{}%\0]+[/?#]")
_SSRF = frozenset({"ssrf"})
_PATH = frozenset({"path"})


def _last_segment(node: ast.Subscript) -> bool:
    """Is `node` the last '/'-segment of a string, as os.path.basename gives it:
    `s.rsplit("/", 1)[-1]`, `s.split("/")[-1]` (no maxsplit: `split("/", 1)[-1]` keeps
    every '/' after the first), `s.rpartition("/")[2]` / `[-1]`?"""
    call, index = node.value, node.slice
    if type(call) is not ast.Call or type(call.func) is not ast.Attribute or \
            not call.args or not isinstance(call.args[0], ast.Constant) or \
            call.args[0].value != "/" or call.keywords:
        return False
    last = type(index) is ast.UnaryOp and type(index.op) is ast.USub and \
        type(index.operand) is ast.Constant and index.operand.value == 1
    method = call.func.attr
    if method == "rpartition":
        return len(call.args) == 1 and (last or (type(index) is ast.Constant
                                                 and index.value == 2))
    return last and (method == "rsplit" or (method == "split" and len(call.args) == 1))


def _fixed_origin(node: ast.expr, vals: list[Val] | None = None,
                  constant: Callable[[ast.expr], str | None] = const_str) -> bool:
    """Does the string built by `node` (`+` / `%` of a literal, or an f-string whose
    formatted values are `vals`) start with a scheme and a host no taint reaches?
    `constant`: the text of a literal, or of a name bound to one (`Analyzer._constant`)."""
    tail = ""  # literals added to the leftmost operand (`"https://h" + "/" + x`)
    while type(node) is ast.BinOp and type(node.op) in (ast.Add, ast.Mod):
        right = const_str(node.right) if type(node.op) is ast.Add else None
        tail = (right + tail) if right is not None else "\0"
        node = node.left
    if type(node) is ast.JoinedStr and vals is not None:
        formatted = iter(vals)
        pieces = []  # (a loop, not a generator: a tainted f-string's check is common)
        for part in node.values:
            pieces.append(("\0" if next(formatted).taints else constant(part.value) or "x")
                          if type(part) is ast.FormattedValue else const_str(part) or "")
        text = "".join(pieces)
    else:
        head = constant(node)
        if head is None:  # the leftmost operand is no literal (`url + "https://h/"`)
            return False
        text = head + tail
    fixed = _FIXED_ORIGIN.match(text)
    return fixed is not None and not _internal_host(fixed.group(0))


#: Host names that reach the function's own machine or network, whatever the path: the
#: Lambda runtime API and extensions on localhost (the Parameters and Secrets extension
#: answers `localhost:2773/secretsmanager/get?secretId=...`), instance metadata
_INTERNAL_NAMES = {"localhost", "instance-data", "metadata", "metadata.google.internal"}
#: The characters of an IP address's text in lower case (IPv4 decimal octets, IPv6
#: hexadecimal groups, an IPv4 tail); only an IPv6 scope (after '%') may hold others
_ADDRESS_CHARACTERS = frozenset("0123456789abcdef:.")


def origin_host(origin: str) -> str:
    """The host of `origin` (`scheme://[user@]host[:port]/`), lower case, without the
    brackets of an IPv6 address or a trailing dot."""
    host = origin.split("://", 1)[1][:-1].rsplit("@", 1)[-1]
    if host.startswith("["):  # [IPv6]:port
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.lower().rstrip(".")


def _internal_host(origin: str) -> bool:
    """Is the host of `origin` (`scheme://host[:port]/`) a loopback, private, link-local
    or metadata address? There the path alone chooses what is read (a secret by its id, a
    credential by its role): still server-side request forgery."""
    host = origin_host(origin)
    if host in _INTERNAL_NAMES or host.endswith(".localhost") or host.endswith(".internal"):
        return True
    if "%" not in host and not _ADDRESS_CHARACTERS.issuperset(host):
        return False  # a host name (`api.example`): `ip_address` would raise ValueError
    import ipaddress  # (a URL with a fixed host: few handlers build one)

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or \
        address.is_reserved or address.is_unspecified


URL_PARSERS = {"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse"}


def _validated(f: Frame, names: set[str]) -> None:
    """The names and access paths (`body['cmd']`) a check validated are clean from here
    on; so is the URL a checked host was parsed from."""
    for name in names:
        f.env[name] = CLEAN
        if "[" in name:  # (a path: item and attribute reads look paths up from now on)
            f.env[PATHS] = CLEAN
        whole = f.parts.get(name) if f.parts is not None else None
        if whole is not None:
            f.env[whole] = CLEAN


_CONSTANTS: dict[str, tuple[ast.Module, dict[str, str]]] = {}


def module_constants(module: Module) -> dict[str, str]:
    """The names a module binds exactly once at its top level, to a string literal
    (cached per parsed tree)."""
    found = _CONSTANTS.get(module.file)
    if found is not None and found[0] is module.tree:
        return found[1]
    if len(_CONSTANTS) >= 4096:
        _CONSTANTS.clear()
    counts: dict[str, int] = {}
    texts: dict[str, str] = {}
    for stmt in module.tree.body:
        targets = stmt.targets if type(stmt) is ast.Assign else \
            [stmt.target] if type(stmt) is ast.AnnAssign else []
        for target in targets:
            if type(target) is ast.Name:
                counts[target.id] = counts.get(target.id, 0) + 1
                value = const_str(stmt.value)  # type: ignore[attr-defined]
                if value is not None:
                    texts[target.id] = value
    constants = {name: text for name, text in texts.items() if counts[name] == 1}
    _CONSTANTS[module.file] = (module.tree, constants)
    return constants


_KIND_NAMES: dict[int, tuple[TaintTable, frozenset[str], frozenset[str]]] = {}


def _kind_names(table: TaintTable) -> tuple[frozenset[str], frozenset[str]]:
    """The table's attribute names that the kind of their object decides and its
    method names that are sources on an object of a kind (once per table)."""
    found = _KIND_NAMES.get(id(table))
    if found is None or found[0] is not table:
        if len(_KIND_NAMES) >= 8:
            _KIND_NAMES.clear()
        attributes = frozenset(name.rpartition(".")[2] for name in
                               (*table.event_objects, *table.attribute_kinds))
        methods = frozenset(name.rpartition(".")[2] for name in table.source_calls
                            if "-" in name.partition(".")[0])  # `fastapi-request.json`
        found = _KIND_NAMES[id(table)] = (table, attributes, methods)
    return found[1], found[2]


#: Calls whose result compared to the base folder proves a path stays inside it.
CONTAINMENT = {"os.path.commonpath", "posixpath.commonpath", "os.path.commonprefix"}

# --------------------------------------------------------------------------- the analyser


class Analyzer(CallAnalysis):
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
        self._calls = {}
        self._reads: set[str] | None = None  # names read before written in a loop's pass
        self._written: set[str] | None = None
        self._local_cache: dict[tuple[str, str], tuple[Module, FunctionNode | ClassInfo,
                                                       FunctionNode | None] | None] = {}
        self._fields: dict[str, dict[str, str] | None] = {}
        #: attributes whose value the kind of their object decides (`current_event`), and
        #: methods that are sources on an object of some kind (`request.json()`)
        self._object_attributes, self.kind_source_methods = _kind_names(table)

    # ------------------------------------------------------------------ entry points

    def analyse(self, module: Module, node: FunctionNode, params: list[str],
                cls: ClassInfo | None = None, labels: dict[str, str] | None = None,
                objects: dict[str, str] | None = None) -> None:
        """Analyse `node` with the named parameters as sources.

        `labels` names parameters that are declared sources (a route view's path
        parameters: "Flask path parameter 'id'"), not event data to match with shapes;
        `objects` parameters that are framework objects of a kind whose attributes the
        table knows (a Django view's request: `django-request`), not tainted themselves.
        """
        search = search_path(module, self.base)
        qual = f"{cls.name}.{node.name}" if cls else node.name
        frame = Frame(module, qual, search, cls)
        if cls is not None:
            self.classes[cls.key] = cls
        first = positional(node)
        if cls is not None and first and not is_static(node):
            frame.env[first[0].arg] = Val((), "cls:" + cls.key)
        for name in params:
            label = labels.get(name) if labels else None
            if label is not None:  # named by the caller (Flow building), origin the name
                step = (module.file, node.lineno, f"{label} (declared source)")
                frame.env[name] = Val((Taint((), (step,), name),))
                continue
            step = (module.file, node.lineno, f"'{name}' of {qual}() is attacker-controlled input")
            frame.env[name] = Val((Taint((), (step,), name),))
        if node.decorator_list and first and first[0].arg in frame.env:
            model = self.event_model(module, node)  # `@event_parser(model=Order)`
            if model is not None:
                objects = {first[0].arg: model, **(objects or {})}
        for name, kind in (objects or {}).items():  # a model parameter keeps its taint
            given = frame.env.get(name)
            frame.env[name] = Val(given.taints if given is not None else (), kind)
        self.visited.add((module.file, node.lineno))
        self.stack.append(node)
        self.block(node.body, frame)
        self.stack.pop()

    def model_fields(self, key: str) -> dict[str, str] | None:
        """The field verdicts (`models.model_fields`) of the class `cls:<key>` names when
        it is a validated model; None for any other class."""
        if key in self._fields:
            return self._fields[key]
        cls = self.classes.get(key)
        if cls is None:
            file, _, name = key.rpartition(":")
            module = self.cache.try_get(file)
            cls = module.classes.get(name) if module is not None else None
            if cls is not None:
                self.classes[key] = cls  # a view's model parameter: its methods are followed
        found = model_fields(cls, self.table, self._class_named) \
            if cls is not None and self._is_model(cls) else None
        self._fields[key] = found
        return found

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
        value = node.value
        handler = _EXPR.get(type(value))
        if handler is not None:
            handler(self, value, f)
        return False

    def _s_assign(self, node: ast.Assign, f: Frame) -> bool:
        value = node.value
        targets = node.targets
        if (type(value) is ast.Tuple and len(targets) == 1
                and type(targets[0]) is ast.Tuple
                and len(targets[0].elts) == len(value.elts)):
            for target, elt in zip(targets[0].elts, value.elts, strict=True):
                self.assign(target, self.ev(elt, f), f, node.lineno)
            return False
        handler = _EXPR.get(type(value))
        val = handler(self, value, f) if handler is not None else CLEAN
        for target in targets:
            self.assign(target, val, f, node.lineno)
        if val.taints and type(value) is ast.Attribute and len(targets) == 1 \
                and type(targets[0]) is ast.Name:
            whole = self._host_of(value, f)
            if whole is not None:  # `host = urlparse(url).hostname`: checking host checks url
                if f.parts is None:
                    f.parts = {}
                f.parts[targets[0].id] = whole
        return False

    @staticmethod
    def _host_of(value: ast.Attribute, f: Frame) -> str | None:
        """`url` for `urlparse(url).hostname` (or `.netloc`, `urlsplit`); else None."""
        if value.attr not in ("hostname", "netloc"):
            return None
        call = value.value
        if type(call) is not ast.Call or not call.args or type(call.args[0]) is not ast.Name:
            return None
        if f.qualify(dotted_name(call.func)) not in URL_PARSERS:
            return None
        return call.args[0].id

    def _s_annassign(self, node: ast.AnnAssign, f: Frame) -> bool:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value, f), f, node.lineno)
        return False

    def _s_augassign(self, node: ast.AugAssign, f: Frame) -> bool:
        current = self.ev(node.target, f) if type(node.target) is ast.Name else CLEAN
        added = self.ev(node.value, f)
        val = merge(current, added)
        if type(node.op) is not ast.Div or val.kind != "path":
            val = stringified(val) if val.kind is None else val
        self.assign(node.target, val, f, node.lineno)
        return False

    def _s_return(self, node: ast.Return, f: Frame) -> bool:
        value = node.value
        if value is not None:
            handler = _EXPR.get(type(value))  # `ev`, inlined
            f.returns.append(handler(self, value, f) if handler is not None else CLEAN)
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
        _validated(f, when_true)
        left = self.block(node.body, f)
        env_body = f.env
        f.env = dict(before)
        _validated(f, when_false)
        right = self.block(node.orelse, f)
        env_else = f.env
        f.env = joined_env(left, env_body, right, env_else)
        if not left and not right and PATHS in f.env:
            joined_paths(f.env, env_body, env_else)
        return left and right

    def _s_assert(self, node: ast.Assert, f: Frame) -> bool:
        self.ev(node.test, f)
        _validated(f, self._guard(node.test, f)[0])
        return False

    def _s_for(self, node: ast.For | ast.AsyncFor, f: Frame) -> bool:
        items = self.ev(node.iter, f)
        element = extend(items, "*", (f.module.file, node.lineno))
        if items.taints:
            element = with_step(element, (f.module.file, node.lineno, "iterated over"))

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
        env = f.env
        for name in reads:  # a value read and changed (the same object: not changed)
            old, new = before.get(name), env.get(name)
            if old is not new and taint_signature(old) != taint_signature(new):
                one_pass()
                break
        if outer_reads is not None and outer_written is not None:
            outer_reads |= reads - outer_written
            outer_written |= self._written
        self._reads, self._written = outer_reads, outer_written
        after = f.env
        f.env = merge_env(before, after)
        if PATHS in f.env:  # (a loop may run no time, or stop anywhere)
            joined_paths(f.env, before, after)

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
        after_body = merge_env(before, f.env)
        if PATHS in after_body:
            joined_paths(after_body, before, f.env)
        for handler in node.handlers:
            f.env = dict(after_body)
            if handler.name:
                f.env[handler.name] = CLEAN
            if not self.block(handler.body, f):
                outcomes.append(f.env)
        f.env = merged_outcomes(outcomes, after_body)
        if PATHS in f.env:
            joined_paths(f.env, *outcomes)
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
            env = merge_env(env, other)
        if PATHS in env and env is not before:
            joined_paths(env, before, *outcomes)
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
            f.env[name] = with_step(val, (f.module.file, line, f"assigned to '{name}'")) \
                if val.taints else val
            if PATHS in f.env:
                forget_paths(f.env, name)
            if self._written is not None:
                self._written.add(name)
        elif kind is ast.Tuple or kind is ast.List:
            for elt in target.elts:  # type: ignore[attr-defined]
                self.assign(elt, val, f, line)
        elif kind is ast.Starred:
            self.assign(target.value, val, f, line)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            assert isinstance(target, ast.Attribute)
            if PATHS in f.env:  # an attribute written again: its object's paths unchecked
                forget_paths(f.env, root_name(target))
            holder = self.ev(target.value, f)
            if holder.kind is not None and holder.kind.startswith("cls:"):
                key = (holder.kind[4:], target.attr)
                old = self.class_attrs.get(key, CLEAN)
                self.class_attrs[key] = merge(old, with_step(
                    val, (f.module.file, line, f"stored in attribute '{target.attr}'")))
                if val.taints:
                    self.tainted_classes.add(holder.kind[4:])
            elif val.taints and type(target.value) is ast.Name:
                name = target.value.id
                f.env[name] = merge(f.env.get(name, CLEAN), val)
        elif kind is ast.Subscript:
            assert isinstance(target, ast.Subscript)
            self.ev(target.slice, f)
            header = const_str(target.slice)
            if val.taints and header is not None and header.lower() == "location":
                self.report("redirect", "Location header", target, val, f)
            if PATHS in f.env:  # an item written again: its object's paths unchecked
                forget_paths(f.env, root_name(target))
            if type(target.value) is ast.Name:
                name = target.value.id
                old = f.env.get(name, CLEAN)
                if val.taints:
                    f.env[name] = merge(old, with_step(val, (f.module.file, line,
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
            names = self._tainted_names(self._contained(test.left, f), f)
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
    def _contained(node: ast.expr, f: Frame) -> list[ast.expr]:
        """The checked expressions of a comparison's left side: the value itself, or the
        paths of a containment check `os.path.commonpath([BASE, path]) == BASE`."""
        if type(node) is ast.Call and f.qualify(dotted_name(node.func)) in CONTAINMENT:
            found: list[ast.expr] = []
            for arg in node.args:
                found.extend(arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg])
            return found
        return [node]

    def _tainted_names(self, nodes: list[ast.expr], f: Frame) -> set[str]:
        """The checked bindings among `nodes`: tainted names, and tainted access paths
        (`body["cmd"]`, `body.get("cmd")`, `body.cmd`: see `paths.access_path`)."""
        out = set()
        for node in nodes:
            if type(node) is ast.Name:
                val = f.env.get(node.id)
                if val is not None and val.taints:
                    out.add(node.id)
            elif type(node) is not ast.Constant:
                path = access_path(node)
                if path and self.ev(node, f).taints:
                    out.add(path)
        return out

    # ------------------------------------------------------------------ expressions

    def ev(self, node: ast.expr, f: Frame) -> Val:
        """The abstract value of an expression (evaluating nested calls for their sinks)."""
        handler: Callable[[Analyzer, Any, Frame], Val] | None = _EXPR.get(type(node))
        if handler is None:
            return CLEAN
        return handler(self, node, f)

    def _e_name(self, node: ast.Name, f: Frame) -> Val:
        name = node.id
        reads = self._reads
        if reads is not None and name not in self._written:  # type: ignore[operator]
            reads.add(name)
        val = f.env.get(name)
        if val is not None:
            return val
        if name in f.module.assigned:
            return self._global(f.module, name)
        return CLEAN

    @staticmethod
    def _constant(f: Frame) -> Callable[[ast.expr], str | None]:
        """The text of a string literal, or of an upper-case name (a constant, by the
        convention: a parameter is not one) the frame's module binds to one once at its
        top level and the function does not rebind (`BASE = "https://h/"`)."""
        def text(node: ast.expr) -> str | None:
            found = const_str(node)
            if found is not None or not isinstance(node, ast.Name):
                return found
            name = node.id
            if name in f.env or not name.isupper():
                return None
            return module_constants(f.module).get(name)
        return text

    def _imported_object(self, name: str, f: Frame) -> Val:
        """The kind (`_global`) of a module-level object a name imports from the project
        (`from api.resolver import app`), or CLEAN."""
        named = self.cache.module_prefix(f.qualify(name), f.search)
        if named is None or len(named[1]) != 1:
            return CLEAN
        return self._global(named[0], named[1][0])

    def _global(self, module: Module, name: str) -> Val:
        """A module-level object's value, its kind without taint (`session =
        requests.Session()` at import time), or CLEAN. The last top-level binding of a
        name decides: `name = call()` with a kind gives that kind, `name = <constant>`
        (`session = None`) none; other rebindings are not seen. A name with no kind at
        the top level takes the kind a function gives it through `global name` with a
        call the table gives a kind (`requests.Session()`: a client made on first use)."""
        kinds = module.global_kinds
        if kinds is None:
            kinds = module.global_kinds = {}
            frame = Frame(module, "<module>", search_path(module, self.base))
            assign, called, constant = ast.Assign, ast.Call, ast.Constant  # (read once)
            for stmt in module.tree.body:
                if type(stmt) is assign:
                    value = stmt.value
                    if type(value) is called and not self._inert(value, frame):
                        self._bind_global(stmt.targets, self._e_call(value, frame), kinds)
                    elif type(value) is constant:
                        for target in stmt.targets:
                            if type(target) is ast.Name:
                                kinds.pop(target.id, None)
            if not module.source or "global" in module.source:
                table = self.table
                for targets, call in _global_assignments(module.tree):
                    # the kind its callee has in the table (not evaluated: the call's
                    # arguments are the function's, and inlining code would report)
                    callee = module.qualify(dotted_name(call.func))
                    if table.roles.get(callee) == "kind":
                        self._bind_global(targets, Val((), object_kind(table, callee, call)),
                                          kinds, keep=True)
        return kinds.get(name, CLEAN)

    def _inert(self, node: ast.expr, f: Frame) -> bool:
        """Would `ev(node, f)` give a value of neither taint nor kind and change nothing
        (no sink reached, no class made, no source read, no name validated)? Then a
        top-level `name = <node>` binds no kind (`_global`) and need not be evaluated.
        True for the common shapes only, each as `_e_call` would take it: constants,
        names of no kind (`__name__`), and calls of imported names or of methods of such
        values whose arguments are inert (`boto3.resource("dynamodb").Table(
        os.environ.get("T", "t"))`), the callee having no kind, source or validating role
        in the table and being no project class; False (to be evaluated) for the rest."""
        kind = type(node)
        if kind is not ast.Call:
            if kind is ast.Name:  # what `_e_name` gives (and notes, in a loop's pass)
                val = self._e_name(node, f)  # type: ignore[arg-type]
                return not val.taints and val.kind is None
            return kind is ast.Constant
        call: ast.Call = node  # type: ignore[assignment]
        for arg in call.args:  # (constants, the most common arguments, without a call)
            if type(arg) is not ast.Constant and not self._inert(arg, f):
                return False
        for keyword in call.keywords:
            value = keyword.value
            if type(value) is not ast.Constant and not self._inert(value, f):
                return False
        func = call.func
        env = f.env
        aliases = f.module.aliases  # (a top-level frame: the module's, no local functions)
        if type(func) is ast.Name:
            name = func.id
            return name in env or self._inert_named(aliases.get(name, name), name, f)
        if type(func) is not ast.Attribute:
            return False
        holder = func.value
        named = type(holder) is ast.Name
        if not (named and holder.id in env):  # type: ignore[attr-defined]
            dotted = holder.id if named else dotted_name(holder)  # type: ignore[attr-defined]
            head = dotted.partition(".")[0]
            if head and head not in env and (head in aliases or head in f.module.classes):
                qualified, attr = f.qualify(dotted), func.attr
                return qualified not in self.table.source_calls and self._inert_named(
                    f"{qualified}.{attr}", f"{dotted}.{attr}", f)
        if func.attr in MUTATORS and named:
            return False
        # a method of a value of neither taint nor kind: no sink, source or class method
        return func.attr not in self.table.validator_methods and self._inert(holder, f)

    def _inert_named(self, qname: str, written: str, f: Frame) -> bool:
        """`_inert` of a call of this name with inert arguments: the table gives the name
        a role that makes nothing of them, or none and it is no project class."""
        role = self.table.roles.get(qname)
        if role is not None:
            return role in _INERT_ROLES
        local = self._local(qname, written, f)
        return local is None or not isinstance(local[1], ClassInfo)

    @staticmethod
    def _bind_global(targets: list[ast.expr], val: Val, kinds: dict[str, Val],
                     keep: bool = False) -> None:
        """Note the kind of a module-level object bound to `targets` (the object, without
        its arguments' taint); `keep`: a name that has one already keeps it."""
        if val.kind is None:
            return
        kinded = Val((), val.kind)
        for target in targets:
            if type(target) is ast.Name and not (keep and target.id in kinds):
                kinds[target.id] = kinded

    def _e_attribute(self, node: ast.Attribute, f: Frame) -> Val:
        base = node.value
        if type(base) is ast.Name and f.is_alias(base.id):  # a module attribute
            # `app.current_event` of an app object imported from the project
            holder = self._imported_object(base.id, f) \
                if node.attr in self._object_attributes else CLEAN
            if holder.kind is None:
                if self.table.source_calls:
                    return self._user_source(f.qualify(dotted_name(node)), node, f)
                return CLEAN
        else:
            if type(base) is ast.Attribute and type(base.value) is ast.Name \
                    and f.is_alias(base.value.id):  # `flask.request.args`
                found = self._user_source(f.qualify(dotted_name(node)), node, f)
                if found.taints:
                    return found
            handler = _EXPR.get(type(base))
            holder = handler(self, base, f) if handler is not None else CLEAN
        kind = holder.kind
        if kind is not None:
            if kind.startswith("cls:"):
                stored = self.class_attrs.get((kind[4:], node.attr))
                if stored is not None:
                    return merge(stored, extend(holder, node.attr, (f.module.file, node.lineno))
                                 ) if holder.taints else stored
                if holder.taints:
                    fields = self.model_fields(kind[4:])
                    if fields is not None:  # a validated model: what the field's type lets in
                        verdict = fields.get(node.attr, TEXT)
                        if verdict == CLEAN_FIELD:
                            return CLEAN
                        return extend(holder, node.attr, (f.module.file, node.lineno),
                                      verdict if verdict != TEXT else None)
            elif kind == "path":
                return Val(holder.taints, "path")
            else:  # `app.current_request.json_body`: framework objects and their sources
                named = kind + "." + node.attr
                derived = self.table.attribute_kinds.get(named)
                if derived is not None:
                    return Val((), derived)
                if named in self.table.event_objects:  # `app.current_event`: the event
                    text = dotted_name(node)
                    step = (f.module.file, node.lineno, f"{text} is the request's event")
                    return Val((Taint((), (step,), text),))
                if named in self.table.source_calls:
                    return self._user_source(named, node, f)
        if not holder.taints:
            return CLEAN
        if PATHS in f.env:  # `body.cmd` after `if body.cmd not in ALLOWED: return`
            checked = f.env.get(access_path(node))
            if checked is not None:
                return checked
        # a Powertools data class property names the event key it reads (`json_body`)
        key = self.table.event_aliases.get(node.attr, node.attr)
        value = extend(holder, key, (f.module.file, node.lineno))
        return structured(value) if node.attr in self.table.parsed_attributes else value

    def _e_subscript(self, node: ast.Subscript, f: Frame) -> Val:
        value = node.value
        handler = _EXPR.get(type(value))
        holder = handler(self, value, f) if handler is not None else CLEAN
        index = node.slice
        if type(index) is not ast.Constant:
            self.ev(index, f)
        if not holder.taints:
            return CLEAN
        if PATHS in f.env:  # `body["cmd"]` after `if body["cmd"] not in ALLOWED: return`
            checked = f.env.get(access_path(node))
            if checked is not None:
                return checked
        key = index.value if type(index) is ast.Constant else None  # const_str, inlined
        got = extend(holder, key if type(key) is str else "*", (f.module.file, node.lineno))
        return cleared(got, _PATH) if _last_segment(node) else got

    def _e_binop(self, node: ast.BinOp, f: Frame) -> Val:
        left = self.ev(node.left, f)
        right = self.ev(node.right, f)
        if type(node.op) is ast.Div and "path" in (left.kind, right.kind):
            return union((left, right), "path")
        if not left.taints and not right.taints:
            return CLEAN
        if type(node.op) is ast.Add and (type(node.left) in _SEQUENCES
                                         or type(node.right) in _SEQUENCES):
            # list concatenation (`["convert"] + [key]`): the right side follows the left
            return union((left, argv_position(right)))
        joined = stringified(union((left, right)))
        return cleared(joined, _SSRF) if _fixed_origin(node, None, self._constant(f)) \
            else joined

    def _e_joinedstr(self, node: ast.JoinedStr, f: Frame) -> Val:
        vals = []
        for part in node.values:
            if type(part) is ast.FormattedValue:
                vals.append(self.ev(part.value, f))
        if not vals:
            return CLEAN
        joined = stringified(union(vals))
        return cleared(joined, _SSRF) if joined.taints and \
            _fixed_origin(node, vals, self._constant(f)) else joined

    def _e_boolop(self, node: ast.BoolOp, f: Frame) -> Val:
        vals = []
        for value in node.values:
            handler = _EXPR.get(type(value))  # `ev`, inlined
            vals.append(handler(self, value, f) if handler is not None else CLEAN)
        return union(vals)

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
        body: tuple[ast.expr, Val] | None = None
        for key, value in zip(node.keys, node.values, strict=True):
            handler = _EXPR.get(type(value))  # `ev`, inlined
            val = handler(self, value, f) if handler is not None else CLEAN
            if key is not None:
                text = const_str(key)
                if text is None:
                    vals.append(self.ev(key, f))
                elif val.taints:
                    low = text.lower()
                    if low == "location":
                        self.report("redirect", "Location header", value, val, f)
                    elif low == "$where":
                        where = True
                    elif low == "body":
                        body = (value, val)
            vals.append(val)
        if body is not None and _html_result(node):  # a Lambda proxy result serving HTML
            self.report("html", "HTML response body", body[0], body[1], f)
        result = union(vals)
        return structured(result) if where else result

    def _e_sequence(self, node: ast.List | ast.Tuple | ast.Set, f: Frame) -> Val:
        vals = []
        for index, elt in enumerate(node.elts):
            val = self.ev(elt, f)
            vals.append(argv_position(val) if index else val)
        return union(vals)

    def _e_comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp
                         | ast.DictComp, f: Frame) -> Val:
        saved = f.env
        f.env = dict(saved)
        for gen in node.generators:
            items = self.ev(gen.iter, f)
            self.assign(gen.target, extend(items, "*", (f.module.file, node.lineno)), f,
                        node.lineno)
            for cond in gen.ifs:  # (what a filter checked: each element produced passed it)
                self.ev(cond, f)
                _validated(f, self._guard(cond, f)[0])
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


def _html_result(node: ast.Dict) -> bool:
    """Does a dict literal (a Lambda proxy result) say its body is HTML: `headers` or
    `multiValueHeaders` an HTML headers literal (`calls.html_headers`)?"""
    for key, value in zip(node.keys, node.values, strict=True):
        if const_str(key) in ("headers", "multiValueHeaders") and html_headers(value):
            return True
    return False


def _global_assignments(tree: ast.Module) -> list[tuple[list[ast.expr], ast.Call]]:
    """The `name = call()` statements of the module's functions that bind names the
    function declares `global`, in the order of the file: (those names, the call). A
    nested function's declarations are its own."""
    found: list[tuple[int, int, list[ast.expr], ast.Call]] = []
    for scope in ast.walk(tree):
        if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        declared: set[str] = set()
        assigns: list[ast.Assign] = []
        todo: list[ast.AST] = list(scope.body)
        while todo:  # the function's statements, not those of the scopes it holds
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                 ast.expr)):
                continue
            if isinstance(node, ast.Global):
                declared.update(node.names)
            elif isinstance(node, ast.Assign) and type(node.value) is ast.Call:
                assigns.append(node)
            todo.extend(ast.iter_child_nodes(node))
        for assign in assigns:
            targets: list[ast.expr] = [t for t in assign.targets
                                       if isinstance(t, ast.Name) and t.id in declared]
            if targets:
                found.append((assign.lineno, assign.col_offset, targets,
                              assign.value))  # type: ignore[arg-type]
    found.sort(key=lambda item: item[:2])
    return [(targets, call) for _, _, targets, call in found]


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

_EXPR: dict[type, Callable[[Any, Any, Frame], Val]] = {
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
#: `ev`'s dispatch table, for the call analysis's own inlined dispatch (calls.py)
Analyzer.expr_handlers = _EXPR
