"""faasguard beside Checkov: wall time and findings on the same inputs.

Installs Checkov into its own virtualenv (benchmarks/.venvs/checkov, gitignored) on first
use, generates the synthetic corpus (gen_corpus.py) and runs, on the corpus and on each
example folder given:

- `faasguard scan PATH --format json` (full pipeline: templates and handler code), from
  compiled bytecode as an installed copy runs (bytecode.py; Checkov's virtualenv has its
  bytecode written at install);
- `checkov -d PATH --framework cloudformation serverless -o json` (the two frameworks that
  read the same serverless.yml and SAM templates).

On the corpus, faasguard also runs on a copy without the Python handlers: Checkov's two
frameworks read no handler code, so that is the like-for-like figure.

faasguard runs on the interpreter running this script, or with `--faasguard-venv` from its
own virtualenv (benchmarks/.venvs/faasguard, gitignored; this checkout installed in
editable mode on first use), as Checkov runs from its own: an interpreter's start-up
includes whatever its site-packages' .pth files import, which a fresh virtualenv has
none of. The start-up of each interpreter (`python -c pass`, median) is printed first.

It prints the wall and CPU time of each (median of --repeat runs, one run of each tool in
turn, so that both see the same states of a shared machine; CPU time is the steadier
figure on a shared machine), the speed ratios, the findings per
threat (Checkov's checks are put in faasguard's threats by their id through the rules'
`equivalents`, else by keywords of the check name), and for the examples how many planted
issues each tool found. A planted issue is a line marked `# planted: <threat>` in an
example's files (or an entry of --planted FILE, a JSON list of {"file", "line", "threat"});
a tool finds it when it reports a finding in that file whose line (faasguard) or resource
line range (Checkov) covers the marked line.

    python benchmarks/compare_checkov.py --functions 1000 --examples examples/vulnerable-app
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import bench_support as bench  # first: --faasguard-src
from bytecode import bytecode_env

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venvs", "checkov")
CHECKOV = os.path.join(VENV, "bin", "checkov")
CHECKOV_REQUIREMENT = "checkov>=3.2,<4"
FAASGUARD_VENV = os.path.join(HERE, ".venvs", "faasguard")
_PLANTED = re.compile(r"#\s*planted:\s*([\w-]+)")

sys.path.insert(0, HERE)

#: Checkov check-name keywords -> faasguard threat, for checks no rule names as equivalent.
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("secret", "data"), ("credential", "data"), ("encrypt", "data"), ("kms", "data"),
    ("x-ray", "monitoring"), ("tracing", "monitoring"), ("log", "monitoring"),
    ("concurren", "wallet"), ("throttl", "wallet"), ("iam", "permissions"),
    ("privilege", "permissions"), ("policy", "permissions"), ("wildcard", "permissions"),
    ("authori", "auth"), ("public", "auth"), ("tls", "third-party"), ("ssl", "third-party"),
    ("dead letter", "other"), ("dlq", "other"), ("vpc", "other"),
)


@dataclass
class Run:
    """One tool on one path: its times and the findings it reported."""

    tool: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system CPU of the process tree
    findings: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def median_cpu(self) -> float:
        """Median CPU time in seconds (steadier than wall time on a busy machine)."""
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def measure(self, cmd: list[str], env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[str]:
        """Run the command once, recording its wall and CPU time."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        self.seconds.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return done


def ensure_checkov() -> str:
    """Checkov's version, installing it into its own venv first when needed."""
    if not os.path.exists(CHECKOV):
        print(f"installing {CHECKOV_REQUIREMENT} into {VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q",
                        CHECKOV_REQUIREMENT], check=True)
    out = subprocess.run([CHECKOV, "--version"], capture_output=True, text=True, check=True,
                         env=bench.OUTSIDE_ENV)
    return out.stdout.strip()


def ensure_faasguard_venv() -> str:
    """The python of faasguard's own venv, installing this checkout into it first when
    needed."""
    python = os.path.join(FAASGUARD_VENV, "bin", "python")
    if not os.path.exists(python):
        print(f"installing this checkout into {FAASGUARD_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", FAASGUARD_VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-e",
                        f"{os.path.dirname(HERE)}[scan]"], check=True)
    return python


def faasguard_cmd(path: str, env: dict[str, str], python: str) -> list[str]:
    """`faasguard scan` of the path in a fresh interpreter (`python`) with the environment
    `env` (see bytecode.py), run once untimed first: that run writes the bytecode."""
    cmd = [python, "-m", "faasguard.cli", "scan", path, "--format", "json",
           "--fail-on", "none", "--no-progress"]
    subprocess.run(cmd, capture_output=True, env=env)
    return cmd


def faasguard_findings(run: Run, done: subprocess.CompletedProcess[str]) -> Run:
    """The findings of faasguard's last run, as (file, line, threat, rule)."""
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        run.error = (done.stderr or done.stdout)[-500:]
        return run
    for f in report["findings"]:
        run.findings.append({"rule": f["rule_id"], "threat": f["threat"],
                             "file": f["location"]["file"], "lines": (f["location"]["line"],) * 2})
    return run


def _checkov_threats() -> dict[str, str]:
    import faasguard.rules  # noqa: F401  (registers the rules)
    from faasguard.findings import RULES

    return {r.meta.equivalents["Checkov"]: r.meta.threat
            for r in RULES.values() if "Checkov" in r.meta.equivalents}


def checkov_threat(check_id: str, name: str, by_id: dict[str, str]) -> str:
    """faasguard's threat for a Checkov check: by equivalent id, else by name keywords."""
    if check_id in by_id:
        return by_id[check_id]
    lowered = name.lower()
    return next((threat for word, threat in KEYWORDS if word in lowered), "other")


def checkov_cmd(path: str) -> list[str]:
    """Checkov's cloudformation and serverless frameworks on the path."""
    return [CHECKOV, "-d", path, "--framework", "cloudformation", "serverless", "-o", "json",
            "--quiet", "--compact", "--skip-download"]


def alternate(faasguard: list[str], path: str, repeat: int,
              env: dict[str, str]) -> tuple[Run, Run]:
    """faasguard's command and Checkov on `path`, `repeat` times each, one run of each in
    turn (so both see the same states of a shared machine), with the findings of their
    last runs."""
    ours, theirs = Run("faasguard"), Run("checkov")
    for _ in range(repeat):
        done_theirs = theirs.measure(checkov_cmd(path), bench.OUTSIDE_ENV)
        done_ours = ours.measure(faasguard, env)
    return faasguard_findings(ours, done_ours), checkov_findings(theirs, done_theirs, path)


def checkov_findings(run: Run, done: subprocess.CompletedProcess[str], path: str) -> Run:
    """The failed checks of Checkov's last run, as (file, line range, threat, check)."""
    try:
        reports = json.loads(done.stdout) if done.stdout.strip() else []
    except json.JSONDecodeError:
        run.error = (done.stderr or done.stdout)[-500:]
        return run
    by_id = _checkov_threats()
    for report in reports if isinstance(reports, list) else [reports]:
        failed = report.get("results", {}).get("failed_checks", []) if isinstance(report,
                                                                                  dict) else []
        for check in failed:
            lines = check.get("file_line_range") or [0, 0]
            run.findings.append({
                "rule": check["check_id"],
                "threat": checkov_threat(check["check_id"], check.get("check_name", ""),
                                         by_id),
                "file": os.path.relpath(os.path.join(path, check["file_path"].lstrip("/")),
                                        path).replace(os.sep, "/"),
                "lines": (lines[0], lines[-1])})
    return run


def planted_issues(path: str, planted_file: str | None) -> list[dict[str, Any]]:
    """The issues planted in an example: `# planted: <threat>` markers, or a JSON list."""
    if planted_file:
        with open(planted_file, encoding="utf-8") as handle:
            data: list[dict[str, Any]] = json.load(handle)
        return data
    found = []
    for dirpath, _dirs, names in os.walk(path):
        for name in sorted(names):
            full = os.path.join(dirpath, name)
            try:
                with open(full, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                for match in _PLANTED.finditer(line):
                    found.append({"file": os.path.relpath(full, path).replace(os.sep, "/"),
                                  "line": number, "threat": match.group(1)})
    return found


def found_planted(run: Run, planted: list[dict[str, Any]]) -> int:
    """How many planted issues a tool reported (same file, line within the finding)."""
    return sum(1 for issue in planted if any(
        f["file"] == issue["file"] and f["lines"][0] <= issue["line"] <= f["lines"][1]
        for f in run.findings))


def report(label: str, runs: list[Run], planted: list[dict[str, Any]] | None) -> None:
    """Print one comparison block."""
    print(f"\n== {label}")
    for run in runs:
        if run.error:
            print(f"  {run.tool}: FAILED: {run.error}")
            continue
        threats = Counter(f["threat"] for f in run.findings)
        print(f"  {run.tool:9} {run.median:8.2f} s wall {run.median_cpu:8.2f} s CPU  "
              f"{len(run.findings):6} findings  "
              + ", ".join(f"{t} {n}" for t, n in sorted(threats.items())))
    fg, ck = runs
    if fg.seconds and ck.seconds and not (fg.error or ck.error):
        print(f"  faasguard is {ck.median / fg.median:.1f}x faster than checkov (wall), "
              f"{ck.median_cpu / fg.median_cpu:.1f}x less CPU")
    if planted is not None:
        if not planted:
            print("  no planted issues marked (# planted: <threat>) in this example")
        for run in runs:
            print(f"  {run.tool}: found {found_planted(run, planted)} of {len(planted)} "
                  "planted issues")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000,
                        help="functions in the synthetic corpus (0: no corpus)")
    parser.add_argument("--corpus", help="use this corpus folder instead of generating one")
    parser.add_argument("--examples", nargs="*", default=[], metavar="PATH",
                        help="example folders to compare on (with planted issues)")
    parser.add_argument("--planted", help="JSON list of planted issues (for one example)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement")
    parser.add_argument("--faasguard-venv", action="store_true",
                        help="run faasguard from its own virtualenv, as Checkov runs")
    bench.add_src_option(parser)
    args = parser.parse_args()

    print(f"checkov {ensure_checkov()}; python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs")
    python = ensure_faasguard_venv() if args.faasguard_venv else sys.executable
    print(f"interpreter start-up (`python -c pass`, median): faasguard's ({python}) "
          f"{bench.startup_ms(python):.0f} ms, Checkov's "
          f"{bench.startup_ms(os.path.join(VENV, 'bin', 'python')):.0f} ms")
    with tempfile.TemporaryDirectory(prefix="faasguard-corpus-") as tmp:
        env = bytecode_env(os.path.join(tmp, "pycache"))
        corpus = args.corpus
        if corpus is None and args.functions:
            from gen_corpus import generate

            corpus = os.path.join(tmp, "corpus")
            counts = generate(corpus, args.functions)
            print(f"corpus: {counts}")
        if corpus:
            # like for like: Checkov's two frameworks read no handler code
            templates_only = os.path.join(tmp, "templates-only")
            shutil.copytree(corpus, templates_only, ignore=shutil.ignore_patterns("*.py"))
            complete_cmd = faasguard_cmd(corpus, env, python)
            templates_cmd = faasguard_cmd(templates_only, env, python)
            ours, checkov = alternate(complete_cmd, corpus, args.repeat, env)
            templates = Run("faasguard")
            for _ in range(args.repeat):  # beside Checkov's runs of the whole corpus above
                done = templates.measure(templates_cmd, env)
            report(f"synthetic corpus, {args.functions} functions ({corpus})",
                   [ours, checkov], None)
            report("the same corpus without its Python handlers (templates only)",
                   [faasguard_findings(templates, done), checkov], None)
        for example in args.examples:
            planted = planted_issues(example, args.planted)
            report(f"example {example}",
                   list(alternate(faasguard_cmd(example, env, python), example, args.repeat,
                                  env)), planted)


if __name__ == "__main__":
    main()
