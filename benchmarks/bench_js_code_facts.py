"""Cost of the Node.js code facts (analysis.js.code_facts) beside tree-sitter parsing.

Generates the synthetic handlers of bench_js.py (default 2,000 files), appends code-level
flaws to every fifth file (a hard-coded token, an agent with `rejectUnauthorized: false`,
a password logged, a plain-HTTP call), parses every file once into the scan's module cache
and then runs the code-facts step on the cached trees. Prints CPU time per file of both,
their ratio and the facts found (checked against the number of flawed files).

    python3 benchmarks/bench_js_code_facts.py [--files N] [--seed S] [--rounds R]
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench_js import generate
from bench_support import line_count, parse_args, python_version, timing_row

from faasguard.analysis.facts import Facts
from faasguard.analysis.js.code_facts import analyse_js_code
from faasguard.analysis.js.parse import JsModuleCache, js_module_cache
from faasguard.model import App

FLAWS = '''
const PARTNER_TOKEN_{index} = "ghp_{index:04d}abcdEFGHijklMNOPqrstUVWXyz012345";
const agent{index} = new https.Agent({{ rejectUnauthorized: false }});
export async function notify{index}(body{typed}) {{
  console.log("login", body.password);
  return fetch("http://partner{index}.example.net/hook", {{ agent: agent{index} }});
}}
'''
FACTS_PER_FLAW = 4


def add_flaws(app: App, every: int) -> int:
    """Append FLAWS to every `every`-th file; the number of files changed."""
    changed = 0
    for index, source in enumerate(app.files):
        if index % every:
            continue
        path = Path(app.root) / source.path
        typed = ": any" if source.path.endswith(".ts") else ""
        text = FLAWS.format(index=index, typed=typed)
        if source.path.endswith(".js"):  # CommonJS files export through `exports`
            text = text.replace("export async function", "async function")
        path.write_text(path.read_text() + text)
        changed += 1
    return changed


def measure(app: App) -> tuple[float, float, int]:
    """(CPU seconds to read and parse every file, CPU seconds of the code facts, facts)."""
    facts = Facts()
    cache: JsModuleCache = js_module_cache(app.root, facts)
    start = time.process_time()
    for source in app.files:
        cache.get(source.path)
    parsed = time.process_time()
    analyse_js_code(app, facts)
    done = time.process_time()
    found = sum(len(v.facts) for v in facts.code.values())
    return parsed - start, done - parsed, found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, argv, files=2_000, rounds=3, rounds_help="repeat, keep the best")
    with tempfile.TemporaryDirectory(prefix="faasguard-bench-jsfacts-") as tmp:
        app = generate(Path(tmp), args.files, args.seed)
        flawed = add_flaws(app, every=5)
        lines = line_count(Path(tmp), (s.path for s in app.files))
        measure(app)  # warm the file cache and the grammars
        runs = [measure(app) for _ in range(args.rounds)]
        parse_cpu = min(r[0] for r in runs)
        facts_cpu = min(r[1] for r in runs)
        found = runs[0][2]
        per = 1e3 / len(app.files)
        print(f"files: {len(app.files)} ({lines} lines), {flawed} with flaws; python "
              f"{python_version()}; best of {args.rounds}, CPU time")
        print(timing_row("read + tree-sitter parse:", parse_cpu, per, column=27, width=6))
        print(timing_row("code facts (cached trees):", facts_cpu, per, column=27, width=6))
        print(f"ratio code facts / parse:  {facts_cpu / parse_cpu:6.2f} x")
        print(f"facts found: {found} (expected {flawed * FACTS_PER_FLAW})")
        return 0 if found == flawed * FACTS_PER_FLAW else 1


if __name__ == "__main__":
    raise SystemExit(main())
