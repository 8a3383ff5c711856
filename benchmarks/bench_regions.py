"""Where a scan's instructions go, step by step and process by process, in one run.

Runs `faasguard scan PATH [scan options]` under valgrind's callgrind with each step of the
pipeline called through a C function of its own (a "trampoline": `functools.reduce`, an
`itertools` iterator, `Context.run`, ...), then reads the profile of every process: the
inclusive instruction count of a step's trampoline is the step's count. Instructions do
not move with the machine's load (its time does, by a third from run to run on a shared
machine), so two trees compare exactly: run this once per tree (PYTHONPATH picks it) with
`PYTHONHASHSEED=0` (set here).

    python3 benchmarks/bench_regions.py /tmp/c1k --jobs 1
    python3 benchmarks/bench_regions.py /tmp/c1k              # forked workers
    PYTHONPATH=/other/tree/src python3 benchmarks/bench_regions.py /tmp/c1k --jobs 1

The steps: `load_app` (the templates), `analyse` (every analysis), and in it the handler
phase (`resolve_then_analyse`), the parses of the module cache (`parse`) and each
per-handler step (analysis.handlers.HANDLER_STEPS); then `run_rules` and the report
(`report.write`); and the serial steps around them: finding the files (`discovery`),
freeing the parsed code after the analyses (`drop parsed code`), choosing each finding's
remediation (`localise`) and applying inline and configured suppressions
(`suppressions`). What no step covers is the interpreter's start, the imports and what
runs between the steps. A forked worker's profile counts what its parent ran
before the fork too (callgrind does not reset its counters in a child): a step the fork
happened in counts the parent's part of it as well, the steps a worker began itself are
its own. Needs valgrind (callgrind and callgrind_annotate) and CPython 3.11 or later.

On the compiled build (benchmarks/mypyc_build.py, `PYTHONPATH=TREE/src`) a compiled caller
calls a compiled step directly, past any module attribute a trampoline would replace: each
step's count is then read from its own native function (mypyc's `CPyDef_` symbol, `NATIVE`),
and the scan runs unwrapped. What a native symbol counts is the step's body; the
trampolines' few calls are not in it.
"""

from __future__ import annotations

import collections
import contextvars
import functools
import glob
import itertools
import operator
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bytecode import bytecode_env  # noqa: E402

#: The C function each step is called through (its name in callgrind's profile), and how.
TRAMPOLINES: dict[str, str] = {
    "load_app": "accumulate_next",
    "analyse": "dropwhile_next",
    "handler phase": "sys_call_tracing",
    "parse": "takewhile_next",
    "step taint": "starmap_next",
    "step awscalls": "filterfalse_next",
    "step code_facts": "functools_reduce",
    "run_rules": "groupby_next",
    "report": "context_run",
    "discovery": "methodcaller_call",
    "suppressions": "defdict_missing",
    "drop parsed code": "keyobject_richcompare",
    "localise": "zip_longest_next",  # (not calliter_iternext: the JSON writer's batches)
}


#: On the compiled build: the function each step is (its native symbol's count is the step's).
NATIVE: dict[str, str] = {
    "load_app": "faasguard.scan:load_app",
    "analyse": "faasguard.scan:analyse",
    "handler phase": "faasguard.analysis.handlers:resolve_then_analyse",
    "parse": "faasguard.analysis.taint.modules:ModuleCache._parse",
    "step taint": "faasguard.analysis.taint.project:analyse_handler",
    "step awscalls": "faasguard.analysis.awscalls:analyse_handler_calls",
    "step code_facts": "faasguard.analysis.code_facts:analyse_handler",
    "run_rules": "faasguard.scan:run_rules",
    "report": "faasguard.report:write",
    "discovery": "faasguard.scan:discover_paths",
    "suppressions": "faasguard.suppress:apply_suppressions",
    "drop parsed code": "faasguard.scan:_drop_parsed_code",
    "localise": "faasguard.findings:RemediationChooser.localise_all",
}


def native_symbols(where: str) -> list[str]:
    """The names mypyc may give the C function of "module:qualname" (`CPyDef_` and the
    shortest suffix of the module's dotted name that is unique in the build, then the
    qualified name, each part joined by three underscores): one per suffix."""
    module, _, qualname = where.partition(":")
    parts = module.split(".")
    tail = qualname.replace(".", "___")
    return [f"CPyDef_{'___'.join(parts[n:])}___{tail}" for n in range(len(parts))]


def compiled_build() -> bool:
    """Is the faasguard this interpreter imports the compiled build (its scan module an
    extension)?"""
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("faasguard.scan")
    origin = spec.origin if spec is not None else None
    return origin is not None and origin.endswith(
        tuple(importlib.machinery.EXTENSION_SUFFIXES))


def _through(c_function: str, call: Callable[[], Any]) -> Any:
    """`call()`, called from the C function named `c_function`."""
    out: list[Any] = []
    once = [None]
    if c_function == "accumulate_next":
        list(itertools.accumulate([None, None], lambda _a, _b: out.append(call())))
    elif c_function == "dropwhile_next":
        list(itertools.dropwhile(lambda _: out.append(call()), once))
    elif c_function == "sys_call_tracing":
        out.append(sys.call_tracing(call, ()))
    elif c_function == "takewhile_next":
        list(itertools.takewhile(lambda _: out.append(call()), once))
    elif c_function == "starmap_next":
        out.append(next(itertools.starmap(call, [()])))
    elif c_function == "filterfalse_next":
        list(itertools.filterfalse(lambda _: out.append(call()), once))
    elif c_function == "functools_reduce":
        functools.reduce(lambda _a, _b: out.append(call()), [None, None])
    elif c_function == "groupby_next":
        next(itertools.groupby(once, key=lambda _: out.append(call())))
    elif c_function == "context_run":
        out.append(contextvars.copy_context().run(call))
    elif c_function == "methodcaller_call":
        out.append(operator.methodcaller("__call__")(call))
    elif c_function == "defdict_missing":
        collections.defaultdict(lambda: out.append(call()))[None]  # noqa: B018
    elif c_function == "keyobject_richcompare":
        sorted([0, 1], key=functools.cmp_to_key(lambda _a, _b: out.append(call()) or 0))
    elif c_function == "zip_longest_next":
        list(itertools.zip_longest(out.append(call()) for _ in once))
    else:
        raise ValueError(c_function)
    return out[0]


def _wrapped(c_function: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _through(c_function, lambda: function(*args, **kwargs))
    return wrapper


def _inner(scan_args: list[str]) -> None:
    """The scan, each step through its trampoline (run under callgrind by `main`); on the
    compiled build as it is (its steps are read from their native functions)."""
    if compiled_build():
        from faasguard.cli import main as run_cli

        sys.argv = ["faasguard", "scan", *scan_args]
        try:
            run_cli()
        except SystemExit:
            pass
        return
    import faasguard.analysis.handlers as handlers
    import faasguard.report as report
    import faasguard.scan as scan
    import faasguard.suppress as suppress
    from faasguard.analysis.taint.modules import ModuleCache
    from faasguard.cli import main as cli_main

    scan.load_app = _wrapped(TRAMPOLINES["load_app"], scan.load_app)
    scan.analyse = _wrapped(TRAMPOLINES["analyse"], scan.analyse)
    scan.run_rules = _wrapped(TRAMPOLINES["run_rules"], scan.run_rules)
    report.write = _wrapped(TRAMPOLINES["report"], report.write)
    scan.discover_paths = _wrapped(TRAMPOLINES["discovery"], scan.discover_paths)
    scan._drop_parsed_code = _wrapped(TRAMPOLINES["drop parsed code"], scan._drop_parsed_code)
    suppress.apply_suppressions = _wrapped(TRAMPOLINES["suppressions"],
                                           suppress.apply_suppressions)
    scan.RemediationChooser.localise_all = _wrapped(  # type: ignore[method-assign]
        TRAMPOLINES["localise"], scan.RemediationChooser.localise_all)
    ModuleCache._parse = _wrapped(TRAMPOLINES["parse"], ModuleCache._parse)  # type: ignore[method-assign]
    handlers.resolve_then_analyse = _wrapped(TRAMPOLINES["handler phase"],
                                             handlers.resolve_then_analyse)
    phase = "faasguard.analysis.handlers:resolve_then_analyse"
    named = scan.function_named
    scan.function_named = lambda name: (handlers.resolve_then_analyse if name == phase
                                        else named(name))
    runner_init = handlers._StepRunner.__init__

    def init(self: Any, key: str, facts: Any) -> None:
        runner_init(self, key, facts)
        trampoline = TRAMPOLINES.get(f"step {key}")
        if trampoline is not None:
            self.step = _wrapped(trampoline, self.step)

    handlers._StepRunner.__init__ = init  # type: ignore[method-assign]
    sys.argv = ["faasguard", "scan", *scan_args]
    try:
        cli_main()
    except SystemExit:
        pass


_NUMBER = re.compile(r"[\d,]+|\.")


def inclusive_counts(profile: str, names: Iterable[str]
                     ) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """callgrind_annotate's inclusive view of `profile`: the program's totals by event
    (`Ir`, and the cache and branch events when the run simulated them) and, for each of
    the C functions `names` found in it, the counts of its outermost entry (the largest
    `Ir`: a recursive entry, `name'2`, or an inlined fragment is inside one of them).
    bench_js_regions.py and bench_taint_ipc.py read their profiles through this too."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", profile],
                          capture_output=True, text=True, check=True).stdout
    wanted = set(names)
    shown: list[str] = []
    totals: dict[str, int] = {}
    found: dict[str, dict[str, int]] = {}
    for line in text.splitlines():
        if line.startswith("Events shown:"):
            shown = line.split()[2:]
            continue
        words = re.sub(r"\([^)]*\)", " ", line).split()  # without the percentages
        numbers = len(shown)
        if not shown or len(words) <= numbers \
                or not all(_NUMBER.fullmatch(w) for w in words[:numbers]):
            continue
        counts = {event: int(w.replace(",", "")) if w != "." else 0
                  for event, w in zip(shown, words[:numbers], strict=True)}
        if words[numbers:] == ["PROGRAM", "TOTALS"]:
            totals = counts
            continue
        name = words[numbers].rpartition(":")[2]
        if name in wanted and counts["Ir"] > found.get(name, {}).get("Ir", 0):
            found[name] = counts
    return totals, found


def _counts(profile: str, compiled: bool) -> tuple[int, dict[str, int]]:
    """A profile's total and the inclusive count of each step in it, by step."""
    if not compiled:
        totals, found = inclusive_counts(profile, TRAMPOLINES.values())
        return totals.get("Ir", 0), {step: found[trampoline]["Ir"]
                                     for step, trampoline in TRAMPOLINES.items()
                                     if trampoline in found}
    names = {step: native_symbols(where) for step, where in NATIVE.items()}
    totals, found = inclusive_counts(profile, [n for each in names.values() for n in each])
    return totals.get("Ir", 0), {step: max(found.get(n, {}).get("Ir", 0) for n in each)
                                 for step, each in names.items()}


def main(argv: list[str] | None = None) -> int:
    """Profile the scan under callgrind and print the steps' counts (see the module)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--inner"]:
        _inner(args[1:])
        return 0
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    compiled = compiled_build()
    with tempfile.TemporaryDirectory(prefix="bench_regions") as folder:
        # from compiled bytecode, as an installed package runs (written by a first run)
        env = {**bytecode_env(os.path.join(folder, "bytecode")), "PYTHONHASHSEED": "0"}
        subprocess.run([sys.executable, __file__, "--inner", *args, "-o", os.devnull],
                       env=env, capture_output=True, check=False)
        out = os.path.join(folder, "callgrind.%p")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        sys.executable, __file__, "--inner", *args, "-o", os.devnull],
                       env=env, capture_output=True, check=True)
        columns = [_counts(profile, compiled)
                   for profile in glob.glob(os.path.join(folder, "callgrind.[0-9]*"))]
    # the main process is the one that wrote the report (process ids may wrap around)
    columns.sort(key=lambda column: -column[1].get("report", 0))
    print(f"faasguard scan {' '.join(args)} ({'compiled' if compiled else 'pure'} build): "
          "instructions (M), inclusive, by process (forked workers count their parent's "
          "work before the fork)")
    print(f"{'step':18s}{'main':>16s}" + "".join(f"{'worker ' + str(n):>16s}"
                                                for n in range(1, len(columns))))
    for step in TRAMPOLINES:
        print(f"{step:18s}" + "".join(f"{counts.get(step, 0) / 1e6:16.1f}"
                                      for _, counts in columns))
    print(f"{'whole process':18s}" + "".join(f"{total / 1e6:16.1f}" for total, _ in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
