"""Model building vs. parsing: what loading the templates costs beyond reading them.

For a synthetic corpus of N functions (gen_corpus.py) it times, in one process and
alternating round by round:

- parse: faasguard's libyaml reader (`loaders.documents.load_file`) over every IaC file
  (the parse-only floor of bench_scan.py, without the handlers);
- load: `scan.load_app` over the same files with --jobs 1 (parse, format detection,
  variables, intrinsics, the App model, template secrets).

It prints the medians and the model's share: (load - parse) / parse, the cost of
building the model in units of the parse. Usage:

    python benchmarks/bench_load.py [--functions 1000] [--rounds 7] [--corpus DIR]

With --corpus an existing corpus folder is read instead of generating one.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from gen_corpus import generate  # noqa: E402

from faasguard.loaders.documents import load_file  # noqa: E402
from faasguard.scan import discover_paths, load_app  # noqa: E402


def _templates(root: str) -> tuple[str, list[str]]:
    base, found = discover_paths([root])
    return base, found.templates


def _parse(base: str, files: list[str]) -> float:
    start = time.process_time()
    for name in files:
        load_file(os.path.join(base, name))
    return time.process_time() - start


def _load(base: str, files: list[str]) -> float:
    start = time.process_time()
    load_app(base, files, jobs=1)
    return time.process_time() - start


def measure(root: str, rounds: int) -> tuple[int, float, float]:
    """The number of IaC files and the median CPU seconds of parse and of load."""
    base, files = _templates(root)
    _load(base, files)  # imports and first-use tables out of the way
    parses: list[float] = []
    loads: list[float] = []
    for _ in range(rounds):
        gc.collect()
        parses.append(_parse(base, files))
        gc.collect()
        loads.append(_load(base, files))
    return len(files), statistics.median(parses), statistics.median(loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--corpus", help="an existing corpus folder (gen_corpus.py output)")
    args = parser.parse_args()
    if args.corpus:
        count, parse, load = measure(args.corpus, args.rounds)
    else:
        with tempfile.TemporaryDirectory() as root:
            generate(root, args.functions)
            count, parse, load = measure(root, args.rounds)
    print(f"{count} IaC files, median of {args.rounds} rounds (CPU seconds)")
    print(f"parse {parse:.3f} s  load {load:.3f} s  model {load - parse:.3f} s "
          f"= {(load - parse) / parse:.2f}x parse")


if __name__ == "__main__":
    main()
