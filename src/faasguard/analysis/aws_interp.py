"""The abstract interpreter that finds the AWS API calls a handler can make.

It walks the handler statement by statement, keeping what it knows of each local (see
aws_values), and follows calls into the scanned project's own functions, classes and
modules (bounded depth; modules come from the scan's shared ModuleCache, parsed once).
Module-level code of every module it reaches runs first, as it does at a cold start, so
clients created at import time are known. Nothing is imported or executed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from faasguard.analysis import aws_sdk
from faasguard.analysis.aws_values import (
    EXTERNALS,
    LITERALS,
    AwsCall,
    BatchWriterV,
    BoundV,
    ClassV,
    ClientV,
    CollV,
    DictV,
    EitherV,
    EventV,
    ExtV,
    Frame,
    FuncV,
    InstanceV,
    ListV,
    ModelV,
    ModuleV,
    Name,
    PaginatorV,
    ResObjV,
    ServiceResV,
    SessionV,
    SuperV,
    Target,
    WaiterV,
    external,
    literal_name,
)
from faasguard.analysis.copy_source import split_copy_source
from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    dotted_name,
    search_path,
)

MAX_DEPTH = 10
MAX_CALLS = 2000  # inlined function calls per handler
SDK_ROOTS = ("boto3", "botocore", "aioboto3", "aiobotocore", "os", "aws_lambda_powertools",
             "pynamodb")
#: The roots whose objects make AWS calls (`os` only names values: environment variables).
CALL_ROOTS = frozenset(root for root in SDK_ROOTS if root != "os")
_POWERTOOLS = "aws_lambda_powertools.utilities.parameters."
_SESSIONS = {"boto3.Session", "boto3.session.Session", "botocore.session.get_session",
             "botocore.session.Session", "aioboto3.Session", "aioboto3.session.Session",
             "aiobotocore.session.get_session", "aiobotocore.session.AioSession"}
_CLIENT_FACTORIES = {"client", "create_client"}
_COLLECTION_METHODS = {"all", "filter", "limit", "page_size"}
_ENV_GETTERS = {"os.environ.get", "os.getenv", "os.environ.setdefault"}
_PYNAMO_MODEL = "pynamodb.models.Model"
#: Decoders of the URL-encoded strings an event holds (an S3 event's object key): the
#: value they give is still that part of the event (`Name.event`).
_URL_DECODERS = frozenset({"urllib.parse.unquote_plus", "urllib.parse.unquote"})
#: Their last names: an attribute callee ending otherwise is none of them (no look-up).
_DECODER_NAMES = frozenset(decoder.rpartition(".")[2] for decoder in _URL_DECODERS)
#: PynamoDB methods that give items of the model (`get`) or an iterable of them.
_PYNAMO_ITEM, _PYNAMO_ITEMS = frozenset({"get"}), frozenset({"query", "scan", "batch_get"})


_UNBOUND = object()  # a name not bound in a dict of locals


def _literal(val: Any) -> str | None:
    return val.literal if isinstance(val, Name) else None


def _known(parts: list[str | Name], whole: Name) -> Name:
    """The Name of a piece of the string `whole` given as parts: literal text, then maybe
    `whole` itself (its value not known past its prefix). A literal when all is text,
    else `whole` with the piece's own known start."""
    if all(isinstance(part, str) for part in parts):
        return literal_name("".join(str(part) for part in parts))
    start = "".join(part for part in parts if isinstance(part, str))
    return whole if start == whole.prefix else Name(text=whole.text, prefix=start)


def _prefix(parts: list[Any]) -> str:
    """The literal start of a string built from parts."""
    start = ""
    for part in parts:
        if isinstance(part, Name) and part.literal is not None:
            start += part.literal
        else:
            return start + (part.prefix if isinstance(part, Name) else "")
    return start


def _suffix(parts: list[Any]) -> str:
    """The literal end of a string built from parts."""
    end = ""
    for part in parts[::-1]:
        if isinstance(part, Name) and part.literal is not None:
            end = part.literal + end
        else:
            return (part.suffix if isinstance(part, Name) else "") + end
    return end


#: Operators whose expressions `expr_text` writes itself, and what they are written as.
_OPERATORS = {ast.Add: "+", ast.Mod: "%"}
_ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)
#: The node types compared most often, as globals (one look-up instead of two).
_CONSTANT, _NAME, _ATTRIBUTE, _STARRED, _CALL = \
    ast.Constant, ast.Name, ast.Attribute, ast.Starred, ast.Call
_OPERANDS = (*_ATOMS, ast.Constant)  # what `expr_text` writes as an operand of `a + b`


def expr_text(node: ast.expr) -> str:
    """`ast.unparse(node)`: written here for the plain expressions code names resources
    with (names, attributes, calls, subscripts, string literals, `a + b`), which is many
    times faster; `ast.unparse` for the others."""
    text = _plain_text(node)
    return text if text is not None else ast.unparse(node)


def _plain_text(node: Any) -> str | None:  # noqa: C901  (one case per node kind)
    """The text `ast.unparse` gives a plain expression; None for any other."""
    kind = type(node)
    if kind is _NAME:
        return node.id
    if kind is _CONSTANT:
        value = node.value
        if node.kind is None and (value is None or type(value) in (str, int, bool)):
            return repr(value)
        return None
    if kind is _ATTRIBUTE:
        base = node.value
        if type(base) is _NAME:  # the most frequent: `os.environ`
            return f"{base.id}.{node.attr}"
        if type(base) is _ATTRIBUTE and type(base.value) is _NAME:  # `os.environ.get`
            return f"{base.value.id}.{base.attr}.{node.attr}"
        inner = _plain_text(base) if isinstance(base, _ATOMS) else None
        return None if inner is None else f"{inner}.{node.attr}"
    if kind is ast.Subscript:
        base, key = node.value, node.slice
        inner = _plain_text(base) if isinstance(base, _ATOMS) else None
        index = _plain_text(key) if inner is not None else None
        return None if index is None else f"{inner}[{index}]"
    if kind is ast.Call:
        func = node.func
        head = _plain_text(func) if isinstance(func, _ATOMS) else None
        if head is None:
            return None
        parts: list[str] = []
        for arg in node.args:
            # a string literal, the most frequent argument, without the call
            if type(arg) is _CONSTANT and type(arg.value) is str and arg.kind is None:
                parts.append(repr(arg.value))
                continue
            text = _plain_text(arg)
            if text is None:
                return None
            parts.append(text)
        for keyword in node.keywords:
            text = _plain_text(keyword.value)
            if text is None:
                return None
            parts.append(f"**{text}" if keyword.arg is None else f"{keyword.arg}={text}")
        return f"{head}({', '.join(parts)})"
    if kind is ast.BinOp:
        operator = _OPERATORS.get(type(node.op))
        left, right = node.left, node.right
        # left-associative: the left operand may be the same operation, the right an atom
        if operator is None or not isinstance(right, _OPERANDS) or not (
                isinstance(left, _OPERANDS) or
                (type(left) is ast.BinOp and type(left.op) is type(node.op))):
            return None
        first, second = _plain_text(left), _plain_text(right)
        return None if first is None or second is None else f"{first} {operator} {second}"
    return None


def _url_decoder(callee: ast.expr, module: Module) -> bool:
    """Does a callee name one of `_URL_DECODERS` (its head import alias resolved, as
    `Module.qualify` does)? Only a name, or an attribute whose last name is a decoder's,
    can: the other callees are answered without building their dotted name."""
    kind = type(callee)
    if kind is _NAME:
        name = callee.id  # type: ignore[attr-defined]
        return module.aliases.get(name, name) in _URL_DECODERS
    return (kind is _ATTRIBUTE
            and callee.attr in _DECODER_NAMES  # type: ignore[attr-defined]
            and module.qualify(dotted_name(callee)) in _URL_DECODERS)


def as_name(val: Any, node: ast.expr | None) -> Name:
    """The Name a value stands for (an event part or an expression text when not a string)."""
    if isinstance(val, Name):
        return val
    text = expr_text(node) if node is not None else "?"
    if isinstance(val, EventV):
        return Name(event=".".join(val.path), text=text)
    if isinstance(val, BoundV) and isinstance(val.owner, EventV):
        # an attribute of a framework's event object (Chalice's `event.bucket`, `event.key`)
        return Name(event=".".join((*val.owner.path, val.attr)), text=text)
    return Name(text=text)


class Interpreter:
    """Finds the AWS calls reachable from one entry function."""

    def __init__(self, cache: ModuleCache, base: str = ""):
        self.cache = cache
        self.base = base
        self.calls: list[AwsCall] = []
        self._seen: set[tuple[str, int, str, str]] = set()
        self._globals: dict[str, dict[str, Any]] = {}
        self._attrs: dict[str, dict[str, Any]] = {}
        self._models: dict[str, ModelV | None] = {}  # PynamoDB models by class key
        self._class_attrs: dict[tuple[str, str], Any] = {}  # class-body assignments
        self._active: set[tuple[str, int]] = set()
        self._depth = 0
        self._budget = MAX_CALLS
        #: steps that make a top level's outcome depend on more than its own text and
        #: the SDK (`module_env`): functions followed, project modules and classes read
        self._outer_steps = 0
        self._log: list[AwsCall] | None = None  # what `_add` is given, while logged
        self.file = ""  # the file of the code being run (where calls are recorded)
        by_layers = cache.outside_imports
        outside = by_layers.get(cache.layer_paths)  # (a function's: ModuleCache.for_function)
        if outside is None:
            outside = by_layers[cache.layer_paths] = set()
        self._outside = outside

    # ------------------------------------------------------------------ entry points
    def run_handler(self, module: Module, node: FunctionNode) -> list[AwsCall]:
        """The calls of a handler: its module's top level, then its body with the event
        (none, without running either, when no module it can reach imports an AWS SDK)."""
        if not self.reaches_sdk(module):
            return self.calls
        self.module_env(module)
        spec = node.args
        first = spec.posonlyargs[0] if spec.posonlyargs else spec.args[0] if spec.args else None
        args: dict[str, Any] = {first.arg: EventV()} if first is not None else {}
        self.call_function(FuncV(module, node), [], args, node.lineno, entry=True)
        return self.calls

    def reaches_sdk(self, module: Module) -> bool:
        """Can code run from `module` hold an AWS SDK object? Only through an import
        (nothing else makes one: see `imported`): of an SDK by the module itself or by a
        module of the scanned code it imports, followed as `imported` resolves them."""
        todo, seen = [module], {module.file}
        while todo:
            current = todo.pop()
            for dotted in current.aliases.values():
                if dotted.partition(".")[0] in CALL_ROOTS:
                    return True  # before any look-up of a local module (they cost more)
            search = search_path(current, self.base)
            for dotted in current.aliases.values():
                loaded = self.cache.lambda_import(dotted, search)
                if isinstance(loaded, tuple) and loaded[0].file not in seen:
                    seen.add(loaded[0].file)
                    todo.append(loaded[0])
        return False

    def module_env(self, module: Module) -> dict[str, Any]:
        """The globals of a module after its top level ran (once per analysis). A top
        level that follows no function and reads no project module or class, in a module
        that rebinds no global from a function (no `global`), gives the same globals and
        calls to every analysis: it runs once in a scan (per layers searched and base),
        and later analyses take its globals (`_shared_top`) and record its calls again.
        Not kept for a handler's file that no other handler names (in a scan, its one
        pin is that of the handler analysed: `analysis.handlers` pins a file once per
        function naming it until the function is done)."""
        env = self._globals.get(module.file)
        if env is None:
            key = (self.cache.layer_paths, self.base)
            tops = self.cache.aws_tops.get(module.file)
            shared = tops.get(key) if tops is not None else None
            if shared is not None:
                env = self._globals[module.file] = {}
                for name, value, defined in shared[0]:  # (a def's function: of this env)
                    env[name] = FuncV(module, value, closure=env) if defined else value
                for call in shared[1]:
                    self._add(call)
                return env
            env = self._globals[module.file] = {}
            frame = Frame(module, env)
            outer, self.file = self.file, module.file
            outer_log, self._log = self._log, []
            steps = self._outer_steps
            try:
                self.block(module.tree.body, frame)
            finally:
                self.file = outer
                log, self._log = self._log, outer_log
            if outer_log is not None:
                outer_log.extend(log)
            if steps == self._outer_steps and self.cache.pins(module.file) != 1 and \
                    module.source and "global" not in module.source:
                bindings = _shared_top(env)
                if bindings is not None:
                    if tops is None:
                        tops = self.cache.aws_tops[module.file] = {}
                    tops[key] = (bindings, log)
        return env

    # ------------------------------------------------------------------ statements
    def block(self, stmts: list[ast.stmt], f: Frame) -> None:
        """Run statements in order (branches one after the other, loops once)."""
        table = _STATEMENTS
        for stmt in stmts:
            run = table.get(type(stmt))
            if run is not None:
                run(self, stmt, f)

    def stmt(self, node: ast.stmt, f: Frame) -> None:
        """Run one statement (those that cannot bind or call anything are skipped)."""
        run = _STATEMENTS.get(type(node))
        if run is not None:
            run(self, node, f)

    def _assign(self, node: ast.Assign, f: Frame) -> None:
        val = self.ev(node.value, f)
        for target in node.targets:
            self.bind(target, val, f)

    def _ann_assign(self, node: ast.AnnAssign, f: Frame) -> None:
        if node.value is not None:
            self.bind(node.target, self.ev(node.value, f), f)
        else:  # `x[k]: int`: the target's object and key are evaluated, nothing stored
            self._target_parts(node.target, f)

    def _aug_assign(self, node: ast.AugAssign, f: Frame) -> None:
        # `x[k] += v` reads `x[k]` (its object and key evaluated) before `v`
        self.effects(node.target, f)
        self.effects(node.value, f)

    def _delete(self, node: ast.Delete, f: Frame) -> None:
        for target in node.targets:
            self._target_parts(target, f)

    def _target_parts(self, target: ast.expr, f: Frame) -> None:
        """Evaluate what a target's store or deletion evaluates besides the store itself
        (for their effects): a subscript's object and key, an attribute's object."""
        kind = type(target)
        if kind is ast.Subscript:
            self.effects(target.value, f)  # type: ignore[attr-defined]
            self.effects(target.slice, f)  # type: ignore[attr-defined]
        elif kind is _ATTRIBUTE:
            self.effects(target.value, f)  # type: ignore[attr-defined]
        elif kind is ast.Tuple or kind is ast.List:
            for element in target.elts:  # type: ignore[attr-defined]
                self._target_parts(element, f)
        elif kind is _STARRED:
            self._target_parts(target.value, f)  # type: ignore[attr-defined]

    def _expr(self, node: ast.Expr, f: Frame) -> None:
        if type(node.value) is not ast.Constant:  # a docstring: nothing to evaluate
            self.effects(node.value, f)

    def _return(self, node: ast.Return, f: Frame) -> None:
        if node.value is not None:
            returns = f.returns
            if returns is None:  # the entry function's: nothing uses its value
                self.effects(node.value, f)
            else:
                returns.append(self.ev(node.value, f))

    def _branch(self, node: ast.If | ast.While, f: Frame) -> None:
        self.effects(node.test, f)
        self.block(node.body, f)
        self.block(node.orelse, f)

    def _for(self, node: ast.For | ast.AsyncFor, f: Frame) -> None:
        self.bind(node.target, self.element(self.ev(node.iter, f), node.iter, f), f)
        self.block(node.body, f)
        self.block(node.orelse, f)

    def _with(self, node: ast.With | ast.AsyncWith, f: Frame) -> None:
        for item in node.items:
            val = self.ev(item.context_expr, f)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, val, f)
        self.block(node.body, f)

    def _try(self, node: Any, f: Frame) -> None:  # ast.Try, ast.TryStar
        self.block(node.body, f)
        for handler in node.handlers:
            self.block(handler.body, f)
        self.block(node.orelse, f)
        self.block(node.finalbody, f)

    def _match(self, node: ast.Match, f: Frame) -> None:
        self.effects(node.subject, f)
        for case in node.cases:
            if case.guard is not None:  # `case x if client.call(...):`
                self.effects(case.guard, f)
            self.block(case.body, f)

    def _def(self, node: FunctionNode, f: Frame) -> None:
        f.locals[node.name] = FuncV(f.module, node, closure=f.locals)

    def _global(self, node: ast.Global, f: Frame) -> None:
        f.globals_declared = {*f.globals_declared, *node.names}

    def _children(self, node: ast.AST, f: Frame) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.effects(child, f)

    def bind(self, target: ast.expr, val: Any, f: Frame) -> None:
        """Store a value in a name, attribute (`self.x`) or tuple of targets (a subscript
        target stores nothing: its object and key are evaluated for their effects)."""
        if isinstance(target, ast.Name):
            if target.id in f.globals_declared:
                self.module_env(f.module)[target.id] = val
            else:
                f.locals[target.id] = val
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = val.items if isinstance(val, ListV) else ()
            elts = target.elts
            star = next((i for i, e in enumerate(elts) if type(e) is _STARRED), len(elts))
            for index, element in enumerate(elts):
                # after a starred target (`a, *rest, last`), elements take the last items
                # (if not also taken by those before it: then the count is not known)
                at = index if index <= star else index + len(items) - len(elts)
                known = at < len(items) if index <= star else at >= star
                self.bind(element, items[at] if known else None, f)
        elif isinstance(target, ast.Attribute):
            owner = self.ev(target.value, f)
            if isinstance(owner, InstanceV):
                self._attrs.setdefault(owner.info.key, {})[target.attr] = val
        elif isinstance(target, ast.Subscript):  # `x[k] = v`: x, then k (after v)
            self._target_parts(target, f)
        elif isinstance(target, ast.Starred):  # `*rest`: a list of what is not known
            self.bind(target.value, None, f)

    def element(self, val: Any, node: ast.expr, f: Frame) -> Any:
        """What iterating over a value yields."""
        if isinstance(val, EventV):
            return EventV((*val.path, "[]"))
        if isinstance(val, ListV):
            return val.items[0] if val.items else None
        if isinstance(val, CollV):  # its listing, then one of its resources
            self.collection_call(val, "all", node, {})
            return self._collection_item(val)
        return None

    # ------------------------------------------------------------------ expressions
    def ev(self, node: ast.expr, f: Frame) -> Any:
        """The value of an expression (calls in it are followed and recorded)."""
        kind = type(node)
        if kind is _CONSTANT:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is not str:
                return literal_name(value) if isinstance(value, str) else None
            return LITERALS.get(value) or literal_name(value)
        if kind is _NAME:
            # a name as the function sees it: locals, enclosing function, module, imports
            name = node.id  # type: ignore[attr-defined]
            found = f.locals.get(name, _UNBOUND)
            if found is not _UNBOUND and name not in f.globals_declared:
                return found
            closure = f.closure
            if closure is not None:
                found = closure.get(name, _UNBOUND)
                if found is not _UNBOUND:
                    return found
            # `global_name` without the call for its most frequent answers: a global
            # bound to a value, an import, a name bound nowhere in the module (`str`)
            module = f.module
            env = self._globals.get(module.file)
            if env is not None:
                found = env.get(name)
                if found is not None:
                    return found
                if name not in module.functions and name not in module.classes:
                    target = module.aliases.get(name)
                    return None if target is None else self.imported(module, target)
            return self.global_name(module, name)
        if kind is _ATTRIBUTE:
            base = self.ev(node.value, f)  # type: ignore[attr-defined]
            if base is None:  # the most frequent: an attribute of what is not known
                return None
            return self.attribute(base, node.attr, node, f)  # type: ignore[attr-defined]
        run = _EXPRESSIONS.get(kind)
        if run is not None:
            return run(self, node, f)
        self._children(node, f)
        return None

    def _subscript(self, node: ast.Subscript, f: Frame) -> Any:
        return self.subscript(self.ev(node.value, f), self.ev(node.slice, f))

    def _inner(self, node: ast.Await | ast.FormattedValue, f: Frame) -> Any:
        return self.ev(node.value, f)

    def _fstring(self, node: ast.JoinedStr, f: Frame) -> Any:
        parts = [self.ev(v, f) for v in node.values]
        if all(isinstance(p, Name) and p.literal is not None for p in parts):
            return literal_name("".join(p.literal for p in parts))
        return Name(text=ast.unparse(node), prefix=_prefix(parts), suffix=_suffix(parts))

    def _binop(self, node: ast.BinOp, f: Frame) -> Any:
        left, right = self.ev(node.left, f), self.ev(node.right, f)
        if isinstance(node.op, ast.Add) and _literal(left) is not None and \
                _literal(right) is not None:
            return literal_name(f"{_literal(left)}{_literal(right)}")
        return Name(text=expr_text(node), prefix=_prefix([left]),
                    suffix=_suffix([right]) if isinstance(node.op, ast.Add) else "") \
            if isinstance(left, Name) else None

    def _boolop(self, node: ast.BoolOp, f: Frame) -> Any:
        vals = [self.ev(v, f) for v in node.values]
        return next((v for v in vals if v is not None), None)

    def _ifexp(self, node: ast.IfExp, f: Frame) -> Any:
        self.effects(node.test, f)
        body, orelse = self.ev(node.body, f), self.ev(node.orelse, f)
        if type(body) is BoundV and type(orelse) is BoundV and body != orelse:
            return EitherV((body, orelse))
        return body if body is not None else orelse

    def _dict(self, node: ast.Dict, f: Frame) -> Any:
        items = []
        for key, value in zip(node.keys, node.values, strict=True):
            val = self.ev(value, f)
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                items.append((key.value, val))
            elif key is None and isinstance(val, DictV):
                items.extend(val.items)
        return DictV(tuple(items))

    def _sequence(self, node: ast.List | ast.Tuple | ast.Set, f: Frame) -> Any:
        return ListV(tuple([self.ev(e, f) for e in node.elts]))

    def _comprehension(self, node: Any, f: Frame) -> Any:
        for gen in node.generators:
            self.bind(gen.target, self.element(self.ev(gen.iter, f), gen.iter, f), f)
            for cond in gen.ifs:
                self.effects(cond, f)
        if isinstance(node, ast.DictComp):
            self.effects(node.key, f)
            self.effects(node.value, f)
            return None
        return ListV((self.ev(node.elt, f),))

    def _walrus(self, node: ast.NamedExpr, f: Frame) -> Any:
        val = self.ev(node.value, f)
        self.bind(node.target, val, f)
        return val

    def _lambda(self, node: ast.Lambda, f: Frame) -> Any:
        return None

    # ------------------------------------------------------------------ effects only
    def effects(self, node: ast.expr, f: Frame) -> None:
        """Evaluate an expression whose value nothing uses, for the calls and bindings in
        it only: the same calls followed and recorded, in the same order, as `ev`, without
        building the values (parts of the event, dicts, texts) `ev` would throw away."""
        kind = type(node)
        if kind is _CONSTANT:
            return
        if kind is _CALL:
            self.call(node, f, True)  # type: ignore[arg-type]
            return
        name = node.id if kind is _NAME else None  # type: ignore[attr-defined]
        if name is not None and name in f.locals and name not in f.globals_declared:
            return  # a local's value: a look-up that follows and records nothing
        run = _EFFECTS.get(kind)
        if run is not None:
            run(self, node, f)
        else:  # names, attributes (they may record a call), comprehensions, walruses
            self.ev(node, f)

    # (constants, the most frequent operands, are passed over without the call)
    def _effects_subscript(self, node: ast.Subscript, f: Frame) -> None:
        self.effects(node.value, f)
        key = node.slice
        if type(key) is not _CONSTANT:
            self.effects(key, f)

    def _effects_inner(self, node: ast.Await | ast.FormattedValue, f: Frame) -> None:
        self.effects(node.value, f)

    def _effects_values(self, node: ast.JoinedStr | ast.BoolOp | ast.Dict, f: Frame) -> None:
        for value in node.values:  # (a dict's keys: `ev` does not evaluate them either)
            if type(value) is not _CONSTANT:
                self.effects(value, f)

    def _effects_binop(self, node: ast.BinOp, f: Frame) -> None:
        left, right = node.left, node.right
        if type(left) is not _CONSTANT:
            self.effects(left, f)
        if type(right) is not _CONSTANT:
            self.effects(right, f)

    def _effects_ifexp(self, node: ast.IfExp, f: Frame) -> None:
        self.effects(node.test, f)
        self.effects(node.body, f)
        self.effects(node.orelse, f)

    def _effects_sequence(self, node: ast.List | ast.Tuple | ast.Set, f: Frame) -> None:
        for element in node.elts:
            if type(element) is not _CONSTANT:
                self.effects(element, f)

    def global_name(self, module: Module, name: str) -> Any:
        """A module-level name: assigned value, function, class or import (`ev` makes
        the same look-ups itself, in this order: change both together)."""
        env = self._globals.get(module.file)
        if env is None:
            env = self.module_env(module)
        found = env.get(name)
        if found is not None:
            return found
        if name in module.functions:
            return FuncV(module, module.functions[name])
        if name in module.classes:
            self._outer_steps += 1
            return ClassV(module.classes[name])
        target = module.aliases.get(name)
        if target is not None:
            return self.imported(module, target)
        return env.get(name)

    def imported(self, module: Module, dotted: str) -> Any:
        """What an import binds: an SDK object, a local module or a name in one."""
        head = dotted.split(".", 1)[0]
        if head in SDK_ROOTS:
            return external(dotted)
        search = search_path(module, self.base)
        if (search, dotted) in self._outside:
            return None  # looked up before: no module of the scanned code
        loaded = self.cache.lambda_import(dotted, search)
        if not isinstance(loaded, tuple):  # the runtime's, the standard library's, none
            self._outside.add((search, dotted))
            return None
        self._outer_steps += 1
        found, attr = loaded
        if not attr:
            return ModuleV(found)
        return self.global_name(found, attr) if found is not module else None

    def subscript(self, base: Any, key: Any) -> Any:
        """`event["Records"]`, `os.environ["X"]`, `{"a": x}["a"]`."""
        text = _literal(key)
        if isinstance(base, EventV):
            return EventV((*base.path, text if text is not None else "[]"))
        if isinstance(base, ExtV) and base.dotted == "os.environ" and text is not None:
            return Name(env=text, text=f"os.environ[{text!r}]")
        if isinstance(base, DictV):
            if text is not None:
                return base.get(text)
            # a key the data picks (`HANDLERS[job["type"]](job)`): each function of the
            # dispatch table may run
            funcs = tuple(v for _, v in base.items if type(v) is FuncV)
            return (funcs[0] if len(funcs) == 1 else EitherV(funcs)) if funcs else None
        if isinstance(base, ListV):
            return base.items[0] if base.items else None
        return None

    def attribute(self, base: Any, attr: str, node: ast.expr, f: Frame) -> Any:
        """`base.attr`."""
        if base is None:  # (`ev` answers an attribute of what is not known itself)
            return None
        kind = type(base)
        if kind is EventV:
            return BoundV(base, attr)
        if kind is ExtV:
            dotted = f"{base.dotted}.{attr}"
            return EXTERNALS.get(dotted) or external(dotted)
        if kind is ModuleV:
            return self.global_name(base.module, attr)
        if kind is InstanceV:
            stored = self._attrs.get(base.info.key, {}).get(attr)
            if stored is not None:
                return stored
            method = self._method(base.info, attr)
            if method:
                return FuncV(method[0].module, method[1], method[0], base)
            return self._class_attribute(base.info, attr) or \
                self._model_method(base.info, attr)
        if isinstance(base, ClassV):
            method = self._method(base.info, attr)
            if method:
                return FuncV(method[0].module, method[1], method[0])
            return self._class_attribute(base.info, attr) or \
                self._model_method(base.info, attr)
        if isinstance(base, SuperV):
            return self._super_attribute(base, attr)
        if isinstance(base, (ServiceResV, ResObjV)):
            return self.resource_attribute(base, attr, node)
        if isinstance(base, BoundV) and base.attr == "meta" and attr == "client" and \
                isinstance(base.owner, (ServiceResV, ResObjV)):
            return ClientV(base.owner.service)
        return BoundV(base, attr)

    def _method(self, info: ClassInfo, name: str,
                depth: int = 0) -> tuple[ClassInfo, FunctionNode] | None:
        if name in info.methods:
            return info, info.methods[name]
        if depth > 5:
            return None
        for base in info.bases:
            found = self.imported(info.module, base) if "." in base else \
                self.global_name(info.module, base)
            if isinstance(found, ClassV):
                method = self._method(found.info, name, depth + 1)
                if method:
                    return method
        return None

    def _class_attribute(self, info: ClassInfo, name: str, depth: int = 0) -> Any:
        """What a class body (or a base class's) assigns to `name` (`client =
        boto3.client("s3")`), run once in its module."""
        key = (info.key, name)
        if key in self._class_attrs:
            return self._class_attrs[key]
        self._class_attrs[key] = None  # (while it runs)
        found = None
        for stmt in info.node.body:
            if isinstance(stmt, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == name
                    for target in stmt.targets):
                outer, self.file = self.file, info.module.file
                try:
                    found = self.ev(stmt.value, Frame(info.module))
                finally:
                    self.file = outer
        if found is None and depth < 5:
            for value in self._base_values(info):
                if isinstance(value, ClassV):
                    found = self._class_attribute(value.info, name, depth + 1)
                    if found is not None:
                        break
        self._class_attrs[key] = found
        return found

    def _base_values(self, info: ClassInfo) -> list[Any]:
        return [self.imported(info.module, base) if "." in base else
                self.global_name(info.module, base) for base in info.bases]

    def _model_method(self, info: ClassInfo, name: str) -> BoundV | None:
        """A PynamoDB method (`Model.get`, `item.save`) the class inherits, or None."""
        if name not in aws_sdk.table()["pynamodb"]:
            return None
        model = self._pynamo_model(info)
        return BoundV(model, name) if model is not None else None

    def _pynamo_model(self, info: ClassInfo, depth: int = 0) -> ModelV | None:
        """The PynamoDB model a class of the scanned code is, or None."""
        key = info.key
        if key in self._models:
            return self._models[key]
        self._models[key] = None  # (while its bases are looked at)
        found: ModelV | None = None
        for value in self._base_values(info):
            if isinstance(value, ExtV) and value.dotted == _PYNAMO_MODEL:
                found = ModelV(info, self._table_name(info))
            elif isinstance(value, ClassV) and depth < 5:
                inherited = self._pynamo_model(value.info, depth + 1)
                if inherited is not None:
                    own = self._table_name(info)
                    found = ModelV(info, inherited.table if own is None else own)
            if found is not None:
                break
        self._models[key] = found
        return found

    def _table_name(self, info: ClassInfo) -> Any:
        """The value of `table_name` in the class's own `Meta` (None: none set)."""
        for stmt in info.node.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for inner in stmt.body:
                    if isinstance(inner, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id == "table_name"
                            for t in inner.targets):
                        return self.ev(inner.value, Frame(info.module))
        return None

    def _super_attribute(self, sup: SuperV, attr: str) -> Any:
        """`super().attr`: a method of a base class, bound to the instance, or one a
        PynamoDB model inherits."""
        for value in self._base_values(sup.info):
            if isinstance(value, ClassV):
                method = self._method(value.info, attr)
                if method:
                    return FuncV(method[0].module, method[1], method[0], sup.instance)
        return self._model_method(sup.info, attr)

    def _super(self, node: ast.Call, f: Frame) -> SuperV | None:
        """`super(Class, self)`, or `super()` in a method whose instance is `self`."""
        args = [self.ev(arg, f) for arg in node.args]
        if len(args) == 2 and isinstance(args[0], ClassV):
            return SuperV(args[0].info, args[1])
        instance = f.locals.get("self")
        return SuperV(instance.info, instance) if not args and isinstance(instance, InstanceV) \
            else None

    # ------------------------------------------------------------------ calls
    def call(self, node: ast.Call, f: Frame, discarded: bool = False) -> Any:
        """A call: SDK objects are recorded, local functions followed (`discarded`: its
        value is not used)."""
        ev = self.ev
        callee = node.func
        func: Any
        if type(callee) is _ATTRIBUTE:  # `x.method(...)`: ev's attribute case, inlined
            owner = ev(callee.value, f)
            if type(owner) is EventV:  # `event.get("body")`, without its BoundV
                return self._event_method(owner, callee.attr, node, f, discarded)
            func = None if owner is None else self.attribute(owner, callee.attr, callee, f)
        else:
            func = ev(callee, f)
        if type(func) is BoundV and type(func.owner) is EventV:  # `get = event.get`
            return self._event_method(func.owner, func.attr, node, f, discarded)
        if func is None and (type(callee) is not _NAME or callee.id != "getattr"):
            if type(callee) is _NAME and callee.id == "super":
                return self._super(node, f)
            if node.args and _url_decoder(callee, f.module):
                # `unquote_plus(record["s3"]["object"]["key"])`: still the event's key
                decoded = ev(node.args[0], f)
                self._argument_effects(node, 1, f)
                return decoded if type(decoded) is EventV else None
            # an unknown callee (`json.loads`, `str`): its arguments are evaluated for the
            # calls and bindings in them only
            self._argument_effects(node, 0, f)
            return None
        args: list[Any] = []
        for arg in node.args:
            if type(arg) is _STARRED:
                arg = arg.value
            if type(arg) is _CONSTANT and type(arg.value) is str:  # ev's, without the call
                args.append(LITERALS.get(arg.value) or literal_name(arg.value))
            else:
                args.append(ev(arg, f))
        # an unknown callee here is `getattr` (the others returned above)
        if func is None and len(args) >= 2 and \
                isinstance(args[0], (ClientV, ServiceResV, ResObjV)):
            name = _literal(args[1])
            if name is None:  # `getattr(client, operation)`: which one is not known
                self._record_unknown(node, "a method chosen at run time (getattr)")
                return None
            return self.attribute(args[0], name, node, f)
        kwargs: dict[str, tuple[Any, ast.expr]] = {}
        for keyword in node.keywords:
            value = keyword.value
            val = LITERALS.get(value.value) or literal_name(value.value) \
                if type(value) is _CONSTANT and type(value.value) is str else ev(value, f)
            if keyword.arg is not None:
                kwargs[keyword.arg] = (val, keyword.value)
            elif isinstance(val, DictV):
                kwargs.update((k, (v, keyword.value)) for k, v in val.items)
        kind = type(func)
        if kind is BoundV:
            return self.method_call(func.owner, func.attr, args, kwargs, node, f)
        if kind is ExtV:
            found = self.external_call(func.dotted, args, kwargs, node)
            if FuncV in map(type, args):  # (rarely: one scan in C otherwise)
                self._follow_callbacks(args, node.lineno)
            if kwargs:
                self._follow_callbacks((v for v, _ in kwargs.values()), node.lineno)
            return found
        if kind is FuncV:
            bound = {k: v for k, (v, _) in kwargs.items()} if kwargs else kwargs
            return self.call_function(func, args, bound, node.lineno)
        if kind is ClassV:
            instance = InstanceV(func.info)
            init = self._method(func.info, "__init__")
            if init:
                self.call_function(FuncV(init[0].module, init[1], init[0], instance), args,
                                   {k: v for k, (v, _) in kwargs.items()}, node.lineno)
            return instance
        if kind is EitherV:  # methods a conditional picks, a dispatch table's functions:
            # each may run
            found = [self.method_call(m.owner, m.attr, args, kwargs, node, f)
                     if type(m) is BoundV else
                     self.call_function(m, args, {k: v for k, (v, _) in kwargs.items()},
                                        node.lineno) for m in func.options]
            return next((value for value in found if value is not None), None)
        return None

    def _event_method(self, event: EventV, method: str, node: ast.Call, f: Frame,
                      discarded: bool) -> Any:
        """A method of the event: `get(key)` is a part of it, a Chalice event's `to_dict()`
        the raw event, any other unknown; what else the arguments give is not used (they
        are evaluated in order, for their effects)."""
        args = node.args
        if discarded or method != "get" or not args:
            self._argument_effects(node, 0, f)
            return event if method == "to_dict" and not discarded else None
        first = args[0]
        key = self.ev(first.value if type(first) is _STARRED else first, f)
        self._argument_effects(node, 1, f)
        return self.subscript(event, key)

    def _argument_effects(self, node: ast.Call, start: int, f: Frame) -> None:
        """Evaluate the arguments of a call from the `start`th positional one on, and its
        keywords, for their effects only: a name or attribute is evaluated, and a function
        of the scanned code it names, given to the unknown callee (`pool.map(_forward,
        records)`, `executor.submit(self._send, x)`, `map(f, xs)`), may be run by it, so it
        is followed (as `_follow_callbacks` does); anything else but a constant is
        evaluated for its effects."""
        args = node.args[start:] if start else node.args
        keywords = node.keywords
        for arg in [*args, *[k.value for k in keywords]] if keywords else args:
            kind = type(arg)
            if kind is _STARRED:
                arg = arg.value  # type: ignore[attr-defined]
                kind = type(arg)
            if kind is _NAME or kind is _ATTRIBUTE:
                value = self.ev(arg, f)
                if type(value) is FuncV:
                    self.call_function(value, [], {}, node.lineno)
            elif kind is not _CONSTANT:  # (a constant: nothing to evaluate)
                self.effects(arg, f)

    def _follow_callbacks(self, values: Iterable[Any], line: int) -> None:
        """Follow the functions of the scanned code among `values`, arguments of a call to
        code not read (a thread pool, `threading.Thread(target=...)`, the builtin `map`):
        it may run them, with arguments not known here. Without this, a worker handing its
        records to a pool would look read in full and make no call."""
        for value in values:
            if type(value) is FuncV:
                self.call_function(value, [], {}, line)

    def call_function(self, func: FuncV, args: list[Any], kwargs: dict[str, Any],
                      line: int, entry: bool = False) -> Any:
        """Follow a call into a function of the scanned code; its return value (none
        kept for the `entry` function: nothing uses it)."""
        key = (func.module.file, func.node.lineno)
        self._outer_steps += 1
        if key in self._active or self._depth >= MAX_DEPTH or self._budget <= 0:
            return None
        self._budget -= 1
        frame = Frame(func.module, closure=func.closure)
        if entry:
            frame.returns = None
        local = frame.locals
        spec = func.node.args
        defaults = spec.defaults
        # the parameter list, only to bind positional arguments, defaults or the instance
        # (a handler's call has none: its event comes as a keyword)
        if args or defaults or func.self_value is not None:
            params = [a.arg for a in spec.args] if not spec.posonlyargs else \
                [a.arg for a in (*spec.posonlyargs, *spec.args)]
            if func.self_value is not None and params:
                local[params[0]] = func.self_value
                params = params[1:]
            if defaults:
                for name, default in zip(params[len(params) - len(defaults):], defaults,
                                         strict=True):
                    local[name] = self.ev(default, Frame(func.module))
            for name, val in zip(params, args, strict=False):
                local[name] = val
        if kwargs:
            local.update(kwargs)
        self._active.add(key)
        self._depth += 1
        outer, self.file = self.file, func.module.file
        try:
            self.block(func.node.body, frame)
        finally:
            self.file = outer
            self._depth -= 1
            self._active.discard(key)
        for returned in frame.returns or ():
            if returned is not None:
                return returned
        return None

    def external_call(self, dotted: str, args: list[Any],
                      kwargs: dict[str, tuple[Any, ast.expr]], node: ast.Call) -> Any:
        """boto3.client(...), boto3.resource(...), sessions, os.getenv(...)."""
        if dotted in _SESSIONS:
            return SessionV()
        short = dotted.rsplit(".", 1)[-1]
        if dotted.startswith(("boto3.", "aioboto3.")) and short in ("client", "resource"):
            return self.session_call(short, args, kwargs, node)
        if dotted in _ENV_GETTERS and args and _literal(args[0]) is not None:
            return Name(env=_literal(args[0]), text=expr_text(node))
        if dotted.startswith(_POWERTOOLS):
            spec = aws_sdk.table()["powertools"].get(dotted[len(_POWERTOOLS):])
            if spec is not None:
                params = {spec["param"]: (args[0], node.args[0])} \
                    if spec["param"] and args else {}
                for operation in (spec["operation"], *spec.get("also", ())):
                    self.record(spec["service"], operation, short, params, node, "powertools")
        return None

    def session_call(self, method: str, args: list[Any],
                     kwargs: dict[str, tuple[Any, ast.expr]], node: ast.Call) -> Any:
        """`session.client("s3")` and friends."""
        service = _literal(args[0]) if args else _literal(kwargs.get("service_name", (None,))[0])
        if service is None:
            self._record_unknown(node, f"{method}() of a service not known statically")
            return None
        if method in _CLIENT_FACTORIES:
            return ClientV(service)
        return ServiceResV(service)

    def method_call(self, owner: Any, method: str, args: list[Any],
                    kwargs: dict[str, tuple[Any, ast.expr]], node: ast.Call, f: Frame) -> Any:
        """A method of a tracked object (the event's: `_event_method`)."""
        if isinstance(owner, SessionV) and (method in _CLIENT_FACTORIES or method == "resource"):
            return self.session_call(method, args, kwargs, node)
        if isinstance(owner, ClientV):
            return self.client_call(owner, method, args, kwargs, node)
        if isinstance(owner, (ServiceResV, ResObjV)):
            return self.resource_call(owner, method, args, kwargs, node)
        if isinstance(owner, CollV):
            return self.collection_call(owner, method, node, kwargs)
        if isinstance(owner, PaginatorV) and method == "paginate":
            self.record(owner.service, owner.operation, method, kwargs, node, "paginator")
        elif isinstance(owner, WaiterV) and method == "wait":
            self.record(owner.service, owner.operation, method, kwargs, node, "waiter")
        elif isinstance(owner, BatchWriterV):
            operation = aws_sdk.table()["batch_writer"].get(method)
            if operation:
                self.record("dynamodb", operation, f"batch_writer.{method}",
                            self._identifier_params(owner.table, "TableName"), node,
                            "batch-writer")
            return None
        elif isinstance(owner, DictV) and method == "get" and args:
            return self.subscript(owner, args[0])
        elif isinstance(owner, ModelV):
            return self.model_call(owner, method, node)
        elif isinstance(owner, ExtV):
            return self.external_call(f"{owner.dotted}.{method}", args, kwargs, node)
        return None

    def model_call(self, model: ModelV, method: str, node: ast.Call) -> Any:
        """A PynamoDB model's method: its DynamoDB operations on the model's table; the
        item (`get`) or items (`query`, `scan`, `batch_get`) it gives."""
        params = {"TableName": (model.table, node)} if model.table is not None else {}
        for operation in aws_sdk.table()["pynamodb"][method]:
            self.record("dynamodb", operation, method, params, node, "pynamodb")
        if method in _PYNAMO_ITEM:
            return InstanceV(model.info)
        return ListV((InstanceV(model.info),)) if method in _PYNAMO_ITEMS else None

    # ------------------------------------------------------------------ clients
    def client_call(self, client: ClientV, method: str, args: list[Any],
                    kwargs: dict[str, tuple[Any, ast.expr]], node: ast.Call) -> Any:
        """A client method: an operation, a paginator/waiter, a transfer helper."""
        sdk = aws_sdk.service(client.service)
        if sdk is None:
            self._record_unknown(node, f"client of unknown service {client.service!r}")
            return None
        name = _literal(args[0]) if args else None
        if method == "get_paginator" and name in sdk.operations:
            return PaginatorV(client.service, sdk.operations[name])
        if method == "get_waiter" and name is not None:
            operation = sdk.waiter_operation(name)
            return WaiterV(client.service, operation) if operation else None
        transfer = aws_sdk.table()["transfer"].get(method)
        if transfer is not None and client.service == "s3":
            params = dict(zip(transfer["client"], ((a, n) for a, n in
                                                   zip(args, node.args, strict=False)),
                              strict=False))
            params.update(kwargs)
            self.transfer(method, transfer, params, node)
            return None
        if method == "generate_presigned_url":
            target = name or _literal(kwargs.get("ClientMethod", (None,))[0])
            given = kwargs.get("Params", (None,))[0]
            if target in sdk.operations:
                params = {k: (v, node) for k, v in given.items} \
                    if isinstance(given, DictV) else {}
                self.record(client.service, sdk.operations[target], method, params, node,
                            "presigned")
            return None
        if method == "generate_presigned_post" and client.service == "s3":
            params = dict(zip(("Bucket", "Key"), zip(args, node.args, strict=False),
                              strict=False))
            params.update(kwargs)
            self.record("s3", "PutObject", method, params, node, "presigned")
            return None
        operation = sdk.operations.get(method)
        if operation is None:
            tokens = aws_sdk.table()["auth_tokens"].get(client.service)
            if tokens and method in tokens:  # a login token signed locally
                self.record(client.service, method, method, kwargs, node, "presigned",
                            actions=tuple(tokens[method]))
            return None
        self.record(client.service, operation, method, kwargs, node, "client")
        if operation == "GetQueueUrl":
            queue = kwargs.get("QueueName")
            return DictV((("QueueUrl", as_name(*queue) if queue else Name()),))
        return None

    def transfer(self, method: str, spec: dict[str, Any],
                 params: dict[str, tuple[Any, ast.expr]], node: ast.Call) -> None:
        """upload_file, download_file, copy: managed (possibly multipart) transfers."""
        self.record("s3", method, method, params, node, "transfer",
                    actions=tuple(spec["actions"]), optional=tuple(spec.get("optional", ())))
        source = params.get("CopySource")
        if "source" in spec and source is not None:
            self._copy_source(source, method, node, tuple(spec["source"]))

    def _copy_source(self, source: tuple[Any, ast.expr], method: str, node: ast.expr,
                     actions: tuple[str, ...]) -> None:
        val, expr = source
        if isinstance(val, DictV):
            params = {k: (v, expr) for k, v in val.items if k in ("Bucket", "Key")}
        else:  # "bucket/key", "/bucket/key", f"bucket/{key}": split_copy_source
            whole = as_name(val, expr)
            text = whole.literal
            parts: list[str | Name] = [text] if text is not None else \
                [whole.prefix, whole] if whole.prefix else [whole]
            bucket, key = split_copy_source(parts)
            params = {"Bucket": (_known(bucket, whole), expr),
                      "Key": (_known(key, whole) if key else Name(text="*"), expr)}
        self.record("s3", f"{method} (source)", method, params, node, "transfer",
                    actions=actions)

    # ------------------------------------------------------------------ resources
    @staticmethod
    def _model(owner: ServiceResV | ResObjV) -> aws_sdk.ResourceModel:
        return aws_sdk.resource_model(owner.service,
                                      owner.rtype if isinstance(owner, ResObjV) else None)

    def _identifier_params(self, owner: ResObjV, target: str) -> dict[str, tuple[Any, Any]]:
        name = owner.ident("Name")
        return {target: (name, None)} if name is not None else {}

    def _request_params(self, owner: ServiceResV | ResObjV,
                        request: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        params: dict[str, tuple[Any, Any]] = {}
        for param in request.get("params", []):
            if param.get("source") == "identifier" and isinstance(owner, ResObjV) and \
                    "." not in param["target"] and "[" not in param["target"]:
                value = owner.ident(param["name"])
                if value is not None:
                    params[param["target"]] = (value, None)
        return params

    def resource_attribute(self, owner: ServiceResV | ResObjV, attr: str,
                           node: ast.expr) -> Any:
        """An attribute of a resource: identifier, collection, meta, or a loaded attribute."""
        rtype = owner.rtype if isinstance(owner, ResObjV) else None
        plain = (owner.service, rtype, attr)
        if plain in _PLAIN_ATTRIBUTES:  # found before to be none of these (a method)
            return BoundV(owner, attr)
        model = self._model(owner)
        definition = model.raw
        if isinstance(owner, ResObjV) and attr in model.identifiers:
            return owner.ident(model.identifiers[attr])
        if attr in model.collections:
            return CollV(owner, model.collections[attr])
        if attr == "meta":
            return BoundV(owner, "meta")
        if isinstance(owner, ResObjV) and "load" in definition and "shape" in definition:
            sdk = aws_sdk.service(owner.service)
            if sdk and attr in sdk.shape_members(definition["shape"]):
                request = definition["load"]["request"]
                self.record(owner.service, request["operation"], f"{owner.rtype}.{attr}",
                            self._request_params(owner, request), node, "resource")
                return None
        if len(_PLAIN_ATTRIBUTES) >= _MAX_PLAIN:
            _PLAIN_ATTRIBUTES.clear()
        _PLAIN_ATTRIBUTES.add(plain)
        return BoundV(owner, attr)

    def resource_call(self, owner: ServiceResV | ResObjV, method: str, args: list[Any],
                      kwargs: dict[str, tuple[Any, ast.expr]], node: ast.Call) -> Any:
        """A method of a service resource or resource object."""
        model = self._model(owner)
        definition = model.raw
        sub = definition.get("has", {}).get(method)
        if sub is not None:
            return self._sub_resource(owner, method, sub, args, node, kwargs)
        label = f"{owner.rtype if isinstance(owner, ResObjV) else owner.service}.{method}"
        action = model.actions.get(method)
        if action is not None:
            params = self._request_params(owner, action["request"])
            params.update(kwargs)
            self.record(owner.service, action["request"]["operation"], label, params,
                        node, "resource")
            made = action.get("resource", {}).get("type")
            if not made:
                return None
            if str(action["resource"].get("path", "")).endswith("[]"):
                return ListV((ResObjV(owner.service, made),))  # a list of resources
            return ResObjV(owner.service, made)
        waiter = model.waiters.get(method)
        if waiter is not None:
            sdk = aws_sdk.service(owner.service)
            operation = sdk.waiter_operation(aws_sdk.snake_name(waiter["waiterName"])) \
                if sdk else None
            if operation and isinstance(owner, ResObjV):
                params = {p["target"]: (owner.ident(p["name"]), None)
                          for p in waiter.get("params", []) if owner.ident(p["name"])}
                self.record(owner.service, operation, label, params, node, "waiter")
            return None
        if method in ("load", "reload") and "load" in definition:
            request = definition["load"]["request"]
            self.record(owner.service, request["operation"], label,
                        self._request_params(owner, request), node, "resource")
            return None
        if method == "batch_writer" and isinstance(owner, ResObjV):
            return BatchWriterV(owner)
        transfer = aws_sdk.table()["transfer"].get(method)
        if transfer is not None and isinstance(owner, ResObjV) and owner.rtype in transfer:
            params = dict(zip(transfer[owner.rtype], zip(args, node.args, strict=False),
                              strict=False))
            params.update(kwargs)
            bucket = owner.ident("BucketName") or owner.ident("Name")
            if bucket is not None:
                params.setdefault("Bucket", (bucket, None))
            key = owner.ident("Key")
            if key is not None:
                params.setdefault("Key", (key, None))
            self.transfer(method, transfer, params, node)
        return None

    def _sub_resource(self, owner: ServiceResV | ResObjV, method: str, sub: dict[str, Any],
                      args: list[Any], node: ast.Call,
                      kwargs: dict[str, tuple[Any, ast.expr]] | None = None) -> ResObjV:
        spec = sub["resource"]
        ids: list[tuple[str, Name]] = []
        positional = iter(zip(args, node.args, strict=False))
        for ident in spec.get("identifiers", []):
            if ident.get("source") == "input":
                # given in order, or by its snake_case name (`Object(bucket_name=, key=)`)
                given = next(positional, None) or (
                    kwargs.get(aws_sdk.snake_name(ident["target"])) if kwargs else None)
                if given is not None:
                    ids.append((ident["target"], as_name(*given)))
            elif ident.get("source") == "identifier" and isinstance(owner, ResObjV):
                value = owner.ident(ident["name"])
                if value is not None:
                    ids.append((ident["target"], value))
        return ResObjV(owner.service, spec["type"], tuple(ids))

    def collection_call(self, coll: CollV, method: str, node: ast.expr,
                        kwargs: dict[str, tuple[Any, ast.expr]]) -> Any:
        """`bucket.objects.all()`, `.filter(...)`, batch actions (`.delete()`); iteration."""
        spec = self._model(coll.owner).raw.get("hasMany", {}).get(coll.name, {})
        request = spec.get("request", {})
        if method in _COLLECTION_METHODS:
            params = self._request_params(coll.owner, request)
            params.update(kwargs)
            if request.get("operation"):
                self.record(coll.owner.service, request["operation"],
                            f"{coll.name}.{method}", params, node, "collection")
            return coll
        element = spec.get("resource", {}).get("type")
        batch = aws_sdk.resource_model(coll.owner.service, element).batch_actions \
            if element else {}
        for action in batch.get(method, ()):
            params = self._request_params(coll.owner, request)
            operation = action["request"]["operation"]
            if request.get("operation"):
                self.record(coll.owner.service, request["operation"],
                            f"{coll.name}.{method}", params, node, "collection")
            bucket = params.get("Bucket")
            self.record(coll.owner.service, operation, f"{coll.name}.{method}",
                        {"Bucket": bucket} if bucket else {}, node, "collection")
        return self._collection_item(coll) if element else None

    def _collection_item(self, coll: CollV) -> ResObjV | None:
        """A resource of a collection (`for obj in bucket.objects.all()`: an ObjectSummary
        of the bucket), None when its model names no resource type."""
        spec = self._model(coll.owner).raw.get("hasMany", {}).get(coll.name, {})
        element = spec.get("resource", {}).get("type")
        if not element:
            return None
        ids = coll.owner.ids if isinstance(coll.owner, ResObjV) else ()
        shared = tuple((("BucketName" if k == "Name" else k), v) for k, v in ids)
        return ResObjV(coll.owner.service, element, shared)

    # ------------------------------------------------------------------ recording
    def _record_unknown(self, node: ast.expr, why: str) -> None:
        self._add(AwsCall("*", "*", why, (), (), self.file, node.lineno, "unknown"))

    def record(self, service: str, operation: str, method: str,
               params: dict[str, tuple[Any, Any]], node: ast.expr, via: str,
               actions: tuple[str, ...] | None = None,
               optional: tuple[str, ...] = ()) -> None:
        """Record one call with its IAM actions and the resources its parameters name."""
        sdk = aws_sdk.service(service)
        if sdk is None:
            return
        key = f"{sdk.prefix}:{operation}"
        copy_source = aws_sdk.table()["copy_source"].get(key) if actions is None else None
        if copy_source and "CopySource" in params:
            # CopyObject: PutObject on the object written, GetObject on the one it copies
            actions = aws_sdk.iam_actions(sdk, operation)
            self._copy_source(params["CopySource"], method, node, tuple(copy_source))
        if actions is None:
            actions = self._actions(sdk, operation, params)
        targets = self._targets(service, params)
        self._add(AwsCall(service, operation, method, actions, targets, self.file,
                          node.lineno, via, optional))
        passed = aws_sdk.table()["pass_role"].get(key)
        if passed is not None:  # a role handed to the service: iam:PassRole on it
            role = _param_path(params, passed.split("."))
            if role is not None:
                self._add(AwsCall("iam", "PassRole", method, ("iam:PassRole",),
                                  (Target("role", as_name(*role)),), self.file,
                                  node.lineno, via))
        read = aws_sdk.table()["s3_objects"].get(key)
        if read is not None:  # objects the service reads with the caller's permissions
            objects = tuple(t for t in (_s3_object(params, path) for path in read) if t)
            if objects:
                self._add(AwsCall("s3", "GetObject", method, ("s3:GetObject",), objects,
                                  self.file, node.lineno, via))

    def _add(self, call: AwsCall) -> None:
        key = (call.file, call.line, call.operation, call.method)
        if key not in self._seen:
            self._seen.add(key)
            self.calls.append(call)
        if self._log is not None:
            self._log.append(call)

    @staticmethod
    def _actions(sdk: aws_sdk.SdkService, operation: str,
                 params: dict[str, tuple[Any, Any]]) -> tuple[str, ...]:
        if sdk.name != "dynamodb":  # the only service whose parameters change its actions
            return _base_actions(sdk, operation)
        table = aws_sdk.table()
        if operation in ("ExecuteStatement", "BatchExecuteStatement"):
            statement = _literal(params.get("Statement", (None,))[0])
            verb = statement.split(None, 1)[0].upper() if statement else ""
            if verb in table["partiql"]:
                return (table["partiql"][verb],)
        if operation == "TransactWriteItems":
            items = params.get("TransactItems", (None,))[0]
            if isinstance(items, ListV) and items.items and \
                    all(isinstance(i, DictV) for i in items.items):
                kinds = {k for i in items.items for k, _ in i.items}
                found = sorted({table["transact_items"][k] for k in kinds
                                if k in table["transact_items"]})
                if found:
                    return tuple(found)
        return _base_actions(sdk, operation)

    @staticmethod
    def _targets(service: str, params: dict[str, tuple[Any, Any]]) -> tuple[Target, ...]:
        kinds = aws_sdk.table()["targets"].get(service, {})
        targets: list[Target] = []
        for param, kind in kinds.items():
            if param in params:
                val, expr = params[param]
                key = None
                if service == "s3":
                    key_val = params.get("Key") or params.get("Prefix")
                    key = as_name(*key_val) if key_val else None
                if service == "dynamodb" and "IndexName" in params:
                    key = as_name(*params["IndexName"])
                targets.append(Target(kind, as_name(val, expr), key))
        if service == "dynamodb" and ("RequestItems" in params or "TransactItems" in params):
            for param in ("RequestItems", "TransactItems"):
                given = params.get(param, (None,))[0]
                if isinstance(given, DictV):
                    targets.extend(Target("table", Name(literal=k, text=k))
                                   for k, _ in given.items)
                elif isinstance(given, ListV):
                    for item in given.items:
                        inner = [v for _, v in item.items] if isinstance(item, DictV) else []
                        for spec in inner:
                            table = spec.get("TableName") if isinstance(spec, DictV) else None
                            if table is not None:
                                targets.append(Target("table", as_name(table, None)))
        return tuple(dict.fromkeys(targets)) if len(targets) > 1 else tuple(targets)


#: The IAM actions of each (service, operation) whatever its parameters (`_actions` asks
#: for DynamoDB's once they named none), kept for the process as the aws_sdk models and
#: tables they are read from are: the same answers in every scan.
_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {}


#: The (service, resource type or None for the service resource, attribute) whose
#: attribute is none of an identifier, a collection, `meta` or a loaded attribute (a
#: method, mostly), so `resource_attribute` answers a BoundV at once: found from the
#: models alone, kept for the process as `_ACTIONS` is (bounded: a scan may name many).
_PLAIN_ATTRIBUTES: set[tuple[str, str | None, str]] = set()
_MAX_PLAIN = 65536


def _param_path(params: dict[str, tuple[Any, Any]], path: list[str]
                ) -> tuple[Any, Any] | None:
    """The value (and expression) at a `.`-separated path into a call's parameters
    (`Target.RoleArn`; `*`: the first item of a list), or None when it is not given."""
    found = params.get(path[0])
    if found is None:
        return None
    value, expr = found
    for key in path[1:]:
        if key == "*":
            value = value.items[0] if isinstance(value, ListV) and value.items else None
        else:
            value = value.get(key) if isinstance(value, DictV) else None
        if value is None:
            return None
    return value, expr


def _s3_object(params: dict[str, tuple[Any, Any]], path: str) -> Target | None:
    """The S3 object ({Bucket, Name}) at a path into a call's parameters (a Rekognition
    image, a Textract document), or None when the request names none there."""
    found = _param_path(params, path.split("."))
    if found is None or not isinstance(found[0], DictV):
        return None
    value, expr = found
    bucket, name = value.get("Bucket"), value.get("Name")
    if bucket is None:
        return None
    return Target("bucket", as_name(bucket, expr),
                  as_name(name, expr) if name is not None else None)


def _base_actions(sdk: aws_sdk.SdkService, operation: str) -> tuple[str, ...]:
    """The IAM actions of an operation (and those of its copy source), kept once found."""
    found = _ACTIONS.get((sdk.name, operation))
    if found is None:
        copy_source = aws_sdk.table()["copy_source"].get(f"{sdk.prefix}:{operation}")
        found = aws_sdk.iam_actions(sdk, operation) + tuple(copy_source or ())
        _ACTIONS[(sdk.name, operation)] = found
    return found


#: The values a shared top level may bind (`_shared_top`): none holds a function of the
#: scanned code, whose closure would tie the module's globals to it.
_FLAT_VALUES = frozenset({type(None), Name, ExtV, SessionV, ClientV, ServiceResV, ResObjV,
                          CollV, PaginatorV, WaiterV, BatchWriterV})


def _shared_top(env: dict[str, Any]) -> tuple[tuple[str, Any, bool], ...] | None:
    """A module's globals as another analysis takes them (`Interpreter.module_env`): (name,
    value, False) for an SDK value, a name or None, (name, its node, True) for a function
    a top-level `def` binds (made again with that analysis's globals: kept as it is, it
    would refer to these globals, a cycle holding the module's tree); None when a global
    holds anything else (a value that may hold such a function)."""
    out: list[tuple[str, Any, bool]] = []
    for name, value in env.items():
        kind = type(value)
        if kind is FuncV:
            if value.closure is not env or value.owner is not None or \
                    value.self_value is not None:
                return None
            out.append((name, value.node, True))
        elif kind in _FLAT_VALUES:
            out.append((name, value, False))
        else:
            return None
    return tuple(out)


#: What runs each kind of statement (other statements bind and call nothing: skipped).
_STATEMENTS: dict[type, Callable[[Interpreter, Any, Frame], None]] = {
    ast.Assign: Interpreter._assign, ast.AnnAssign: Interpreter._ann_assign,
    ast.AugAssign: Interpreter._aug_assign, ast.Expr: Interpreter._expr,
    ast.Return: Interpreter._return, ast.If: Interpreter._branch,
    ast.While: Interpreter._branch, ast.For: Interpreter._for, ast.AsyncFor: Interpreter._for,
    ast.With: Interpreter._with, ast.AsyncWith: Interpreter._with, ast.Try: Interpreter._try,
    ast.Match: Interpreter._match, ast.FunctionDef: Interpreter._def,
    ast.AsyncFunctionDef: Interpreter._def, ast.Global: Interpreter._global,
    ast.Raise: Interpreter._children, ast.Assert: Interpreter._children,
    ast.Delete: Interpreter._delete,
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _STATEMENTS[ast.TryStar] = Interpreter._try

#: What evaluates each kind of expression besides constants, names and attributes (those
#: in `Interpreter.ev` itself; other kinds: their sub-expressions are evaluated, for the
#: calls in them; the value is unknown).
_EXPRESSIONS: dict[type, Callable[[Interpreter, Any, Frame], Any]] = {
    ast.Subscript: Interpreter._subscript, ast.Call: Interpreter.call,
    ast.Await: Interpreter._inner,
    ast.JoinedStr: Interpreter._fstring, ast.FormattedValue: Interpreter._inner,
    ast.BinOp: Interpreter._binop, ast.BoolOp: Interpreter._boolop,
    ast.IfExp: Interpreter._ifexp, ast.Dict: Interpreter._dict,
    ast.List: Interpreter._sequence, ast.Tuple: Interpreter._sequence,
    ast.Set: Interpreter._sequence, ast.ListComp: Interpreter._comprehension,
    ast.SetComp: Interpreter._comprehension, ast.GeneratorExp: Interpreter._comprehension,
    ast.DictComp: Interpreter._comprehension, ast.NamedExpr: Interpreter._walrus,
    ast.Lambda: Interpreter._lambda,
}

#: What `Interpreter.effects` does for each kind of expression besides constants and calls
#: (others: `ev`, whose value it drops); each evaluates the same sub-expressions as `ev`,
#: in the same order.
_EFFECTS: dict[type, Callable[[Interpreter, Any, Frame], None]] = {
    ast.Subscript: Interpreter._effects_subscript,
    ast.Await: Interpreter._effects_inner, ast.FormattedValue: Interpreter._effects_inner,
    ast.JoinedStr: Interpreter._effects_values, ast.BoolOp: Interpreter._effects_values,
    ast.Dict: Interpreter._effects_values, ast.BinOp: Interpreter._effects_binop,
    ast.IfExp: Interpreter._effects_ifexp, ast.List: Interpreter._effects_sequence,
    ast.Tuple: Interpreter._effects_sequence, ast.Set: Interpreter._effects_sequence,
    ast.Lambda: lambda interpreter, node, f: None,
}
