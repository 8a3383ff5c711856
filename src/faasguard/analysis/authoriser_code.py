"""Does a Lambda authoriser's handler allow a request without reading its credential?

API Gateway hands a Lambda authoriser the caller's credential: a TOKEN authoriser's
`authorizationToken`, a REQUEST authoriser's `headers`, `identitySource`, query string or
cookies. An authoriser whose handler file names none of them, and returns an Allow policy
(`"Effect": "Allow"`) or an HTTP API simple response (`isAuthorized: true`), lets every
caller through: each route behind it is as open as a route with no authoriser.

The check is deliberately narrow (a finding is a certainty, not a guess):

- the handler's file is read as text: any mention of a credential (`authorizationToken`,
  `headers`, `Authorization`, `identitySource`, `cookies`, `queryStringParameters`,
  Powertools' `authorization_token` / `get_header_value`, Chalice's `auth_request.token`
  ...) counts as reading it, so
  an authoriser that verifies, looks up or compares the token is never reported;
- a handler that hands its event to another function (`verify(event)`,
  `check(event.headers)`) may read the credential there: not reported;
- the allow must be written in that file.

A Chalice authoriser (`@app.authorizer()`) allows with `AuthResponse(routes=["*"], ...)`:
every route, for every caller, when the authoriser function itself names no credential
(`auth_request.token`) and hands its request to no other function. Only that function is
read, not its file: app.py holds the routes too, and a route reading a header reads no
credential for the authoriser.

The scanner never imports or runs the code: Python is parsed with `ast`, JavaScript /
TypeScript is read as text.
"""

from __future__ import annotations

import ast
import os
import re
from typing import TYPE_CHECKING

from faasguard.model import App, Function

if TYPE_CHECKING:
    from faasguard.analysis.facts import Facts

#: `facts.memo` key: authoriser function id -> (file, line) of an allow that reads no
#: credential (`analyse_authorisers`; FG-AUTH-102 reads it).
OPEN_ALLOWS = "authoriser_code.open_allows"

#: A name of the caller's credential, as an event key, an attribute or a header name.
_CREDENTIAL = re.compile(
    r"authori[sz]ation|identity_?source|headers|cookies|query_?string_?parameters|"
    r"get_header_value|\.token\b|[\"']token[\"']", re.I)
#: An Allow policy statement or an HTTP API simple response allowing the request.
_ALLOW = re.compile(r"""["']Allow["']|\bisAuthorized["']?\s*[:=]\s*(?:True|true)\b""")
#: The first parameter of a JavaScript handler (`exports.handler = async (event) =>`,
#: `export const handler = async function (event)`, `function handler(event)`,
#: `handler: async (event) =>`), `{name}` its exported name.
_JS_HANDLER = (r"\b{name}\s*[=:]\s*(?:async\s*)?(?:function\s*\w*\s*)?\(\s*(\w+)",
               r"\bfunction\s+{name}\s*\(\s*(\w+)",
               r"\b{name}\s*[=:]\s*(?:async\s+)?(\w+)\s*=>")
#: Words before a parenthesis that open no call (`async (event) =>`, `function (event)`).
_NOT_CALLS = frozenset(("async", "function", "if", "while", "for", "switch", "return",
                        "catch", "typeof", "await"))


def analyse_authorisers(app: App, facts: Facts) -> None:
    """Analysis step: `open_allow` of each of the app's authoriser functions, kept in
    `facts.memo[OPEN_ALLOWS]` (rules read the model and the facts, not files)."""
    found: dict[str, tuple[str, int]] = {}
    for function_id in sorted(app.authorizer_functions()):
        function = app.functions.get(function_id)
        allow = None if function is None else open_allow(app.root, function)
        if allow is not None:
            found[function_id] = allow
    facts.memo[OPEN_ALLOWS] = found


def open_allow(root: str, function: Function) -> tuple[str, int] | None:
    """Where `function`'s handler allows when it reads no credential: its file (relative
    to the scanned root) and the line of its first allow (None: it reads one, hands its
    event on, allows nothing in its file, or its handler is not found)."""
    path = function.source_file
    name = function.handler_name
    if not path or not name:
        return None
    try:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            source = f.read()
    except OSError:
        return None
    tree: ast.Module | None = None
    if path.endswith(".py") and "AuthResponse" in source:
        tree = _parse(source)
        if tree is None:
            return None
        line = _chalice_open_allow(source, tree, name)
        if line is not None:
            return path, line
    allow = _ALLOW.search(source)
    if allow is None or _CREDENTIAL.search(source):
        return None
    if path.endswith(".py"):
        tree = tree or _parse(source)
        if tree is None or _python_event_handed_on(_python_handler(tree, name)):
            return None
    elif _js_event_handed_on(source, name):
        return None
    return path, source.count("\n", 0, allow.start()) + 1


def _parse(source: str) -> ast.Module | None:
    """`source` parsed as a Python module (None when `ast` cannot parse it)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _chalice_open_allow(source: str, tree: ast.Module, name: str) -> int | None:
    """The line of the Chalice authoriser `name`'s `AuthResponse(routes=["*"])` when the
    function names no credential and hands its request on to no call (else None)."""
    handler = _python_handler(tree, name)
    if handler is None:
        return None
    allow = next((node.lineno for node in ast.walk(handler)
                  if isinstance(node, ast.Call) and _allows_every_route(node)), None)
    if allow is None or _CREDENTIAL.search(ast.get_source_segment(source, handler) or ""):
        return None
    return None if _python_event_handed_on(handler) else allow


def _allows_every_route(call: ast.Call) -> bool:
    """Is `call` Chalice's `AuthResponse` whose routes (its first argument) include "*"?"""
    callee = call.func
    named = callee.id if isinstance(callee, ast.Name) else \
        callee.attr if isinstance(callee, ast.Attribute) else ""
    if named != "AuthResponse":
        return False
    routes = next((k.value for k in call.keywords if k.arg == "routes"),
                  call.args[0] if call.args else None)
    return isinstance(routes, (ast.List, ast.Tuple)) and any(
        isinstance(item, ast.Constant) and item.value == "*" for item in routes.elts)


def _python_handler(tree: ast.Module,
                    name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level function `name` of `tree`."""
    return next((node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and node.name == name), None)


def _python_event_handed_on(handler: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """Is the handler's event given to a call (or is the handler not found: None)?"""
    if handler is None:
        return True
    params = [*handler.args.posonlyargs, *handler.args.args]
    if not params:
        return False
    event = params[0].arg
    for node in ast.walk(handler):
        if isinstance(node, ast.Call):
            given = [*node.args, *(k.value for k in node.keywords)]
            if any(isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name)
                   and arg.value.id == event or isinstance(arg, ast.Name) and arg.id == event
                   for arg in given):
                return True
    return False


def _js_event_handed_on(source: str, name: str) -> bool:
    """Is the handler's event given to a call (or is the handler not found)?"""
    event = None
    for pattern in _JS_HANDLER:
        found = re.search(pattern.format(name=re.escape(name)), source)
        if found is not None:
            event = found.group(1)
            break
    if event is None:
        return True
    call = re.compile(r"(\w*)\s*\(([^()]*)\)")
    word = re.compile(rf"(?<![\w.$]){re.escape(event)}(?![\w$])")
    for match in call.finditer(source):
        callee, arguments = match.groups()
        if callee in _NOT_CALLS or callee == name or not callee:
            continue
        if word.search(arguments):
            return True
    return False
