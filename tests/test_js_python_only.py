"""A scan of an application without Node.js code never imports the Node.js analysis
(analysis/js/: tree-sitter, its grammars, the abstract interpreter); one with Node.js
code does. analysis.nodejs decides, from the App, before anything is imported."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from faasguard.analysis.nodejs import has_js
from faasguard.model import App, Function, Location, SourceFile
from tests.compiled_support import pure_only

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
JWT_PYTHON = Path(__file__).resolve().parent / "fixtures" / "jwt" / "python"

#: Scans a folder in a fresh interpreter, then prints the faasguard.analysis.js modules
#: it imported, whether tree-sitter was imported, and the rule ids found.
_PROBE = """
import json, sys
from faasguard.scan import scan_paths
result = scan_paths([sys.argv[1]], jobs=1)
print(json.dumps({
    "js": sorted(m for m in sys.modules if m.startswith("faasguard.analysis.js")),
    "tree_sitter": "tree_sitter" in sys.modules,
    "rules": sorted({f.rule_id for f in result.findings}),
}))
"""


def _probe(folder: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(folder)], capture_output=True,
                          text=True, check=True, cwd=REPO)
    out: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return out


@pytest.mark.parametrize("folder", [EXAMPLES / "vulnerable-app", JWT_PYTHON],
                         ids=["vulnerable-app", "jwt-python"])
def test_python_only_scan_imports_no_node_analysis(folder: Path) -> None:
    seen = _probe(folder)
    assert seen["js"] == []
    assert seen["tree_sitter"] is False
    assert seen["rules"], "the scan found nothing: it did not run"


def test_python_token_decodes_are_still_reported_without_node_code() -> None:
    assert "FG-AUTH-101" in _probe(JWT_PYTHON)["rules"]  # type: ignore[operator]


def test_node_scan_imports_the_node_analysis() -> None:
    seen = _probe(EXAMPLES / "vulnerable-app-node")
    assert "faasguard.analysis.js.engine" in seen["js"]  # type: ignore[operator]
    assert seen["tree_sitter"] is True


def _function(runtime: str | None, source_file: str | None = None) -> Function:
    function = Function(id="f", location=Location("serverless.yml", 1), format="serverless")
    function.runtime = runtime
    function.source_file = source_file
    return function


@pytest.mark.parametrize(("runtime", "source_file", "files", "expected"), [
    ("python3.12", "app.py", [("app.py", "python")], False),
    (None, None, [], False),
    ("nodejs20.x", None, [], True),
    ("NodeJS18.x", None, [], True),
    ("python3.12", "app.py", [("lib/util.mjs", "javascript")], True),
    ("python3.12", "app.py", [("lib/types.ts", "typescript")], True),
    (None, "src/index.cjs", [], True),
])
def test_has_js(runtime: str | None, source_file: str | None,
                files: list[tuple[str, str]], expected: bool) -> None:
    app = App(root=".")
    app.functions["f"] = _function(runtime, source_file)
    app.files = [SourceFile(path, kind) for path, kind in files]  # type: ignore[arg-type]
    assert has_js(app) is expected


@pure_only("spies on a replaced jwt_python.python_decodes")
def test_python_token_decodes_run_with_the_collector_paused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Node.js code, the Python token check runs as it does with it (inside
    analysis.js.project.analyse_js): the cyclic collector off, back on after."""
    from faasguard.analysis import jwt_python
    from faasguard.analysis.facts import Facts
    from faasguard.analysis.nodejs import analyse_js

    enabled: list[bool] = []

    def spy(app: App, facts: Facts) -> list[jwt_python.TokenDecode]:
        enabled.append(gc.isenabled())
        return []

    monkeypatch.setattr(jwt_python, "python_decodes", spy)
    assert gc.isenabled()
    analyse_js(App(root="."), Facts())
    assert enabled == [False]
    assert gc.isenabled()
