"""Node.js analysis speed against tree-sitter parsing alone.

Generates N small synthetic Node.js handlers (default 2,000; a third TypeScript, a third
ES modules) in a temporary folder, each with requires/imports, a helper, a handler
reading event fields, destructuring, template strings, a loop, an AWS SDK v3 call and
one sink (vulnerable or sanitised), and one function per file in an App. Prints the time
of handler resolution + the Node.js analysis (taint, AWS calls, JWT; it parses each file
once) beside the time of reading and tree-sitter-parsing the same files, and their ratio
(target: within 2x), and beside two floors: parsing plus one visit of every node from
Python, and plus reading each node's kind and span too (the analysis reaches the spots
it reads from a search of the source bytes instead: see analysis/js/spots.py).
Parsing and analysis alternate every CHUNK files and the medians of the rounds are
shown, so that the load of a shared machine weighs on both alike; one-time loads
(grammars, botocore's service models, the taint tables) are warmed first.

Beside the CPU figures (one process, `--jobs 1`), each round also times the analysis as a
scan runs it, in wall time: handler resolution, then the Node.js analysis and the JS code
facts over all the files at once with the default worker count (analysis/js/parallel.py:
forked workers share the handlers), against the wall time of reading and parsing the same
files in one process ("wall, default workers"; issue 2 measures a scan the same way), and
the same analysis in one process (`--jobs 1`) for comparison.

`--phases` adds one more round that splits the CPU time of resolution + analysis by
phase (PHASES: each step timed apart from the steps timed within it), to show where
the time beyond the parse goes. Its timers cost about a microsecond a timed call.

    python3 benchmarks/bench_js.py [--files N] [--seed S] [--rounds R] [--phases]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_support as bench  # noqa: E402

from faasguard.analysis.facts import Facts, Options
from faasguard.analysis.handlers import resolve_with_steps
from faasguard.analysis.js import analyse_js, project
from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.parse import JsModuleCache, dialect_of, parse_bytes
from faasguard.analysis.nodejs import analyse_js_code
from faasguard.model import App, Function, Location, SourceFile, Trigger
from faasguard.workers import worker_count

#: Files parsed, then analysed, in turn within a round.
CHUNK = 100

KINDS = ["sqs", "s3", "http", "sns", "eventbridge", "kinesis-stream", "dynamodb-stream"]

READS = {
    "sqs": "JSON.parse(record.body).{field}",
    "s3": "decodeURIComponent(record.s3.object.key)",
    "http": "JSON.parse(event.body || '{{}}').{field}",
    "sns": "record.Sns.Message",
    "eventbridge": "event.detail.{field}",
    "kinesis-stream": "Buffer.from(record.kinesis.data, 'base64').toString()",
    "dynamodb-stream": "record.dynamodb.NewImage.{field}.S",
}

SINKS = [
    ("exec(command)", "quote"),
    ("execSync(`tool ${{command}}`)", "quote"),
    ("pool.query(\"SELECT * FROM t WHERE c = '\" + command + \"'\")", "parseInt"),
    ("fs.readFileSync(path.join(BASE, command))", "path.basename"),
    ("axios.get(command)", "parseInt"),
    ("eval(command)", "Number"),
    ("new RegExp(command)", "escapeRegExp"),
]

HEADER_CJS = '''// Synthetic handler {index}.
const {{ exec, execSync }} = require("child_process");
const fs = require("fs");
const path = require("path");
const axios = require("axios");
const {{ Pool }} = require("pg");
const {{ quote }} = require("shell-quote");
const escapeRegExp = require("lodash").escapeRegExp;
const {{ S3Client, PutObjectCommand }} = require("@aws-sdk/client-s3");
'''

HEADER_ESM = '''// Synthetic handler {index}.
import {{ exec, execSync }} from "node:child_process";
import fs from "fs";
import * as path from "path";
import axios from "axios";
import {{ Pool }} from "pg";
import {{ quote }} from "shell-quote";
import {{ escapeRegExp }} from "lodash";
import {{ S3Client, PutObjectCommand }} from "@aws-sdk/client-s3";
'''

BODY = '''
const BASE = "/tmp/work-{index}";
const LIMIT = {limit};
const pool = new Pool();
const s3 = new S3Client({{}});

function normalise(value{typed}, fallback = "{field}"){returns} {{
  let text = String(value || fallback).trim();
  if (text.length > LIMIT) {{
    text = text.slice(0, LIMIT);
  }}
  return text.toLowerCase();
}}

const summarise = (items{typed_list}) => {{
  let total = 0;
  for (const item of items) {{
    total += item.length;
  }}
  return {{ count: items.length, total }};
}};

{export} async (event{typed_event}, context{typed_event}) => {{
  console.log("invocation", context.awsRequestId);
  const results = [];
  const records = event.Records || [event];
  for (const record of records) {{
    const raw = {read};
    const value = normalise(raw);
    const command = {wrap}(`{prefix}${{value}}`);
    results.push({sink});
    await s3.send(new PutObjectCommand({{ Bucket: process.env.BUCKET, Key: `out/${{value}}` }}));
  }}
  return {{ statusCode: 200, body: JSON.stringify(summarise(results.map(String))) }};
}};
'''


def generate(folder: Path, count: int, seed: int, write: bool = True) -> App:
    """Write `count` handler files and the App that declares one function per file
    (`write=False`: only a fresh App for files written before with the same seed)."""
    rng = random.Random(seed)
    app = App(root=str(folder))
    for index in range(count):
        kind = rng.choice(KINDS)
        sink, sanitiser = rng.choice(SINKS)
        field = rng.choice(["name", "path", "cmd", "id", "url"])
        ext = (".js", ".mjs", ".ts")[index % 3]
        typed = ext == ".ts"
        source = (HEADER_CJS if ext == ".js" else HEADER_ESM).format(index=index) + BODY.format(
            index=index, limit=rng.randint(16, 256), field=field,
            read=READS[kind].format(field=field), sink=sink.format(),
            wrap=sanitiser if rng.random() < 0.4 else "String",
            prefix=rng.choice(["", "tool ", "/data/", "https://api.example/"]),
            export="exports.handler =" if ext == ".js" else "export const handler =",
            typed=": unknown" if typed else "", returns=": string" if typed else "",
            typed_list=": string[]" if typed else "", typed_event=": any" if typed else "")
        name = f"h{index:05d}"
        if write:
            (folder / f"{name}{ext}").write_text(source)
        fid = f"serverless.yml#{name}"
        where = Location("serverless.yml", index + 1)
        function = Function(fid, where, "serverless", runtime="nodejs20.x",
                            handler=f"{name}.handler", code_dir=".")
        function.triggers.append(Trigger(kind, fid, where))  # type: ignore[arg-type]
        app.functions[fid] = function
        app.files.append(SourceFile(f"{name}{ext}",
                                    "typescript" if typed else "javascript"))
    return app


def parse_all(folder: Path, names: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to read and tree-sitter-parse every file."""
    cpu, wall = time.process_time(), time.perf_counter()
    for name in names:
        parse_bytes((folder / name).read_bytes(), dialect_of(name))
    return time.process_time() - cpu, time.perf_counter() - wall


def parse_and_visit_all(folder: Path, names: list[str]) -> float:
    """CPU seconds to parse every file and visit each named node once from Python (the
    least any analysis written in Python must do with a tree-sitter tree)."""
    cpu = time.process_time()
    for name in names:
        stack = [parse_bytes((folder / name).read_bytes(), dialect_of(name))]
        while stack:
            stack.extend(stack.pop().named_children)
    return time.process_time() - cpu


def parse_and_read_all(folder: Path, names: list[str]) -> float:
    """CPU seconds to parse every file and read the kind, the children and the text span
    of each named node once from Python (what an analysis that looks at every node
    pays before doing anything with it)."""
    cpu = time.process_time()
    for name in names:
        stack = [parse_bytes((folder / name).read_bytes(), dialect_of(name))]
        while stack:
            node = stack.pop()
            node.type, node.start_byte, node.end_byte  # noqa: B018
            stack.extend(node.named_children)
    return time.process_time() - cpu


def part(app: App, functions: list[str]) -> App:
    """The App of some of `app`'s functions and their files."""
    sub = App(root=app.root)
    sub.functions = {fid: app.functions[fid] for fid in functions}
    files = {app.functions[fid].handler.split(".")[0] for fid in functions}
    sub.files = [s for s in app.files if s.path.rsplit(".", 1)[0] in files]
    return sub


def one_round(folder: Path, count: int, seed: int) -> tuple[float, float, float, tuple[int, ...]]:
    """Read + parse, then resolve + analyse, each chunk of CHUNK files in turn (fine
    interleaving: a change of load on the machine hits both alike). CPU seconds of all
    parsing, of resolution, of the analysis; flows, AWS calls, diagnostics (not notes)."""
    app = generate(folder, count, seed, write=False)
    ids = list(app.functions)
    parse_cpu = resolve_cpu = js_cpu = 0.0
    flows = calls = problems = 0
    for start in range(0, len(ids), CHUNK):
        sub = part(app, ids[start:start + CHUNK])
        parse_cpu += parse_all(folder, [s.path for s in sub.files])[0]
        resolved, analysed, _, facts = bench.resolve_then(sub, analyse_js)
        resolve_cpu += resolved
        js_cpu += analysed
        flows += sum(len(v) for v in facts.flows.values())
        calls += sum(len(v) for v in facts.aws_calls.values())
        problems += len([d for d in sub.diagnostics if d.level != "note"])
        del facts
    gc.unfreeze()
    gc.collect()
    return parse_cpu, resolve_cpu, js_cpu, (flows, calls, problems)


def wall_round(folder: Path, count: int, seed: int, jobs: int | None
               ) -> tuple[float, float, tuple[int, ...]]:
    """Wall seconds to read and parse every file in one process, and to resolve the
    handlers and run the Node.js analysis and the JS code facts on all of them at once as
    a scan does, with `jobs` processes (None: the default worker count); flows and AWS
    calls found."""
    app = generate(folder, count, seed, write=False)
    parse_wall = parse_all(folder, [s.path for s in app.files])[1]
    facts = Facts(options=Options(jobs=jobs))
    wall = time.perf_counter()
    resolve_with_steps(app, facts, ())
    analyse_js(app, facts)
    analyse_js_code(app, facts)
    wall = time.perf_counter() - wall
    found = (sum(len(v) for v in facts.flows.values()),
             sum(len(v) for v in facts.aws_calls.values()))
    del facts, app
    gc.unfreeze()
    gc.collect()
    return parse_wall, wall, found


#: The phases `--phases` times: (owner, attribute, label). A phase's time leaves out the
#: time of the phases it calls (the taint of the functions no handler reached is the
#: interpreter's, what is left of that step is its own selection of them).
PHASES: tuple[tuple[Any, str, str], ...] = (
    (JsModuleCache, "_parse", "read + parse + error check"),
    (JsAnalyzer, "module_exports", "module top levels (evaluated once)"),
    (JsAnalyzer, "analyse", "taint interpreter (a function's body)"),
    (project, "_aws_calls", "AWS SDK calls"),
    (project, "js_decodes", "JWT checks"),
    (project, "_flow", "flow records"),
    (project, "module_graph", "module graphs"),
    (project, "may_report", "sink-name gates"),
    (project, "_analyse_unreached", "functions no handler reached"),
)


@contextmanager
def timed_phases() -> Iterator[dict[str, float]]:
    """While open, the CPU seconds of each of PHASES (by label), each without the time of
    the phases it calls; the attributes are restored on leaving."""
    spent: dict[str, float] = {label: 0.0 for _, _, label in PHASES}
    nested: list[float] = []  # per open phase: the time of the phases it called

    def timer(call: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            nested.append(0.0)
            try:
                return call(*args, **kwargs)
            finally:
                took = time.process_time() - start
                spent[label] += took - nested.pop()
                if nested:
                    nested[-1] += took
        return timed

    saved = [(owner, name, owner.__dict__[name]) for owner, name, _ in PHASES]
    try:
        for (owner, name, label), (_, _, call) in zip(PHASES, saved, strict=True):
            setattr(owner, name, timer(call, label))
        yield spent
    finally:
        for owner, name, call in saved:
            setattr(owner, name, call)


def print_phases(folder: Path, count: int, seed: int) -> None:
    """One more round, timed by phase (`--phases`)."""
    with timed_phases() as spent:
        parse_cpu, resolve_cpu, js_cpu, _ = one_round(folder, count, seed)
    total = resolve_cpu + js_cpu
    print(f"by phase (one round, CPU ms/file; x: of read + parse alone, "
          f"{parse_cpu * 1e3 / count:.3f} ms/file):")
    rows = sorted(spent.items(), key=lambda row: -row[1])
    rows.append(("the rest (handler lookup, glue)", total - sum(spent.values())))
    for label, seconds in rows:
        print(f"  {label:<40}{seconds * 1e3 / count:7.3f}  {seconds / parse_cpu:5.2f}x")
    print(f"  {'total':<40}{total * 1e3 / count:7.3f}  {total / parse_cpu:5.2f}x")


def main(argv: list[str] | None = None) -> int:
    def phases_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--phases", action="store_true",
                            help="one more round, timed by phase")

    args = bench.parse_args(__doc__, argv, files=2_000, rounds=5,
                            rounds_help="repeats; medians shown", more=phases_option)
    with bench.generated("faasguard-bench-js-", generate, args) as (folder, names, total_lines):
        # warm the file cache, the grammars and the one-time loads (botocore's service
        # models, the taint tables): the figures are per-file throughput
        one_round(folder, min(CHUNK, args.files), args.seed)
        parses, visits, reads, resolves, analyses, ratios = [], [], [], [], [], []
        walls: dict[str, list[float]] = {"parse": [], "default": [], "one": [], "ratio": []}
        found: tuple[int, ...] = ()
        wall_found: set[tuple[int, ...]] = set()
        for _ in range(args.rounds):
            parse_cpu, resolve_cpu, js_cpu, found = one_round(folder, args.files, args.seed)
            parse_wall, default_wall, in_workers = wall_round(folder, args.files, args.seed,
                                                              None)
            one_wall, in_one = wall_round(folder, args.files, args.seed, 1)[1:]
            wall_found.update([in_workers, in_one])
            walls["parse"].append(parse_wall)
            walls["default"].append(default_wall)
            walls["one"].append(one_wall)
            walls["ratio"].append(default_wall / parse_wall)
            visits.append(parse_and_visit_all(folder, names))
            reads.append(parse_and_read_all(folder, names))
            parses.append(parse_cpu)
            resolves.append(resolve_cpu)
            analyses.append(js_cpu)
            ratios.append((resolve_cpu + js_cpu) / parse_cpu)
        med = statistics.median
        parse_cpu, visit_cpu = med(parses), med(visits)
        resolve_cpu, js_cpu, total = med(resolves), med(analyses), med(
            r + a for r, a in zip(resolves, analyses, strict=True))
        per = 1e3 / len(names)
        print(f"files: {len(names)} ({total_lines} lines), python {bench.python_version()}, "
              f"{os.cpu_count()} cpus; CPU time, median of {args.rounds} rounds (each: parse "
              f"then analyse every {CHUNK} files in turn)")
        print(bench.timing_row("read + tree-sitter parse:", parse_cpu, per,
                               note=f"{len(names) / parse_cpu:,.0f} files/s"))
        print(bench.timing_row("parse + visit every node:", visit_cpu, per,
                               note=f"{visit_cpu / parse_cpu:.2f}x parse"))
        read_cpu = med(reads)
        print(bench.timing_row("  + read kind and span of each: ", read_cpu, per,
                               note=f"{read_cpu / parse_cpu:.2f}x parse"))
        print(bench.timing_row("handler resolution (parses):", resolve_cpu, per))
        print(bench.timing_row("Node.js analysis:", js_cpu, per))
        print(bench.timing_row("whole analysis:", total, per,
                               note=f"{len(names) / total:,.0f} files/s"))
        print(f"ratio whole analysis / parse:  {med(ratios):7.2f} x  (median of the rounds' "
              f"ratios; min {min(ratios):.2f}, max {max(ratios):.2f}; target <= 2x)")
        print(f"ratio whole analysis / visit:  {total / visit_cpu:7.2f} x")
        print(f"flows found: {found[0]}; AWS calls: {found[1]}; diagnostics: {found[2]}")
        processes = worker_count(len(names), None)
        wall_parse, wall_default = med(walls["parse"]), med(walls["default"])
        print(f"wall, default workers ({processes} processes; all files at once, as a scan; "
              f"median of {args.rounds} rounds):")
        print(bench.timing_row("  read + tree-sitter parse:", wall_parse, per,
                               note="one process"))
        print(bench.timing_row("  resolve + Node.js analysis:", wall_default, per,
                               note="+ JS code facts, the same work in both schedules"))
        print(bench.timing_row("  same, --jobs 1:", med(walls["one"]), per,
                               note=f"{med(walls['one']) / wall_default:.2f}x the default; "
                               f"{med(walls['one']) / wall_parse:.2f}x parse"))
        print(f"ratio wall, default workers / parse:  {med(walls['ratio']):5.2f} x  (min "
              f"{min(walls['ratio']):.2f}, max {max(walls['ratio']):.2f}; target <= 2x)")
        if len(wall_found) != 1 or (*found[:2],) not in wall_found:
            print(f"FLOWS DIFFER between the rounds: {sorted(wall_found)}, {found[:2]}")
        if args.phases:
            print_phases(folder, len(names), args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
