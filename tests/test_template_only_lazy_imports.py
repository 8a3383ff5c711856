"""A scan of templates without handler code never imports the AWS call interpreter
(analysis.aws_interp): analysis.awscalls imports it on the first
handler it reads. A scan of a project with a handler does import it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
ENGINES = {"faasguard.analysis.aws_interp"}

#: Scans a folder in a fresh interpreter (other tests' imports do not count), then prints
#: the engine modules it imported and the rule ids found.
_PROBE = """
import json, sys
from faasguard.scan import scan_paths
result = scan_paths([sys.argv[1]], jobs=1)
print(json.dumps({
    "engines": sorted(m for m in sys.modules if m in sys.argv[2].split(",")),
    "rules": sorted({f.rule_id for f in result.findings}),
}))
"""


def _probe(folder: Path) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(folder), ",".join(ENGINES)],
                          capture_output=True, text=True, check=True, cwd=REPO)
    out: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return out


def _templates_only(tmp_path: Path) -> Path:
    """The vulnerable example app (its templates) without any Python file."""
    copy = tmp_path / "app"
    shutil.copytree(EXAMPLES / "vulnerable-app", copy, ignore=shutil.ignore_patterns("*.py"))
    return copy


def test_template_only_scan_imports_no_aws_interpreter(tmp_path: Path) -> None:
    seen = _probe(_templates_only(tmp_path))
    assert seen["engines"] == []
    assert seen["rules"], "the templates' findings were not reported"


def test_scan_with_handlers_imports_the_aws_interpreter() -> None:
    seen = _probe(EXAMPLES / "vulnerable-app")
    assert set(seen["engines"]) == ENGINES
    assert seen["rules"], "the scan found nothing: it did not run"
