"""Helpers shared by the pipeline, CLI and reporter tests (not a test module itself)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.cli import main
from faasguard.findings import RULES, FlowStep, make_finding
from faasguard.model import Diagnostic, Location
from faasguard.report import Report

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline"
REPORT_SCHEMA = REPO / "src" / "faasguard" / "data" / "report-schema.json"


def run_cli(capsys: Any, *argv: str) -> tuple[int, str, str]:
    """Run `faasguard ARGV` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors and --version
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def expected_marks(folder: Path) -> set[tuple[str, int, str]]:
    """(file, line, rule id) of every `# expect: FG-...` mark under `folder`."""
    marks = set()
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if "expect:" in line:
                for rule_id in line.split("expect:", 1)[1].replace(",", " ").split():
                    marks.add((path.relative_to(folder).as_posix(), number, rule_id))
    return marks


def sample_report(root: str = ".", fail_on: str = "low") -> Report:
    """A report with every shape a reporter must handle: a flow, related locations, an
    inline- and a baseline-suppressed finding, and diagnostics of each level."""
    url = make_finding("FG-AUTH-001", "Function 'Api' has a public function URL.",
                       Location("template.yaml", 12, 13), "function-url:Api")
    url.related.append((Location("template.yaml", 4), "function Api"))
    perm = make_finding("FG-PERM-001", "Statement allows every action.",
                        Location("sub dir/serverless.yml", 30), "statement:role#0")
    perm.flow.extend([FlowStep(Location("handler.py", 3), "event['body'] read"),
                      FlowStep(Location("handler.py", 9), "reaches os.system")])
    quiet = make_finding("FG-DATA-001", "DB_PASSWORD is plaintext.",
                         Location("template.yaml", 20), "env:Api:DB_PASSWORD")
    quiet.suppressed = "rotated weekly"
    quiet.properties["suppression"] = {"kind": "inSource", "source": "comment"}
    old = make_finding("FG-AUTH-002", "Route GET /x has no authoriser.",
                       Location("template.yaml", 40), "route:GET /x")
    old.suppressed = "baseline"
    old.properties["suppression"] = {"kind": "external", "source": "baseline"}
    diagnostics = [
        Diagnostic("broken.yaml", "invalid YAML/JSON: mapping values are not allowed", 3),
        Diagnostic("dup.yaml", "duplicate key 'a' (first at line 1); the last one is used", 2,
                   "warning"),
        Diagnostic("", "internal note", None, "note", "internal"),
    ]
    return Report(findings=[url, perm, quiet, old], diagnostics=diagnostics, files_scanned=5,
                  root=root, rules=[r.meta for _, r in sorted(RULES.items())], fail_on=fail_on)


def load_json(path: Path) -> Any:
    """A JSON file's content."""
    return json.loads(path.read_text())
