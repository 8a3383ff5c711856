"""Handler resolution: connect each Python function of the App to its source file.

For a `python3.x` runtime, the handler `pkg/mod.func` or `pkg.mod.func` names the file
`<code_dir>/pkg/mod.py` (or `pkg/mod/__init__.py`) and the function `func` in it. The
step fills `Function.source_file` (relative to the scanned root) and
`Function.handler_name`. A handler that cannot be found, or whose file does not parse
(syntax error, Python 2 code, binary, not UTF-8), becomes a diagnostic with code
"handler"; nothing is skipped silently and nothing is imported or executed.
Node.js functions are resolved by analysis.js.handlers (file and exported function);
functions on other runtimes (Java, container images) are left alone.
"""

from __future__ import annotations

import ast
import posixpath

from faasguard.analysis.facts import Facts
from faasguard.analysis.js.handlers import is_node, resolve_node
from faasguard.analysis.taint.modules import (
    Module,
    ModuleCache,
    ParseError,
    module_cache,
    paused_gc,
)
from faasguard.model import App, Diagnostic, Function, logical_id


def resolve(app: App, facts: Facts) -> None:
    """Analysis step: resolve every Python function's handler to a file and a function."""
    cache = module_cache(app.root, facts)
    with paused_gc():
        for function in app.functions.values():
            if is_node(function):
                problem = resolve_node(function, app, facts)
            elif not _is_python(function):
                continue
            else:
                problem = _resolve_one(function, app, cache)
                cache.release()
            if problem is not None:
                app.diagnostics.append(problem)


def resolve_handlers(app: App, facts: Facts | None = None) -> None:
    """`resolve` for callers without facts (a private module cache is used)."""
    resolve(app, facts if facts is not None else Facts())


def _is_python(function: Function) -> bool:
    runtime = function.runtime
    if isinstance(runtime, str):
        return runtime.lower().startswith("python")
    return False


def split_handler(handler: str) -> tuple[str, str] | None:
    """`("pkg/mod", "func")` for `pkg/mod.func` or `pkg.mod.func`; None if malformed."""
    handler = handler.strip()
    module, dot, name = handler.rpartition(".")
    if not dot or not module or not name.isidentifier():
        return None
    head, slash, tail = module.rpartition("/")
    path = f"{head}{slash}{tail.replace('.', '/')}"
    if not all(part.isidentifier() or part in (".", "..") for part in path.split("/") if part):
        return None
    return path, name


def _resolve_one(function: Function, app: App, cache: ModuleCache) -> Diagnostic | None:
    where, line = function.location.file, function.location.line
    name = logical_id(function.id)
    handler = function.handler
    if not isinstance(handler, str) or not handler.strip():
        return Diagnostic(where, f"function '{name}': no handler given (or not known "
                          "statically); its code was not analysed", line, "warning", "handler")
    parts = split_handler(handler)
    if parts is None:
        return Diagnostic(where, f"function '{name}': handler '{handler}' is not of the form "
                          "'module.function' (for example 'app.lambda_handler')", line,
                          "error", "handler")
    module_path, func_name = parts
    code_dir = (function.code_dir or "").replace("\\", "/").strip("/")
    code_dir = "" if code_dir in (".", "./") else code_dir
    base = posixpath.normpath(posixpath.join(code_dir, module_path)) if code_dir else \
        posixpath.normpath(module_path)
    if base.startswith("../") or base == ".." or posixpath.isabs(base):
        return Diagnostic(where, f"function '{name}': handler '{handler}' points outside the "
                          "scanned folder; its code was not analysed", line, "error", "handler")
    candidates = [f"{base}.py", f"{base}/__init__.py"]
    found = next((c for c in candidates if cache.exists(c)), None)
    if found is None:
        return Diagnostic(where, f"function '{name}': handler '{handler}' not found (looked for "
                          f"{candidates[0]}); its code was not analysed", line, "warning",
                          "handler")
    function.source_file = found
    try:
        module = cache.get(found)
    except ParseError as exc:
        return Diagnostic(found, f"handler file of function '{name}' {exc.message}; its code "
                          "was not analysed", exc.line, "error", "handler")
    function.handler_name = func_name
    if not _defines(module, func_name):
        return Diagnostic(found, f"function '{name}': handler '{func_name}' is not defined at "
                          f"the top level of {found}", None, "error", "handler")
    return None


def _defines(module: Module, name: str) -> bool:
    if name in module.functions or name in module.aliases or name in module.assigned:
        return True
    for node in module.tree.body:  # conditional definitions, `handler = wrap(app)` and friends
        if isinstance(node, (ast.If, ast.Try)):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub.name == name:
                    return True
                if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Store):
                    return True
    return False
