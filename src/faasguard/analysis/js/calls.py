"""Calls in the JS taint engine: sinks, sanitisers, propagators, callbacks, project code.

A call is looked up in the table by its package-qualified name (`child_process.exec`,
after require/import resolution) or, for a method, by its name and the kind of its
receiver. Functions of the project (same file or a local `require`/`import`) are
analysed inline with the caller's taint (bounded depth and budget). Function literals
passed as arguments (callbacks) are analysed too: array callbacks get the elements,
`.then` callbacks the promised value, others nothing new (but they see the closure).
Any other call passes the taint of its arguments on to its result.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from faasguard.analysis.js.demand import IDENTIFIER
from faasguard.analysis.js.frameworks import (
    NO_PATHS,
    VALIDATED,
    key_name,
    object_value,
    route_schema_paths,
    router_prefix,
    validated_paths,
)
from faasguard.analysis.js.names import FileIndex, export_origin
from faasguard.analysis.js.parse import (
    FieldIds,
    JsModule,
    JsModuleCache,
    first_named,
    line,
    named_children_of,
    string_value,
    text_in,
    text_of,
)
from faasguard.analysis.js.spots import word_nodes
from faasguard.analysis.js.table import JsSink, JsTable, js_table
from faasguard.analysis.js.values import (
    APP,
    CLASS,
    FN,
    HTML_RESPONSE,
    INSTANCE,
    LOCAL,
    MIDDY,
    REQUEST,
    FuncRef,
    JsFrame,
    qualified,
)
from faasguard.analysis.taint.paths import JS_OPENS, PATHS, forget_paths
from faasguard.analysis.taint.state import (
    CLEAN,
    Hit,
    Val,
    call_signature,
    cleared,
    extend,
    merge,
    stringified,
    structured,
    union,
    with_step,
)

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_DEPTH = 12


def _chained_route_path(module: JsModule, obj: Node) -> str | None:
    """The path of `app.route("/books/:id")` a chain of route methods starts from (the
    object of `.get(fn)` in `app.route("/books/:id").get(fn).post(fn)`), else None."""
    fid = module.fid
    for _ in range(8):
        if obj.type != "call_expression":
            return None
        callee = obj.child_by_field_id(fid.function)
        if callee is None or callee.type != "member_expression":
            return None
        args = obj.child_by_field_id(fid.arguments)
        if text_in(module.source, callee.child_by_field_id(fid.property)) == "route":
            return string_value(first_named(args)) if args is not None else None
        inner = callee.child_by_field_id(fid.object)
        if inner is None:
            return None
        obj = inner
    return None


#: An app's methods that run it on a request: lambda-api's `run(event, context)`,
#: Express's `handle(req, res)`, Hapi's and Fastify's `inject({ url: event.path, ... })`
DISPATCHERS = frozenset({"run", "handle", "inject"})
SHELLS = {"sh", "bash", "zsh", "dash", "/bin/sh", "/bin/bash", "cmd", "cmd.exe", "powershell"}
FUNCTION_LITERALS = {"arrow_function", "function_expression", "function"}


def access_path(module: JsModule, node: Node | None) -> str:
    """`body.cmd` for a member or string-keyed subscript chain read from a name
    (`body.cmd`, `body["cmd"]`, `event.body.cmd`), else "". A checked path is bound under
    this key in a frame's bindings, beside the names."""
    if node is None:
        return ""
    kind = node.type
    if kind == "identifier":
        return text_in(module.source, node)
    if kind == "member_expression":
        key = text_in(module.source, node.child_by_field_id(module.fid.property))
    elif kind == "subscript_expression":
        key = string_value(node.child_by_field_id(module.fid.index)) or ""
    else:
        return ""
    head = access_path(module, node.child_by_field_id(module.fid.object))
    return f"{head}.{key}" if head and key else ""


def request_index(params: list[Node]) -> int:
    """Which parameter of a route callback is the request: the second of an error handler
    `(err, req, res, next)` (Express and lambda-api tell one by its four parameters), else
    the first."""
    return 1 if len(params) == 4 else 0


#: What a call needs of its syntax: callee, its kind ("require" for the identifier
#: `require`), the argument nodes, and for a method call the object and method name.
CallSyntax = tuple["Node | None", str, list["Node"], "Node | None", str]


def _call_syntax(node: Node, module: JsModule, new: bool) -> CallSyntax:
    """The syntax of a call or `new` expression (read once per node: loop bodies and
    functions called again are visited more than once)."""
    fid, kinds = module.fid, module.kinds
    func = node.child_by_field_id(fid.constructor if new else fid.function)
    arg_list = node.child_by_field_id(fid.arguments)
    arg_nodes: list[Node] = []
    if arg_list is not None:
        if kinds[arg_list.kind_id] == "template_string":  # a tagged template: values go apart
            arg_nodes = [inner for s in arg_list.named_children
                         if kinds[s.kind_id] == "template_substitution" and
                         (inner := first_named(s)) is not None]
        elif arg_list.named_child_count:
            arg_nodes = [a for a in named_children_of(arg_list)
                         if kinds[a.kind_id] != "comment"]
    if func is None:
        return None, "", arg_nodes, None, ""
    func_kind = kinds[func.kind_id]
    if func_kind == "identifier" and text_in(module.source, func) == "require":
        func_kind = "require"
    elif func_kind == "member_expression":
        return (func, func_kind, arg_nodes, func.child_by_field_id(fid.object),
                text_in(module.source, func.child_by_field_id(fid.property)))
    return func, func_kind, arg_nodes, None, ""


_PATH = frozenset({"path"})
#: `return name;` / `return await name;`: a function handing out a binding it holds
RETURNED_NAME = re.compile(rb"\breturn\s+(?:await\s+)?([A-Za-z_$][\w$]*)\s*(?:;|\n|\r|}|$)")


#: Parts of kind-making names too common in any code to tell one (`mongodb.MongoClient.
#: connect` is told by `MongoClient`, `axios.create` by `axios`)
_COMMON_PARTS = frozenset({"default", "create", "extend", "connect", "promise", "model",
                           "connection", "collection", "configure", "Environment", "Request",
                           "Model", "got", "sql", "vm"})


@lru_cache(maxsize=1)
def _kind_words() -> frozenset[bytes]:
    """The words of the names making objects of a kind whose methods are sinks (`knex`,
    `MongoClient`, `createPool`, `Pool`...): a function holding none of them makes none."""
    table = js_table()
    receivers = {jsink.sink.receiver for sinks in table.methods.values() for jsink in sinks}
    return _maker_words({*receivers, *table.fluent}, _COMMON_PARTS)


def _maker_words(kinds: Collection[str | None], skip: frozenset[str]) -> frozenset[bytes]:
    """The identifier-like words (`skip` aside) of the table's names making objects of
    these kinds (`mongodb.MongoClient`: `mongodb`, `MongoClient`)."""
    return frozenset(part.encode() for name, kind in js_table().kinds.items() if kind in kinds
                     for part in name.replace("/", ".").split(".")
                     if part not in skip and IDENTIFIER.fullmatch(part.encode()))


def _return_facts(module: JsModule, node: Node) -> tuple[bool, tuple[str, ...]]:
    """What a function's text says of what it may return: does it hold a kind-making word
    (and a `return`, or is it an arrow function's expression), and the bare names it
    returns (`return db;`)?"""
    text = module.source[node.start_byte:node.end_byte]
    returns = text.find(b"return") >= 0
    body = node.child_by_field_id(module.fid.body)
    if not returns and (body is None or body.type == "statement_block"):
        return False, ()
    maker = not _kind_words().isdisjoint(IDENTIFIER.findall(text))
    names = tuple(dict.fromkeys(m.group(1).decode() for m in RETURNED_NAME.finditer(text)))
    return maker, names


@lru_cache(maxsize=1)
def _app_words() -> frozenset[bytes]:
    """The words of the names making web apps and routers (`express`, `Router`, `koa`)."""
    return _maker_words({APP}, frozenset())


def _may_make_app(module: JsModule, node: Node) -> bool:
    """Does a function's text return something and name a web app or router maker?"""
    text = module.source[node.start_byte:node.end_byte]
    return text.find(b"return") >= 0 and not _app_words().isdisjoint(IDENTIFIER.findall(text))


#: Response methods setting the Content-Type (Express, Node's http) and those writing the
#: body (`res.type("html")` then `res.send(page)`).
HTML_SETTERS = frozenset({"type", "contentType", "set", "header", "setHeader", "writeHead"})
HTML_WRITERS = frozenset({"send", "write", "end"})


def _html_type(text: str | None) -> bool:
    """Is a Content-Type (or Express's `res.type` shorthand) HTML?"""
    if text is None:
        return False
    low = text.lower()
    return low.startswith("text/html") or low in ("html", ".html")


def html_headers(node: Node | None, module: JsModule) -> bool:
    """Is `node` an object literal of headers whose Content-Type is HTML?"""
    if node is None or node.type != "object":
        return False
    fid = module.fid
    for pair in node.named_children:
        if pair.type != "pair":
            continue
        name = key_name(module, pair)
        if name is not None and name.lower() == "content-type":
            value = pair.child_by_field_id(fid.value)
            if value is not None and value.type == "array":
                value = first_named(value)
            return _html_type(string_value(value))
    return False


def _sets_html(name: str, arg_nodes: list[Node], module: JsModule) -> bool:
    """Does `res.<name>(args)` make the response HTML (`type("html")`, `set("Content-Type",
    "text/html")`, `setHeader(...)`, `set({...})`, `writeHead(200, {...})`)?"""
    if not arg_nodes:
        return False
    if name in ("type", "contentType"):
        return _html_type(string_value(arg_nodes[0]))
    if name == "writeHead":
        return any(html_headers(arg, module) for arg in arg_nodes[1:])
    first = string_value(arg_nodes[0])
    if first is None:
        return html_headers(arg_nodes[0], module)
    return first.lower() == "content-type" and len(arg_nodes) > 1 and \
        _html_type(string_value(arg_nodes[1]))


def _last_segment(name: str, obj: Node, arg_nodes: list[Node], module: JsModule) -> bool:
    """Is `obj.name(args)` the last '/'-segment of a string, as path.basename gives it:
    `s.split("/").pop()`, `s.split("/").at(-1)`?"""
    if module.kinds[obj.kind_id] != "call_expression":
        return False
    _, _, split_args, _, method = _call_syntax(obj, module, False)
    if method != "split" or len(split_args) != 1 or string_value(split_args[0]) != "/":
        return False
    if name == "pop":
        return not arg_nodes
    return len(arg_nodes) == 1 and text_in(module.source, arg_nodes[0]).replace(" ", "") == "-1"


class JsCalls:
    """The call half of the JS engine (`JsAnalyzer` supplies expressions and statements)."""

    table: JsTable
    cache: JsModuleCache
    hits: list[Hit]
    local_funcs: dict[str, FuncRef]
    stack: list[int]
    budget: int
    memo: dict[tuple[Any, ...], Val]
    visited: set[tuple[str, int]]
    fields: dict[tuple[str, str], Val]
    syntax: dict[int, Any]
    #: the prefix of the Fastify plugin being registered (`_register`), "" outside one
    plugin_prefix: str

    # provided by JsAnalyzer
    def ev(self, node: Node | None, f: JsFrame, name_hint: str | None = None) -> Val:
        raise NotImplementedError

    def member(self, holder: Val, prop: str, f: JsFrame, at: int | None = None,
               default: bool = False) -> Val:
        raise NotImplementedError

    def require(self, spec: str, f: JsFrame) -> Val:
        raise NotImplementedError

    def func_ref(self, val: Val) -> FuncRef | None:
        raise NotImplementedError

    def class_ref(self, val: Val) -> FuncRef | None:
        raise NotImplementedError

    def run_body(self, fnode: Node, frame: JsFrame) -> None:
        raise NotImplementedError

    def bind(self, target: Node, val: Val, f: JsFrame, at: int) -> None:
        raise NotImplementedError

    def key_text(self, key: Node | None, source: bytes | None = None) -> str | None:
        raise NotImplementedError

    def module_exports(self, module: JsModule) -> dict[str, Val]:
        raise NotImplementedError

    def lookup(self, name: str, f: JsFrame) -> Val:
        raise NotImplementedError

    @staticmethod
    def params(fnode: Node, fid: FieldIds) -> list[Node]:
        raise NotImplementedError

    def pattern_names(self, node: Node, source: bytes) -> list[str]:
        raise NotImplementedError

    # ------------------------------------------------------------------ dispatch

    def call(self, node: Node, f: JsFrame, new: bool = False) -> Val:
        """A call or `new` expression (`new`: the latter)."""
        syntax = self.syntax.get(node.id)
        if syntax is None:
            syntax = self.syntax[node.id] = _call_syntax(node, f.module, new)
        func, func_kind, arg_nodes, obj, prop = syntax
        if func is None:
            return CLEAN
        if func_kind == "import" or func_kind == "require" and "require" not in f.env:
            spec = string_value(arg_nodes[0]) if arg_nodes else None
            if spec is not None:
                return self.require(spec, f)
            if arg_nodes:  # a module chosen at run time: the code that runs, if tainted
                chosen = self.ev(arg_nodes[0], f)
                if chosen.taints:
                    self.report("code", f"{func_kind}()", node, chosen, f)
            return CLEAN
        args = [self.ev(a, f) for a in arg_nodes]
        if obj is not None and prop:
            receiver = self.ev(obj, f)
            return self.method(prop, receiver, obj, node, arg_nodes, args, f)
        callee = self.ev(func, f)
        return self.call_value(callee, node, arg_nodes, args, f)

    def call_value(self, callee: Val, node: Node, arg_nodes: list[Node], args: list[Val],
                   f: JsFrame) -> Val:
        """Calling a value: a project function, a package export, or something unknown."""
        ref = self.func_ref(callee)
        if ref is not None:
            # at a module's top level a project function given a function is run even
            # without taint: `export const main = middyfy(hello)` is what it returns;
            # so is one that may make a web app or router (`app.use("/r", makeRouter())`):
            # its routes are registered
            return self.inline(ref, args, node, f, force=f.top_level and (any(
                a.kind is not None and a.kind.startswith(FN) for a in args) or
                ref.module.summary(f"app:{ref.node.start_byte}",
                                   lambda module: _may_make_app(module, ref.node))))
        kind = callee.kind
        cls = self.class_ref(callee)
        if cls is not None and kind is not None:  # `new Repo(pool)`: run the constructor
            key = kind[len(CLASS):]
            ctor = self.class_method(cls, "constructor")
            if ctor is not None:  # run even without taint: it gives fields their kinds
                self.inline(ctor, args, node, f, force=True)
            return Val((), INSTANCE + key)
        if kind is not None and kind.startswith(LOCAL):  # `module.exports = function`
            whole = self.member(callee, "module.exports", f)
            if whole.kind is not None and whole.kind.startswith(FN):
                return self.call_value(whole, node, arg_nodes, args, f)
        qname = qualified(callee)
        if qname is not None:
            return self.named(qname, node, arg_nodes, args, f)
        self.callbacks(None, CLEAN, arg_nodes, args, node, f)
        if kind in self.table.fluent:  # `knex("users")`: a query builder of the same kind
            return Val((), kind)
        return union([callee, *args])

    def named(self, qname: str, node: Node, arg_nodes: list[Node], args: list[Val],
              f: JsFrame) -> Val:
        """A call of a package's export (or a global) by its qualified name."""
        table = self.table
        for jsink in table.calls.get(qname, ()):
            self.check_sink(jsink, node, arg_nodes, args, f)
        self.callbacks(None, CLEAN, arg_nodes, args, node, f)
        for a in args:
            if a.kind == APP:  # `handleRequest(server, event, context)`
                self._dispatch(args, node, f)
                break
        if qname in table.full:
            return CLEAN
        if qname in table.same_function:  # `const run = promisify(exec)`: run is exec
            return args[0] if args else CLEAN
        partial = table.partial.get(qname)
        if partial is not None:
            return cleared(union(args), partial)
        if qname in table.structured:
            return structured(union(args[:1]))
        if qname in table.stringify:
            return stringified(union(args))
        if qname in table.element_methods:
            return union(args)
        if qname in table.event_validators:  # `validator({ eventSchema })` of middy
            return self._validator(table.event_validators[qname], arg_nodes, f)
        kind = table.kinds.get(qname)
        if kind is not None and (kind != MIDDY or not any(
                a.kind is not None and a.kind.startswith(FN) for a in args)):
            return Val((), kind)  # (middy(fn) is fn, below)
        if qname.split(".", 1)[0] in table.schema_packages:
            return Val((), "schema")
        wrapped = next((a for a in args if a.kind is not None and a.kind.startswith(FN)), None)
        if wrapped is not None and not any(a.taints for a in args):
            return wrapped  # a wrapper such as middy(handler): the handler itself
        return union(args)

    def method(self, name: str, receiver: Val, obj: Node, node: Node, arg_nodes: list[Node],
               args: list[Val], f: JsFrame) -> Val:
        """`obj.name(args)`: package functions, sinks, sanitisers, propagators."""
        kind = receiver.kind
        table = self.table
        if kind is not None and kind.startswith(LOCAL):
            return self.call_value(self.member(receiver, name, f), node, arg_nodes, args, f)
        if kind is not None and kind.startswith(MIDDY):
            return self._middy(name, kind, receiver, obj, args, f)
        qname = qualified(receiver)
        if qname is not None:
            return self.named(f"{qname}.{name}", node, arg_nodes, args, f)
        cls = self.class_ref(receiver)
        if cls is not None:
            found = self.class_method(cls, name)
            if found is not None:
                return self.inline(found, args, node, f)
        if self.func_ref(receiver) is not None:
            if name in ("call", "apply"):  # fn.call(thisArg, ...args), fn.apply(thisArg, args)
                given = args[1:] if name == "call" else [union(args[1:2])]
                return self.call_value(receiver, node, arg_nodes[1:], given, f)
            if name == "use":  # middy(base).use(validator({ eventSchema })): checked events
                self._validated_by(receiver, args)
            return receiver  # middy(base).use(...), fn.bind(...): still the function
        if kind == HTML_RESPONSE:  # `res.type("html")` was called: chained calls keep it
            if name in HTML_WRITERS and args:
                self.report("html", f".{name} (HTML response)", node, args[0], f)
            return receiver
        if name in HTML_SETTERS and _sets_html(name, arg_nodes, f.module):
            html = Val(receiver.taints, HTML_RESPONSE)
            holder = text_in(f.module.source, obj) if obj.type == "identifier" else ""
            if holder:  # `res.type("html"); ... res.send(page)`
                f.env[holder] = html
            return html
        for jsink in table.methods.get(name, ()):
            if jsink.sink.receiver is None or jsink.sink.receiver == kind:
                self.check_sink(jsink, node, arg_nodes, args, f)
        if kind == APP:
            if name in table.routes:
                self._route(name, obj, arg_nodes, args, f)
                self.callbacks(name, receiver, arg_nodes, args, node, f)
                return receiver  # `router.get(...).post(...)`, `app.route("/x").get(...)`
            if name == "prefix":  # `new Router().prefix("/v1")` (@koa/router): the router
                return receiver
            if name == "register":  # Fastify: `app.register(plugin, { prefix })`
                self._register(arg_nodes, args, node, f)
            elif name in DISPATCHERS:  # `api.run(event, context)`
                self._dispatch(args, node, f)
        result = self.callbacks(name, receiver, arg_nodes, args, node, f)
        if kind == "schema" and name in table.schema_methods:
            return CLEAN
        if kind == "ajv" and name == "compile":
            return Val((), "validator")
        if kind in table.fluent:
            return Val((), kind)
        if result is not None:
            return result
        if name in table.boolean_methods:
            return CLEAN
        if name in table.arg_methods:
            added = union(args)
            holder = text_in(f.module.source, obj) \
                if added.taints and obj.type == "identifier" else ""
            if holder:
                f.env[holder] = merge(f.env.get(holder, CLEAN), added)
                if PATHS in f.env:
                    forget_paths(f.env, holder, JS_OPENS)
            if name in ("concat", "join"):
                return stringified(union((receiver, added)))
            return union((receiver, added))
        if not receiver.taints:
            return CLEAN
        if name in ("pop", "at") and _last_segment(name, obj, arg_nodes, f.module):
            return cleared(extend(receiver, "*", (f.module.file, line(node))), _PATH)
        if name in table.string_methods:
            if name in ("replace", "replaceAll", "concat"):
                return stringified(union([receiver, *args[1:]] if name != "concat"
                                         else [receiver, *args]))
            return stringified(receiver)
        if name in table.element_methods:
            return extend(receiver, "*", (f.module.file, line(node)))
        return Val(receiver.taints)

    def _route(self, method: str, obj: Node, arg_nodes: list[Node], args: list[Val],
               f: JsFrame) -> None:
        """Remember the callbacks of `app.get("/path", ...)` as entries of the app, with
        the event paths the route's schema validates (`app.post(path, { schema }, fn)`);
        `app.route({ method, url, handler, schema })` is one route too."""
        module = f.module
        table = self.table
        options = next((a for a in arg_nodes if a.type == "object"), None)
        if method == "route" and options is not None:
            verb = string_value(object_value(module, options, "method"))
            path = string_value(object_value(module, options, "url") or
                               object_value(module, options, "path"))
            handler = object_value(module, options, "handler")
            args = [self.ev(handler, f)] if handler is not None else []
            method = verb or "all"
        else:
            path = string_value(arg_nodes[0]) if arg_nodes else None
            if path is None:  # `app.route("/books/:id").get(fn).post(fn)` (Express)
                path = _chained_route_path(module, obj)
            elif method == "route":
                return  # its methods register the handlers
        if path and self.plugin_prefix and path.startswith("/"):
            path = self.plugin_prefix + path
        if method == "use" and path and path.startswith("/"):
            self._mount(path, arg_nodes[1:], args[1:], f)
        if path and path.startswith("/") and method != "use":
            path = router_prefix(module, obj) + path  # `new Router({ prefix: "/media" })`
        label = f"{method.upper()} {path or '*'}"
        validated = route_schema_paths(module, options, table.schema_parts) \
            if options is not None else NO_PATHS
        routes = self.cache.routes.setdefault(module.file, [])
        for val in args:
            ref = self.func_ref(val)
            if ref is not None and all(ref.node != known.node for _, known, _ in routes):
                routes.append((label, ref, validated))

    def _register(self, arg_nodes: list[Node], args: list[Val], node: Node,
                  f: JsFrame) -> None:
        """Fastify's `app.register(plugin, { prefix })`: the plugin function is run with an
        instance of the app, its routes under the prefix."""
        options = next((a for a in arg_nodes if a.type in ("object", "identifier")
                        and a is not arg_nodes[0]), None)
        prefix = string_value(object_value(f.module, options, "prefix")) or ""
        outer = self.plugin_prefix
        self.plugin_prefix = outer + prefix.rstrip("/") if prefix.startswith("/") else outer
        for val in args[:1]:
            ref = self.func_ref(val)
            if ref is None and val.kind is not None and val.kind.startswith(LOCAL):
                # a plugin module's default export (`import dnsRoutes from "./dns.mjs"`)
                ref = self.func_ref(self.member(val, "default", f)) or \
                    self.func_ref(self.member(val, "module.exports", f))
            if ref is not None:
                self.inline(ref, [Val((), APP)], node, f, force=True)
        self.plugin_prefix = outer

    def _dispatch(self, args: list[Val], node: Node, f: JsFrame) -> None:
        """An app run with the event by a handler of its own (lambda-api's
        `api.run(event, context)`, a Hapi adapter's `handleRequest(server, event)`): the
        routes registered in the handler's module graph get the event as their request."""
        event = next((a for a in args if a.taints), None)
        if event is None:
            return
        from faasguard.analysis.js.project import module_graph  # (project imports calls)

        # the request is the event (a request built from its fields, `inject({ url:
        # event.path, payload: event.body })`, is the event too)
        given = Val(tuple({t.origin: t._replace(path=()) for t in event.taints}.values()),
                    REQUEST)
        for file in module_graph(self.cache, f.module.file):
            for _, ref, _ in list(self.cache.routes.get(file, ())):
                at = request_index(self.params(ref.node, ref.module.fid))
                self.inline(ref, [CLEAN] * at + [given], node, f, force=True)

    def _mount(self, path: str, arg_nodes: list[Node], args: list[Val], f: JsFrame) -> None:
        """`app.use("/orders", orders)`: the routes of the module `orders` comes from
        (or of the module of the factory that made it: `makeOrders()`) are under /orders.
        An ES module's import (`import orders from "./orders.mjs"`) binds the router
        itself, not its module: the module is the one the import names."""
        for arg_node, val in zip(arg_nodes, args, strict=False):
            kind, named = val.kind, arg_node
            if (kind is None or not kind.startswith(LOCAL)) and \
                    arg_node.type == "call_expression":
                named = arg_node.child_by_field_id(f.module.fid.function) or arg_node
                kind = self.ev(named, f).kind
            file = kind[len(LOCAL):] if kind is not None and kind.startswith(LOCAL) else \
                self._imported_file(named, f.module)
            if file is not None:
                self.cache.mounts.setdefault(file, (f.module.file, path))

    def _imported_file(self, node: Node, module: JsModule) -> str | None:
        """The project file a name is imported or required from (None: not a name, or
        not from a file of the project): through a barrel's re-exports
        (`import { users } from "./routes/index.js"`), the file defining the export."""
        if node.type != "identifier":
            return None
        found = FileIndex.of(module).imported(module.text(node))
        file = self.cache.resolve_local(module.file, found[0]) if found is not None else None
        if file is None or found is None:
            return None
        return export_origin(self.cache, file, found[1] if found[1] is not None else "default")

    def _validator(self, key: str, arg_nodes: list[Node], f: JsFrame) -> Val:
        """A validating middleware (`validator({ eventSchema })`): a value of kind
        VALIDATED naming the event paths its schema validates (kept in the cache)."""
        paths = validated_paths(f.module, object_value(f.module, arg_nodes[0], key)) \
            if arg_nodes else NO_PATHS
        if not paths:
            return CLEAN
        name = f"{f.module.file}:{arg_nodes[0].start_byte}"
        self.cache.validated[VALIDATED + name] = paths
        return Val((), VALIDATED + name)

    def _middy(self, name: str, kind: str, receiver: Val, obj: Node, args: list[Val],
               f: JsFrame) -> Val:
        """A method of a middy instance made without its handler: `.handler(fn)` gives fn
        (the validators `.use(...)` gave the instance before apply to it); `.use(...)`,
        `.before(...)`...: the same instance (its kind: MIDDY and the last validator's
        kind). In `const h = middy(); h.use(cors()).handler(fn)`, h is then fn."""
        if name == "use":
            validator = next((a.kind for a in args if a.kind is not None and
                              a.kind.startswith(VALIDATED)), None)
            return Val((), MIDDY + validator) if validator is not None else receiver
        completed = next((a for a in args if a.kind is not None and a.kind.startswith(FN)),
                         None) if name == "handler" else None
        if completed is None:
            return receiver
        if kind != MIDDY:
            self._validated_by(completed, [Val((), kind[len(MIDDY):])])
        root = obj
        while root.type == "call_expression" and (callee := root.child_by_field_id(
                f.module.fid.function)) is not None and callee.type == "member_expression":
            root = callee.child_by_field_id(f.module.fid.object) or callee
        holder = text_in(f.module.source, root) if root.type == "identifier" else ""
        known = f.env.get(holder) if holder else None
        if known is not None and known.kind is not None and known.kind.startswith(MIDDY):
            f.env[holder] = completed
        return completed

    def _validated_by(self, receiver: Val, args: list[Val]) -> None:
        """`handler.use(middleware)`: the event paths the middleware validates are
        validated when the handler runs."""
        ref = self.func_ref(receiver)
        for val in args:
            paths = self.cache.validated.get(val.kind or "") \
                if val.kind is not None and val.kind.startswith(VALIDATED) else None
            if ref is not None and paths:
                key = f"{ref.module.file}:{ref.node.start_byte}"
                self.cache.validated[key] = self.cache.validated.get(key, NO_PATHS) | paths

    # ------------------------------------------------------------------ callbacks

    def callbacks(self, method: str | None, receiver: Val, arg_nodes: list[Node],
                  args: list[Val], node: Node, f: JsFrame) -> Val | None:
        """Analyse function literals passed as arguments; the value the call then has
        (array callbacks and `.then`), else None."""
        result: Val | None = None
        for arg_node, val in zip(arg_nodes, args, strict=False):
            if val.kind is None or not val.kind.startswith(FN) or \
                    arg_node.type not in FUNCTION_LITERALS:
                continue
            ref = self.func_ref(val)
            if ref is None:
                continue
            if method in self.table.callbacks:
                element = extend(receiver, "*", (f.module.file, line(node)))
                given = [union(args[1:2]), element] if method == "reduce" else [element]
                out = self.inline(ref, given, node, f, force=True)
                result = receiver if method in ("filter", "find", "findLast") else \
                    out
            elif method == "then":
                result = self.inline(ref, [Val(receiver.taints)], node, f, force=True)
            else:
                self.inline(ref, [], node, f, force=True)
        return result

    # ------------------------------------------------------------------ sinks

    def check_sink(self, jsink: JsSink, node: Node, arg_nodes: list[Node], args: list[Val],
                   f: JsFrame) -> None:
        """Report tainted arguments that reach a sink (its condition permitting)."""
        sink = jsink.sink
        condition = sink.condition
        indexes = list(sink.args)
        if condition == "shell":
            indexes = [0] + ([1] if self._shell(arg_nodes) else [])
        elif condition == "unsafe-yaml" and not self._option(arg_nodes, "schema", "unsafe"):
            return
        elif condition == "noent" and not self._option(arg_nodes, "noent", "true"):
            return
        elif condition == "location-header":
            first = string_value(arg_nodes[0]) if arg_nodes else None
            if first is None or first.lower() != "location":
                return
        elif condition == "unrooted":
            root = self._root_option(arg_nodes, args, f)
            if root is not None:  # Express confines the path to `root`: the root matters
                if root.taints:
                    self.report(sink.category, sink.name.lstrip("."), node,
                                union([args[0], root]) if args else root, f)
                return
        for index in indexes:
            if index >= len(args):
                continue
            val = args[index]
            arg = arg_nodes[index]
            if jsink.props and arg.type == "object":
                val = self._props(arg, jsink.props, f)
            if condition == "structured":
                val = Val(tuple(t for t in val.taints if t.structured))
            if val.taints:
                self.report(sink.category, sink.name.lstrip(".") if sink.receiver is None
                            else f"{sink.receiver}.{sink.name.lstrip('.')}", node, val, f)

    def _root_option(self, arg_nodes: list[Node], args: list[Val], f: JsFrame) -> Val | None:
        """The value of the `root` option an options argument after the path gives
        (res.sendFile, res.download): an object literal setting `root`, or a name
        declared once as one and only passed to calls (its value's taints: all its
        properties'); None when no argument sets it, or sets it to the file system's
        root ('/', as written to let absolute paths through: it confines nothing)."""
        for index, arg in enumerate(arg_nodes[1:], 1):
            if arg.type == "object":
                if self._sets_root_slash(arg, f):
                    return None
                vals = self._prop_vals(arg, ("root",), f)
                if vals:
                    return union(vals)
            elif arg.type == "identifier" and index < len(args) and \
                    self._declared_with(arg, "root", f):
                return args[index]
        return None

    def _sets_root_slash(self, obj: Node, f: JsFrame) -> bool:
        """Does an object literal set `root` to '/' (or to '', which send ignores)?"""
        return any(child.type == "pair" and self.key_text(
            child.child_by_field_id(f.module.fid.key), f.module.source) == "root" and
            string_value(child.child_by_field_id(f.module.fid.value)) in ("/", "")
            for child in obj.named_children)

    def _declared_with(self, name_node: Node, key: str, f: JsFrame) -> bool:
        """Is the name declared once in its file, as an object literal setting `key` (to
        no '/', for `root`: `_sets_root_slash`), and otherwise only passed to calls (never
        assigned, changed or spread)?"""
        module = f.module
        declared: Node | None = None
        for node in word_nodes(module, text_in(module.source, name_node)):
            parent = node.parent
            if node.type not in ("identifier", "shorthand_property_identifier") or \
                    parent is None:
                continue
            if parent.type == "variable_declarator" and \
                    parent.child_by_field_id(module.fid.name) == node:
                if declared is not None:
                    return False
                declared = parent.child_by_field_id(module.fid.value)
            elif parent.type != "arguments":
                return False
        return declared is not None and declared.type == "object" and not (
            key == "root" and self._sets_root_slash(declared, f)) and any(
            self.key_text(child.child_by_field_id(module.fid.key), module.source) == key
            if child.type == "pair" else
            child.type == "shorthand_property_identifier" and
            text_in(module.source, child) == key for child in declared.named_children)

    def _props(self, obj: Node, props: tuple[str, ...], f: JsFrame) -> Val:
        return union(self._prop_vals(obj, props, f))

    def _prop_vals(self, obj: Node, props: tuple[str, ...], f: JsFrame) -> list[Val]:
        """The values an object literal gives these properties (none when it sets none)."""
        vals = []
        for child in obj.named_children:
            if child.type == "pair" and \
                    self.key_text(child.child_by_field_id(f.module.fid.key),
                                  f.module.source) in props:
                vals.append(self.ev(child.child_by_field_id(f.module.fid.value), f))
            elif child.type == "shorthand_property_identifier" and \
                    (name := text_in(f.module.source, child)) and name in props:
                vals.append(self.lookup(name, f))
        return vals

    def _shell(self, arg_nodes: list[Node]) -> bool:
        """Does a spawn/execFile call run a shell (`shell: true`, or `sh -c` argv)?"""
        if self._option(arg_nodes, "shell", "truthy"):
            return True
        program = string_value(arg_nodes[0]) if arg_nodes else None
        if program in SHELLS and len(arg_nodes) > 1 and arg_nodes[1].type == "array":
            return any(string_value(e) == "-c" for e in arg_nodes[1].named_children)
        return False

    def _option(self, arg_nodes: list[Node], key: str, want: str) -> bool:
        """Does an object-literal argument set `key` (truthy / true / an unsafe schema)?"""
        for arg in arg_nodes:
            if arg.type != "object":
                continue
            for child in arg.named_children:
                if child.type != "pair" or self.key_text(child.child_by_field_name("key")) != key:
                    continue
                value = child.child_by_field_name("value")
                text = value.text.decode() if value is not None and value.text else ""
                if want == "true":
                    return text == "true"
                if want == "unsafe":
                    return "FULL" in text.upper() or "js-types" in text or "jsTypes" in text
                return text not in ("false", "0", "null", "undefined", "''", '""')
        return False

    def report(self, category: str, sink: str, node: Node, val: Val, f: JsFrame) -> None:
        """Record every taint of `val` not cleared for `category` as a hit."""
        where = line(node)
        function = f"{f.module.file}:{f.name}"
        for taint in val.taints:
            if category not in taint.cleared:
                self.hits.append(Hit(category, sink, f.module.file, where, taint, function))

    # ------------------------------------------------------------------ guards

    def guard(self, cond: Node, f: JsFrame) -> tuple[set[str], set[str]]:
        """Bindings a condition validates: (when it is true, when it is false)."""
        kind = cond.type
        if kind == "parenthesized_expression" and (inner := first_named(cond)) is not None:
            return self.guard(inner, f)
        if kind == "unary_expression":
            op = cond.child_by_field_id(f.module.fid.operator)
            arg = cond.child_by_field_id(f.module.fid.argument)
            if op is not None and op.text == b"!" and arg is not None:
                yes, no = self.guard(arg, f)
                return no, yes
            return set(), set()
        if kind == "binary_expression":
            return self._guard_binary(cond, f)
        if kind == "call_expression":
            return self._guard_call(cond, f), set()
        return set(), set()

    def _guard_binary(self, cond: Node, f: JsFrame) -> tuple[set[str], set[str]]:
        op_node = cond.child_by_field_id(f.module.fid.operator)
        op = op_node.text.decode() if op_node is not None and op_node.text else ""
        left = cond.child_by_field_id(f.module.fid.left)
        right = cond.child_by_field_id(f.module.fid.right)
        if left is None or right is None:
            return set(), set()
        if op in ("&&", "||"):
            a, b = self.guard(left, f), self.guard(right, f)
            return (a[0] | b[0], set()) if op == "&&" else (set(), a[1] | b[1])
        if op not in ("===", "==", "!==", "!="):
            return set(), set()
        names = self._tainted_names([left], f)
        other = right
        if not names:
            names, other = self._tainted_names([right], f), left
        if not names or self.ev(other, f).taints or other.type in ("identifier",) and \
                other.text == b"undefined":
            return set(), set()
        return (names, set()) if op in ("===", "==") else (set(), names)

    def _guard_call(self, cond: Node, f: JsFrame) -> set[str]:
        func = cond.child_by_field_id(f.module.fid.function)
        arg_list = cond.child_by_field_id(f.module.fid.arguments)
        arg_nodes = list(named_children_of(arg_list)) if arg_list is not None else []
        if func is None:
            return set()
        guards = self.table.guards
        if func.type == "member_expression":
            obj = func.child_by_field_id(f.module.fid.object)
            prop = func.child_by_field_id(f.module.fid.property)
            name = prop.text.decode() if prop is not None and prop.text else ""
            if obj is None:
                return set()
            receiver = self.ev(obj, f)
            qname = qualified(receiver)
            full = f"{qname}.{name}" if qname else None
            if name in guards or (full is not None and full in guards) or \
                    (receiver.kind == "ajv" and name == "validate"):
                if receiver.taints:  # `value.startsWith(BASE)`, `value.match(/^..$/)`
                    if any(self.ev(a, f).taints for a in arg_nodes):
                        return set()
                    return self._tainted_names([obj], f)
                return self._tainted_names(arg_nodes, f)
            return set()
        callee = self.ev(func, f)
        qname = qualified(callee)
        if callee.kind == "validator" or (qname is not None and qname in guards):
            return self._tainted_names(arg_nodes, f)
        return set()

    def _tainted_names(self, nodes: list[Node], f: JsFrame) -> set[str]:
        """The checked bindings among `nodes`: tainted names, and tainted access paths
        (`body.cmd`, `body["cmd"]`: see `access_path`)."""
        out = set()
        for node in nodes:
            if node.type == "identifier":
                name = text_in(f.module.source, node)
                if name and f.env.get(name, CLEAN).taints:
                    out.add(name)
            elif (path := access_path(f.module, node)) and self.ev(node, f).taints:
                out.add(path)
        return out

    # ------------------------------------------------------------------ project code

    def class_method(self, cls: FuncRef, name: str, this: str | None = None,
                     depth: int = 0) -> FuncRef | None:
        """A method of a project class, or of the classes it extends (its frame's `this`
        is the class the object was made from)."""
        body = cls.node.child_by_field_name("body")
        this = this or f"{cls.module.file}:{cls.node.start_byte}"
        for member in body.named_children if body is not None else []:
            if member.type != "method_definition":
                continue
            if text_of(member.child_by_field_name("name")) == name and name:
                return FuncRef(cls.module, member, cls.closure, f"{cls.name}.{name}", this)
        heritage = next((c for c in cls.node.named_children if c.type == "class_heritage"), None)
        if heritage is None or not heritage.named_children or depth > MAX_DEPTH:
            return None
        parent_node = heritage.named_children[0]
        if parent_node.type == "extends_clause" and parent_node.named_children:
            parent_node = parent_node.named_children[0]  # TypeScript: extends_clause
        scope = cls.closure or JsFrame(cls.module, "<class>", top_level=True)
        parent = self.class_ref(self.ev(parent_node, scope))
        return self.class_method(parent, name, this, depth + 1) if parent is not None else None

    def _may_return_kind(self, ref: FuncRef) -> bool:
        """Can a project function called without taint return an object of a table kind
        (a knex instance, a MongoDB database: `getDb()`), whose methods are sinks? Yes
        when its text makes one (`_kind_words`) or it returns a name bound to one (a
        module constant, a captured binding); such a call is then run for its value."""
        maker, names = ref.module.summary(f"returns:{ref.node.start_byte}",
                                          lambda module: _return_facts(module, ref.node))
        if maker:
            return True
        kinds = self.table.kind_values
        for name in names:
            val = ref.closure.env.get(name) if ref.closure is not None else None
            if val is None:
                val = ref.module.env.get(name)
            if val is not None and val.kind in kinds:
                return True
        return False

    def inline(self, ref: FuncRef, args: list[Val], node: Node, caller: JsFrame,
               force: bool = False) -> Val:
        """Analyse a project function for this call's arguments; its return value."""
        closure = ref.closure
        tainted = any(a.taints for a in args) or (
            closure is not None and any(v.taints for v in closure.env.values())) or (
            ref.cls is not None and any(v.taints for (c, _), v in self.fields.items()
                                        if c == ref.cls))
        if not tainted and not force and not self._may_return_kind(ref):
            return CLEAN
        key_node = ref.node.start_byte
        if key_node in self.stack or len(self.stack) > MAX_DEPTH or self.budget <= 0:
            return union(args)
        key = (ref.module.file, key_node, node.start_byte, call_signature(args),
               id(closure))
        known = self.memo.get(key)
        if known is not None:
            return known
        self.memo[key] = union(args)  # a recursive call meanwhile sees its arguments
        self.budget -= 1
        frame = JsFrame(ref.module, ref.name, dict(closure.env) if closure is not None else {},
                        cls=ref.cls)
        at = line(ref.node)
        for index, param in enumerate(self.params(ref.node, ref.module.fid)):
            val = args[index] if index < len(args) else CLEAN
            if param.type == "rest_pattern":
                val = union(args[index:])
            if val.taints:
                val = with_step(val, (caller.module.file, line(node),
                                      f"passed to {ref.name}()"))
            self.bind(param, val, frame, at)
            if ref.cls is not None and any(c.type in ("accessibility_modifier", "readonly")
                                           for c in param.children):
                for name in self.pattern_names(param, ref.module.source)[:1]:  # TS property
                    self.fields[(ref.cls, name)] = merge(self.fields.get((ref.cls, name), CLEAN),
                                                         val)
        self.stack.append(key_node)
        if tainted:
            self.visited.add((ref.module.file, at))
        self.run_body(ref.node, frame)
        self.stack.pop()
        if closure is not None:  # writes to captured bindings are seen by the caller
            for name, val in frame.env.items():
                if name in closure.env and val.taints and val is not closure.env[name]:
                    closure.env[name] = merge(closure.env[name], val)
        result = union(frame.returns, next((r.kind for r in frame.returns if r.kind), None))
        if result.taints:
            result = with_step(result, (caller.module.file, line(node),
                                        f"returned from {ref.name}()"))
        self.memo[key] = result
        return result
