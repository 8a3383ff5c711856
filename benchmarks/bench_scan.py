"""Scan throughput vs. parse-only throughput, peak memory, and start-up time.

For N functions (default 100, 1,000 and 10,000) it generates a synthetic corpus
(gen_corpus.py), then measures side by side, in one run:

- parse-only: reading every IaC file with faasguard's libyaml reader and `ast.parse` of
  every Python handler, in one process (the floor for this design);
- the full scan (`faasguard scan --format json`), once with --jobs 1 and once with the
  default worker count, in a fresh interpreter each, with its peak RSS;
- start-up: `faasguard scan` of an empty folder.

Each figure is the median of --repeat runs. Usage:

    python benchmarks/bench_scan.py [--sizes 100 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from gen_corpus import generate  # noqa: E402

from faasguard.loaders.documents import load_file  # noqa: E402


def _files(root: str) -> tuple[list[str], list[str]]:
    iac, py = [], []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            (py if name.endswith(".py") else iac).append(path)
    return iac, py


def parse_only(root: str) -> float:
    """Seconds to parse every file of the corpus once, in this process."""
    iac, py = _files(root)
    start = time.perf_counter()
    for path in iac:
        load_file(path)
    for path in py:
        with open(path, encoding="utf-8") as handle:
            ast.parse(handle.read(), path)
    return time.perf_counter() - start


def run_scan(root: str, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest process) of one `faasguard scan`."""
    cmd = [sys.executable, "-m", "faasguard.cli", "scan", root, "--format", "json", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as empty:
        starts = [run_scan(empty)[0] for _ in range(max(5, args.repeat))]
    print(f"start-up (scan of an empty folder): median {statistics.median(starts) * 1000:.0f} ms")
    print()
    header = (f"{'N':>6} {'files':>6} {'parse s':>8} {'scan -j1 s':>10} {'ratio':>6} "
              f"{'scan s':>7} {'ratio':>6} {'files/s':>8} {'fn/s':>7} {'peak MiB':>8}")
    print(header)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as root:
            counts = generate(root, size)
            files = counts["iac_files"] + counts["handler_files"]
            parse_times = [parse_only(root) for _ in range(args.repeat)]
            single = [run_scan(root, "--jobs", "1") for _ in range(args.repeat)]
            multi = [run_scan(root) for _ in range(args.repeat)]
            p = statistics.median(parse_times)
            s1 = statistics.median(t for t, _ in single)
            sm = statistics.median(t for t, _ in multi)
            peak = max(m for _, m in single + multi)
            print(f"{size:>6} {files:>6} {p:>8.2f} {s1:>10.2f} {s1 / p:>6.2f} {sm:>7.2f} "
                  f"{sm / p:>6.2f} {files / sm:>8.0f} {size / sm:>7.0f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
