"""Why the taint analysis costs more time per instruction than `ast.parse`.

Runs bench_taint's work (read + `ast.parse` of every file, then handler resolution and
taint analysis of the App, as `bench_taint.py` times them) under valgrind's callgrind with
its cache and branch-predictor simulation, each region called through a C function of
its own (bench_regions' trampolines), and prints for each region its instructions and,
per 1,000 instructions, its first-level cache misses (instruction, data) and mispredicted
branches (conditional, indirect): what makes an instruction of one region cost more time
than one of another. The regions: the bare loop (`open().read()` + `ast.parse`, as
bench_taint's floor) and its `ast.parse` calls alone; the analysis (resolution + taint)
and the module cache's `ast.parse` calls in it; "beyond the parse" is the analysis less
those. The counts do not move with the machine's load (its time does, by a third from run
to run on a shared machine).

    python3 benchmarks/bench_taint_ipc.py                    # 300 of bench_taint's files
    python3 benchmarks/bench_taint_ipc.py --corpus /tmp/c1k  # gen_corpus.py's project
    PYTHONPATH=/other/tree/src python3 benchmarks/bench_taint_ipc.py
    python3 benchmarks/bench_taint_ipc.py --instructions     # instructions only, faster

`--retain N` keeps N trees in the module cache (its default keeps 1,000: with fewer files
than that nothing would be dropped, unlike at 10,000 files). The last column weighs the
events with a rough cost model (0.3 cycles an instruction, 12 a first-level miss, 15 a
mispredicted branch): a guide to how the regions compare, not a measured time. Needs
valgrind (callgrind, callgrind_annotate); runs `PYTHONHASHSEED=0` from compiled bytecode.
"""

from __future__ import annotations

import argparse
import ast
import contextvars
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_support as bench  # noqa: E402
import bench_taint  # noqa: E402
from bench_regions import _through, inclusive_counts  # noqa: E402
from bytecode import bytecode_env  # noqa: E402

#: Each region's C function (its name in callgrind's profile).
REGIONS: dict[str, str] = {
    "bare loop (read + parse)": "takewhile_next",
    "  its ast.parse calls": "context_run",
    "analysis (resolve + taint)": "starmap_next",
    "  the cache's ast.parse calls": "functools_reduce",
}
BEYOND = "beyond the parse"
EVENTS = ("Ir", "I1mr", "D1mr", "D1mw", "Bcm", "Bim")
#: The rough cost model of the last column: cycles an instruction, a first-level cache
#: miss, a mispredicted branch.
MODEL = (0.3, 12.0, 15.0)


def _parse_through(c_function: str) -> Callable[[str, str], ast.Module]:
    """The module cache's quiet parse, called through `c_function`."""
    from faasguard.analysis.taint import modules

    quiet = modules._parse_quietly
    return lambda text, rel: _through(c_function, lambda: quiet(text, rel))


def _inner(args: argparse.Namespace) -> None:
    """The regions, each through its C function (run under callgrind by `main`)."""
    from faasguard.analysis.taint import analyse_taint, modules

    with tempfile.TemporaryDirectory(prefix="bench_taint_ipc") as tmp:
        if args.corpus:
            folder, names, _, fresh = bench_taint._on_disk(args.corpus)  # warmed there
        else:
            folder = Path(tmp)
            names = [s.path for s in bench_taint.generate(folder, args.files, args.seed).files]
            bench_taint.one_round(folder, names[:200],
                                  lambda: bench_taint.generate(folder, min(200, len(names)),
                                                               args.seed))

            def fresh() -> Any:
                return bench_taint.generate(folder, args.files, args.seed)
        modules.RETAINED_MODULES = args.retain
        context = contextvars.copy_context()

        def bare() -> None:
            for name in names:
                context.run(ast.parse, (folder / name).read_text(), filename=name)

        _through(REGIONS["bare loop (read + parse)"], bare)
        app = fresh()  # not in a region: the templates, or the generated files, again
        modules._parse_quietly = _parse_through(  # type: ignore[assignment]
            REGIONS["  the cache's ast.parse calls"])
        _through(REGIONS["analysis (resolve + taint)"],
                 lambda: bench.resolve_then(app, analyse_taint, ["taint"]))


def _row(label: str, counts: dict[str, int]) -> str:
    ir = counts["Ir"]
    per = {event: 1000 * counts[event] / ir for event in EVENTS[1:]}
    misses = (counts["I1mr"] + counts["D1mr"] + counts["D1mw"]) / ir
    mispredicts = (counts["Bcm"] + counts["Bim"]) / ir
    model = MODEL[0] + MODEL[1] * misses + MODEL[2] * mispredicts
    return (f"{label:30s}{ir / 1e6:10.1f}{per['I1mr']:8.2f}{per['D1mr'] + per['D1mw']:8.2f}"
            f"{per['Bcm']:8.2f}{per['Bim']:8.2f}{model:9.3f}")


def main(argv: list[str] | None = None) -> int:
    """Profile the regions under callgrind and print the table (see the module)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--corpus", metavar="DIR")
    parser.add_argument("--retain", type=int, default=30,
                        help="trees the module cache keeps (default 30)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions only (no cache or branch simulation: "
                             "about a third of the time), to compare two trees")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        _inner(args)
        return 0
    given = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--inner"]
    with tempfile.TemporaryDirectory(prefix="bench_taint_ipc") as folder:
        env = {**bytecode_env(os.path.join(folder, "bytecode")), "PYTHONHASHSEED": "0"}
        command = [sys.executable, __file__, "--inner", *given]
        subprocess.run(command, env=env, capture_output=True, check=True)  # the bytecode
        profile = os.path.join(folder, "callgrind.out")
        simulate = [] if args.instructions else ["--cache-sim=yes", "--branch-sim=yes"]
        subprocess.run(["valgrind", "--tool=callgrind", *simulate,
                        f"--callgrind-out-file={profile}", *command],
                       env=env, capture_output=True, check=True)
        found = inclusive_counts(profile, REGIONS.values())[1]
    if args.instructions:
        return _instructions({label: found.get(c_function, {}).get("Ir", 0)
                              for label, c_function in REGIONS.items()})
    rows = {label: found.get(c_function, dict.fromkeys(EVENTS, 0))
            for label, c_function in REGIONS.items()}
    analysis, parse = rows["analysis (resolve + taint)"], rows["  the cache's ast.parse calls"]
    rows[BEYOND] = {event: analysis[event] - parse[event] for event in EVENTS}
    print(f"{'region':30s}{'instr (M)':>10s}{'I1 miss':>8s}{'D1 miss':>8s}{'cond mp':>8s}"
          f"{'ind mp':>8s}{'model':>9s}")
    print(f"{'':30s}{'':10s}{'(per 1,000 instructions)':>32s}{'cyc/ins':>9s}")
    for label, counts in rows.items():
        if counts["Ir"]:
            print(_row(label, counts))
    bare, beyond = rows["bare loop (read + parse)"]["Ir"], rows[BEYOND]["Ir"]
    if bare:
        print(f"analysis / bare loop in instructions: {analysis['Ir'] / bare:.3f}x; "
              f"beyond the parse {beyond / 1e6:.1f}M")
    return 0


def _instructions(counts: dict[str, int]) -> int:
    """Print each region's instructions, the work beyond the parse and the ratio."""
    for label, ir in counts.items():
        print(f"{label:30s}{ir / 1e6:10.1f}M")
    analysis = counts["analysis (resolve + taint)"]
    beyond = analysis - counts["  the cache's ast.parse calls"]
    print(f"{BEYOND:30s}{beyond / 1e6:10.1f}M")
    bare = counts["bare loop (read + parse)"]
    if bare:
        print(f"analysis / bare loop in instructions: {analysis / bare:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
