"""A scan whose handlers are plain functions never imports the web-framework route
readers (loaders.flask_routes, django_routes, blueprints, decorators): the taint
analysis imports them (through analysis.taint.framework_views) only when a handler
names an app object or a module creates one. A Chalice app's scan does import them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
READERS = {f"faasguard.loaders.{name}"
           for name in ("flask_routes", "django_routes", "blueprints", "decorators")}

#: Scans a folder in a fresh interpreter (other tests' imports do not count), then prints
#: the route readers it imported and the rule ids found.
_PROBE = """
import json, sys
from faasguard.scan import scan_paths
result = scan_paths([sys.argv[1]], jobs=1)
print(json.dumps({
    "readers": sorted(m for m in sys.modules if m in sys.argv[2].split(",")),
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


def _probe(folder: Path) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(folder), ",".join(READERS)],
                          capture_output=True, text=True, check=True, cwd=REPO)
    out: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return out


def test_plain_handler_scan_imports_no_route_reader(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(_SERVERLESS)
    (tmp_path / "handler.py").write_text(_HANDLER)
    seen = _probe(tmp_path)
    assert seen["readers"] == []
    assert any(rule.startswith("FG-INJ") for rule in seen["rules"]), \
        f"the handler's command injection was not found: {seen['rules']}"


def test_chalice_app_scan_imports_the_route_readers() -> None:
    seen = _probe(EXAMPLES / "vulnerable-app-chalice")
    assert set(seen["readers"]) == READERS
    assert seen["rules"], "the scan found nothing: it did not run"
