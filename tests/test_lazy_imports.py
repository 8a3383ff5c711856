"""Scans import the heavy parts of the code analysis only when there is code that needs
them, checked in a fresh interpreter (other tests' imports do not count):

- the web-framework route readers (loaders.flask_routes, django_routes, blueprints,
  decorators) only when a handler names an app object or a module creates one (the
  taint analysis reaches them through analysis.taint.framework_views);
- the AWS call interpreter (analysis.aws_interp) only when a handler's calls are read,
  and the taint engine (analysis.taint.engine and the modules only it uses) only when
  Python code is analysed, so a scan of templates without handler code imports neither.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
READERS = {f"faasguard.loaders.{name}"
           for name in ("flask_routes", "django_routes", "blueprints", "decorators")}
ENGINES = {"faasguard.analysis.aws_interp", "faasguard.analysis.taint.engine",
           "faasguard.analysis.taint.calls", "faasguard.analysis.taint.state"}

#: Scans a folder, then prints which of the named modules it imported and the rule ids
#: found.
_PROBE = """
import json, sys
from faasguard.scan import scan_paths
result = scan_paths([sys.argv[1]], jobs=1)
print(json.dumps({
    "imported": sorted(m for m in sys.modules if m in sys.argv[2].split(",")),
    "rules": sorted({f.rule_id for f in result.findings}),
}))
"""

_SERVERLESS = """\
service: orders
provider:
  name: aws
  runtime: python3.11
functions:
  lookup:
    handler: handler.lookup
    events:
      - httpApi:
          path: /orders
          method: get
"""

_HANDLER = """\
import subprocess


def lookup(event, context):
    name = event["queryStringParameters"]["name"]
    return subprocess.run("grep " + name + " orders.txt", shell=True, check=False).stdout
"""


def _probe(folder: Path, modules: set[str]) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(folder), ",".join(modules)],
                          capture_output=True, text=True, check=True, cwd=REPO)
    out: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return out


def test_plain_handler_scan_imports_no_route_reader(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(_SERVERLESS)
    (tmp_path / "handler.py").write_text(_HANDLER)
    seen = _probe(tmp_path, READERS)
    assert seen["imported"] == []
    assert any(rule.startswith("FG-INJ") for rule in seen["rules"]), \
        f"the handler's command injection was not found: {seen['rules']}"


def test_chalice_app_scan_imports_the_route_readers() -> None:
    seen = _probe(EXAMPLES / "vulnerable-app-chalice", READERS)
    assert set(seen["imported"]) == READERS
    assert seen["rules"], "the scan found nothing: it did not run"


def test_template_only_scan_imports_no_aws_interpreter(tmp_path: Path) -> None:
    app = tmp_path / "app"  # the vulnerable example's templates, without any Python file
    shutil.copytree(EXAMPLES / "vulnerable-app", app, ignore=shutil.ignore_patterns("*.py"))
    seen = _probe(app, ENGINES)
    assert seen["imported"] == []
    assert seen["rules"], "the templates' findings were not reported"


def test_scan_with_handlers_imports_the_aws_interpreter() -> None:
    seen = _probe(EXAMPLES / "vulnerable-app", ENGINES)
    assert set(seen["imported"]) == ENGINES
    assert seen["rules"], "the scan found nothing: it did not run"
