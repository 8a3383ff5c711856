"""Tokens decoded without verifying their signature in Python sources, and the record
both languages' checks give (analysis.js.jwt holds the Node.js side).

Every Python source of the scan is checked: PyJWT `jwt.decode` with
`options={"verify_signature": False}`, `verify=False` or `algorithms=["none"]`;
python-jose `get_unverified_claims` (unless the function checked that token's signature by
hand before and acted on the answer: `if not jwk.construct(key).verify(message, signature):
return`). The facts land in `facts.jwt_decodes`; rules/jwt.py reports them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache

from faasguard.analysis.facts import Facts
from faasguard.analysis.nodejs import builtin_data
from faasguard.analysis.taint.modules import Module, dotted_name, module_cache
from faasguard.model import App, Location
from faasguard.workers import register_dict_state

#: The Python packages whose decode functions are checked (import names).
JWT_PACKAGES = {"jwt", "jose"}
_KEPT_DECODES = "jwt.python_decodes"  # Facts.memo: file -> decodes noted before a drop
register_dict_state(_KEPT_DECODES)  # a forked worker's notes come back with its results


@dataclass(frozen=True)
class TokenDecode:
    """A token's claims read without checking its signature.

    `how` says what the code did ("jsonwebtoken.decode", "base64 of the middle segment",
    "jwt.decode with verify_signature False"); `function` is the Function.id of the
    handler whose module graph holds it (None for Python sources, checked file by file).
    """

    location: Location
    how: str
    language: str
    function: str | None = None


@cache
def _names(kind: str) -> frozenset[str]:
    """The qualified names of one kind of Python decode call (`python_unverified`: every
    call skips verification; `python_decode`: when its arguments say so)."""
    return frozenset(builtin_data()["jwt"][kind])


def _python_unverified(call: ast.Call) -> str | None:
    """Why a PyJWT/python-jose decode call skips verification (None if it does not)."""
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg == "verify" and isinstance(value, ast.Constant) and value.value is False:
            return "verify=False"
        if keyword.arg == "options" and isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "verify_signature" and \
                        isinstance(item, ast.Constant) and item.value is False:
                    return 'options={"verify_signature": False}'
        if keyword.arg == "algorithms" and isinstance(value, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Constant) and str(e.value).lower() == "none"
                   for e in value.elts):
                return 'algorithms=["none"]'
    return None


def python_decodes(app: App, facts: Facts) -> list[TokenDecode]:
    """Unverified decodes in the Python sources of the scan (a file whose tree the module
    cache dropped gives those `keep_python_decodes` noted before: it is not parsed again)."""
    cache = module_cache(app, facts)
    kept: dict[str, list[TokenDecode]] = facts.memo.get(_KEPT_DECODES, {})
    out: list[TokenDecode] = []
    for source in app.files:
        if source.format != "python":
            continue
        cache.release()
        if source.path in kept and cache.parsed(source.path) is None:
            out.extend(kept[source.path])
            continue
        aliases = cache.aliases(source.path)
        if aliases is None or not _imports_jwt(aliases):
            continue  # no module-level import of PyJWT or python-jose: nothing to walk
        module = cache.try_get(source.path)
        if module is not None:
            out.extend(_module_decodes(module))
    return out


def keep_python_decodes(facts: Facts, module: Module) -> None:
    """Note a module's unverified decodes before the module cache drops its tree (a
    per-file step of analysis.handlers.FILE_STEPS), for `python_decodes`."""
    if _imports_jwt(module.aliases):
        facts.memo.setdefault(_KEPT_DECODES, {})[module.file] = _module_decodes(module)


def _imports_jwt(aliases: dict[str, str]) -> bool:
    return any(target.split(".", 1)[0] in JWT_PACKAGES for target in aliases.values())


#: python-jose's key constructor: `jwk.construct(key).verify(message, signature)` checks a
#: token's signature by hand (the Cognito token verification AWS documents).
_JWK_CONSTRUCT = "jose.jwk.construct"


def _verified_by_hand(module: Module) -> set[int]:
    """The unverified-claims calls (by id) a function makes after checking that token's
    signature itself: `key = jwk.construct(...)`, then `key.verify(message, signature)`,
    its message and signature taken from the token read, whose answer stops the function
    when it is False (`if not key.verify(...): return`, `assert key.verify(...)`, the
    answer kept in a name then tested so) or guards the read (`if key.verify(...):`).
    python-jose's verify returns a bool and raises nothing: a check whose answer is
    ignored, or only printed, verifies nothing; nor does a check of another token."""
    unverified = _names("python_unverified")
    out: set[int] = set()
    for func in ast.walk(module.tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        keys = {target.id for node in ast.walk(func) if isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and module.qualify(dotted_name(node.value.func)) == _JWK_CONSTRUCT
                for target in node.targets if isinstance(target, ast.Name)}
        guards = _signature_guards(func, keys) if keys else []
        for call in ast.walk(func):
            if not guards or not isinstance(call, ast.Call) or not call.args or \
                    module.qualify(dotted_name(call.func)) not in unverified:
                continue
            read = _names_in(call.args[0])
            if any(first <= call.lineno <= last and read & signed
                   for first, last, signed in guards):
                out.add(id(call))
    return out


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _is_check(node: ast.AST | None, keys: set[str]) -> bool:
    """`key.verify(...)` on a key `jwk.construct` made."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "verify" and isinstance(node.func.value, ast.Name)
            and node.func.value.id in keys)


def _signature_guards(func: ast.AST, keys: set[str]) -> list[tuple[int, int, set[str]]]:
    """(first, last, names) of each signature check whose answer is acted on: the lines
    it covers and the names its message and signature were computed from."""
    derived: dict[str, set[str]] = {}  # name -> the names its assigned values read
    answers: dict[str, ast.Call] = {}  # name -> the check whose answer it holds
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            read = _names_in(node.value)
            for target in node.targets:
                for name in _names_in(target):
                    derived.setdefault(name, set()).update(read)
                    if isinstance(target, ast.Name) and isinstance(node.value, ast.Call) \
                            and _is_check(node.value, keys):
                        answers[name] = node.value

    def check_of(test: ast.expr) -> ast.Call | None:
        if isinstance(test, ast.Name):
            return answers.get(test.id)
        return test if isinstance(test, ast.Call) and _is_check(test, keys) else None

    def signed(check: ast.Call) -> set[str]:
        names: set[str] = set()
        todo = [name for arg in check.args for name in _names_in(arg)]
        while todo:
            name = todo.pop()
            if name not in names:
                names.add(name)
                todo.extend(derived.get(name, ()))
        return names

    end = getattr(func, "end_lineno", None) or 0
    guards: list[tuple[int, int, set[str]]] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assert) and (check := check_of(node.test)) is not None:
            guards.append((node.lineno + 1, end, signed(check)))
        elif isinstance(node, ast.If):
            test = node.test
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                check = check_of(test.operand)
                if check is not None and isinstance(node.body[-1], (ast.Return, ast.Raise)):
                    guards.append(((node.end_lineno or node.lineno) + 1, end, signed(check)))
            elif (check := check_of(test)) is not None:
                guards.append((node.body[0].lineno, node.body[-1].end_lineno or end,
                               signed(check)))
    return guards


def _module_decodes(module: Module) -> list[TokenDecode]:
    unverified, decode = _names("python_unverified"), _names("python_decode")
    out: list[TokenDecode] = []
    checked: set[int] | None = None
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        qname = module.qualify(dotted_name(node.func))
        if qname in unverified:
            if checked is None:
                checked = _verified_by_hand(module)
            if id(node) not in checked:
                out.append(TokenDecode(Location(module.file, node.lineno), qname, "python"))
        elif qname in decode:
            why = _python_unverified(node)
            if why is not None:
                out.append(TokenDecode(Location(module.file, node.lineno),
                                       f"{qname} with {why}", "python"))
    return out
