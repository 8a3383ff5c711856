"""Taint analysis speed against plain parsing.

Generates N small synthetic handler modules (default 10,000) in a temporary folder, each
with imports, a helper, a handler reading event fields, string building, a loop and one
sink (vulnerable or sanitised), and one function per module in an App. Prints the time
of handler resolution + taint analysis (as in a scan: each handler is analysed right
after it is resolved, while its module is parsed; each file is parsed once) against the
time of reading and `ast.parse`-ing the same files, and their ratio (target: <= 2x).
Each round parses every file, then analyses the whole App (one run, as a scan does); the
medians of the rounds are shown, and the ratio is the median of the rounds' ratios, so
that the load of a shared machine weighs on both alike. A round over the first 200 files
warms the file cache and the one-time loads (imports, the taint table) first.

    python3 benchmarks/bench_taint.py [--files N] [--seed S] [--rounds R]
    python3 benchmarks/bench_taint.py --corpus DIR [--rounds R]
    python3 benchmarks/bench_taint.py [--corpus DIR] --chunks 500

`--chunks K` adds a side-by-side reading: the files are taken K at a time, and each chunk
is parsed and then analysed (an App of the functions whose handlers are in the chunk, as a
scan analyses them), so that both sides of each ratio see the same state of a shared
machine, seconds apart rather than the length of a whole round. The work is the same
(each handler is analysed on its own; per-app steps run once per chunk); the figures are
the sums over the chunks, the median of the chunks' ratios and the ratio of the sums.

`--corpus DIR` measures a project on disk instead (for example the synthetic project of
`gen_corpus.py`, whose handlers are much smaller): its templates are loaded as a scan
loads them (not timed) with the code files discovery found listed in the App, and its
Python files are the ones parsed.
"""

from __future__ import annotations

import argparse
import ast
import copy
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_support as bench  # noqa: E402

from faasguard.analysis.taint import analyse_taint
from faasguard.model import App, Function, Location, SourceFile, Trigger

KINDS = ["sqs", "s3", "http", "sns", "eventbridge", "kinesis-stream", "dynamodb-stream"]

READS = {
    "sqs": 'json.loads(record["body"])["{field}"]',
    "s3": 'record["s3"]["object"]["key"]',
    "http": 'json.loads(event.get("body") or "{{}}").get("{field}", "")',
    "sns": 'record["Sns"]["Message"]',
    "eventbridge": 'event["detail"]["{field}"]',
    "kinesis-stream": 'base64.b64decode(record["kinesis"]["data"]).decode()',
    "dynamodb-stream": 'record["dynamodb"]["NewImage"]["{field}"]["S"]',
}

SINKS = [
    ("os.system(command)", "shlex.quote"),
    ("subprocess.run(command, shell=True, check=False)", "shlex.quote"),
    ('cursor.execute("SELECT * FROM t WHERE c = \'%s\'" % command)', "int"),
    ("open(os.path.join(BASE, command)).read()", "os.path.basename"),
    ("requests.get(command, timeout=3)", "int"),
    ("pickle.loads(command.encode())", "int"),
    ("re.compile(command)", "re.escape"),
    ("eval(command)", "int"),
]

TEMPLATE = '''"""Synthetic handler {index}."""

import base64
import json
import logging
import os
import pickle
import re
import shlex
import subprocess

import requests

logger = logging.getLogger(__name__)
BASE = "/tmp/work-{index}"
LIMIT = {limit}
cursor = None


def normalise(value, default="{field}"):
    text = str(value or default).strip()
    if len(text) > LIMIT:
        text = text[:LIMIT]
    return text.lower()


def summarise(items):
    total = 0
    for item in items:
        total += len(item)
    return {{"count": len(items), "total": total}}


def handler(event, context):
    logger.info("invocation %s", context)
    results = []
    records = event.get("Records") or [event]
    for record in records:
        raw = {read}
        value = normalise(raw)
        command = {wrap}(f"{prefix}{{value}}")
        results.append({sink})
        logger.debug("done %s", value)
    return {{"statusCode": 200, "body": json.dumps(summarise([str(r) for r in results]))}}
'''


def generate(folder: Path, count: int, seed: int) -> App:
    """Write `count` modules and the App that declares one function per module."""
    rng = random.Random(seed)
    app = App(root=str(folder))
    for index in range(count):
        kind = rng.choice(KINDS)
        sink, sanitiser = rng.choice(SINKS)
        field = rng.choice(["name", "path", "cmd", "id", "url"])
        source = TEMPLATE.format(
            index=index, limit=rng.randint(16, 256), field=field,
            read=READS[kind].format(field=field), sink=sink,
            wrap=sanitiser if rng.random() < 0.4 else "str",
            prefix=rng.choice(["", "tool ", "/data/", "https://api.example/"]))
        name = f"h{index:05d}"
        (folder / f"{name}.py").write_text(source)
        fid = f"template.yaml#{name}"
        where = Location("template.yaml", index + 1)
        function = Function(fid, where, "sam", runtime="python3.12",
                            handler=f"{name}.handler", code_dir=".")
        function.triggers.append(Trigger(kind, fid, where))  # type: ignore[arg-type]
        app.functions[fid] = function
        app.files.append(SourceFile(f"{name}.py", "python"))
    return app


def parse_all(folder: Path, names: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to read and `ast.parse` every file."""
    cpu, wall = time.process_time(), time.perf_counter()
    for name in names:
        ast.parse((folder / name).read_text(), filename=name)
    return time.process_time() - cpu, time.perf_counter() - wall


def one_round(folder: Path, names: list[str], fresh_app: Callable[[], App]
              ) -> tuple[float, float, float, float, float, int, int]:
    """Read + parse every file, then resolve + analyse the whole App `fresh_app` gives
    (one run, as in a scan): CPU seconds of parsing, of resolution with the handlers'
    taint, of the taint of unreached code, wall seconds of parsing and of the analysis;
    flows, error diagnostics."""
    parse_cpu, parse_wall = parse_all(folder, names)
    fresh = fresh_app()  # same files, unresolved App
    resolve_cpu, taint_cpu, wall, facts = bench.resolve_then(fresh, analyse_taint, ["taint"])
    flows = sum(len(v) for v in facts.flows.values())
    errors = len([d for d in fresh.diagnostics if d.level == "error"])
    del facts, fresh
    gc.unfreeze()  # what the analysis froze (see collector.paused_then_frozen) can go now
    gc.collect()
    return parse_cpu, resolve_cpu, taint_cpu, parse_wall, wall, flows, errors


def _corpus(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", metavar="DIR",
                        help="measure this project instead of generated handlers")
    parser.add_argument("--chunks", type=int, metavar="K", default=0,
                        help="also parse then analyse K files at a time (side by side)")


def _subset(app: App, ids: list[str], files: set[str]) -> App:
    """A copy of `app` with only the functions `ids` and the code files `files` (the rest
    of the model, routes and roles, as it is)."""
    part = copy.copy(app)
    part.functions = {fid: copy.deepcopy(app.functions[fid]) for fid in ids}
    part.files = [f for f in app.files if f.path in files]
    part.diagnostics = []
    return part


def chunked(folder: Path, names: list[str], fresh_app: Callable[[], App], size: int
            ) -> list[tuple[float, float, int]]:
    """(parse CPU, analysis CPU, flows) of each chunk of `size` files: the chunk read and parsed,
    then the functions whose handlers it holds resolved and analysed (`one_round`'s work,
    a chunk at a time)."""
    from faasguard.analysis.facts import Facts, Options
    from faasguard.analysis.handlers import resolve

    app = fresh_app()
    located = fresh_app()
    resolve(located, Facts(options=Options(jobs=1)))  # which file each handler is in
    in_file: dict[str, list[str]] = {}
    for fid, function in located.functions.items():
        in_file.setdefault(function.source_file or "", []).append(fid)
    del located
    gc.unfreeze()
    gc.collect()
    out = []
    for start in range(0, len(names), size):
        chunk = names[start:start + size]
        ids = [fid for name in chunk for fid in in_file.get(name, ())]
        if start == 0:
            ids += in_file.get("", [])  # handlers found nowhere: their diagnostics
        part = _subset(app, ids, set(chunk))
        parse_cpu, _ = parse_all(folder, chunk)
        resolve_cpu, taint_cpu, _, facts = bench.resolve_then(part, analyse_taint, ["taint"])
        out.append((parse_cpu, resolve_cpu + taint_cpu,
                    sum(len(v) for v in facts.flows.values())))
        del facts, part
        gc.unfreeze()
        gc.collect()
    return out


def main(argv: list[str] | None = None) -> int:
    args = bench.parse_args(__doc__, argv, files=10_000, rounds=3,
                            rounds_help="repeats (parse, then analysis); medians shown",
                            more=_corpus)
    if args.corpus:
        return _report(args, *_on_disk(args.corpus))
    with bench.generated("faasguard-bench-taint-", generate, args) as (folder, names, total_lines):
        # warm the file cache and the one-time loads (the analysis modules' imports, the
        # taint table): the figures are per-file throughput
        one_round(folder, names[: min(200, len(names))],
                  lambda: generate(folder, min(200, len(names)), args.seed))
        return _report(args, folder, names, total_lines,
                       lambda: generate(folder, len(names), args.seed))


def _on_disk(root: str) -> tuple[Path, list[str], int, Callable[[], App]]:
    """A project on disk: its folder, its Python files, their lines, and a maker of its
    App as a scan loads it (warmed once: the file cache and the one-time loads)."""
    from faasguard.scan import add_sources, discover_paths, load_app

    base, found = discover_paths([root])
    names = [path for path in found.sources if path.endswith(".py")]

    def fresh_app() -> App:  # as scan_paths has it: code files listed, none walked again
        app = load_app(base, found.templates, jobs=1)
        add_sources(app, found.sources)
        return app

    folder = Path(base)
    one_round(folder, names, fresh_app)
    return folder, names, bench.line_count(folder, names), fresh_app


def _report(args: argparse.Namespace, folder: Path, names: list[str], total_lines: int,
            fresh_app: Callable[[], App]) -> int:
    """Run the timed rounds and print their medians."""
    rounds = [one_round(folder, names, fresh_app) for _ in range(args.rounds)]
    med = statistics.median
    parse_cpu, resolve_cpu, taint_cpu, parse_wall, wall = (
        med(r[i] for r in rounds) for i in range(5))
    total = med(r[1] + r[2] for r in rounds)
    ratios = [(r[1] + r[2]) / r[0] for r in rounds]
    flows, errors = rounds[-1][5:]
    per = 1e3 / len(names)
    print(f"files: {len(names)} ({total_lines} lines), python {bench.python_version()}, "
          f"{os.cpu_count()} cpus; CPU time (wall in brackets), median of {args.rounds} "
          "rounds (each: parse, then analysis)")
    no_wall = " " * 9
    print(bench.timing_row("read + ast.parse:", parse_cpu, per,
                           middle=f"({parse_wall:.2f} s)  "))
    print(bench.timing_row("resolution + handlers' taint:", resolve_cpu, per, middle=no_wall))
    print(bench.timing_row("taint of unreached code:", taint_cpu, per, middle=no_wall))
    print(bench.timing_row("whole analysis:", total, per, middle=f"({wall:.2f} s)  "))
    print(f"ratio whole analysis / parse:  {med(ratios):7.2f} x  (median of the rounds' "
          f"ratios; min {min(ratios):.2f}, max {max(ratios):.2f}; target <= 2x)")
    print(f"flows found: {flows}; error diagnostics: {errors}")
    if args.chunks:
        parts = chunked(folder, names, fresh_app, args.chunks)
        parse_sum, analysis_sum = (sum(p[i] for p in parts) for i in range(2))
        chunk_ratios = [a / p for p, a, _ in parts]
        print(f"side by side, {len(parts)} chunks of {args.chunks} files (each parsed, then "
              f"analysed): parse {parse_sum:.2f} s, analysis {analysis_sum:.2f} s CPU, "
              f"flows {sum(p[2] for p in parts)}")
        print(f"ratio analysis / parse:        {analysis_sum / parse_sum:7.2f} x  (of the sums; "
              f"median of the chunks' {med(chunk_ratios):.2f}, min {min(chunk_ratios):.2f}, "
              f"max {max(chunk_ratios):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
