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

With `--against REV`, the AWS-call interpreter and the code facts of git revision REV
run beside today's in the same process, alternately, over the same cached trees (the
only comparison a busy machine does not blur): REV's package is extracted to a temporary
folder under the name `faasguard_rev` (its imports renamed), handler by handler for the
interpreter (`Interpreter.run_handler`) and file by file for the facts (`facts_of_tree`).
With `--steps N`, the Python bytecodes each interpreter executes per handler, over the
first N handlers, are counted too (`sys.settrace`): a figure no load on the machine
changes, for gains too small for the timings to show.

With `--region STEP` (parse, awscalls or code_facts), that one step runs once to warm up,
then once more inside `functools.reduce`, and nothing else is measured: under callgrind,
`--toggle-collect=functools_reduce` counts the instructions of that second run only
(PYTHONPATH picks the code measured):

    valgrind --tool=callgrind --toggle-collect=functools_reduce \
        python3 benchmarks/bench_code_analyses.py --root /tmp/c1k --region awscalls

    python3 benchmarks/bench_code_analyses.py [--functions 1000] [--repeat 5] [--root DIR]
                                              [--against REV [--steps N]] [--region STEP]
"""

from __future__ import annotations

import argparse
import ast
import functools
import gc
import importlib
import inspect
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import generate  # noqa: E402

from faasguard.analysis import aws_interp, code_facts
from faasguard.analysis.awscalls import analyse_aws_calls
from faasguard.analysis.code_facts import analyse_python
from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.analysis.taint.modules import Module, ModuleCache, module_cache
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


def _parse_all(texts: list[tuple[str, str]]) -> None:
    for path, text in texts:
        ast.parse(text, filename=path)


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
    parser.add_argument("--against", metavar="REV",
                        help="compare with this git revision, side by side in one process")
    parser.add_argument("--steps", type=int, default=0, metavar="N",
                        help="with --against: count the bytecodes run over N handlers")
    parser.add_argument("--region", choices=("parse", "awscalls", "code_facts"),
                        help="run this step alone, the second time inside functools.reduce "
                        "(for callgrind --toggle-collect=functools_reduce)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.root or os.path.join(tmp, "corpus")
        if not args.root:
            generate(root, args.functions)
        if args.region:
            _region(root, args.region)
        elif args.against:
            _compare(root, args.repeat, _revision(args.against, tmp), args.steps)
        else:
            _measure(root, args.repeat)


def _revision(rev: str, tmp: str) -> str:
    """Extract the package at git revision `rev` as `faasguard_rev` under `tmp`."""
    repo = Path(__file__).resolve().parents[1]
    archive = os.path.join(tmp, "rev.tar")
    subprocess.run(["git", "-C", str(repo), "archive", "-o", archive, rev, "src/faasguard"],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(os.path.join(tmp, "rev"), filter="data")
    package = Path(tmp, "rev", "src", "faasguard")
    for path in package.rglob("*.py"):
        text = re.sub(r"\bfaasguard(?=[.\s\"])", "faasguard_rev", path.read_text("utf-8"))
        path.write_text(text, "utf-8")
    package.rename(Path(tmp, "rev", "src", "faasguard_rev"))
    sys.path.insert(0, os.path.join(tmp, "rev", "src"))
    return rev


def _entries(app: App, facts: Facts) -> tuple[ModuleCache, list[tuple[Module, Any, str]],
                                                dict[str, tuple[ast.Module, str]]]:
    """The scan's module cache, each handler (its module, function node and code folder)
    and the tree and source of each handler file."""
    cache = module_cache(app, facts)
    entries = []
    for function in app.functions.values():
        module = cache.try_get(function.source_file) if function.source_file else None
        if module is not None and function.handler_name in module.functions:
            entries.append((module, module.functions[function.handler_name],
                            function.code_dir or ""))
    trees = {module.file: (module.tree, module.source) for module, _, _ in entries}
    return cache, entries, trees


def _interpret(module: ModuleType, cache: ModuleCache,
               entries: list[tuple[Module, Any, str]]) -> Callable[[], None]:
    """The AWS-call step of an interpreter module (today's or a revision's): each handler."""
    def run() -> None:
        for parsed, node, base in entries:
            module.Interpreter(cache, base).run_handler(parsed, node)
    return run


def _take_facts(module: ModuleType,
                trees: dict[str, tuple[ast.Module, str]]) -> Callable[[], None]:
    """The code-facts step of a code_facts module (today's or a revision's): each file."""
    # given the source too where the module's facts_of_tree takes it (as the scan does)
    with_source = "source" in inspect.signature(module.facts_of_tree).parameters

    def run() -> None:
        for path, (tree, source) in trees.items():
            if with_source:
                module.facts_of_tree(path, tree, None, source)
            else:
                module.facts_of_tree(path, tree)
    return run


def _compare(root: str, repeat: int, rev: str, counted: int = 0) -> None:
    app, facts, texts = _load(root)
    cache, entries, trees = _entries(app, facts)
    old_interp = importlib.import_module("faasguard_rev.analysis.aws_interp")
    old_facts = importlib.import_module("faasguard_rev.analysis.code_facts")

    def interpret(module: ModuleType, count: int | None = None) -> Callable[[], None]:
        return _interpret(module, cache, entries[:count])

    def take_facts(module: ModuleType) -> Callable[[], None]:
        return _take_facts(module, trees)

    steps = {"parse": lambda: _parse_all(texts),
             f"awscalls {rev}": interpret(old_interp), "awscalls now": interpret(aws_interp),
             f"code_facts {rev}": take_facts(old_facts),
             "code_facts now": take_facts(code_facts)}
    for step in steps.values():
        step()  # models read, caches filled
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            times[name].append(_cpu(step))
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"{len(entries)} handlers, {len(trees)} files; CPU medians of {repeat} "
          "interleaved rounds")
    for name, value in med.items():
        print(f"  {name:24s} {value * 1000:8.1f} ms  {value / med['parse']:5.2f}x parse")
    for label in (rev, "now"):
        both = med[f"awscalls {label}"] + med[f"code_facts {label}"]
        print(f"  together {label:15s} {both / med['parse']:5.2f}x parse")
    if counted:
        handlers = len(entries[:counted])
        print(f"  bytecodes per handler of the AWS-call interpreter (first {handlers} handlers):")
        for label, interp in ((rev, old_interp), ("now", aws_interp)):
            print(f"    {label:15s} {_bytecodes(interpret(interp, counted)) / handlers:9.1f}")


def _bytecodes(step: Callable[[], None]) -> int:
    """How many Python bytecodes a step executes (its own and those it calls)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        if event == "opcode":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        step()
    finally:
        sys.settrace(None)
    return count


def _region(root: str, name: str) -> None:
    """One step on its own: a first run, then a second inside `functools.reduce` (the
    region callgrind's --toggle-collect=functools_reduce counts), the collector off."""
    app, facts, texts = _load(root)
    cache, entries, trees = _entries(app, facts)
    step = {"parse": lambda: _parse_all(texts), "awscalls": _interpret(aws_interp, cache, entries),
            "code_facts": _take_facts(code_facts, trees)}[name]
    step()
    gc.collect()
    gc.disable()
    functools.reduce(lambda _, __: step(), [None, None])
    gc.enable()
    print(f"{name}: {len(entries)} handlers, {len(texts)} files")


def _measure(root: str, repeat: int) -> None:
    app, facts, texts = _load(root)

    def awscalls() -> None:
        facts.aws_calls.clear()
        analyse_aws_calls(app, facts)

    def code_facts() -> None:
        facts.code.clear()
        analyse_python(app, facts)

    cold = _cpu(awscalls)
    times: dict[str, list[float]] = {"parse": [], "awscalls": [], "code_facts": []}
    steps = {"parse": lambda: _parse_all(texts), "awscalls": awscalls, "code_facts": code_facts}
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
