"""Handler resolution: connect each Python function of the App to its source file.

For a `python3.x` runtime, the handler `pkg/mod.func` or `pkg.mod.func` names the file
`<code_dir>/pkg/mod.py` (or `pkg/mod/__init__.py`) and the function `func` in it. The
step fills `Function.source_file` (relative to the scanned root) and
`Function.handler_name`. A handler that cannot be found, or whose file does not parse
(syntax error, Python 2 code, binary, not UTF-8), becomes a diagnostic with code
"handler"; nothing is skipped silently and nothing is imported or executed.
Node.js functions are resolved by analysis.js.handlers (file and exported function);
functions on other runtimes (Java, container images) are left alone.

In a scan (`resolve_then_analyse`), the per-handler analyses (HANDLER_STEPS) run on each
Python handler right after it is resolved, while its module is parsed: each file is
parsed once, and only a bounded number of trees is held at a time.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from faasguard.analysis.facts import Facts
from faasguard.analysis.handler_paths import given_handler, handler_base
from faasguard.analysis.js.handlers import is_node, resolve_node
from faasguard.analysis.taint.modules import (
    EarlyWork,
    Module,
    ModuleCache,
    ParseError,
    early_work,
    module_cache,
    paused_gc,
)
from faasguard.model import App, Diagnostic, Function, logical_id

#: The per-handler analyses, by key: "module:function" names of `(app, facts, function)
#: -> None` steps, run on each Python function in App order just after its handler is
#: resolved. Each belongs to a whole-app step of scan.ANALYSES, which starts with
#: `early_work(facts, key).take(app)` and then does only the functions not done (the
#: code-facts step skips the files already in `facts.code`).
HANDLER_STEPS: dict[str, str] = {
    "code_facts": "faasguard.analysis.code_facts:analyse_handler",
    "taint": "faasguard.analysis.taint:analyse_handler",
    "awscalls": "faasguard.analysis.awscalls:analyse_handler_calls",
}


#: What later whole-app steps that walk every Python file take from a tree before the
#: module cache drops it (so they need not parse the file again): "module:function"
#: names of `(facts, module) -> None`, registered on the cache by `resolve_then_analyse`.
FILE_STEPS: list[str] = [
    "faasguard.analysis.js.jwt:keep_python_decodes",
]


def resolve(app: App, facts: Facts) -> None:
    """Resolve every Python function's handler to a file and a function (nothing else)."""
    _resolve_all(app, facts, ())


def resolve_then_analyse(app: App, facts: Facts) -> None:
    """Analysis step: `resolve`, running every HANDLER_STEPS step on each Python handler
    while its module is parsed (and FILE_STEPS on each tree the cache drops)."""
    cache = module_cache(app.root, facts)
    for name in FILE_STEPS:
        cache.before_drop.append(_FileStep(name, facts))
    _resolve_all(app, facts, HANDLER_STEPS)


def resolve_with_steps(app: App, facts: Facts, steps: Iterable[str]) -> None:
    """`resolve`, running the HANDLER_STEPS steps of these keys on each Python handler."""
    _resolve_all(app, facts, steps)


def _resolve_all(app: App, facts: Facts, steps: Iterable[str]) -> None:
    cache = module_cache(app.root, facts)
    runners = [_StepRunner(key, facts) for key in steps]
    python = [f for f in app.functions.values() if not is_node(f) and _is_python(f)]
    located = {f.id: _locate(f, cache) for f in python}
    for where in located.values():
        if not isinstance(where, Diagnostic):
            cache.pin(where[0])  # kept until the last function naming it is analysed
    with paused_gc():
        for function in app.functions.values():
            if is_node(function):
                problem = resolve_node(function, app, facts)
            elif function.id in located:
                where = located[function.id]
                problem = where if isinstance(where, Diagnostic) else \
                    _check(function, *where, cache)
            else:
                continue
            if problem is not None:
                app.diagnostics.append(problem)
            if function.id not in located:
                continue
            for runner in runners:
                runner.run(app, facts, function)
            if not isinstance(where, Diagnostic):
                cache.unpin(where[0])
            cache.release()


def _named(name: str) -> Any:
    """The function a "module:function" name names (its module imported now)."""
    module_name, _, func_name = name.partition(":")
    return getattr(importlib.import_module(module_name), func_name)


class _StepRunner:
    """One per-handler step: run on each function, its diagnostics and a crash kept for
    its whole-app step (`EarlyWork`), so they are reported where they always were."""

    def __init__(self, key: str, facts: Facts):
        self.step: Callable[[App, Facts, Function], None] = _named(HANDLER_STEPS[key])
        self.work: EarlyWork = early_work(facts, key)

    def run(self, app: App, facts: Facts, function: Function) -> None:
        if self.work.error is not None:  # the step crashed: its whole-app step reports it
            return
        start = len(app.diagnostics)
        try:
            self.step(app, facts, function)
        except Exception as exc:  # noqa: BLE001 (re-raised by the whole-app step)
            self.work.error = exc
            return
        finally:
            self.work.diagnostics.extend(app.diagnostics[start:])
            del app.diagnostics[start:]
        self.work.done.add(function.id)


class _FileStep:
    """A FILE_STEPS step as a `ModuleCache.before_drop` callback (it never keeps the tree;
    if it fails, its whole-app step parses the file again, as without it)."""

    def __init__(self, name: str, facts: Facts):
        self.step: Callable[[Facts, Module], None] = _named(name)
        self.facts = facts

    def __call__(self, module: Module) -> bool:
        try:
            self.step(self.facts, module)
        except Exception:  # noqa: BLE001, S110 (the whole-app step does the work instead)
            pass
        return False


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


def _locate(function: Function, cache: ModuleCache) -> tuple[str, str] | Diagnostic:
    """The file a Python function's handler names (checked to exist, not parsed) and the
    function's name in it, or why there is none."""
    where, line = function.location.file, function.location.line
    name = logical_id(function.id)
    handler = given_handler(function)
    if isinstance(handler, Diagnostic):
        return handler
    parts = split_handler(handler)
    if parts is None:
        return Diagnostic(where, f"function '{name}': handler '{handler}' is not of the form "
                          "'module.function' (for example 'app.lambda_handler')", line,
                          "error", "handler")
    module_path, func_name = parts
    base = handler_base(function, handler, module_path)
    if isinstance(base, Diagnostic):
        return base
    candidates = [f"{base}.py", f"{base}/__init__.py"]
    found = next((c for c in candidates if cache.exists(c)), None)
    if found is None:
        return Diagnostic(where, f"function '{name}': handler '{handler}' not found (looked for "
                          f"{candidates[0]}); its code was not analysed", line, "warning",
                          "handler")
    return found, func_name


def _check(function: Function, found: str, func_name: str,
           cache: ModuleCache) -> Diagnostic | None:
    """Parse the handler file and check it defines the handler; fills `source_file` and
    `handler_name`."""
    name = logical_id(function.id)
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
