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
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from faasguard.analysis.cdk_assets import follow_sources
from faasguard.analysis.facts import Facts
from faasguard.analysis.handler_paths import given_handler, handler_base
from faasguard.analysis.nodejs import is_node, resolve_node
from faasguard.analysis.taint.modules import (
    EarlyWork,
    Module,
    ModuleCache,
    ParseError,
    early_work,
    module_cache,
)
from faasguard.collector import paused_then_frozen
from faasguard.model import App, Diagnostic, Function, logical_id
from faasguard.named import function_named
from faasguard.workers import exported_states, merge_states, pull_map, worker_count

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
    "faasguard.analysis.jwt_python:keep_python_decodes",
]


#: What the per-handler steps read on every handler, loaded by the first otherwise:
#: "module:function" names of `() -> object` loaders (each keeps its result for the
#: process), called ahead by `prepare`.
SHARED_DATA: list[str] = [
    "faasguard.analysis.aws_sdk:table",
    "faasguard.analysis.iam_catalog:load",
]
#: Modules the steps import on the first handler that needs them, imported ahead by
#: `prepare`: the taint engine and the AWS-call interpreter.
SHARED_MODULES: list[str] = [
    "faasguard.analysis.taint.engine",
    "faasguard.analysis.aws_interp",
]


#: The `facts.memo` key of work of a later step that reads only the model (scan's
#: model-only rules, `scan.EarlyRules`): `resolve_then_analyse` takes it and runs it in
#: this process while a forked worker takes handler chunks (which then takes more of them),
#: or before the handlers when this process does them all.
BESIDE_HANDLERS = "handlers.beside"


def prepare() -> None:
    """Import the per-handler steps (HANDLER_STEPS, FILE_STEPS) and load SHARED_DATA now,
    not on a scan's first handler (scan.load_app does it while workers load templates)."""
    for name in [*HANDLER_STEPS.values(), *FILE_STEPS]:
        function_named(name)
    for name in SHARED_DATA:
        function_named(name)()
    for module in SHARED_MODULES:
        importlib.import_module(module)


def resolve(app: App, facts: Facts) -> None:
    """Resolve every Python function's handler to a file and a function (nothing else)."""
    _resolve_all(app, facts, ())


def resolve_then_analyse(app: App, facts: Facts) -> None:
    """Analysis step: `resolve`, running every HANDLER_STEPS step on each Python handler
    while its module is parsed (and FILE_STEPS on each tree the cache drops)."""
    cache = module_cache(app, facts)
    for name in FILE_STEPS:
        cache.before_drop.append(_FileStep(name, facts))
    _resolve_all(app, facts, HANDLER_STEPS)


def resolve_with_steps(app: App, facts: Facts, steps: Iterable[str]) -> None:
    """`resolve`, running the HANDLER_STEPS steps of these keys on each Python handler."""
    _resolve_all(app, facts, steps)


def _resolve_all(app: App, facts: Facts, steps: Iterable[str]) -> None:
    follow_sources(app)  # a function's code in cdk.out/asset.*: its source, when a copy
    cache = module_cache(app, facts)
    runners = [_StepRunner(key, facts) for key in steps]
    beside: Callable[[], None] | None = facts.memo.pop(BESIDE_HANDLERS, None) \
        if runners else None
    named = {f.id: _named_file(f) for f in app.functions.values()
             if not is_node(f) and _is_python(f)}
    groups, others = _groups(app, named)
    workers = worker_count(len(groups), facts.options.jobs) if runners else 1
    run = _Run(app, facts, cache, runners, named)
    with paused_then_frozen():
        if workers == 1:
            if beside is not None:
                beside()
            functions = [f for f in app.functions.values() if f.id in named or is_node(f)]
            run.locate(functions)
            for function in functions:
                run.apply(run.resolve(function))
        else:
            run.in_shards(groups, others, workers, beside)


def _groups(app: App, named: dict[str, _Named | Diagnostic]
            ) -> tuple[list[list[Function]], list[Function]]:
    """The functions to resolve, as forked workers share them (`faasguard.workers`): the
    Python handlers grouped by the file they name (`_Named.key`: a file's functions stay
    in one process, as the disk is not asked yet), in App order; then the Node.js
    functions and malformed handlers (done by this process)."""
    by_file: dict[str, list[Function]] = {}
    others: list[Function] = []
    for function in app.functions.values():
        where = named.get(function.id)
        if isinstance(where, _Named):
            by_file.setdefault(where.key, []).append(function)
        elif where is not None or is_node(function):
            others.append(function)
    return list(by_file.values()), others


@dataclass
class _Resolved:
    """What resolving one function (and its per-handler steps) did, applied in App
    order (`_Run.apply`): its handler, its problem, each step's outcome, and the keys of
    `facts.flows`, `aws_calls` and `code` its steps added (TRACKED; noted in a sharded
    run only, `_Run.tracking`: empty in a serial one)."""

    function_id: str
    source_file: str | None
    handler_name: str | None
    problem: Diagnostic | None
    steps: list[_StepOutcome]
    added: tuple[list[str], ...]


#: The per-handler steps' results in `Facts`, keyed by function id or file.
TRACKED = ("flows", "aws_calls", "code")
#: The TRACKED dict each per-handler step fills.
FILLS = {"code_facts": "code", "taint": "flows", "awscalls": "aws_calls"}


@dataclass
class _ShardResult:
    """What a process did with one chunk of the handlers: its records and, from a forked
    worker, what its steps added to `Facts` for them."""

    records: list[_Resolved]
    added: dict[str, dict[str, Any]] | None  # None: done by this process


@dataclass
class _WorkerEnd:
    """What a forked worker sends back once, after its last chunk: the registered
    per-scan states and the import aliases of the trees it dropped."""

    states: dict[str, Any]
    aliases: dict[str, dict[str, str]]


class _Run:
    """Handler resolution of one scan, with its per-handler steps."""

    def __init__(self, app: App, facts: Facts, cache: ModuleCache, runners: list[_StepRunner],
                 named: dict[str, _Named | Diagnostic]):
        self.app, self.facts, self.cache = app, facts, cache
        self.runners, self.named = runners, named
        #: the handler file of each Python function (or why there is none), found on
        #: disk by the process that resolves it (`locate`)
        self.located: dict[str, tuple[str, str] | Diagnostic] = {}
        #: note the TRACKED keys each function's steps add (`_Resolved.added`): only a
        #: sharded run merges and reorders them (`in_shards`)
        self.tracking = False
        self.left_to_exit: list[Module] = []  # a worker's trees, held until it exits

    def file_key(self, function: Function) -> str | None:
        """The key of the file its handler names (`_Named.key`), None when it names none."""
        named = self.named.get(function.id)
        return named.key if isinstance(named, _Named) else None

    def locate(self, functions: Iterable[Function]) -> None:
        """Find the handler files of these functions (those not found yet) and pin each
        until the last function naming it is analysed; call it before resolving them."""
        cache, located = self.cache, self.located
        for function in functions:
            where = self.named.get(function.id)
            if where is None or function.id in located:
                continue
            found = _find(function, where, cache) if isinstance(where, _Named) else where
            located[function.id] = found
            if not isinstance(found, Diagnostic):
                cache.pin(found[0])

    def resolve(self, function: Function) -> _Resolved:
        """Resolve one function and run the steps on it (nothing is applied yet; its
        handler located first, `locate`)."""
        app, facts, cache = self.app, self.facts, self.cache
        sizes = [len(getattr(facts, name)) for name in TRACKED] if self.tracking else None
        where = self.located.get(function.id)
        if where is None:  # a Node.js function
            problem = resolve_node(function, app, facts)
        else:
            problem = where if isinstance(where, Diagnostic) else _check(function, *where,
                                                                         cache)
        outcomes = [runner.run(app, facts, function) for runner in self.runners] \
            if where is not None else []
        if isinstance(where, tuple):
            cache.unpin(where[0])
        if where is not None:
            cache.release()
        added = () if sizes is None else tuple(
            _last_keys(getattr(facts, name), len(getattr(facts, name)) - size)
            for name, size in zip(TRACKED, sizes, strict=True))
        return _Resolved(function.id, function.source_file, function.handler_name, problem,
                         outcomes, added)

    def apply(self, done: _Resolved, from_child: bool = False) -> None:
        """Report what resolving one function did, where a serial scan reports it."""
        if from_child:  # (its handler file was located and pinned in the child only)
            function = self.app.functions[done.function_id]
            function.source_file, function.handler_name = done.source_file, done.handler_name
        if done.problem is not None:
            self.app.diagnostics.append(done.problem)
        for runner, outcome in zip(self.runners, done.steps, strict=False):  # none: Node.js
            runner.apply(done.function_id, outcome)

    def in_shards(self, groups: list[list[Function]], others: list[Function],
                  processes: int, beside: Callable[[], None] | None = None) -> None:
        """Resolve the handlers' groups in `processes` processes, this one and forked
        workers taking chunks of them from one queue (`workers.pull_map`: a process slowed
        down takes fewer), and merge their work in App order; `others` are done here, and
        `beside` (work of a later step, BESIDE_HANDLERS) before them, once the workers are
        forked. A chunk whose worker failed is done here."""
        facts = self.facts
        self.tracking = True
        before = [list(getattr(facts, name)) for name in TRACKED]
        index = {fid: n for n, fid in enumerate(self.app.functions)}
        # The App's first Python function is done before the fork: what the steps set up
        # on their first handler (the taint run, its table and a bad `taint:` config's
        # diagnostic) is made once and inherited by the workers.
        first = min((f for f in (*others, *(group[0] for group in groups))
                     if f.id in self.named), key=lambda f: index[f.id], default=None)
        records: list[tuple[_Resolved, bool]] = []
        if first is not None:  # located with the functions naming its file
            key = self.file_key(first)
            self.locate([first, *(f for group in groups for f in group
                                  if key is not None and self.file_key(f) == key)])
            records.append((self.resolve(first), False))
        groups = [kept for kept in ([f for f in group if f is not first] for group in groups)
                  if kept]
        others = [f for f in others if f is not first]

        def meanwhile() -> None:  # this process's own work, while the workers start
            if beside is not None:
                beside()
            self.locate(others)
            records.extend((self.resolve(f), False) for f in others)

        for result in pull_map(self._chunk, groups, processes, meanwhile, len,
                               self._worker_end, self._merge_end):
            if result.added is not None:
                for name, items in result.added.items():
                    getattr(facts, name).update(items)
            records.extend((record, result.added is not None) for record in result.records)
        records.sort(key=lambda item: index[item[0].function_id])
        for record, from_child in records:
            self.apply(record, from_child)
        self._forget_after_crashes([record for record, _ in records])
        for name, keys in zip(TRACKED, before, strict=True):
            _reorder(facts, name, keys, (record.added[TRACKED.index(name)]
                                         for record, _ in records))

    def _forget_after_crashes(self, records: list[_Resolved]) -> None:
        """A step that crashes on a function is not run on the later ones in a serial
        scan: what it added for them in other shards (App order) is dropped."""
        errors = [outcome[1] for record in records for outcome in record.steps]
        if errors.count(None) == len(errors):  # no step crashed (the usual case)
            return
        for n, runner in enumerate(self.runners):
            crash = next((i for i, record in enumerate(records) if len(record.steps) > n
                          and record.steps[n][1] is not None), None)
            if crash is None:
                continue
            name = FILLS[runner.key]
            found: dict[str, Any] = getattr(self.facts, name)
            for record in records[crash + 1:]:
                for key in record.added[TRACKED.index(name)]:
                    found.pop(key, None)

    def _chunk(self, job: tuple[bool, int, list[list[Function]]]) -> _ShardResult:
        """Resolve one chunk of the groups (`pull_map`'s work)."""
        in_child, _, groups = job
        functions = [f for group in groups for f in group]
        facts = self.facts
        self.locate(functions)
        records = [self.resolve(f) for f in functions]
        if not in_child:
            return _ShardResult(records, None)
        return _ShardResult(records, {
            name: {key: getattr(facts, name)[key] for record in records
                   for key in record.added[n]} for n, name in enumerate(TRACKED)})

    def _worker_end(self) -> _WorkerEnd:
        """A worker's last step (`pull_map`'s finish): the trees' summaries (before_drop)
        for the later steps; the trees themselves are kept, for the worker's exit frees
        its memory at once, not object by object."""
        self.left_to_exit = list(self.cache.modules.values())
        self.cache.release_all()
        return _WorkerEnd(exported_states(self.facts), self.cache.dropped_aliases())

    def _merge_end(self, end: _WorkerEnd) -> None:
        merge_states(self.app, self.facts, end.states)
        self.cache.add_dropped_aliases(end.aliases)


def _last_keys(mapping: dict[str, Any], count: int) -> list[str]:
    """The `count` keys added last to a dict, oldest first."""
    if count <= 0:
        return []
    keys = list(islice(reversed(mapping), count))
    keys.reverse()
    return keys


def _reorder(facts: Facts, name: str, before: list[str], added: Iterable[list[str]]) -> None:
    """Put the keys of a TRACKED dict in the order a serial scan adds them."""
    mapping: dict[str, Any] = getattr(facts, name)
    order = [*before, *(key for keys in added for key in keys)]
    ordered = {key: mapping[key] for key in order if key in mapping}
    if len(ordered) < len(mapping):  # keys no record names (none in a scan's own run)
        ordered.update((key, value) for key, value in mapping.items() if key not in ordered)
    setattr(facts, name, ordered)


#: One per-handler step's outcome on one function: its diagnostics, the exception that
#: stopped it, and whether it was done.
_StepOutcome = tuple[list[Diagnostic], "Exception | None", bool]


class _StepRunner:
    """One per-handler step: run on each function, its diagnostics and a crash kept for
    its whole-app step (`EarlyWork`), so they are reported where they always were."""

    def __init__(self, key: str, facts: Facts):
        self.key = key
        self.step: Callable[[App, Facts, Function], None] = function_named(HANDLER_STEPS[key])
        self.work: EarlyWork = early_work(facts, key)
        self.failed = self.work.error is not None

    def run(self, app: App, facts: Facts, function: Function) -> _StepOutcome:
        """Run the step on one function (nothing after it crashed once: its whole-app
        step reports the crash)."""
        if self.failed:
            return [], None, False
        found = app.diagnostics
        start = len(found)
        try:
            self.step(app, facts, function)
        except Exception as exc:  # noqa: BLE001 (re-raised by the whole-app step)
            self.failed = True
            return _taken(found, start), exc, False
        # (most steps report nothing: no slice of the App's diagnostics to make)
        return (_taken(found, start) if len(found) > start else []), None, True

    def apply(self, function_id: str, outcome: _StepOutcome) -> None:
        """Keep one function's outcome for the whole-app step (nothing after a crash)."""
        diagnostics, error, done = outcome
        work = self.work
        if work.error is not None:
            return
        if diagnostics:
            work.diagnostics.extend(diagnostics)
        if error is not None:
            work.error = error
        elif done:
            work.done.add(function_id)


def _taken(found: list[Diagnostic], start: int) -> list[Diagnostic]:
    """The diagnostics appended to `found` from `start` on, removed from it."""
    taken = found[start:]
    del found[start:]
    return taken


class _FileStep:
    """A FILE_STEPS step as a `ModuleCache.before_drop` callback (it never keeps the tree;
    if it fails, its whole-app step parses the file again, as without it)."""

    def __init__(self, name: str, facts: Facts):
        self.step: Callable[[Facts, Module], None] = function_named(name)
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
    for part in path.split("/"):  # (a loop, not all() of a generator: once per function)
        if part and not part.isidentifier() and part not in (".", ".."):
            return None
    return path, name


def named_function(function: Function, dotted: str) -> tuple[str, str] | None:
    """The file (relative to the scanned root) and the name of a Python function that a
    function's settings name besides its handler, in its code folder (Zappa's
    `events[].function` and `authorizer.function`: `auth.check` is `check` of auth.py);
    None if malformed."""
    parts = split_handler(dotted)
    if parts is None:
        return None
    code_dir = (function.code_dir or "").strip("/")
    code_dir = "" if code_dir in (".", "./") else code_dir
    return posixpath.normpath(posixpath.join(code_dir, parts[0] + ".py")), parts[1]


@dataclass(frozen=True)
class _Named:
    """The file a Python function's handler names, before the disk is asked: its path
    without extension, the function's name in it and the handler as given."""

    base: str
    func_name: str
    handler: str

    @property
    def key(self) -> str:
        """The same for every handler that can resolve to one file (`_find` tries
        `base.py`, then `base/__init__.py`: `pkg` and `pkg/__init__` can both give
        `pkg/__init__.py`). Paths as the module cache names files (root-relative,
        normalised, symlinks left unresolved): a file named through a symlinked folder is
        another file to the analyses, serial or sharded alike."""
        return self.base.removesuffix("/__init__")


def _named_file(function: Function) -> _Named | Diagnostic:
    """The file a Python function's handler names (the disk not asked), or why none."""
    where, line = function.location.file, function.location.line
    handler = given_handler(function)
    if isinstance(handler, Diagnostic):
        return handler
    parts = split_handler(handler)
    if parts is None:
        return Diagnostic(where, f"function '{logical_id(function.id)}': handler "
                          f"'{handler}' is not of the form 'module.function' (for example "
                          "'app.lambda_handler')", line, "error", "handler")
    module_path, func_name = parts
    base = handler_base(function, handler, module_path)
    if isinstance(base, Diagnostic):
        return base
    return _Named(base, func_name, handler)


def _find(function: Function, named: _Named, cache: ModuleCache) -> tuple[str, str] | Diagnostic:
    """The named file checked to exist (not parsed) and the function's name in it, or a
    warning when there is no such file."""
    candidates = [f"{named.base}.py", f"{named.base}/__init__.py"]
    found = None
    for candidate in candidates:  # (a loop: a generator left early is closed by an exception)
        if cache.exists(candidate):
            found = candidate
            break
    if found is None:
        return Diagnostic(function.location.file, f"function '{logical_id(function.id)}': "
                          f"handler '{named.handler}' not found (looked for {candidates[0]}); "
                          "its code was not analysed", function.location.line, "warning",
                          "handler")
    return found, named.func_name


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
