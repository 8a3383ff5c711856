"""What a scan imports before its loading workers fork is what loading needs, and no more.

`loaders.prepare` imports the loaders' modules in the scan's own process before the
workers fork (each inherits them); nothing else runs beside that, so a module imported
there that no template needs is serial time of every large scan. The template secrets
check needs only the two classes of `analysis.file_facts`, not the code facts' analysis
(with the handler signatures, the taint package and its parsed-file cache). And loading
the templates after `prepare` imports nothing more: a module first imported while loading
would be imported again in every worker. Checked in fresh interpreters (other tests'
imports do not count).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

#: Analysis modules no template needs (imported while the workers load: `prepare_analyses`).
ANALYSIS_ONLY = ("faasguard.analysis.code_facts", "faasguard.analysis.signatures",
                 "faasguard.analysis.code_hits", "faasguard.analysis.taint")

_PREPARED = """
import json, sys
import faasguard.cli, faasguard.scan
from faasguard.loaders import prepare
prepare()
print(json.dumps(sorted(sys.modules)))
"""

#: Loads the templates of the folders given after `prepare` (in this process), then
#: prints the modules the loading imported.
_LOADED = """
import json, sys
from faasguard.loaders import prepare
from faasguard.scan import discover_paths, load_app
prepare()
before = set(sys.modules)
for folder in sys.argv[1:]:
    root, found = discover_paths([folder])
    app = load_app(root, found.templates, jobs=1)
    assert app.functions, folder
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _modules(code: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, check=True, cwd=REPO, timeout=120)
    out: list[str] = json.loads(done.stdout.splitlines()[-1])
    return out


def test_prepare_imports_no_analysis_a_template_does_not_need() -> None:
    imported = set(_modules(_PREPARED))
    assert "faasguard.analysis.template_secrets" in imported  # prepare did run
    assert sorted(imported.intersection(ANALYSIS_ONLY)) == []


_SERVERLESS = """\
service: orders
provider:
  name: aws
  runtime: python3.11
  environment:
    DB_PASSWORD: Zr8quTq3vLw9xK2pM4nB
custom:
  stripeKey: sk_live_4eC39HqLyjWDarjtT1zdp7dc
functions:
  lookup:
    handler: handler.lookup
    events:
      - httpApi:
          path: /orders
          method: get
"""


def test_loading_after_prepare_imports_nothing_more(tmp_path: Path) -> None:
    # a Serverless Framework service holding secrets (judged while loading), and SAM
    (tmp_path / "serverless.yml").write_text(_SERVERLESS, encoding="utf-8")
    (tmp_path / "handler.py").write_text("def lookup(event, context):\n    return {}\n")
    assert _modules(_LOADED, str(tmp_path), str(EXAMPLES / "hardened-app")) == []
