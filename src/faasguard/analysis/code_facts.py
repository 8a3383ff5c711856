"""Code-level facts from Python sources: secrets, TLS verification off, `http://`, logged secrets.

A light AST pass (never importing or running the code) over every Python file the scan
knows: the handler sources resolved into `Function.source_file` and the other `.py` files
under the scanned root. Each file is parsed once; the facts go to `facts.code[path]` as a
`FileFacts` the data and third-party rules read.

Sensitive logs are password/token/card fields given to `print`, `logging` or a Powertools
`Logger`, and, in the handler file of an HTTP-triggered function (its event carries the
caller's headers, `Authorization` included), the whole event: `print(event)`,
`logger.info(event)`, `logging.info("%s", json.dumps(event))`, `extra={"event": event}`,
Powertools `@logger.inject_lambda_context(log_event=True)`, or that decorator without
`log_event` on a function whose environment sets `POWERTOOLS_LOGGER_LOG_EVENT=true`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from faasguard.analysis.code_hits import HitFinder, minimal_words
from faasguard.analysis.facts import Facts
from faasguard.analysis.file_facts import CodeFact, FileFacts
from faasguard.analysis.secrets import (
    FORMAT_ANCHORS,
    SECRET_PAIRS,
    SECRET_WORDS,
    find_secret,
    known_format,
    name_words,
)
from faasguard.analysis.signatures import GATE, HELPER, KIND, project_check, signature_checks
from faasguard.analysis.taint.modules import FunctionNode, ParseError, module_cache
from faasguard.model import App, Diagnostic, Function, Trigger, pickle_by_fields
from faasguard.workers import register_dict_state

#: Calls whose arguments end up in the function's logs.
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log",
                "fatal", "append_keys", "print"}
_LOGGER_NAMES = re.compile(r"^(log|logger|logging|_?log(ger)?\w*|\w*_log(ger)?)$", re.I)
#: Words that make a field sensitive in logs, beyond what names a secret.
_SENSITIVE_PAIRS = SECRET_PAIRS | {("card", "number"), ("card", "no"), ("cc", "number"),
                                   ("credit", "card"), ("security", "number"),
                                   ("account", "number"), ("api", "token")}
_SENSITIVE_WORDS = SECRET_WORDS | {"cvv", "cvc", "ssn", "iban", "authorization", "pan",
                                   "cardnumber"}
#: Hosts of `http://` strings that are identifiers, not endpoints (XML namespaces, schemas).
_NAMESPACE_HOSTS = {"www.w3.org", "w3.org", "schemas.xmlsoap.org", "schemas.microsoft.com",
                    "json-schema.org", "purl.org", "xmlns.com", "ns.adobe.com",
                    "schemas.openxmlformats.org", "www.example.com", "example.com",
                    "example.org", "www.example.org", "docs.oasis-open.org"}
_HTTP_URL = re.compile(r"^http://([^/:?#\s]+)", re.I)
#: Triggers whose events carry the caller's HTTP headers (a websocket trigger only on its
#: connection routes: `carries_headers`).
HTTP_TRIGGERS = frozenset({"http", "url", "alb", "websocket"})
#: Names a handler's event goes by (beside the handler's own first parameter).
EVENT_NAMES = frozenset({"event", "evt"})
#: Calls that hand their argument's whole value on to the log (serialisers, formatters).
_SERIALISERS = {"json.dumps", "str", "repr", "dict", "pformat", "pprint.pformat",
                "simplejson.dumps", "orjson.dumps", "jsonpickle.encode"}
#: Powertools: the decorator that logs the event, and the setting it falls back to.
_LOG_EVENT_DECORATOR = "inject_lambda_context"
LOG_EVENT_ENV = "POWERTOOLS_LOGGER_LOG_EVENT"
_TRUTHY = {"1", "y", "yes", "t", "true", "on"}  # as Powertools reads its settings


@pickle_by_fields
@dataclass(frozen=True)
class HttpEntry:
    """A file holding the handler of an HTTP-triggered function: its event carries the
    caller's headers, so logging the event whole logs the `Authorization` header.

    `handlers`: the names of those handlers in the file (their first parameter is the
    event, as are `event` and `evt`); `log_event_env`: `POWERTOOLS_LOGGER_LOG_EVENT` is
    true on one of those functions.
    """

    handlers: frozenset[str] = frozenset()
    log_event_env: bool = False

    def adding(self, function: Function, handler: str | None = None) -> HttpEntry:
        """This entry with one more HTTP-triggered function whose handler is in the file
        (`handler`, else the function's own `handler_name`)."""
        setting = function.environment.get(LOG_EVENT_ENV)
        value = setting.value if setting is not None else None
        truthy = value is True or (isinstance(value, str) and value.strip().lower() in _TRUTHY)
        handler = handler or function.handler_name
        handlers = self.handlers | {handler} if handler else self.handlers
        return HttpEntry(handlers, self.log_event_env or truthy)


def is_loopback_or_namespace(url: str) -> bool:
    """True for `http://` URLs that are not remote endpoints (loopback, XML namespaces)."""
    match = _HTTP_URL.match(url.strip())
    if not match:
        return True
    host = match.group(1).lower().strip("[]")
    return (host in _NAMESPACE_HOSTS or host in {"localhost", "::1", "0.0.0.0"}
            or host.startswith("127.") or host.endswith(".localhost")
            or host == "169.254.169.254" or host.startswith("169.254.170."))


def remote_http_url(value: str) -> bool:
    """True when `value` is a plain-HTTP URL of a remote endpoint."""
    return bool(_HTTP_URL.match(value.strip())) and not is_loopback_or_namespace(value)


@lru_cache(maxsize=8192)  # field names repeat across log calls and files
def is_sensitive_field(name: str) -> bool:
    """A field whose value must not be logged: secrets, card numbers, CVV, SSN, auth headers.

    The telling word must end the name (`db_password`, `cardNumber`), so that `token_count`
    or `password_policy` are not taken for the secret itself.
    """
    words = name_words(name)
    return bool(words) and (words[-1] in _SENSITIVE_WORDS
                            or tuple(words[-2:]) in _SENSITIVE_PAIRS)


def _dotted(node: ast.AST) -> str:
    """`a.b.c` for a Name/Attribute chain, else ''."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = _dotted(node.func)
        return ".".join([inner + "()", *reversed(parts)]) if inner else ""
    return ""


def _target_name(node: ast.AST) -> str | None:
    """The name a value is stored under: `X`, `self.x`, `cfg["x"]`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in (False, 0, "0", "false", "False")


def _is_cert_none(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ("CERT_NONE", "NONE", 0)
    return isinstance(node, ast.Attribute) and node.attr == "CERT_NONE"


#: Keyword arguments that switch certificate checks off: requests/httpx/boto3 `verify`,
#: aiohttp `ssl`/`verify_ssl`, urllib3 `cert_reqs`, pymongo `tlsAllowInvalidCertificates`.
_FALSE_OFF = {"verify", "ssl", "verify_ssl"}
_TRUE_OFF = {"tlsAllowInvalidCertificates", "tlsInsecure", "tlsAllowInvalidHostnames"}
_CERT_NONE_OFF = {"cert_reqs", "ssl_cert_reqs"}
#: Attributes whose assignment turns certificate checks off (`_Collector._assign`), and
#: the function that makes an unverified context.
_TLS_ATTRIBUTES = {"verify", "verify_mode", "check_hostname", "_create_default_https_context"}
_UNVERIFIED = "_create_unverified_context"


def _tls_off_keyword(keyword: ast.keyword) -> str | None:
    """`name=value` when this keyword argument turns certificate verification off."""
    value = keyword.value
    if keyword.arg in _FALSE_OFF and isinstance(value, ast.Constant) and value.value is False:
        return f"{keyword.arg}=False"
    if keyword.arg in _TRUE_OFF and isinstance(value, ast.Constant) and value.value is True:
        return f"{keyword.arg}=True"
    if keyword.arg in _CERT_NONE_OFF and _is_cert_none(value):
        return f"{keyword.arg}=CERT_NONE"
    return None


def walk(tree: ast.AST) -> list[ast.AST]:
    """Every node of a tree in the order `ast.walk` yields them (breadth first), as a list:
    three times faster than `ast.walk`'s generators over thousands of handler files."""
    return [node for node in _breadth_first(tree, frozenset()) if isinstance(node, ast.AST)]


#: Fields that hold no node this analysis reads: operators, contexts, identifiers, flags.
_NO_NODES = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "module", "level",
                       "kind", "type_comment", "asname", "is_async", "conversion", "rest",
                       "kwd_attrs"})
#: Fields that hold no node in one node type (beside `_NO_NODES`).
_NO_NODES_IN = {ast.Constant: {"value"}, ast.MatchSingleton: {"value"}, ast.Global: {"names"},
                ast.Nonlocal: {"names"}}
#: The fields followed per node type, per set of fields skipped.
_FIELDS: dict[frozenset[str], dict[type, tuple[str, ...]]] = {}


def _breadth_first(tree: ast.AST | list[ast.stmt], skip: frozenset[str],
                   kinds: Container[type] | None = None) -> list[Any]:
    """The nodes of a tree (or of sibling statements) breadth first, following every
    field but those in `skip`; with `kinds`, only the nodes of those types. Lists are
    taken whole, so a value that is not a node (the None key of `{**d}`) comes out as a
    leaf of no type asked for."""
    known = _FIELDS.setdefault(skip, {})
    nodes: list[Any] = list(tree) if isinstance(tree, list) else [tree]
    found: list[Any] = nodes if kinds is None else []
    append, extend, keep = nodes.append, nodes.extend, found.append
    for node in nodes:  # grows while it is read: a queue without pops
        kind = type(node)
        fields = known.get(kind)
        if fields is None:
            excluded = skip | _NO_NODES_IN.get(kind, set()) if skip else skip
            fields = known[kind] = tuple(name for name in getattr(kind, "_fields", ())
                                         if name not in excluded)
        if kinds is not None and kind in kinds:
            keep(node)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                extend(value)
            elif value is not None:
                append(value)
    return found


class _Collector:
    """Collects the facts of one module in a single breadth-first pass (parents come
    before their children, so a string judged with its name is known before it is met
    on its own). `http`: the module is the handler file of an HTTP-triggered function."""

    def __init__(self, http: HttpEntry | None = None) -> None:
        self.facts: list[CodeFact] = []
        self.http = http
        self.event_names = EVENT_NAMES
        self._named: set[int] = set()  # string constants already judged with their name
        self._secret_names: dict[str, str] = {}  # name -> where its value was read from
        self._logged_names: list[tuple[ast.Name, str]] = []  # (name logged whole, by what)
        self._error_names: set[str] = set()  # `except ... as e` names (HTTP handler files)

    def run(self, tree: ast.AST, only: list[ast.stmt] | None = None) -> None:
        """Visit every node that can hold a fact once, dispatching on its type; with
        `only`, the nodes of those top-level statements of `tree` (breadth first: the
        order the whole walk meets them in)."""
        handlers: dict[type, Callable[[Any], None]] = {
            ast.Assign: self.visit_Assign, ast.AnnAssign: self.visit_AnnAssign,
            ast.Dict: self.visit_Dict, ast.Call: self.visit_Call,
            ast.Constant: self.visit_Constant,
        }
        if self.http is not None and isinstance(tree, ast.Module):
            self.event_names = _event_names(tree, self.http.handlers)
        if self.http is not None:
            handlers[ast.ExceptHandler] = self.visit_except
        if self.http is not None and self.http.log_event_env:
            handlers[ast.FunctionDef] = handlers[ast.AsyncFunctionDef] = self.visit_def
        for node in _breadth_first(tree if only is None else only, _NO_NODES, handlers):
            handlers[type(node)](node)
        self._secret_values_logged()

    def _secret_values_logged(self) -> None:
        """A name given a secret's value (`get_secret_value(...)["SecretString"]`) logged
        whole, whatever the name says: by name in the module, wherever each was met."""
        for name, func in self._logged_names:
            source = self._secret_names.get(name.id)
            if source is not None:
                self.add("sensitive-log", name, f"{name.id}, the value of {source}, written to "
                         f"the log by {func}()", f"{func}:{name.id}")

    def add(self, kind: str, node: ast.AST, detail: str, key: str) -> None:
        self.facts.append(CodeFact(kind, getattr(node, "lineno", 1), detail, key))

    # ---------------------------------------------------------------- secrets by name
    def _named_value(self, name: str | None, value: ast.AST) -> None:
        if name is None or not isinstance(value, ast.Constant) or not isinstance(value.value, str):
            return
        self._named.add(id(value))
        match = find_secret(name, value.value, entropy=False)
        if match is not None:
            detail = f"{name} is assigned a literal" if match.kind == "name" \
                else f"{match.description} in {name}"
            self.add("secret", value, detail, f"{name}:{match.kind}")
        elif remote_http_url(value.value):
            self.add("http-url", value, value.value.strip(), value.value.strip())

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._assign(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, node.value)

    def _assign(self, target: ast.AST, value: ast.AST) -> None:
        name = _target_name(target)
        source = secret_read(value) if isinstance(target, ast.Name) else None
        if source is not None:
            self._secret_names[target.id] = source  # type: ignore[attr-defined]
        if isinstance(target, ast.Attribute) and name == "verify" and _is_false(value):
            self.add("tls-off", value, f"{_dotted(target)} = False", _dotted(target))
        elif isinstance(target, ast.Attribute) and name == "verify_mode" and _is_cert_none(value):
            self.add("tls-off", value, f"{_dotted(target)} = CERT_NONE", _dotted(target))
        elif isinstance(target, ast.Attribute) and name == "check_hostname" and _is_false(value):
            self.add("tls-off", value, f"{_dotted(target)} = False", _dotted(target))
        elif isinstance(target, ast.Attribute) and name == "_create_default_https_context" \
                and _dotted(value).endswith(_UNVERIFIED):
            self.add("tls-off", value, "ssl default context replaced by an unverified one",
                     "ssl._create_default_https_context")
        self._named_value(name, value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self._named_value(key.value, value)
                if key.value == "body" and self.http is not None:
                    self._error_returned(value)

    def visit_except(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._error_names.add(node.name)

    def _error_returned(self, body: ast.expr) -> None:
        """A response body (an HTTP handler's `{"body": ...}`) carrying a traceback, the
        text of a caught exception or the whole environment: given as is, formatted or
        serialised."""
        stack = [body]
        while stack:
            value = stack.pop()
            if is_whole_environment(value):
                self.add("environment-returned", value, f"the whole environment ("
                         f"{ENV_CREDENTIALS}: the function's credentials) returned to the "
                         "caller in the response body", "environ")
                return
            if isinstance(value, ast.Call) and _dotted(value.func) in _TRACEBACKS:
                what = f"the traceback ({_dotted(value.func)}())"
            elif isinstance(value, ast.Name) and value.id in self._error_names:
                what = f"the text of the exception {value.id}"
            else:
                stack.extend(_carried(value))
                continue
            self.add("error-details", value, f"{what} returned to the caller in the response "
                     "body", what)
            return

    # ---------------------------------------------------------------- calls
    def visit_Call(self, node: ast.Call) -> None:
        func = _dotted(node.func)
        short = func.rsplit(".", 1)[-1]
        for keyword in node.keywords:
            setting = _tls_off_keyword(keyword)
            if setting:
                self.add("tls-off", keyword.value, f"{func or 'call'}({setting})",
                         f"{func}:{keyword.arg}")
            else:
                self._named_value(keyword.arg, keyword.value)
        if short == _UNVERIFIED:
            self.add("tls-off", node, f"{func}()", func)
        if short == _LOG_EVENT_DECORATOR and self.http is not None and any(
                k.arg == "log_event" and isinstance(k.value, ast.Constant) and
                k.value.value is True for k in node.keywords):
            self._event_logged(node, f"{short}(log_event=True)")
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                    and remote_http_url(arg.value):
                self._named.add(id(arg))
                self.add("http-url", arg, arg.value.strip(), arg.value.strip())
            elif isinstance(arg, ast.JoinedStr) and arg.values and \
                    isinstance(arg.values[0], ast.Constant) and \
                    isinstance(arg.values[0].value, str) and remote_http_url(arg.values[0].value):
                self._named.add(id(arg.values[0]))
                self.add("http-url", arg, arg.values[0].value.strip(), arg.values[0].value.strip())
        if self._is_log_call(node, func, short):
            self._logged(node, func)

    @staticmethod
    def _is_log_call(node: ast.Call, func: str, short: str) -> bool:
        if func == "print":
            return True
        if short not in _LOG_METHODS or "." not in func:
            return False
        owner = func.rsplit(".", 2)[-2]
        return bool(_LOGGER_NAMES.match(owner.rstrip("()"))) or owner.endswith("getLogger()")

    def visit_def(self, node: FunctionNode) -> None:
        """`@logger.inject_lambda_context` that leaves `log_event` to the environment."""
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if _dotted(call.func if call else decorator).rsplit(".", 1)[-1] == \
                    _LOG_EVENT_DECORATOR and \
                    not any(k.arg == "log_event" for k in (call.keywords if call else ())):
                self._event_logged(decorator, f"{_LOG_EVENT_DECORATOR} ({LOG_EVENT_ENV}=true)")

    def _event_logged(self, node: ast.AST, how: str) -> None:
        self.add("sensitive-log", node, "the whole event, Authorization header included, "
                 f"logged by {how}", "log_event")

    def _logged(self, node: ast.Call, func: str) -> None:
        values = [*node.args, *(k.value for k in node.keywords)]
        self._wholes_logged(values, func)
        for keyword in node.keywords:
            if keyword.arg and is_sensitive_field(keyword.arg):
                self.add("sensitive-log", keyword, f"{keyword.arg} passed to {func}()",
                         f"{func}:{keyword.arg}")
        seen: set[str] = set()
        for value in values:
            for sub in ast.walk(value):
                field_name = self._field_of(sub)
                if field_name and field_name not in seen and is_sensitive_field(field_name):
                    seen.add(field_name)
                    self.add("sensitive-log", sub, f"{field_name} written to the log by {func}()",
                             f"{func}:{field_name}")

    def _wholes_logged(self, values: list[ast.expr], func: str) -> None:
        """The event of an HTTP handler, or the process environment anywhere, logged
        whole: given as is, formatted or serialised, or inside a collection
        (`extra={"event": event}`, `dict(os.environ)`); not one of its fields
        (`event["body"]`, `os.environ["STAGE"]`)."""
        names = self.event_names if self.http is not None else frozenset()
        seen: set[str] = set()
        stack = list(reversed(values))
        while stack:
            value = stack.pop()
            if is_whole_environment(value):
                if "environ" not in seen:
                    seen.add("environ")
                    self.add("sensitive-log", value, f"the whole environment ({ENV_CREDENTIALS}:"
                             f" the function's credentials) written to the log by {func}()",
                             f"{func}:environ")
                continue
            if type(value) is ast.Name:
                name = value.id
                if name in names and name not in seen:
                    seen.add(name)
                    self.add("sensitive-log", value, f"the whole {name}, Authorization header "
                             f"included, written to the log by {func}()", f"{func}:{name}")
                else:
                    self._logged_names.append((value, func))
                continue
            stack.extend(reversed(_carried(value)))

    @staticmethod
    def _field_of(node: ast.AST) -> str | None:
        """The field name a logged expression reads: `password`, `body["token"]`, `.get("pan")`."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            return node.attr
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            return node.slice.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get" and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
        return None

    # ---------------------------------------------------------------- other literals
    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self._named:
            match = known_format(node.value)
            if match is not None:
                self.add("secret", node, match.description, match.kind)


#: What a function's environment holds beside its settings: its live role credentials.
ENV_CREDENTIALS = "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN"
#: Methods of `os.environ` that give all of it (`os.environ.copy()`).
_ENVIRON_WHOLE = {"copy", "items", "values"}


#: Calls reading a secret's value: Secrets Manager (boto3, Powertools parameters) and SSM
#: with decryption (a SecureString parameter).
_SECRET_READS = {"get_secret_value": "a Secrets Manager secret", "get_secret":
                 "a Secrets Manager secret"}
_DECRYPTED_READS = {"get_parameter", "get_parameters", "get_parameters_by_path"}
#: What the text of a module reading a secret's value holds (see facts_of_tree), each
#: word once (`get_secret` finds `get_secret_value`).
_SECRET_READ_WORDS = minimal_words((*_SECRET_READS, "WithDecryption"))


def secret_read(node: ast.AST) -> str | None:
    """Where the expression's value was read from when it is a secret's value
    (`client.get_secret_value(...)["SecretString"]`, `json.loads(...)` of one,
    `ssm.get_parameter(Name=..., WithDecryption=True)["Parameter"]["Value"]`), else None."""
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Await, ast.Call)):
        if not isinstance(node, ast.Call):
            node = node.value
            continue
        dotted = _dotted(node.func)
        short = dotted.rsplit(".", 1)[-1]
        if short in _SECRET_READS:
            return _SECRET_READS[short]
        if short in _DECRYPTED_READS:
            decrypted = any(k.arg == "WithDecryption" and isinstance(k.value, ast.Constant)
                            and k.value.value is True for k in node.keywords)
            return "a SecureString parameter (WithDecryption=True)" if decrypted else None
        if not node.args or (dotted not in _SERIALISERS and dotted != "json.loads"):
            return None
        node = node.args[0]
    return None


#: Calls giving a traceback's text.
_TRACEBACKS = {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
               "traceback.format_stack", "format_exc", "format_exception"}


def is_whole_environment(node: ast.AST) -> bool:
    """Is the expression the whole process environment (`os.environ`, `environ` imported
    from os, `os.environ.copy()` / `.items()`), not one of its variables?"""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in _ENVIRON_WHOLE and not node.args:
        node = node.func.value
    return (isinstance(node, ast.Attribute) and node.attr == "environ" and
            isinstance(node.value, ast.Name) and node.value.id == "os") or \
        (isinstance(node, ast.Name) and node.id == "environ")


def _carried(node: ast.expr) -> list[ast.expr]:
    """The parts of an expression whose whole values it writes out: the parts of a
    string built with an f-string, `+` or `%`, of a collection, of a conditional, and the
    argument of a serialiser (`json.dumps(event)`, `"{}".format(event)`)."""
    if isinstance(node, ast.JoinedStr):
        return list(node.values)
    if isinstance(node, (ast.FormattedValue, ast.Starred, ast.Await)):
        return [node.value]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return [node.left, node.right]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return list(node.elts)
    if isinstance(node, ast.Dict):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.Call):
        func = node.func
        if _dotted(func) in _SERIALISERS or (
                isinstance(func, ast.Attribute) and func.attr == "format" and
                isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)):
            return [*node.args, *(k.value for k in node.keywords)]
    return []


#: `environ` as the code reads it whole (glued text, see code_hits): followed by what can
#: follow an expression, or by a method giving all of it; not `environ.get(` / `environ[`,
#: in most handlers, whose statements need no walk.
_ENVIRON_ANCHORS = {*(f"environ{after}" for after in (*")],}:!+%*/-<>=|&^@",
                                                    "if", "else", "and", "or", "for", "in",
                                                    "is")),
                    *(f"environ.{method}(" for method in _ENVIRON_WHOLE)}
#: What the text of a fact holds (see code_hits): the names of secrets and sensitive log
#: fields, known secret formats, the environment read whole and `://`, and the TLS
#: settings; in the handler file of an HTTP-triggered function, also what logs the event
#: whole (`print`, a logger).
_SIGNATURES = HitFinder(
    {*_SENSITIVE_WORDS, *(name.lower() for name in (*_FALSE_OFF, *_TRUE_OFF, *_CERT_NONE_OFF,
                                                   *_TLS_ATTRIBUTES, _UNVERIFIED))},
    _SENSITIVE_PAIRS, {*FORMAT_ANCHORS, *_ENVIRON_ANCHORS})
_HTTP_SIGNATURES = HitFinder(
    {*_SIGNATURES.words, "print", "log", _LOG_EVENT_DECORATOR, "format_", "except"},
    _SIGNATURES.pairs,
    _SIGNATURES.anchors)


def facts_of_tree(path: str, tree: ast.Module, http: HttpEntry | None = None,
                  source: str | None = None) -> FileFacts:
    """The facts of one parsed Python module; `http` when it is the handler file of an
    HTTP-triggered function (its whole event is then sensitive in the logs). With the
    `source` the tree was parsed from, only the statements whose text can hold a fact
    are walked (the same facts, found faster)."""
    only = None
    if source and not _reads_secret(source):
        # (a secret's value is logged under any name: a module reading one is walked whole)
        only = (_SIGNATURES if http is None else _HTTP_SIGNATURES).statements(tree, source)
    found: list[CodeFact] = []
    if only != []:  # (most files: no statement to walk, nothing to set up for it)
        visitor = _Collector(http)
        visitor.run(tree, only)
        found = visitor.facts
    checks = signature_checks(tree, source or ast.unparse(tree))
    found.extend(CodeFact(kind, check.line, check.what, name) for kind, name, check in checks)
    return unique_facts(path, found) if found else FileFacts(path)


def _reads_secret(source: str) -> bool:
    """Does the text of a module hold what reading a secret's value takes?"""
    for word in _SECRET_READ_WORDS:  # (a loop: any() over a generator closes it early)
        if word in source:
            return True
    return False


def unique_facts(path: str, facts: list[CodeFact]) -> FileFacts:
    """The `FileFacts` of one file: each (kind, line, key) once, in line order (shared by
    the Python and the JavaScript analyses)."""
    unique: dict[tuple[str, int, str], CodeFact] = {}
    for fact in facts:
        unique.setdefault((fact.kind, fact.line, fact.key), fact)
    return FileFacts(path, sorted(unique.values(), key=lambda f: (f.line, f.kind, f.key)))


def analyse_source(path: str, text: str, http: HttpEntry | None = None) -> FileFacts:
    """The facts of one Python source (raises SyntaxError/ValueError when it does not parse)."""
    return facts_of_tree(path, ast.parse(text, filename=path), http, text)


def python_files(app: App) -> list[str]:
    """Every Python file the scan knows, relative to the root: handler sources first.

    The scan lists the `.py` files under the root in `app.files` (format "python").
    """
    found: dict[str, None] = {}
    for function in app.functions.values():
        if function.source_file and function.source_file.endswith(".py"):
            found[function.source_file] = None
    for source in app.files:
        if source.format == "python":
            found[source.path] = None
    return list(found)


def _parse(app: App, facts: Facts, path: str) -> tuple[ast.Module | None, str, str]:
    """The module's tree and source (from the scan's shared module cache, so each file is
    parsed once per scan), or None, '' and why it could not be parsed."""
    cache = module_cache(app, facts)
    cache.release()  # called between two files: no tree is in use
    try:
        module = cache.get(path)
    except ParseError as exc:
        return None, "", exc.message
    return module.tree, module.source, ""


def analyse(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.code[path]` with the `FileFacts` of every source file:
    the Python files (below) and the templates (`analysis.template_secrets`)."""
    from faasguard.analysis.template_secrets import analyse as analyse_templates

    analyse_python(app, facts)
    analyse_templates(app, facts)


def http_handlers(app: App) -> dict[str, HttpEntry]:
    """The Python handler files of HTTP-triggered functions, with what makes logging
    their event whole a fact (see `HttpEntry`)."""
    found: dict[str, HttpEntry] = {}
    authorizers = app.authorizer_functions()
    for function in app.functions.values():
        _add_http_handler(found, function, authorizers)
        named = function.properties.get("authorizer_function")
        if function.id in authorizers and isinstance(named, str):
            _add_authorizer_module(found, function, named)
    return found


def _add_authorizer_module(found: dict[str, HttpEntry], function: Function,
                           named: str) -> None:
    """Count the module function a function's settings name as its Lambda authoriser
    (Zappa's `authorizer.function`, `properties["authorizer_function"]`: the stage's
    handler hands the authoriser's event, the caller's token in it, to `auth.check`) in
    `found`, as the handler of an HTTP-triggered function."""
    from faasguard.analysis.handlers import named_function

    target = named_function(function, named)
    if target is not None:
        path, name = target
        found[path] = found.get(path, HttpEntry()).adding(function, name)


def carries_headers(trigger: Trigger) -> bool:
    """Does the trigger's event carry the caller's HTTP headers (an Authorization header,
    cookies)? HTTP APIs, function URLs and load balancers do; of a websocket API, the
    connection's events do (`$connect`, and `$disconnect`, kept for safety), not a
    message route's (`$default`, `sendmessage`, Chalice's `on_ws_message`): a message
    event holds the request context and the message body."""
    if trigger.kind != "websocket":
        return trigger.kind in HTTP_TRIGGERS
    return trigger.route is not None and \
        trigger.route.method.lower() in ("$connect", "$disconnect")


def serves_headers(function: Function, authorizers: Container[str] = ()) -> bool:
    """Does the function's event carry the caller's HTTP headers: a trigger that does
    (`carries_headers`), a function URL, or is it one of `authorizers`
    (`App.authorizer_functions`: a Lambda authoriser gets the request's headers, or the
    token of one)? Not a Chalice authoriser: Chalice hands it an `AuthRequest`, not the
    event, and printing that object shows none of its fields."""
    if function.url is not None:
        return True
    for trigger in function.triggers:  # (a loop: any() over a generator closes it early)
        if carries_headers(trigger):
            return True
    return function.id in authorizers and function.format != "chalice"


def _add_http_handler(found: dict[str, HttpEntry], function: Function,
                      authorizers: Container[str]) -> HttpEntry | None:
    """Count one function in `found` if its handler file is Python and its event carries
    HTTP headers; the entry of its file (None: not the file of an HTTP handler so far)."""
    path = function.source_file
    if not path or not path.endswith(".py"):
        return None
    if serves_headers(function, authorizers):
        found[path] = found.get(path, HttpEntry()).adding(function)
    return found.get(path)


def _event_names(tree: ast.Module, handlers: frozenset[str]) -> frozenset[str]:
    """What the event is called in a module: `event`, `evt` and the first parameter of
    each of its top-level functions named in `handlers`."""
    found = set(EVENT_NAMES)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in handlers:
            params = [*node.args.posonlyargs, *node.args.args]
            if params:
                found.add(params[0].arg)
    return frozenset(found)


#: facts.memo keys: the HttpEntry each file's facts were taken with (None: not an HTTP
#: handler file), and the entries of the functions seen so far by `analyse_handler`.
_TAKEN_WITH = "code_facts.taken_with"
_SEEN = "code_facts.http_seen"
#: facts.memo key: `App.authorizer_functions`, for `analyse_handler` (once per scan).
_AUTHORIZERS = "code_facts.authorizers"
register_dict_state(_TAKEN_WITH)  # read by analyse_python (_SEEN: by analyse_handler only)


def _take(facts: Facts, path: str, tree: ast.Module, entry: HttpEntry | None,
          source: str) -> None:
    facts.code[path] = facts_of_tree(path, tree, entry, source)
    facts.memo.setdefault(_TAKEN_WITH, {})[path] = entry


def analyse_handler(app: App, facts: Facts, function: Function) -> None:
    """The facts of one function's handler file, taken while handler resolution holds
    its tree (a per-handler step: analysis.handlers). Functions resolved later may make
    the file an HTTP handler's: `analyse_python` then takes its facts again."""
    authorizers = facts.memo.get(_AUTHORIZERS)
    if authorizers is None:
        authorizers = facts.memo[_AUTHORIZERS] = app.authorizer_functions()
    entry = _add_http_handler(facts.memo.setdefault(_SEEN, {}), function, authorizers)
    path = function.source_file
    if not path or not path.endswith(".py") or path in facts.code:
        return
    cache = module_cache(app, facts)
    if cache.pins(path) > 1:  # a later function names the file too: its entry is not whole
        return
    module = cache.parsed(path)  # held by resolution: never parses
    if module is not None:
        _take(facts, path, module.tree, entry, module.source)


def analyse_python(app: App, facts: Facts) -> None:
    """Fill `facts.code[path]` with the `FileFacts` of every Python file (the handler
    files whose facts were taken during handler resolution are kept, unless the file
    turned out to hold an HTTP handler they were not taken as)."""
    handler_files = {f.source_file for f in app.functions.values()}
    http = http_handlers(app)
    taken_with = facts.memo.get(_TAKEN_WITH, {})
    for path in python_files(app):
        entry = http.get(path)
        if path in facts.code and taken_with.get(path) == entry:
            continue
        tree, source, problem = _parse(app, facts, path)
        if tree is not None:
            _take(facts, path, tree, entry, source)
        elif path not in handler_files:  # handler resolution reports its own files
            app.diagnostics.append(Diagnostic(
                path, f"{problem}; its code was not checked", None, "note", "code"))
    _project_gates(app, facts)


def _project_gates(app: App, facts: Facts) -> None:
    """For each handler an API route serves, a signature check in another module of the
    project that gates its work (`signatures.project_check`: a helper it calls, a
    decorator it wears), as a GATE fact of the module holding the check, so that
    FG-AUTH-002 reads it without parsing anything. Only when a Python file other than the
    handler's holds a check (a KIND or HELPER fact): most projects hold none, and then no
    file is parsed again."""
    checked = {path for path, code in facts.code.items()
               if path.endswith(".py") and isinstance(code, FileFacts)
               and any(f.kind in (KIND, HELPER) for f in code.facts)}
    if not checked:
        return
    served = {route.function for route in app.routes
              if route.function and route.api_kind != "websocket"}
    for function_id in sorted(served):
        function = app.functions.get(function_id)
        if function is None or not function.source_file or not function.handler_name or \
                not function.source_file.endswith(".py") or checked == {function.source_file}:
            continue
        own = facts.code.get(function.source_file)
        if isinstance(own, FileFacts) and any(
                f.key == function.handler_name for f in own.of_kind(KIND)):
            continue
        cache = module_cache(app, facts)
        with cache.for_function(function):
            check = project_check(cache, function.source_file, function.handler_name,
                                  function.code_dir or "")
        if check is None:
            continue
        file = check.file or function.source_file
        holder = facts.code.get(file)
        if not isinstance(holder, FileFacts):
            holder = facts.code[file] = FileFacts(file)
        holder.facts.append(CodeFact(GATE, check.line, check.what,
                                     f"{function.source_file}#{function.handler_name}"))
