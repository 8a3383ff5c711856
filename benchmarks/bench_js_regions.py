"""Where bench_js's round goes, phase by phase, in instructions (callgrind).

Generates bench_js's files (default 300), runs one round of handler resolution + Node.js
analysis after a warm-up round, as bench_js does, under valgrind's callgrind, and prints
the instructions of each of bench_js.PHASES, of the glue of resolution and of the
analysis step around them, and of bench_js's parse alone of the same files (the
target's floor). Each phase is called through a C function of its own, one per pair of
(phase, the phase it runs within), as bench_regions.py does for a scan: a pair's
inclusive count less that of the pairs it holds is the phase's own work there. The
phases a pass over the functions no handler reached runs count in that pass. Instructions
do not move with the machine's load, so two trees compare exactly: run this once per
tree (PYTHONPATH picks the code; `PYTHONHASHSEED=0` is set here).

    python3 benchmarks/bench_js_regions.py [--files N] [--seed S]
    PYTHONPATH=/other/tree/src python3 benchmarks/bench_js_regions.py

Needs valgrind (callgrind and callgrind_annotate) and CPython 3.11 or later.
"""

from __future__ import annotations

import operator
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_js  # noqa: E402
import bench_support as bench  # noqa: E402
from bench_regions import _through, inclusive_counts  # noqa: E402

#: The C functions a phase is called through, one per (phase, outer phase) met, in the
#: order met: bench_regions' (less `calliter_iternext`: the analysis itself calls
#: `iter(callable, sentinel)`, which would count in it), `operator.call` and `~x` of an
#: object of a Python class (`slot_nb_invert`; its siblings `-x`, `+x`, `abs(x)` are
#: one function of the binary, which counts each in the other).
C_FUNCTIONS = ("accumulate_next", "dropwhile_next", "sys_call_tracing", "takewhile_next",
               "starmap_next", "filterfalse_next", "functools_reduce", "groupby_next",
               "context_run", "methodcaller_call", "defdict_missing",
               "keyobject_richcompare", "_operator_call", "slot_nb_invert")
PARSE = "read + parse alone (bench_js.parse_all)"
RESOLUTION = "handler resolution (the rest)"
STEP = "analysis step (the rest)"
UNREACHED = "functions no handler reached"
class _Inverted:
    """`~x` calls `call()`."""

    def __init__(self, call: Callable[[], Any]):
        self.call = call

    def __invert__(self) -> Any:
        return self.call()


def _call_through(c_function: str, call: Callable[[], Any]) -> Any:
    if c_function == "_operator_call":
        return operator.call(call)
    if c_function == "slot_nb_invert":
        return ~_Inverted(call)
    return _through(c_function, call)


def _inner(folder: Path, files: int, seed: int) -> None:
    """The warm-up and the counted round (run under callgrind by `main`); prints each
    pair's C function."""
    import faasguard.analysis.handlers as handlers
    from faasguard.analysis.js import project

    bench_js.one_round(folder, min(bench_js.CHUNK, files), seed)
    phases: list[tuple[Any, str, str]] = [
        *bench_js.PHASES, (handlers, "resolve_with_steps", RESOLUTION),
        (project, "analyse_js", STEP), (bench_js, "parse_all", PARSE)]
    stack = ["<top>"]
    pairs: dict[tuple[str, str], str] = {}

    def counted(call: Callable[..., Any], label: str) -> Callable[..., Any]:
        def through(*args: Any, **kwargs: Any) -> Any:
            outer = stack[-1]
            if outer in (label, UNREACHED):  # (within itself, or that pass: its own)
                return call(*args, **kwargs)
            c_function = pairs.get((label, outer))
            if c_function is None:
                if len(pairs) == len(C_FUNCTIONS):
                    raise RuntimeError(f"more pairs than C functions: {[*pairs, (label, outer)]}")
                c_function = pairs[(label, outer)] = C_FUNCTIONS[len(pairs)]
            stack.append(label)
            try:
                return _call_through(c_function, lambda: call(*args, **kwargs))
            finally:
                stack.pop()
        return through

    for owner, name, label in phases:
        setattr(owner, name, counted(owner.__dict__[name], label))
    bench.resolve_with_steps = handlers.resolve_with_steps
    bench_js.analyse_js = project.analyse_js
    found = bench_js.one_round(folder, files, seed)[3]
    print(f"found\t{found[0]}\t{found[1]}")
    for (label, outer), c_function in pairs.items():
        print(f"pair\t{c_function}\t{label}\t{outer}")


def main(argv: list[str] | None = None) -> int:
    """Count the round under callgrind and print each phase's own instructions."""
    args = bench.inner_or_args(argv, _inner)
    if args is None:
        return 0
    parser = bench.round_parser(__doc__)
    options = parser.parse_args(args)
    with bench.inner_child(__file__, bench_js.generate, options) as (tmp, env, inner):
        profile = os.path.join(tmp, "callgrind.out")
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}",
                              *inner], env=env, capture_output=True, text=True, check=True)
        rows = [line.split("\t") for line in run.stdout.splitlines()]
        pairs = {row[1]: (row[2], row[3]) for row in rows if row[0] == "pair"}
        found = next(row[1:] for row in rows if row[0] == "found")
        counts = {name: events["Ir"]
                  for name, events in inclusive_counts(profile, pairs)[1].items()}
    own: dict[str, int] = {}
    for c_function, (label, outer) in pairs.items():
        own[label] = own.get(label, 0) + counts.get(c_function, 0)
        if outer != "<top>":
            own[outer] = own.get(outer, 0) - counts.get(c_function, 0)
    parse = own.pop(PARSE)
    total = sum(own.values())
    in_cache = own.get("read + parse + error check", 0)
    print(f"bench_js's files: {options.files}, one round after a warm-up, python "
          f"{bench.python_version()}; instructions (M) of each phase's own work; "
          f"flows {found[0]}, AWS calls {found[1]}")
    print(f"{'phase':<42}{'M':>10}{'x parse':>9}{'beyond':>8}")
    for label, count in sorted(own.items(), key=lambda row: -row[1]):
        share = f"{count / (total - in_cache):8.1%}" if label != "read + parse + error check" \
            else ""
        print(f"{label:<42}{count / 1e6:10.1f}{count / parse:9.3f}{share}")
    print(f"{'round (resolution + analysis)':<42}{total / 1e6:10.1f}{total / parse:9.3f}")
    print(f"{'  beyond the cache parse':<42}{(total - in_cache) / 1e6:10.1f}"
          f"{(total - in_cache) / parse:9.3f}")
    print(f"{PARSE:<42}{parse / 1e6:10.1f}{1:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
