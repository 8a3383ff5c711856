"""faasguard's taint analysis beside Bandit on the taint fixture suite.

Installs Bandit into its own virtualenv (benchmarks/.venvs/bandit, gitignored) on first
use, then runs both tools over the handlers of tests/fixtures/taint/ (the same files the
precision/recall test reads, `# expect: FG-INJ-00N` markers included) and prints, side by
side, each tool's precision, recall and time.

Bandit has no taint tracking: it reports calls to dangerous functions whatever their
arguments. Its call-level checks are mapped to faasguard's sink categories (B602 shell=True
-> FG-INJ-001, B307 eval -> FG-INJ-002, B608 SQL strings -> FG-INJ-003, ...); a finding
counts at (file, line, category) like faasguard's. Checks with no injection meaning
(asserts, `import pickle` warnings, hard-coded /tmp, missing request timeouts) are left
out of the score and only counted.

    python benchmarks/compare_bandit.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV = HERE / ".venvs" / "bandit"
BANDIT = VENV / "bin" / "bandit"
BANDIT_REQUIREMENT = "bandit>=1.7,<2"

sys.path.insert(0, str(REPO / "tests"))

from test_taint_suite import SUITE, expected, precision_recall, run_suite, suite_files  # noqa: E402

#: Bandit check id -> the faasguard rule of the same sink category.
BANDIT_TO_RULE: dict[str, str] = {
    **{b: "FG-INJ-001" for b in ("B602", "B603", "B604", "B605", "B606", "B607", "B609")},
    "B307": "FG-INJ-002", "B102": "FG-INJ-002",
    "B608": "FG-INJ-003", "B610": "FG-INJ-003", "B611": "FG-INJ-003",
    "B202": "FG-INJ-005",
    **{b: "FG-INJ-006" for b in ("B301", "B302", "B506")},
    "B310": "FG-INJ-007",
    **{f"B{n}": "FG-INJ-008" for n in range(313, 321)},
    "B410": "FG-INJ-008",
    **{b: "FG-INJ-009" for b in ("B701", "B702", "B703", "B704")},
}


def ensure_bandit() -> str:
    """Bandit's version, installing it into its own venv first when needed."""
    if not BANDIT.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", BANDIT_REQUIREMENT],
                       check=True)
    out = subprocess.run([str(BANDIT), "--version"], capture_output=True, text=True,
                         check=True).stdout
    return out.split()[1] if out.split()[:1] == ["bandit"] else out.strip().splitlines()[0]


def run_bandit(files: list[Path]) -> tuple[float, list[dict[str, object]]]:
    """(wall seconds, results) of one Bandit run over `files`."""
    start = time.perf_counter()
    proc = subprocess.run([str(BANDIT), "-q", "-f", "json", *map(str, files)],
                          capture_output=True, text=True, cwd=SUITE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bandit failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, json.loads(proc.stdout)["results"]


def bandit_findings(results: list[dict[str, object]]
                    ) -> tuple[set[tuple[str, int, str]], Counter[str]]:
    """Bandit's results as (file, line, rule id); and the unmapped checks, counted."""
    mapped: set[tuple[str, int, str]] = set()
    unmapped: Counter[str] = Counter()
    for result in results:
        test_id = str(result["test_id"])
        rule_id = BANDIT_TO_RULE.get(test_id)
        if rule_id is None:
            unmapped[test_id] += 1
            continue
        file = Path(str(result["filename"])).resolve().relative_to(SUITE).as_posix()
        mapped.add((file, int(str(result["line_number"])), rule_id))
    return mapped, unmapped


def run_faasguard() -> tuple[float, set[tuple[str, int, str]]]:
    """(wall seconds, findings) of handler resolution + taint analysis + FG-INJ rules."""
    start = time.perf_counter()
    _, _, findings = run_suite()
    elapsed = time.perf_counter() - start
    return elapsed, {(f.location.file, f.location.line, f.rule_id) for f in findings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool (median time)")
    args = parser.parse_args(argv)
    version = ensure_bandit()
    files = suite_files()
    want = expected()
    bandit_runs = [run_bandit(files) for _ in range(args.repeat)]
    bandit_got, unmapped = bandit_findings(bandit_runs[0][1])
    faas_runs = [run_faasguard() for _ in range(args.repeat)]
    faas_got = faas_runs[0][1]
    rows = []
    for name, got, times in (("faasguard", faas_got, [t for t, _ in faas_runs]),
                             (f"bandit {version}", bandit_got, [t for t, _ in bandit_runs])):
        precision, recall = precision_recall(got, want)
        rows.append((name, len(got), len(got & want), precision, recall,
                     statistics.median(times)))
    print(f"taint suite: {len(files)} files, {len(want)} expected flows "
          f"(python {sys.version.split()[0]}, {os.cpu_count()} cpus, median of {args.repeat})")
    print(f"{'tool':<16}{'reported':>9}{'correct':>9}{'precision':>11}{'recall':>8}{'time s':>9}")
    for name, reported, correct, precision, recall, seconds in rows:
        print(f"{name:<16}{reported:>9}{correct:>9}{precision:>11.3f}{recall:>8.3f}"
              f"{seconds:>9.2f}")
    print("faasguard time: in-process (resolution, taint analysis, rules); bandit time: "
          "one process (interpreter start included)")
    if unmapped:
        print("bandit checks left out of the score: "
              + ", ".join(f"{k} x{v}" for k, v in sorted(unmapped.items())))
    missed = sorted(want - bandit_got)
    print(f"bandit misses {len(missed)}: "
          + ", ".join(f"{f}:{line} {r}" for f, line, r in missed[:12])
          + (" ..." if len(missed) > 12 else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
