"""A scan of Serverless Framework and SAM projects with Python handlers imports none of
the standard library's heavier modules it does not use: the command line's start-up is
part of every scan (a pre-commit hook runs it on each commit).

`importlib.resources` (with `tempfile`, `zipfile`, `shutil`, `pathlib`), `hashlib`
(OpenSSL), `shutil` (which argparse's own help formatter imports), `tomllib` (for a
project without TOML files), `urllib.parse` (without an OpenAPI server URL) and
`ipaddress` (without a request URL of a fixed host) cost together about a twentieth of a
small project's scan. Checked in a fresh interpreter started without `site` (`-S`): a
`.pth` file of the machine's site-packages may import some of them before faasguard
runs, which would hide an import of ours.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

AVOIDED = ("importlib.resources", "tempfile", "zipfile", "pathlib", "shutil", "hashlib",
           "tomllib", "urllib.parse", "ipaddress")

_PROBE = """
import json, sys
before = set(sys.modules)
from faasguard.cli import main
main(["scan", sys.argv[1], "--format", "json", "-o", "/dev/null", "--fail-on", "none",
      "--no-progress", "--jobs", "1"])
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _imported_by_scan(path: Path, cwd: Path) -> set[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *site.getsitepackages()])
    done = subprocess.run([sys.executable, "-S", "-c", _PROBE, str(path)], env=env, cwd=cwd,
                          capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_a_scan_with_python_handlers_imports_none_of_the_avoided_modules(tmp_path) -> None:
    # run from an empty folder: the configuration search reads a pyproject.toml there
    imported = _imported_by_scan(REPO / "examples" / "vulnerable-app", tmp_path)
    assert "faasguard.analysis.taint.engine" in imported  # the probe did scan code
    assert "faasguard.rules" in imported
    assert sorted(imported & set(AVOIDED)) == []
