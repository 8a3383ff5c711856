"""Code-level facts from Python sources: secrets, TLS verification off, `http://`, logged secrets.

A light AST pass (never importing or running the code) over every Python file the scan
knows: the handler sources resolved into `Function.source_file` and the other `.py` files
under the scanned root. Each file is parsed once; the facts go to `facts.code[path]` as a
`FileFacts` the data and third-party rules read.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faasguard.analysis.facts import Facts
from faasguard.analysis.secrets import (
    SECRET_PAIRS,
    SECRET_WORDS,
    find_secret,
    known_format,
    name_words,
)
from faasguard.loaders.documents import InputError, read_text
from faasguard.model import App, Diagnostic

MAX_SOURCE_BYTES = 2 * 1024 * 1024

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


@dataclass(frozen=True)
class CodeFact:
    """One thing found in a source file: kind, line, what (for the message), key (identity)."""

    kind: str  # "secret", "tls-off", "http-url", "sensitive-log"
    line: int
    detail: str
    key: str


@dataclass
class FileFacts:
    """The code facts of one Python file (path relative to the scanned root)."""

    path: str
    facts: list[CodeFact] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[CodeFact]:
        """The facts of one kind, in line order."""
        return sorted((f for f in self.facts if f.kind == kind), key=lambda f: f.line)


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
    nodes = [tree]
    append, extend = nodes.append, nodes.extend
    node_type = ast.AST
    for node in nodes:  # grows while it is read: a queue without pops
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                append(value)
            elif type(value) is list:
                extend([item for item in value if isinstance(item, node_type)])
    return nodes


class _Collector:
    """Collects the facts of one module in a single `ast.walk` (parents come before their
    children, so a string judged with its name is known before it is met on its own)."""

    def __init__(self) -> None:
        self.facts: list[CodeFact] = []
        self._named: set[int] = set()  # string constants already judged with their name

    def run(self, tree: ast.AST) -> None:
        """Visit every node once, dispatching on its type."""
        handlers: dict[type, Callable[[Any], None]] = {
            ast.Assign: self.visit_Assign, ast.AnnAssign: self.visit_AnnAssign,
            ast.Dict: self.visit_Dict, ast.Call: self.visit_Call,
            ast.Constant: self.visit_Constant,
        }
        for node in walk(tree):
            handler = handlers.get(type(node))
            if handler is not None:
                handler(node)

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
        if isinstance(target, ast.Attribute) and name == "verify" and _is_false(value):
            self.add("tls-off", value, f"{_dotted(target)} = False", _dotted(target))
        elif isinstance(target, ast.Attribute) and name == "verify_mode" and _is_cert_none(value):
            self.add("tls-off", value, f"{_dotted(target)} = CERT_NONE", _dotted(target))
        elif isinstance(target, ast.Attribute) and name == "check_hostname" and _is_false(value):
            self.add("tls-off", value, f"{_dotted(target)} = False", _dotted(target))
        elif isinstance(target, ast.Attribute) and name == "_create_default_https_context" \
                and _dotted(value).endswith("_create_unverified_context"):
            self.add("tls-off", value, "ssl default context replaced by an unverified one",
                     "ssl._create_default_https_context")
        self._named_value(name, value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self._named_value(key.value, value)

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
        if short == "_create_unverified_context":
            self.add("tls-off", node, f"{func}()", func)
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

    def _logged(self, node: ast.Call, func: str) -> None:
        values = [*node.args, *(k.value for k in node.keywords)]
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


def facts_of_tree(path: str, tree: ast.Module) -> FileFacts:
    """The facts of one parsed Python module."""
    visitor = _Collector()
    visitor.run(tree)
    return unique_facts(path, visitor.facts)


def unique_facts(path: str, facts: list[CodeFact]) -> FileFacts:
    """The `FileFacts` of one file: each (kind, line, key) once, in line order (shared by
    the Python and the JavaScript analyses)."""
    unique: dict[tuple[str, int, str], CodeFact] = {}
    for fact in facts:
        unique.setdefault((fact.kind, fact.line, fact.key), fact)
    return FileFacts(path, sorted(unique.values(), key=lambda f: (f.line, f.kind, f.key)))


def analyse_source(path: str, text: str) -> FileFacts:
    """The facts of one Python source (raises SyntaxError/ValueError when it does not parse)."""
    return facts_of_tree(path, ast.parse(text, filename=path))


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


def _parse(app: App, facts: Facts, path: str) -> tuple[ast.Module | None, str]:
    """The module's tree (from the scan's shared module cache when there is one, so each
    file is parsed once per scan), or None and why it could not be parsed."""
    try:
        from faasguard.analysis.taint.modules import ParseError, module_cache
    except ImportError:  # the shared cache is optional: parse here
        try:
            text = read_text(os.path.join(app.root, path), MAX_SOURCE_BYTES)
            return ast.parse(text, filename=path), ""
        except InputError as exc:
            return None, exc.message
        except (SyntaxError, ValueError, RecursionError) as exc:
            return None, f"does not parse as Python 3 ({getattr(exc, 'msg', exc)})"
    cache = module_cache(app.root, facts)
    cache.release()  # called between two files: no tree is in use
    try:
        return cache.get(path).tree, ""
    except ParseError as exc:
        return None, exc.message


def analyse(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.code[path]` with the `FileFacts` of every source file:
    the Python files (below) and the templates (`analysis.template_secrets`)."""
    from faasguard.analysis.template_secrets import analyse as analyse_templates

    analyse_python(app, facts)
    analyse_templates(app, facts)


def analyse_python(app: App, facts: Facts) -> None:
    """Fill `facts.code[path]` with the `FileFacts` of every Python file."""
    handler_files = {f.source_file for f in app.functions.values()}
    for path in python_files(app):
        if path in facts.code:
            continue
        tree, problem = _parse(app, facts, path)
        if tree is not None:
            facts.code[path] = facts_of_tree(path, tree)
        elif path not in handler_files:  # handler resolution reports its own files
            app.diagnostics.append(Diagnostic(
                path, f"{problem}; its code was not checked", None, "note", "code"))
