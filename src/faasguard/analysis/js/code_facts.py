"""Code-level facts from Node.js/TypeScript sources: secrets, TLS off, `http://`, logged secrets.

The JavaScript counterpart of `analysis.code_facts`: it fills `facts.code[path]` with the
same `FileFacts` records, so the data and third-party rules (FG-DATA-003, FG-DATA-011,
FG-TP-003, FG-TP-004) judge Node.js handlers unchanged. Secrets are recognised by
`analysis.secrets` (one set of detectors for every language).

Each file comes from the scan's JS module cache (parsed once per scan, shared with the
taint and AWS call analyses); one compiled tree-sitter query collects the nodes this
analysis reads, so the cost is one pass in C plus a look at the few nodes that matter.

What counts:

- secrets: a literal under a secret's name (`const apiKey = "..."`, `{ password: "..." }`,
  `this.token = "..."`, a class field, a default value, an `env.X || "fallback"`), and a
  known token format in any string or template literal;
- TLS off: `rejectUnauthorized: false` (https/tls agents and options, axios/got/pg/ws),
  `strictSSL: false` (request), `tlsAllowInvalidCertificates: true` (MongoDB),
  `checkServerIdentity` that checks nothing, superagent's `.disableTLSCerts()` and
  `NODE_TLS_REJECT_UNAUTHORIZED = "0"`;
- plain HTTP: an `http://` URL of a remote host passed to a call (fetch, axios, got,
  http.request, request, `new URL`...) or stored under a name;
- sensitive logs: `console.*`, `logger.*` (pino, winston, Powertools `Logger`, bunyan) and
  `process.stdout.write` given a password/token/card field, the request headers, or the
  whole event of an HTTP-triggered handler (its headers carry `Authorization`), or the
  whole `process.env` (the function's credentials); also Powertools `logEvent: true` in
  such a handler.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from faasguard.analysis.code_facts import (
    ENV_CREDENTIALS,
    CodeFact,
    FileFacts,
    is_sensitive_field,
    remote_http_url,
    serves_headers,
    unique_facts,
)
from faasguard.analysis.facts import Facts
from faasguard.analysis.js.parse import (
    EXTENSIONS,
    MAX_NESTING,
    JsModule,
    JsParseError,
    dialect_of,
    js_module_cache,
    language,
    line,
    parse_bytes,
    string_value,
)
from faasguard.analysis.js.signatures import signature_checks
from faasguard.analysis.nodejs import is_node
from faasguard.analysis.secrets import find_secret, known_format, name_words
from faasguard.analysis.signatures import KIND
from faasguard.model import App, Diagnostic

if TYPE_CHECKING:
    from tree_sitter import Node, Query

#: The query's patterns: capture name and pattern; `{literal}` stands for the kinds of
#: value a literal can be written as, `{setting}` for option values, `{methods}` for the
#: methods that log or switch TLS off. A pattern (or alternative) naming a kind the
#: grammar lacks is left out (TypeScript names parameters and class fields differently).
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("decl", "(variable_declarator name: (identifier) value: [{literal}]) @decl"),
    ("assign", "(assignment_expression right: [{literal} {setting}]) @assign"),
    ("assign", "(assignment_pattern right: [{literal}]) @assign"),
    ("assign", "(object_assignment_pattern right: [{literal}]) @assign"),
    ("param", "(required_parameter value: [{literal}]) @param"),
    ("param", "(optional_parameter value: [{literal}]) @param"),
    ("field", "(field_definition value: [{literal}]) @field"),
    ("field", "(public_field_definition value: [{literal}]) @field"),
    ("pair", "(pair value: [{literal} {setting}]) @pair"),
    ("body", '(pair key: (property_identifier) @key (#eq? @key "body")) @body'),
    ("call", "(call_expression function: (member_expression property: (property_identifier)"
             " @method (#any-of? @method {methods}))) @call"),
    ("arg", "(arguments [(string) (template_string)] @arg)"),
    ("string", "(string) @string"),
    ("string", "(template_string) @string"),
)
_LITERAL_KINDS = ("string", "template_string", "binary_expression", "parenthesized_expression",
                  "as_expression", "satisfies_expression", "non_null_expression",
                  "type_assertion")
_SETTING_KINDS = ("true", "false", "number", "arrow_function", "function_expression",
                  "function")
#: The order captures are judged in: a string judged with its name (or as a URL argument)
#: is not judged again on its own.
_ORDER = ("decl", "assign", "param", "field", "pair", "body", "call", "arg", "string")
#: Wrappers that do not change a value (TypeScript casts, parentheses).
_TRANSPARENT = {"parenthesized_expression", "as_expression", "satisfies_expression",
                "non_null_expression", "type_assertion"}

#: Options that switch certificate checks off when set to `false` / `true`.
_FALSE_OFF = {"rejectUnauthorized", "strictSSL", "sslValidate"}
_TRUE_OFF = {"tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames", "tlsInsecure"}
_TLS_ENV = "NODE_TLS_REJECT_UNAUTHORIZED"
#: Methods that switch certificate checks off when called (superagent).
_TLS_OFF_METHODS = {"disableTLSCerts"}

#: Logging: objects whose methods write to the logs, and the methods.
_LOGGER_OBJECTS = {"console", "winston", "pino", "bunyan", "consola", "signale", "log4js"}
_LOGGER_WORDS = {"log", "logger", "logging"}
_LOG_METHODS = {"log", "debug", "info", "warn", "warning", "error", "fatal", "trace",
                "critical", "silly", "verbose", "http", "notice", "alert", "emerg", "dir",
                "table", "appendKeys", "appendPersistentAttributes", "child"}
_STREAM_WRITES = {"process.stdout.write", "process.stderr.write"}
#: Names under which a handler receives the whole request (its headers included).
_EVENT_NAMES = {"event", "evt"}
#: The values of the Fetch API's `credentials` request option (a mode, not a secret).
_FETCH_CREDENTIALS = {"omit", "same-origin", "include"}
#: Names of the response of an outgoing call (`response.headers` has no Authorization).
_RESPONSES = (["response"], ["resp"], ["res"])
_REQUEST_NAMES = {"req"}


@cache
def facts_query(dialect: str) -> Query:
    """The compiled query of the nodes this analysis reads, for one grammar."""
    from tree_sitter import Query

    lang = language(dialect)

    def alternatives(kinds: tuple[str, ...]) -> str:
        return " ".join(f"({kind})" for kind in kinds if lang.id_for_node_kind(kind, True))

    methods = " ".join(f'"{m}"' for m in sorted(_LOG_METHODS | _TLS_OFF_METHODS | {"write"}))
    patterns = [pattern.format(literal=alternatives(_LITERAL_KINDS),
                               setting=alternatives(_SETTING_KINDS), methods=methods)
                for _, pattern in _PATTERNS
                if lang.id_for_node_kind(re.split(r"[\s)]", pattern[1:], maxsplit=1)[0], True)]
    return Query(lang, " ".join(patterns))


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in _TRANSPARENT and node.named_children:
        node = node.named_children[0]
    return node


def _dotted(node: Node | None) -> str:
    """`a.b.c` for an identifier/member chain (`a["b"]` as `a.b`, `getLogger().info` with
    calls), else ''."""
    node = _unwrap(node)
    if node is None:
        return ""
    if node.type in ("identifier", "this", "property_identifier", "super"):
        return _text(node)
    if node.type == "member_expression":
        head = _dotted(node.child_by_field_name("object"))
        prop = _text(node.child_by_field_name("property"))
        return f"{head}.{prop}" if head and prop else ""
    if node.type == "subscript_expression":
        head = _dotted(node.child_by_field_name("object"))
        key = string_value(node.child_by_field_name("index"))
        return f"{head}.{key}" if head and key else ""
    if node.type == "call_expression":
        inner = _dotted(node.child_by_field_name("function"))
        return f"{inner}()" if inner else ""
    return ""


def _key_name(node: Node | None) -> str | None:
    """The name a key or assignment target stands for: `x`, `obj.x`, `obj["x"]`, `#x`."""
    if node is None:
        return None
    kind = node.type
    if kind in ("identifier", "property_identifier", "shorthand_property_identifier_pattern"):
        return _text(node)
    if kind == "private_property_identifier":
        return _text(node).lstrip("#")
    if kind == "string":
        return string_value(node)
    if kind == "member_expression":
        return _key_name(node.child_by_field_name("property"))
    if kind == "subscript_expression":
        return string_value(node.child_by_field_name("index"))
    return None


def _literal(node: Node | None) -> tuple[Node, str] | None:
    """The string a value is (unwrapping casts; the fallback of `a || "x"`, `a ?? "x"`)."""
    node = _unwrap(node)
    while node is not None and node.type == "binary_expression" and \
            _text(node.child_by_field_name("operator")) in ("||", "??"):
        node = _unwrap(node.child_by_field_name("right"))  # (a loop: compiled, a recursion
        # here did not count against Python's recursion limit)
    value = string_value(node)
    return (node, value) if node is not None and value is not None else None


def _checks_nothing(node: Node | None) -> bool:
    """A function that returns nothing: `() => undefined`, `() => {}`, `function () {}`."""
    node = _unwrap(node)
    if node is None or node.type not in ("arrow_function", "function_expression", "function"):
        return False
    body = node.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "statement_block":
        return all(c.type == "comment" or (c.type == "return_statement" and all(
            r.type in ("undefined", "null") for r in c.named_children))
            for c in body.named_children)
    return body.type in ("undefined", "null")


def _tls_off(name: str, value: Node | None) -> str | None:
    """`name: value` as written when this setting turns certificate verification off."""
    value = _unwrap(value)
    if value is None:
        return None
    if name in _FALSE_OFF and value.type == "false":
        return f"{name}: false"
    if name in _TRUE_OFF and value.type == "true":
        return f"{name}: true"
    if name == _TLS_ENV and (string_value(value) == "0" or _text(value) == "0"):
        return f"{name}: {_text(value)}"
    if name == "checkServerIdentity" and _checks_nothing(value):
        return f"{name}: {_text(value)}"
    return None


def _same(a: Node | None, b: Node) -> bool:
    return a is not None and a.start_byte == b.start_byte and a.end_byte == b.end_byte


#: Where a value still goes to the log whole: containers, string building, serialisers.
_CARRIERS = {"template_substitution", "template_string", "spread_element", "object", "array",
             "pair", "binary_expression", "ternary_expression", "await_expression",
             *_TRANSPARENT}
_SERIALISERS = {"JSON.stringify", "util.inspect", "inspect", "util.format", "String"}


def _logged_whole(node: Node, args: Node) -> bool:
    """Does the node's value reach the log call's `args` whole (not one property read, not
    through a call other than a serialiser such as `JSON.stringify`)?"""
    child, parent = node, node.parent
    while parent is not None and not _same(parent, args):
        if parent.type == "arguments" and parent.parent is not None and \
                _dotted(parent.parent.child_by_field_name("function")) in _SERIALISERS:
            parent = parent.parent
        elif parent.type not in _CARRIERS or (parent.type == "pair" and not _same(
                parent.child_by_field_name("value"), child)):
            return False
        child, parent = parent, parent.parent
    return parent is not None


#: What of a caught error tells the caller about the code.
_ERROR_TEXTS = {"stack": "stack trace", "message": "message"}


def _caught(node: Node, name: str) -> bool:
    """Is `name`, where `node` reads it, the parameter of an enclosing `catch` clause?"""
    parent = node.parent
    while parent is not None:
        if parent.type == "catch_clause":
            return _text(parent.child_by_field_name("parameter")) == name
        parent = parent.parent
    return False


def _length_of(node: Node) -> bool:
    """Is the node only read for its length (`password.length` logs no secret)?"""
    parent = node.parent
    return parent is not None and parent.type == "member_expression" and \
        _same(parent.child_by_field_name("object"), node) and \
        _text(parent.child_by_field_name("property")) == "length"


class _Collector:
    """Collects the facts of one module from the captures of `facts_query`."""

    def __init__(self, http_handler: bool):
        self.http_handler = http_handler
        self.facts: list[CodeFact] = []
        self._named: set[int] = set()  # start bytes of literals judged with their name

    def run(self, captures: dict[str, list[Node]]) -> None:
        """Judge every captured node, in `_ORDER`."""
        handlers = {"decl": self.declarator, "assign": self.assignment, "param": self.param,
                    "field": self.field, "pair": self.pair, "body": self.body,
                    "call": self.call,
                    "arg": self.argument, "string": self.string}
        for name in _ORDER:
            handle = handlers[name]
            for node in captures.get(name, ()):
                handle(node)

    def add(self, kind: str, node: Node, detail: str, key: str) -> None:
        self.facts.append(CodeFact(kind, line(node), detail, key))

    # ---------------------------------------------------------------- named values
    def named_value(self, name: str | None, value: Node | None) -> None:
        """A literal stored under `name`: a secret, or a plain-HTTP endpoint."""
        found = _literal(value) if name else None
        if name is None or found is None:
            return
        node, text = found
        self._named.add(node.start_byte)
        match = find_secret(name, text, entropy=False)
        if match is not None and match.kind == "name" and name_words(text) == name_words(name):
            match = None  # a label (`{ password: "Password" }` in a form or a translation)
        if match is not None and match.kind == "name" and \
                name_words(name) == ["credentials"] and text in _FETCH_CREDENTIALS:
            match = None  # the Fetch API's credentials mode (`credentials: "include"`)
        if match is not None:
            detail = f"{name} is assigned a literal" if match.kind == "name" \
                else f"{match.description} in {name}"
            self.add("secret", node, detail, f"{name}:{match.kind}")
        elif remote_http_url(text) and name_words(name)[-1:] != ["schema"]:
            # (a JSON schema's `$id`, `http://...schema.json`, names it; nothing calls it)
            self.add("http-url", node, text.strip(), text.strip())

    def declarator(self, node: Node) -> None:
        target = node.child_by_field_name("name")
        if target is not None and target.type == "identifier":
            self.named_value(_text(target), node.child_by_field_name("value"))

    def param(self, node: Node) -> None:
        target = node.child_by_field_name("pattern")
        if target is not None and target.type == "identifier":
            self.named_value(_text(target), node.child_by_field_name("value"))

    def field(self, node: Node) -> None:
        target = node.child_by_field_name("property") or node.child_by_field_name("name")
        self.named_value(_key_name(target), node.child_by_field_name("value"))

    def assignment(self, node: Node) -> None:
        target = node.child_by_field_name("left")
        value = node.child_by_field_name("right")
        name = _key_name(target)
        if name is None:
            return
        setting = _tls_off(name, value) if node.type == "assignment_expression" else None
        if setting is not None and target is not None:
            where = _dotted(target) or name
            self.add("tls-off", node, f"{where} = {_text(_unwrap(value))}", where)
        self.named_value(name, value)

    def pair(self, node: Node) -> None:
        name = _key_name(node.child_by_field_name("key"))
        if name is None:
            return
        value = node.child_by_field_name("value")
        setting = _tls_off(name, value)
        if setting is not None:
            detail, owner = self._options_owner(node, f"{{{setting}}}")
            self.add("tls-off", value or node, detail, f"{owner}:{name}" if owner else name)
        elif name == "logEvent" and self.http_handler and \
                (flag := _unwrap(value)) is not None and flag.type == "true":
            self.add("sensitive-log", node, "the whole event, Authorization header included, "
                     "logged by logEvent: true", "logEvent")
        self.named_value(name, value)

    def body(self, pair: Node) -> None:
        """A response body (`{ body: ... }`) in an HTTP handler."""
        value = pair.child_by_field_name("value")
        if self.http_handler and value is not None:
            self._error_returned(value)

    def _error_returned(self, body: Node) -> None:
        """A response body (`{ body: ... }` in an HTTP handler) carrying `process.env`, or
        the stack or the message of the error its `catch` clause caught, whole (`err.stack`,
        `JSON.stringify({ error: err.message })`)."""
        stack = [body]
        while stack:
            node = stack.pop()
            stack.extend(node.named_children)
            if node.type == "member_expression" and _dotted(node) == "process.env" and \
                    body.parent is not None and _logged_whole(node, body.parent):
                self.add("environment-returned", node, f"the whole environment ("
                         f"{ENV_CREDENTIALS}: the function's credentials) returned to the "
                         "caller in the response body", "environ")
                continue
            prop = node.child_by_field_name("property") if node.type == "member_expression" \
                else None
            owner = node.child_by_field_name("object") if prop is not None else None
            if prop is None or owner is None or owner.type != "identifier" or \
                    _text(prop) not in _ERROR_TEXTS:
                continue
            if _caught(node, _text(owner)) and body.parent is not None and \
                    _logged_whole(node, body.parent):
                what = f"{_dotted(node)}, the caught error's {_ERROR_TEXTS[_text(prop)]}"
                self.add("error-details", node, f"{what}, returned to the caller in the "
                         "response body", _dotted(node))
                return

    @staticmethod
    def _options_owner(pair: Node, options: str) -> tuple[str, str]:
        """How to show an options object and who it belongs to: given to a call
        (`new https.Agent({...})`), stored under a name (`opts = {...}`), or neither."""
        node = pair.parent
        while node is not None and (node.type in ("object", "pair") or node.type in _TRANSPARENT):
            node = node.parent
        if node is not None and node.type == "arguments" and node.parent is not None:
            call = node.parent
            name = _dotted(call.child_by_field_name("function")
                           or call.child_by_field_name("constructor")) or "call"
            new = "new " if call.type == "new_expression" else ""
            return f"{new}{name}({options})", name
        if node is not None and node.type == "variable_declarator":
            name = _text(node.child_by_field_name("name"))
            return f"{name} = {options}", name
        return options, ""

    # ---------------------------------------------------------------- calls
    def call(self, node: Node) -> None:
        """A method call: one that turns TLS checks off, or one that writes to the log."""
        func = _dotted(node.child_by_field_name("function"))
        short = func.rsplit(".", 1)[-1]
        if short in _TLS_OFF_METHODS:
            self.add("tls-off", node, f"{func}()", func)
        args = node.child_by_field_name("arguments")
        if args is not None and self._is_log_call(func, short):
            self._logged(args, func)

    def argument(self, arg: Node) -> None:
        """A string given to a call (`fetch("http://...")`, `new URL(...)`)."""
        if arg.type == "string":
            text = string_value(arg) or ""
        elif arg.named_children and arg.named_children[0].type == "string_fragment":
            text = _text(arg.named_children[0])  # the head of a template literal
        else:
            return
        if remote_http_url(text):
            self._named.add(arg.start_byte)
            self.add("http-url", arg, text.strip(), text.strip())

    @staticmethod
    def _is_log_call(func: str, short: str) -> bool:
        if func in _STREAM_WRITES:
            return True
        if short not in _LOG_METHODS or "." not in func:
            return False
        owner = func.rsplit(".", 2)[-2].removesuffix("()")
        if owner in _LOGGER_OBJECTS:
            return True
        words = name_words(owner)
        return bool(words) and (words[-1] in _LOGGER_WORDS or words[0] in _LOGGER_WORDS)

    def _logged(self, args: Node, func: str) -> None:
        seen: set[str] = set()
        stack = list(reversed(args.named_children))
        while stack:
            node = stack.pop()
            stack.extend(reversed(node.named_children))
            if _length_of(node):
                continue
            passed = node.type in ("pair", "shorthand_property_identifier")
            if node.type == "pair" and \
                    string_value(_unwrap(node.child_by_field_name("value"))) is not None:
                continue  # a constant (`password: "*****"`; not `pw || ""`, which logs pw)
            name = _key_name(node.child_by_field_name("key")) if node.type == "pair" \
                else self._field_of(node)
            if not name or name in seen:
                continue
            if name == "env" and _dotted(node) == "process.env" and _logged_whole(node, args):
                seen.add(name)
                self.add("sensitive-log", node, f"the whole environment ({ENV_CREDENTIALS}: "
                         f"the function's credentials) written to the log by {func}()",
                         f"{func}:environ")
            elif is_sensitive_field(name):
                seen.add(name)
                detail = f"{name} passed to {func}()" if passed \
                    else f"{name} written to the log by {func}()"
                self.add("sensitive-log", node, detail, f"{func}:{name}")
            elif self._whole_request(node, name, args):
                seen.add(name)
                what = "the request headers" if name == "headers" else f"the whole {name}"
                self.add("sensitive-log", node, f"{what}, Authorization header included, "
                         f"written to the log by {func}()", f"{func}:{name}")

    @staticmethod
    def _field_of(node: Node) -> str | None:
        """The field name a logged expression reads: `password`, `body.token`,
        `headers["authorization"]`, `headers.get("authorization")`."""
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier", "member_expression",
                    "subscript_expression"):
            return _key_name(node) if kind != "shorthand_property_identifier" else _text(node)
        if kind == "call_expression":
            func = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if func is not None and func.type == "member_expression" and \
                    _text(func.child_by_field_name("property")) == "get" and \
                    args is not None and args.named_children:
                return string_value(args.named_children[0])
        return None

    def _whole_request(self, node: Node, name: str, args: Node) -> bool:
        """The request headers, or the whole request of an HTTP handler, logged at once."""
        bare = node.type in ("identifier", "shorthand_property_identifier")
        if name in ("headers", "multiValueHeaders"):
            owner = node.child_by_field_name("object")
            if owner is not None and name_words(_text(owner))[-1:] in _RESPONSES:
                return False  # the headers an outgoing call got back: no Authorization
            wanted = bare or node.type in ("member_expression", "subscript_expression")
        else:
            wanted = bare and (name in _REQUEST_NAMES
                               or (name in _EVENT_NAMES and self.http_handler))
        return wanted and _logged_whole(node, args)

    # ---------------------------------------------------------------- other literals
    def string(self, node: Node) -> None:
        if node.start_byte in self._named:
            return
        text = _text(node)[1:-1]  # as written, escapes included (as `string_value` keeps them)
        if text:
            match = known_format(text)
            if match is not None:
                self.add("secret", node, match.description, match.kind)


def facts_of_root(path: str, root: Node, dialect: str, http_handler: bool = False) -> FileFacts:
    """The facts of one parsed JS/TS file. `http_handler`: the file is the handler of a
    function with an HTTP trigger (its event carries the caller's headers)."""
    from tree_sitter import QueryCursor

    collector = _Collector(http_handler)
    cursor = QueryCursor(facts_query(dialect))
    # no match starts deeper than MAX_NESTING nodes: on a tree nested 10,000 deep (`f(f(...
    # ))`) tree-sitter's matching took seconds, growing with the square of the depth
    cursor.set_max_start_depth(MAX_NESTING)
    collector.run(cursor.captures(root))
    return unique_facts(path, collector.facts)


def analyse_source(path: str, text: str, http_handler: bool = False) -> FileFacts:
    """The facts of one JS/TS source (the grammar chosen by the path's extension)."""
    dialect = dialect_of(path)
    return facts_of_root(path, parse_bytes(text.encode("utf-8"), dialect), dialect,
                         http_handler)


def js_files(app: App) -> list[str]:
    """Every JS/TS file the scan knows, relative to the root: handler sources first."""
    found: dict[str, None] = {}
    for function in app.functions.values():
        if function.source_file and function.source_file.endswith(EXTENSIONS):
            found[function.source_file] = None
    for source in app.files:
        if source.format in ("javascript", "typescript"):
            found[source.path] = None
    return list(found)


def analyse_js_code(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.code[path]` with the `FileFacts` of every JS/TS file
    (those the Node.js analysis's workers found already, `KEPT_JS_CODE`, taken as they
    are)."""
    cache = js_module_cache(app.root, facts, app.layers)
    handler_files = {f.source_file for f in app.functions.values() if f.source_file}
    http_files = header_files(app)
    kept: dict[str, FileFacts] = facts.memo.pop(KEPT_JS_CODE, {})
    for path in js_files(app):
        if path in facts.code:
            continue
        if path in kept:
            facts.code[path] = kept[path]
            continue
        try:
            module = cache.get(path)
        except JsParseError as exc:
            if path not in handler_files:  # handler resolution reports its own files
                app.diagnostics.append(Diagnostic(
                    path, f"{exc.message}; its code was not checked", exc.line, "note",
                    "code"))
            continue
        facts.code[path] = file_facts(module, path in http_files)


#: Facts.memo key: the `FileFacts` of handler files that the Node.js analysis's forked
#: workers found (analysis.js.parallel), by path.
KEPT_JS_CODE = "js.code-facts"


def header_files(app: App) -> set[str]:
    """The files of the Node.js functions that serve HTTP headers (`serves_headers`)."""
    authorizers = app.authorizer_functions()
    return {f.source_file for f in app.functions.values()
            if f.source_file and is_node(f) and serves_headers(f, authorizers)}


def file_facts(module: JsModule, http_handler: bool) -> FileFacts:
    """The `FileFacts` of one parsed JS/TS file."""
    path = module.file
    found = facts_of_root(path, module.root, module.dialect, http_handler)
    checks = signature_checks(module)
    if checks:
        found = unique_facts(path, [*found.facts, *(
            CodeFact(KIND, check.line, check.what, name) for name, check in checks)])
    return found
