"""Calls in the taint engine: sinks, sanitisers, propagators and the project's own code.

A call is looked up in the taint table by its qualified name (`subprocess.run`, after
import resolution) or, for a method, by its name and the kind of its receiver. Calls to
functions, classes and methods of the project are analysed inline with the caller's
taint (context-sensitive, bounded depth and budget); any other call passes the taint of
its arguments on to its result.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, ClassVar

from faasguard.analysis.taint.models import is_model
from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    dotted_name,
    search_path,
)
from faasguard.analysis.taint.paths import PATHS, access_path, forget_paths
from faasguard.analysis.taint.state import (
    CLEAN,
    Frame,
    Hit,
    Taint,
    Val,
    argv_position,
    call_signature,
    cleared,
    const_str,
    extend,
    merge,
    stringified,
    structured,
    union,
    with_step,
)
from faasguard.analysis.taint.table import Sink, TaintTable

MAX_DEPTH = 12
MAX_INLINE_CALLS = 400
SAFE_TAR_FILTERS = {"data", "tar"}
SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
MUTATORS = {"append", "extend", "insert", "add", "update"}
#: Class methods that validate data into a model (`Order.model_validate_json(body)`).
MODEL_PARSERS = frozenset(("model_validate", "model_validate_json", "parse_obj", "parse_raw"))
#: Functions that validate data into the model they are given: (the data's keyword and
#: position, the model's keyword and position).
MODEL_PARSE_CALLS = {
    "aws_lambda_powertools.utilities.parser.parse": (("event", 0), ("model", 1)),
    "aws_lambda_powertools.utilities.parser.parser.parse": (("event", 0), ("model", 1)),
}
#: Decorators that validate a handler's event into the model its `model=` names.
EVENT_PARSERS = frozenset(("aws_lambda_powertools.utilities.parser.event_parser",
                           "aws_lambda_powertools.utilities.parser.parser.event_parser"))


class CallAnalysis:
    """The call half of the engine's `Analyzer` (which supplies `ev`, `block`, `_global`)."""

    table: TaintTable
    cache: ModuleCache
    visited: set[tuple[str, int]]
    base: str | None
    hits: list[Hit]
    class_attrs: dict[tuple[str, str], Val]
    tainted_classes: set[str]
    classes: dict[str, ClassInfo]
    stack: list[FunctionNode]
    budget: int
    #: inlined calls by call site: its first call (arguments, class attributes known,
    #: result), then results by `_call_key` once the site comes again
    _calls: dict[tuple[int, int], Any]
    _reads: set[str] | None
    _written: set[str] | None
    _local_cache: dict[tuple[str, str], tuple[Module, FunctionNode | ClassInfo,
                                              FunctionNode | None] | None]
    kind_source_methods: frozenset[str]

    #: the expression handlers `ev` dispatches to, by node type (the Analyzer's)
    expr_handlers: ClassVar[dict[type, Callable[[Any, Any, Frame], Val]]]

    def ev(self, node: ast.expr, f: Frame) -> Val:
        """The abstract value of an expression (the Analyzer's)."""
        raise NotImplementedError

    def block(self, stmts: list[ast.stmt], f: Frame) -> bool:
        """Analyse statements (the Analyzer's)."""
        raise NotImplementedError

    def _global(self, module: Module, name: str) -> Val:
        raise NotImplementedError

    def _e_call(self, node: ast.Call, f: Frame) -> Val:
        handlers = self.expr_handlers  # `ev`, inlined: one call less per argument
        args: list[Val] = []
        starred = False
        for arg in node.args:  # `*xs` evaluates to the value of xs
            kind = type(arg)
            if kind is ast.Starred:
                starred = True
            handler = handlers.get(kind)  # none for a constant: CLEAN
            args.append(handler(self, arg, f) if handler is not None else CLEAN)
        kwargs: dict[str, Val] = {}
        for keyword in node.keywords:
            value = keyword.value
            handler = handlers.get(type(value))
            kwargs[keyword.arg or "**"] = handler(self, value, f) if handler is not None \
                else CLEAN
        if starred:
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
            aliases = f.aliases if f.aliases is not None else f.module.aliases
            # f.qualify(name), inlined: a plain name is its import alias's target or itself
            return self._named_call(aliases.get(name, name), node, args, kwargs, f, name)
        if kind is ast.Attribute:
            # no `assert isinstance` (a call on a hot path): the type test above
            method: ast.Attribute = func  # type: ignore[assignment]
            holder, attr = method.value, method.attr  # (each node attribute read once)
            named = type(holder) is ast.Name
            name = holder.id if named else ""  # type: ignore[attr-defined]
            env = f.env
            if not (named and name in env):
                if named:  # `logger.info(...)`: the dotted name is the name
                    dotted = head = name
                else:
                    dotted = dotted_name(holder)
                    head = dotted.partition(".")[0]
                if head and head not in env and (
                        head in (f.aliases if f.aliases is not None else f.module.aliases)
                        or head in f.module.classes):  # `f.is_alias(head)`, inlined
                    qualified = f.qualify(dotted)
                    if qualified in self.table.source_calls:  # `request.args.get("q")`
                        return self._method_call(attr, self._user_source(
                            qualified, holder, f), node, args, kwargs, f)
                    return self._named_call(qualified + "." + attr, node, args,
                                            kwargs, f, dotted + "." + attr)
            if named and attr in MUTATORS:  # a write, not a read
                receiver = env.get(name) or self._global(f.module, name)
                if PATHS in env:  # (`body.update(...)`: its checked paths unchecked)
                    forget_paths(env, name)
            else:
                handler = handlers.get(type(holder))  # `ev`, inlined
                receiver = handler(self, holder, f) if handler is not None else CLEAN
            return self._method_call(attr, receiver, node, args, kwargs, f)
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
        role = table.roles.get(qname)
        if role is not None:
            if role == "clean":
                return CLEAN
            if role == "source":
                return self._user_source(qname, node, f)
            if role == "partial":
                return cleared(union([*args, *kwargs.values()]),
                               table.partial_sanitisers[qname])
            if role == "validate":
                self._validate(node, f)
                return CLEAN
            if role == "structured":
                return structured(union(args[:1] or list(kwargs.values())))
            if role == "stringify":
                return stringified(union([*args, *kwargs.values()]))
            if role == "first":  # `Request(url, headers=...)`: the object is its URL
                return args[0] if args else kwargs.get("url", CLEAN)
            return union([*args, *kwargs.values()], object_kind(table, qname, node))
        local = self._local(qname, written, f)
        if local is not None:
            module, target, method = local
            if isinstance(target, ClassInfo):
                return self._instantiate(target, node, args, kwargs, f, method)
            return self._inline(target, module, args, kwargs, node, f)
        if sinks is not None:
            return CLEAN
        if PATHS in f.env and qname == "getattr":  # `getattr(body, "cmd")`, checked before
            checked = f.env.get(access_path(node))
            if checked is not None:
                return union((checked, args[2])) if len(args) > 2 else checked
        callback = table.record_callbacks.get(qname)
        if callback is not None:  # `process_partial_response(event, record_handler, ...)`
            return self._record_callback(callback, node, args, kwargs, f)
        parse = MODEL_PARSE_CALLS.get(qname)
        if parse is not None:  # `parse(event=body, model=Order)`
            return self._parse_call(parse, node, args, kwargs, f)
        last = written.rpartition(".")[2]
        if last != written:  # `Model.objects.raw(...)`, `Order.model_validate_json(...)`
            for sink in table.methods.get(last, []):
                if sink.receiver is None:
                    self._check_sink(sink, node, args, kwargs, f, CLEAN)
            if last in table.clean_methods:
                if last in MODEL_PARSERS:
                    return self._parsed_model(qname, written, args, kwargs, f)
                return CLEAN
        return union([*args, *kwargs.values()])

    def _parsed_model(self, qname: str, written: str, args: list[Val],
                      kwargs: dict[str, Val], f: Frame) -> Val:
        """`Order.model_validate_json(body)` of a project model: validated field by field
        (`_model_value`); of anything else (a `TypeAdapter`), clean as before."""
        local = self._local(qname.rpartition(".")[0], written.rpartition(".")[0], f)
        if local is not None and isinstance(local[1], ClassInfo) and local[2] is None \
                and self._is_model(local[1]):
            return self._model_value(local[1], args, kwargs)
        return CLEAN

    def _parse_call(self, spec: tuple[tuple[str, int], tuple[str, int]], node: ast.Call,
                    args: list[Val], kwargs: dict[str, Val], f: Frame) -> Val:
        """A function validating data into a model it is given: a project model's value
        (`_model_value`); the data itself for any other model (nothing known of it)."""
        (data_name, data_at), (model_name, model_at) = spec
        data = kwargs.get(data_name) or (args[data_at] if len(args) > data_at else CLEAN)
        given = next((k.value for k in node.keywords if k.arg == model_name),
                     node.args[model_at] if len(node.args) > model_at else None)
        cls = self._class_named(f.module, dotted_name(given)) if given is not None else None
        if cls is not None and self._is_model(cls):
            return self._model_value(cls, [data], {})
        return data

    def event_model(self, module: Module, node: FunctionNode) -> str | None:
        """The kind (`cls:<key>`) of a handler's event validated by a decorator into a
        project model (`@event_parser(model=Order)`), or None."""
        for deco in node.decorator_list:
            if type(deco) is not ast.Call or \
                    module.qualify(dotted_name(deco.func)) not in EVENT_PARSERS:
                continue
            given = next((k.value for k in deco.keywords if k.arg == "model"), None)
            cls = self._class_named(module, dotted_name(given)) if given is not None else None
            if cls is not None and self._is_model(cls):
                self.classes[cls.key] = cls
                return "cls:" + cls.key
        return None

    def _record_callback(self, spec: dict[str, Any], node: ast.Call, args: list[Val],
                         kwargs: dict[str, Val], f: Frame) -> Val:
        """Run the project function a batch call names on each record of its event."""
        (event_name, event_at), (callback_name, callback_at) = spec["event"], spec["callback"]
        event = kwargs.get(event_name) or (args[event_at] if len(args) > event_at else CLEAN)
        given = next((k.value for k in node.keywords if k.arg == callback_name),
                     node.args[callback_at] if len(node.args) > callback_at else None)
        written = dotted_name(given) if given is not None else ""
        local = self._local(f.qualify(written), written, f) if written else None
        if local is not None and not isinstance(local[1], ClassInfo):
            record = event
            for key in spec["path"]:
                record = extend(record, key, (f.module.file, node.lineno))
            self._inline(local[1], local[0], [record], {}, node, f)
        return CLEAN

    def _method_call(self, name: str, receiver: Val, node: ast.Call, args: list[Val],
                     kwargs: dict[str, Val], f: Frame) -> Val:
        table = self.table
        kind = receiver.kind
        if kind is not None and kind.startswith("cls:"):
            cls = self.classes.get(kind[4:])
            found = self._find_method(cls, name) if cls is not None else None
            if found is not None:  # the project's own method (`users.find(name)`): its
                owner, method = found  # code is read, not judged by the method's name
                return self._inline(method, owner.module, [receiver, *args], kwargs, node,
                                    f, cls=owner, self_call=True)
        sinks = table.methods.get(name)
        if sinks is not None:
            for sink in sinks:
                if sink.receiver is None or sink.receiver == kind:
                    self._check_sink(sink, node, args, kwargs, f, receiver)
        if name in table.clean_methods:
            return CLEAN
        if name in table.validator_methods:
            self._validate(node, f)
            return CLEAN
        if not receiver.taints:
            if kind is not None and name in self.kind_source_methods and \
                    kind + "." + name in table.source_calls:
                return self._user_source(kind + "." + name, node, f)  # `request.json()`
            if name in table.arg_methods:
                added = union([*args, *kwargs.values()])
                if added.taints:
                    holder = node.func.value  # type: ignore[attr-defined]
                    if type(holder) is ast.Name and name not in ("join", "format", "format_map"):
                        f.env[holder.id] = merge(f.env.get(holder.id, CLEAN), argv_position(added))
                    return stringified(added) if name in ("join", "format", "format_map") else \
                        Val(added.taints, kind)
            return Val((), kind) if kind == "path" else CLEAN
        part = table.event_getters.get(name)
        if part is not None:  # `event.get_query_string_value(name="q")` (a data class)
            given = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "name"), None)
            key = const_str(given)
            at = (f.module.file, node.lineno)
            return extend(extend(receiver, part, at), key if key is not None else "*", at)
        if name in table.container_methods:
            if name == "get" and _converted(node, f, table):  # `args.get("n", type=int)`
                return CLEAN
            if PATHS in f.env and name == "get":  # `body.get("cmd")`, checked before
                checked = f.env.get(access_path(node))
                if checked is not None:
                    return checked
            key = const_str(node.args[0]) if node.args else None
            at = (f.module.file, node.lineno)
            if name in ("values", "items", "keys", "copy"):
                result = extend(receiver, "*", at) if name != "copy" else receiver
            else:
                result = extend(receiver, key if key is not None else "*", at)
            if len(args) > 1:
                result = union((result, args[1]))
            return result
        if name in table.string_methods:
            result = stringified(receiver)
            if name in table.arg_methods:
                result = union((result, stringified(union(args))))
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
                if keyword.arg == "filter" and const_str(keyword.value) in SAFE_TAR_FILTERS:
                    return
            checked = [receiver]
        else:  # (loops, not a comprehension and generators: a sink's call is common)
            checked = []
            given = len(args)
            for i in sink.args:
                if i < given:
                    checked.append(args[i])
            if kwargs:
                for k in sink.kwargs:
                    if k in kwargs:
                        checked.append(kwargs[k])
                if "*" in kwargs and sink.args:
                    checked.append(kwargs["*"])
                if "**" in kwargs and sink.kwargs:
                    checked.append(kwargs["**"])
        for val in checked:  # any tainted
            if val.taints:
                break
        else:
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
        elif condition == "html":
            if not html_response(node.keywords):
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
            words = [const_str(e) for e in command.elts]  # type: ignore[union-attr]
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
        origin = self.table.source_texts.get(qname, label)
        return Val((Taint((), (step,), origin, label in self.table.structured_sources),))

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
        if "." not in qname:  # a builtin or an undefined name: no module holds it
            return None
        key = (module.file, qname)
        if key in self._local_cache:
            return self._local_cache[key]
        self._local_cache[key] = None  # an import cycle asking again finds nothing
        found: tuple[Module, FunctionNode | ClassInfo, FunctionNode | None] | None = None
        named = self.cache.module_prefix(qname, f.search)
        if named is not None:
            target_module, tail = named
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

    def _is_model(self, cls: ClassInfo) -> bool:
        """Does the class derive from a validating model base (pydantic BaseModel, ...)?"""
        return is_model(cls, self.table, self._class_named)

    def _class_named(self, module: Module, written: str) -> ClassInfo | None:
        """The project class a name written in `module` refers to (models.Resolve)."""
        return self._class_of(module, written if written in module.classes
                              else module.qualify(written))

    def _model_value(self, cls: ClassInfo, args: list[Val], kwargs: dict[str, Val]) -> Val:
        """A model validated from these arguments: a value of the model's kind carrying
        their taints, its fields read by what their types let through
        (`Analyzer.model_fields`); clean when no argument is tainted."""
        added = union([*args, *kwargs.values()])
        if not added.taints:
            return CLEAN
        self.classes[cls.key] = cls
        return Val(added.taints, "cls:" + cls.key)

    def _instantiate(self, cls: ClassInfo, node: ast.Call, args: list[Val],
                     kwargs: dict[str, Val], f: Frame, method: FunctionNode | None) -> Val:
        self.classes[cls.key] = cls
        if method is not None:  # Class.method(...): a static or class method
            bound = [Val((), "cls:" + cls.key), *args] if not is_static(method) else args
            if method.name in self.table.clean_methods:
                return CLEAN
            return self._inline(method, cls.module, bound, kwargs, node, f, cls=cls)
        if self._is_model(cls):  # `Order(**body)`: validated field by field
            return self._model_value(cls, args, kwargs)
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
        tainted = False
        for given in args:  # `any(...)` of both, without generators (a call per inlined call)
            if given.taints:
                tainted = True
                break
        else:
            for given in kwargs.values():
                if given.taints:
                    tainted = True
                    break
        if not tainted and not (self_call and args and args[0].kind is not None
                                and (args[0].kind[4:] in self.tainted_classes
                                     or fnode.name == "__init__")):  # attribute kinds
            if closure is None or not any(v.taints for v in closure.env.values()):
                return CLEAN
        if fnode in self.stack or len(self.stack) > MAX_DEPTH or self.budget <= 0:
            return union([*args, *kwargs.values()])
        # the same call again (a loop's second pass) with arguments of the same signature
        # (`call_signature`) and as many class attributes known: the same result. The
        # signatures are worked out only when a call site comes again (most come once).
        site = (id(node), id(fnode))
        attributes = len(self.class_attrs)
        earlier = self._calls.get(site)
        if earlier is None:
            result = self._analyse_call(fnode, module, args, kwargs, node, caller, closure,
                                        cls, tainted)
            self._calls[site] = (args, kwargs, attributes, result)
            return result
        if type(earlier) is tuple:  # the site's first call, keyed by its signature now
            first_args, first_kwargs, first_attributes, first_result = earlier
            earlier = self._calls[site] = {
                _call_key(first_args, first_kwargs, first_attributes): first_result}
        key = _call_key(args, kwargs, attributes)
        known = earlier.get(key)
        if known is not None:
            return known
        result = self._analyse_call(fnode, module, args, kwargs, node, caller, closure, cls,
                                    tainted)
        earlier[key] = result
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
        returns = frame.returns
        kind = None
        for returned in returns:  # the first kind returned
            if returned.kind:
                kind = returned.kind
                break
        result = union(returns, kind)
        if result.taints:
            result = with_step(result, (caller.module.file, node.lineno,
                                         f"returned from {qual}()"))
        return result

    def _bind(self, fnode: FunctionNode, frame: Frame, args: list[Val], kwargs: dict[str, Val],
              caller: Frame, node: ast.Call) -> None:
        params = fnode.args
        ordered = positional(fnode)
        file = frame.module.file
        rest = kwargs.get("*", CLEAN)
        splat = kwargs.get("**", CLEAN)
        for index, param in enumerate(ordered):
            if index < len(args):
                val = args[index]
            else:
                val = kwargs.get(param.arg, merge(rest, splat))
            frame.env[param.arg] = with_step(
                val, (caller.module.file, node.lineno,
                      f"passed to {frame.name}() as '{param.arg}'")) if val.taints else val
        for param in params.kwonlyargs:
            val = kwargs.get(param.arg, splat)
            frame.env[param.arg] = with_step(
                val, (file, fnode.lineno, f"passed to {frame.name}() as '{param.arg}'")) \
                if val.taints else val
        if params.vararg is not None:
            frame.env[params.vararg.arg] = union(args[len(ordered):])
        if params.kwarg is not None:
            named = {p.arg for p in ordered} | {p.arg for p in params.kwonlyargs}
            frame.env[params.kwarg.arg] = union(
                [v for k, v in kwargs.items() if k not in named])


def _call_key(args: list[Val], kwargs: dict[str, Val], attributes: int) -> tuple[Any, ...]:
    """What decides an inlined call's result at one call site: its arguments' signatures
    (`call_signature`) and the number of class attributes known."""
    return call_signature(args), call_signature(list(kwargs.values())), attributes


def positional(node: FunctionNode) -> list[ast.arg]:
    return [*node.args.posonlyargs, *node.args.args]


def is_static(node: FunctionNode) -> bool:
    return any(dotted_name(d) == "staticmethod" for d in node.decorator_list)


def _converted(node: ast.Call, f: Frame, table: TaintTable) -> bool:
    """Does a mapping read convert the value with a full sanitiser (`type=int`, Flask's
    MultiDict.get)?"""
    for keyword in node.keywords:
        if keyword.arg == "type" and type(keyword.value) is ast.Name:
            return f.qualify(keyword.value.id) in table.full_sanitisers
    return False


def object_kind(table: TaintTable, qname: str, node: ast.Call) -> str:
    """The kind of object a call the table lists in `kinds` makes (`qname`, its callee)."""
    kind = table.kinds[qname]
    if kind == "xml-parser" and keyword_false(node, "resolve_entities"):
        return "xml-parser-safe"
    return kind


def keyword_false(node: ast.Call, name: str) -> bool:
    for keyword in node.keywords:
        if keyword.arg == name:
            value = keyword.value
            return type(value) is ast.Constant and value.value is False
    return False


def html_headers(node: ast.expr | None) -> bool:
    """Is `node` a headers literal whose Content-Type is HTML: a dict (`{"Content-Type":
    "text/html; charset=utf-8"}`, any case) or a Lambda proxy's multiValueHeaders list?"""
    if type(node) is not ast.Dict:
        return False
    for key, value in zip(node.keys, node.values, strict=True):
        name = const_str(key)
        if name is None or name.lower() != "content-type":
            continue
        if isinstance(value, (ast.List, ast.Tuple)) and value.elts:
            value = value.elts[0]
        text = const_str(value)
        return text is not None and text.lower().startswith("text/html")
    return False


def html_response(keywords: list[ast.keyword]) -> bool:
    """Do a response call's keywords say its body is HTML: `headers=` an HTML headers
    literal (`html_headers`), or `content_type=` / `mimetype=` text/html?"""
    for keyword in keywords:
        if keyword.arg == "headers":
            if html_headers(keyword.value):
                return True
        elif keyword.arg in ("content_type", "mimetype", "media_type"):
            text = const_str(keyword.value)
            if text is not None and text.lower().startswith("text/html"):
                return True
    return False
