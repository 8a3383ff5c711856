"""Scan throughput vs. parse-only throughput, peak memory, and start-up time.

For N functions (default 100, 1,000 and 10,000) it generates a synthetic corpus
(gen_corpus.py), then measures side by side, in one run:

- parse-only: reading every IaC file with faasguard's libyaml reader and `ast.parse` of
  every Python handler, in one process (the floor for this design);
- the full scan (`faasguard scan --format json`), once with --jobs 1 and once with the
  default worker count, in a fresh interpreter each, with its wall time, its CPU time
  (user + system, workers included: steadier than wall time on a busy machine) and its
  peak RSS;
- start-up: `faasguard scan` of an empty folder.

With --corpus DIR it measures an existing folder instead of generated ones (for example
real public projects): parse-only is then every file the scan's discovery lists, read
with the parser the scan uses for its kind (libyaml for YAML and JSON templates,
python-hcl2's parser for Terraform, `ast.parse` for Python, tree-sitter for JavaScript
and TypeScript), in one process.

With --stages it also times, in this process on the scanned corpus, the rules
(`run_rules`), the rendering of each report (JSON, SARIF, text) and each rule module's
rules run alone (with the helpers they share with other modules, as a process running
only that module would): CPU time, the least of --repeat runs.

Each figure is the median of --repeat runs. The scans run as installed code does, from
compiled bytecode: their interpreters keep it in a private cache folder (warmed by one
untimed scan), even when PYTHONDONTWRITEBYTECODE is set, as it is on CI-like machines,
where every module edited since its `.pyc` was written would otherwise be compiled again
by each timed run (about 0.15 s CPU at N=100 after a day of edits). --compile-each-run
measures that way instead. --python runs the timed scans with another interpreter, for
example a virtualenv's with a build installed (a user's install: this machine's own
interpreter imports certifi at start-up through a .pth file of the machine's, about 10 ms
of each scan, which a fresh virtualenv does not). Usage:

    python benchmarks/bench_scan.py [--sizes 100 1000 10000] [--repeat 3] [--stages]
    python benchmarks/bench_scan.py --python benchmarks/.venvs/faasguard-compiled/bin/python \
        --faasguard-src benchmarks/.venvs/faasguard-compiled/lib/python3.11/site-packages
    python benchmarks/bench_scan.py --corpus DIR [--repeat 5]
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial

sys.path.insert(0, os.path.dirname(__file__))
import bench_support as bench  # noqa: E402  (first: --faasguard-src)
from bytecode import bytecode_env  # noqa: E402
from gen_corpus import generate  # noqa: E402

from faasguard.loaders.documents import load_file  # noqa: E402


def _files(root: str) -> tuple[list[str], list[str]]:
    iac: list[str] = []
    py: list[str] = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            (py if name.endswith(".py") else iac).append(path)
    return iac, py


def parse_only(root: str) -> tuple[float, float]:
    """Wall and CPU seconds to parse every file of the corpus once, in this process."""
    iac, py = _files(root)
    start, cpu = time.perf_counter(), time.process_time()
    for path in iac:
        load_file(path)
    for path in py:
        with open(path, encoding="utf-8") as handle:
            ast.parse(handle.read(), path)
    return time.perf_counter() - start, time.process_time() - cpu


def _parse_discovered(root: str) -> tuple[int, int]:
    """Parse every file a scan of `root` discovers, with its kind's parser: (files, files
    that did not parse)."""
    from faasguard.analysis.js.parse import dialect_of, parse_bytes
    from faasguard.loaders.terraform.hcl import parse_tf
    from faasguard.scan import discover_paths

    base, found = discover_paths([root])
    failed = 0
    for rel in [*found.templates, *found.sources]:
        path = os.path.join(base, rel)
        try:
            if rel.endswith((".tf", ".tfvars")):
                with open(path, encoding="utf-8") as handle:
                    parse_tf(handle.read(), rel)
            elif rel.endswith(".py"):
                with open(path, encoding="utf-8") as handle:
                    ast.parse(handle.read(), path)
            elif rel.endswith((".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx")):
                with open(path, "rb") as binary:
                    parse_bytes(binary.read(), dialect_of(rel))
            else:
                load_file(path)
        except Exception:  # noqa: BLE001 (a file that does not parse cost its parse too)
            failed += 1
    return len(found.templates) + len(found.sources), failed


def parse_discovered(root: str) -> tuple[float, float]:
    """Wall and CPU seconds of `_parse_discovered`."""
    start, cpu = time.perf_counter(), time.process_time()
    _parse_discovered(root)
    return time.perf_counter() - start, time.process_time() - cpu


#: The environment of the timed scans (bytecode.py: compiled once, as installed code);
#: empty: this process's own.
SCAN_ENV: dict[str, str] = {}
#: The interpreter of the timed scans (--python; default: this one).
SCAN_PYTHON: list[str] = [sys.executable]


def run_scan(root: str, *extra: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, workers included) and peak RSS (MiB, the
    largest process) of one `faasguard scan`."""
    cmd = [SCAN_PYTHON[0], "-m", "faasguard.cli", "scan", root, "--format", "json", *extra]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=SCAN_ENV or None)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"scan failed ({proc.returncode}): "
                             f"{err.read().decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def stages(root: str, repeat: int) -> str:
    """CPU milliseconds of the rules and of each report's rendering on the corpus at
    `root` (the least of `repeat` runs each), after one scan in this process."""
    import io

    from faasguard.analysis.facts import Options
    from faasguard.commands.scan import _catalogue
    from faasguard.findings import RULES
    from faasguard.report import Report, write
    from faasguard.scan import _module_of, run_rules, scan_paths

    result = scan_paths([root], Options(), jobs=1)
    best: dict[str, float] = {}

    def timed(name: str, step: Callable[[], object]) -> None:
        start = time.process_time()
        step()
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)

    modules: dict[str, set[str]] = {}  # rule module -> its rule ids
    for rule_id, registered in RULES.items():
        modules.setdefault(_module_of(registered), set()).add(rule_id)
    for _ in range(repeat):
        timed("rules", lambda: run_rules(result.app, result.facts))
        for fmt in ("json", "sarif", "text"):
            report = Report(findings=result.findings, diagnostics=result.diagnostics,
                            files_scanned=result.files_scanned, root=result.root,
                            rules=_catalogue() if fmt == "sarif" else [])
            timed(fmt, partial(write, report, fmt, io.StringIO()))
        for module, ids in modules.items():  # alone: what a process running it pays
            timed(f"rules:{module}", partial(run_rules, result.app, result.facts, ids.__contains__))
    whole = {name: s for name, s in best.items() if not name.startswith("rules:")}
    alone = sorted(((name[6:], s) for name, s in best.items() if name.startswith("rules:")),
                   key=lambda item: -item[1])
    return (f"{len(result.findings):,} findings; CPU ms, least of {repeat}: "
            + ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in whole.items())
            + "\n" + " " * 7 + "each rule module alone (shared helpers included), CPU ms: "
            + ", ".join(f"{name} {seconds * 1000:.1f}" for name, seconds in alone))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compile-each-run", action="store_true",
                        help="no bytecode cache of the scans' own (see above)")
    parser.add_argument("--stages", action="store_true",
                        help="also time the rules and each report in this process")
    parser.add_argument("--corpus", metavar="DIR",
                        help="measure this folder (parse-only: the files discovery lists)")
    parser.add_argument("--python", metavar="PATH",
                        help="run the timed scans with this interpreter, e.g. a virtualenv's "
                             "that has faasguard installed, as a user's install runs (this "
                             "machine's own interpreter runs a .pth of the machine's at "
                             "start-up that a fresh virtualenv does not)")
    bench.add_src_option(parser)
    args = parser.parse_args()
    if args.python:
        SCAN_PYTHON[0] = args.python
    print(f"scans run by {SCAN_PYTHON[0]} (`python -c pass`: "
          f"{bench.startup_ms(SCAN_PYTHON[0]):.0f} ms, median)")
    if args.corpus:
        _corpus(args.corpus, args.repeat, args.compile_each_run)
        return

    with tempfile.TemporaryDirectory() as pycache, tempfile.TemporaryDirectory() as empty:
        if not args.compile_each_run:
            SCAN_ENV.update(bytecode_env(pycache))
            with tempfile.TemporaryDirectory() as small:
                generate(small, 10)
                run_scan(small)  # untimed: fills the cache with the scan's bytecode
        starts = [run_scan(empty) for _ in range(max(5, args.repeat))]
    print("start-up (scan of an empty folder): median "
          f"{statistics.median(t for t, _, _ in starts) * 1000:.0f} ms wall, "
          f"{statistics.median(c for _, c, _ in starts) * 1000:.0f} ms CPU")
    print("(ratio: scan time / parse-only time; wall clock, and CPU in brackets, which a "
          "loaded machine disturbs less)")
    print()
    header = (f"{'N':>6} {'files':>6} {'parse s':>8} {'scan -j1 s':>10} {'ratio':>12} "
              f"{'scan s':>7} {'ratio':>12} {'files/s':>8} {'fn/s':>7} {'peak MiB':>8}")
    print(header)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as root:
            counts = generate(root, size)
            files = counts["iac_files"] + counts["handler_files"]
            parse_runs = [parse_only(root) for _ in range(args.repeat)]
            single = [run_scan(root, "--jobs", "1") for _ in range(args.repeat)]
            multi = [run_scan(root) for _ in range(args.repeat)]
            p = statistics.median(w for w, _ in parse_runs)
            pc = statistics.median(c for _, c in parse_runs)
            s1 = statistics.median(w for w, _, _ in single)
            c1 = statistics.median(c for _, c, _ in single)
            sm = statistics.median(w for w, _, _ in multi)
            cm = statistics.median(c for _, c, _ in multi)
            peak = max(m for _, _, m in single + multi)
            print(f"{size:>6} {files:>6} {p:>8.2f} {s1:>10.2f} {s1 / p:>5.1f} ({c1 / pc:>4.1f}) "
                  f"{sm:>7.2f} {sm / p:>5.1f} ({cm / pc:>4.1f}) {files / sm:>8.0f} "
                  f"{size / sm:>7.0f} {peak:>8.0f}", flush=True)
            if args.stages:
                print(f"{'':>6} stages: {stages(root, args.repeat)}", flush=True)


def _corpus(root: str, repeat: int, compile_each_run: bool) -> None:
    files, failed = _parse_discovered(root)  # untimed: warms the file cache and imports
    with tempfile.TemporaryDirectory() as pycache:
        if not compile_each_run:
            SCAN_ENV.update(bytecode_env(pycache))
            run_scan(root)  # untimed: fills the cache with the scan's bytecode
        parse_runs, single, multi = [], [], []
        for _ in range(repeat):  # alternating, so a slow spell of the machine hits all three
            parse_runs.append(parse_discovered(root))
            single.append(run_scan(root, "--jobs", "1"))
            multi.append(run_scan(root))
    p = statistics.median(w for w, _ in parse_runs)
    pc = statistics.median(c for _, c in parse_runs)
    s1 = statistics.median(w for w, _, _ in single)
    c1 = statistics.median(c for _, c, _ in single)
    sm = statistics.median(w for w, _, _ in multi)
    cm = statistics.median(c for _, c, _ in multi)
    print(f"corpus {root}: {files} files discovered ({failed} did not parse); medians of "
          f"{repeat} alternating runs; ratio = scan / parse-only, wall (CPU)")
    print(f"parse-only {p:.2f} s ({pc:.2f} s CPU)")
    print(f"scan -j1   {s1:.2f} s ({c1:.2f} s CPU)  ratio {s1 / p:.1f} ({c1 / pc:.1f})")
    print(f"scan       {sm:.2f} s ({cm:.2f} s CPU)  ratio {sm / p:.1f} ({cm / pc:.1f})  "
          f"peak {max(m for _, _, m in single + multi):.0f} MiB")


if __name__ == "__main__":
    main()
