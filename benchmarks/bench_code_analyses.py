"""The AWS-call analysis and the Python code facts against plain parsing.

Generates a synthetic corpus of N functions (gen_corpus.py; or scans a given folder),
loads it and resolves the handlers (which parses each handler once, into the scan's
module cache), then measures in this process, in CPU seconds (medians of --repeat runs,
interleaved):

- parse: `ast.parse` of every Python file of the corpus (texts read beforehand);
- awscalls: `analyse_aws_calls` over the cached trees (the first run, which also reads
  the botocore models the code uses, is printed apart as "cold");
- code_facts: `analyse_python` over the cached trees;

and the ratio of the two analyses together to the parse (issue #2's target: <= 0.5x).

    python3 benchmarks/bench_code_analyses.py [--functions 1000] [--repeat 5] [--root DIR]
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import generate  # noqa: E402

from faasguard.analysis.awscalls import analyse_aws_calls
from faasguard.analysis.code_facts import analyse_python
from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.model import App, SourceFile
from faasguard.scan import discover_paths, load_app


def _load(root: str) -> tuple[App, Facts, list[tuple[str, str]]]:
    base, found = discover_paths([root])
    app = load_app(base, found.templates, jobs=1)
    app.files.extend(SourceFile(path, "python") for path in found.sources
                     if path.endswith(".py"))
    facts = Facts()
    resolve(app, facts)
    texts = []
    for path in found.sources:
        if path.endswith(".py"):
            with open(os.path.join(base, path), encoding="utf-8") as handle:
                texts.append((path, handle.read()))
    return app, facts, texts


def _cpu(step: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    step()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", help="scan this folder instead of a generated corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.root or os.path.join(tmp, "corpus")
        if not args.root:
            generate(root, args.functions)
        _measure(root, args.repeat)


def _measure(root: str, repeat: int) -> None:
    app, facts, texts = _load(root)

    def parse() -> None:
        for path, text in texts:
            ast.parse(text, filename=path)

    def awscalls() -> None:
        facts.aws_calls.clear()
        analyse_aws_calls(app, facts)

    def code_facts() -> None:
        facts.code.clear()
        analyse_python(app, facts)

    cold = _cpu(awscalls)
    times: dict[str, list[float]] = {"parse": [], "awscalls": [], "code_facts": []}
    steps = {"parse": parse, "awscalls": awscalls, "code_facts": code_facts}
    for _ in range(repeat):
        for name, step in steps.items():
            times[name].append(_cpu(step))
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"files: {len(texts)}  functions: {len(app.functions)}  "
          f"calls found: {sum(len(c) for c in facts.aws_calls.values())}  "
          f"code facts: {sum(len(f.facts) for f in facts.code.values())}")
    print(f"parse       {med['parse']:.3f} s CPU")
    print(f"awscalls    {med['awscalls']:.3f} s CPU ({med['awscalls'] / med['parse']:.2f}x parse;"
          f" cold first run {cold:.3f} s)")
    print(f"code_facts  {med['code_facts']:.3f} s CPU "
          f"({med['code_facts'] / med['parse']:.2f}x parse)")
    both = med["awscalls"] + med["code_facts"]
    print(f"together    {both:.3f} s CPU ({both / med['parse']:.2f}x parse; target <= 0.5x)")


if __name__ == "__main__":
    main()
