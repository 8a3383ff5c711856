"""Where bench_js's round goes by C function, for the pure or the compiled (mypyc) build.

bench_js_regions.py splits the round by phase, but only for the pure build: compiled
callers do not go through the module attributes it wraps. This counts the same round
(bench_js's files, default 300: handler resolution + Node.js analysis after a warm-up
round, the parse of the handler files included, bench_js's own parse loop not) under
callgrind and splits its instructions by where they are spent:

- tree-sitter's parse (`Parser.parse`, all of it), tree-sitter's C behind node reads, the
  binding's own part of those reads (Python objects for nodes, lists, ints, strings);
- each compiled faasguard function's own work: its code and the CPython runtime it calls
  (dicts, allocation, regular expressions, byte searches...) until it calls another
  compiled function. CPython's call dispatch is skipped (`--fn-skip`), so a call made
  through a Python-level call (a dispatch table, a closure, a generator's `next`) goes
  to the function called, not to the caller;
- CPython by source file (for the pure build: the evaluation loop and the rest).

    python3 benchmarks/bench_js_functions.py [--files N] [--seed S] [--top K]
    PYTHONPATH=/compiled/tree/src python3 benchmarks/bench_js_functions.py

Instructions do not move with the machine's load: run once per tree and compare.
Needs valgrind (callgrind) and CPython 3.11 or later.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_js  # noqa: E402
import bench_support as bench  # noqa: E402

#: CPython's call dispatch: a call through these is counted as a call of what they call.
DISPATCH = ("PyObject_Vectorcall*", "*vectorcall*", "_PyObject_MakeTpCall", "PyObject_Call*",
            "_PyObject_Call*", "_PyFunction_Vectorcall", "PyIter_Next", "_PyEval_Vector",
            "CPyPy_*")
#: The binding's node reads, whose tree-sitter C is counted apart from the binding's part.
PARSE = "parser_parse"


def _inner(folder: Path, files: int, seed: int) -> None:
    """The warm-up round, then the counted round with each chunk's resolution + analysis
    called through `sys.call_tracing` (the C function callgrind collects within)."""
    bench_js.one_round(folder, min(bench_js.CHUNK, files), seed)
    real = bench.resolve_then

    def counted(app: Any, analysis: Any, steps: Any = ()) -> Any:
        out: list[Any] = []
        sys.call_tracing(lambda: out.append(real(app, analysis, steps)), ())
        return out[0]

    bench.resolve_then = counted
    found = bench_js.one_round(folder, files, seed)[3]
    print(f"found\t{found[0]}\t{found[1]}")


def _compressed_names() -> Callable[[str], str]:
    """A reader of callgrind's compressed names: "(12) name" defines number 12, "(12)"
    names it again; a token without a number is the name itself."""
    table: dict[str, str] = {}

    def name(token: str) -> str:
        found = re.match(r"\((\d+)\)(?: (.*))?", token)
        if found is None:
            return token
        if found.group(2):
            table[found.group(1)] = found.group(2)
        return table[found.group(1)]
    return name


def read_profile(path: str) -> tuple[dict[str, int], dict[str, Counter[str]], dict[str, str]]:
    """A callgrind profile's self cost (Ir) and call edges (inclusive Ir) by function,
    and each function's source file."""
    files: dict[str, str] = {}
    name = _compressed_names()
    file_name = _compressed_names()

    own: Counter[str] = Counter()
    edges: dict[str, Counter[str]] = defaultdict(Counter)
    fn = callee = ""
    current_file = ""
    in_call = False
    with open(path) as profile:
        for line in profile:
            if line.startswith("fn="):
                fn, in_call = name(line[3:].strip()), False
                files.setdefault(fn, current_file)
            elif line.startswith("cfn="):
                callee = name(line[4:].strip())
            elif line.startswith(("fl=", "fi=", "fe=")):
                current_file = file_name(line[3:].strip())
            elif line.startswith(("cfi=", "cfl=")):
                file_name(line[4:].strip())
            elif line.startswith("calls="):
                in_call = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                if in_call:
                    edges[fn][callee] += int(parts[1])
                    in_call = False
                else:
                    own[fn] += int(parts[1])
    return own, edges, files


def _compiled(name: str) -> bool:
    return name.startswith("CPyDef_")


def split(own: dict[str, int], edges: dict[str, Counter[str]], files: dict[str, str]
          ) -> tuple[Counter[str], Counter[str]]:
    """(instructions by category, each compiled function's own work)."""
    inclusive: dict[str, int] = {}

    def total(fn: str) -> int:
        if fn not in inclusive:
            inclusive[fn] = own.get(fn, 0) + sum(edges[fn].values())
        return inclusive[fn]

    back: dict[str, float] = {}

    def compiled_share(fn: str, depth: int = 0) -> float:
        """The share of a non-compiled function's inclusive count spent in compiled
        functions it calls (after dispatch is skipped: callbacks, a sort's key...)."""
        if fn in back:
            return back[fn]
        back[fn] = 0.0
        whole = total(fn)
        if not whole or depth > 30:
            return 0.0
        inside = sum(count if _compiled(callee) else count * compiled_share(callee, depth + 1)
                     for callee, count in edges[fn].items() if callee != fn)
        back[fn] = min(1.0, inside / whole)
        return back[fn]

    functions: Counter[str] = Counter()
    for fn in set(own) | set(edges):
        if not _compiled(fn) or fn.startswith("CPyDef_parse___parse_bytes"):
            continue
        work = float(own.get(fn, 0))
        for callee, count in edges[fn].items():
            if not _compiled(callee) and callee != PARSE:
                work += count * (1.0 - compiled_share(callee))
        functions[fn.split("'")[0].removeprefix("CPyDef_")] += int(work)
    categories: Counter[str] = Counter()
    for fn, count in own.items():
        source = files.get(fn, "")
        if "/core/lib/src" in source:
            category = "tree-sitter C (parse, node reads)"
        elif source.startswith("/project/") and (fn.startswith("ts_lex") or "parser.h" in source
                                                 or "scanner" in fn):
            category = "tree-sitter grammars (lexers, scanners)"
        elif source.startswith("/project/"):
            category = "tree-sitter binding (Python objects)"
        elif "__native" in source or "lib-rt" in source or "mypyc" in source:
            category = "compiled faasguard code (with mypyc's runtime)"
        elif "/Python-3" in source:
            category = "CPython " + source.rsplit("/", 1)[-1]
        else:
            category = "other (" + (source.rsplit("/", 1)[-1] or "?") + ")"
        categories[category] += count
    return categories, functions


def main(argv: list[str] | None = None) -> int:
    """Count the round under callgrind and print where it goes."""
    args = bench.inner_or_args(argv, _inner)
    if args is None:
        return 0
    parser = bench.round_parser(__doc__)
    parser.add_argument("--top", type=int, default=30, help="compiled functions listed")
    parser.add_argument("--keep", metavar="FILE", help="also keep the callgrind profile here")
    parser.add_argument("--plain", action="store_true",
                        help="no --fn-skip: callgrind's plain count of the round (a compiled "
                             "round counts about 0.6%% more than with the skips); the "
                             "functions' own work then shares each dispatch's cost out by "
                             "proportion, which credits a dispatching caller with much of "
                             "what it calls")
    options = parser.parse_args(args)
    with bench.inner_child(__file__, bench_js.generate, options) as (tmp, env, inner):
        profile = options.keep or os.path.join(tmp, "callgrind.out")
        skips = [] if options.plain else [f"--fn-skip={name}" for name in DISPATCH]
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}",
                              "--collect-atstart=no", "--toggle-collect=sys_call_tracing",
                              *skips, *inner],
                             env=env, capture_output=True, text=True, check=True)
        found = next(line.split("\t")[1:] for line in run.stdout.splitlines()
                     if line.startswith("found"))
        own, edges, files = read_profile(profile)
    categories, functions = split(own, edges, files)
    whole = sum(own.values())
    parse = sum(edges[fn].get(PARSE, 0) for fn in edges)
    print(f"bench_js's files: {options.files}, one round (resolution + analysis) after a "
          f"warm-up, python {bench.python_version()}; flows {found[0]}, AWS calls {found[1]}")
    print(f"the round {whole / 1e6:,.1f}M instructions; tree-sitter's parse in it "
          f"{parse / 1e6:,.1f}M; beyond the parse {(whole - parse) / 1e6:,.1f}M")
    print("\nby where the instructions are spent (self cost)")
    for category, count in categories.most_common(25):
        print(f"{count / 1e6:10.1f}M {count / whole:6.1%}  {category}")
    if functions:
        print("\ncompiled functions' own work (their code and the runtime they call; "
              "the parse left out)")
        for fn, count in functions.most_common(options.top):
            print(f"{count / 1e6:10.1f}M {count / whole:6.1%}  {fn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
