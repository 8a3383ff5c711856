"""What a sharded scan sets up while its forked workers load the templates
(scan.prepare_analyses): the later steps' code, off the scan's serial end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="forked workers are used on Linux only")

_SERVICE = """service: svc{n}
provider:
  name: aws
  runtime: python3.12
functions:
  fn{n}:
    handler: handler.main
"""

_WATCH = """
import sys
from faasguard import scan, workers

workers.MIN_SHARDED_FILES = 2
load_app = scan.load_app


def watched(*args, **kwargs):
    app = load_app(*args, **kwargs)
    print(sorted(name for name in ("faasguard.rules", "faasguard.suppress")
                 if name in sys.modules))
    return app


scan.load_app = watched
result = scan.scan_paths([sys.argv[1]], jobs={jobs})
print(len(result.findings) > 0)
"""


@pytest.mark.parametrize(("jobs", "imported"), [
    (2, "['faasguard.rules', 'faasguard.suppress']"),  # while the workers loaded
    (1, "[]"),  # one process: imported when their step comes
])
def test_the_rules_are_imported_while_workers_load(tmp_path: Path, jobs: int,
                                                    imported: str) -> None:
    for n in range(4):
        folder = tmp_path / f"svc{n}"
        folder.mkdir()
        (folder / "serverless.yml").write_text(_SERVICE.format(n=n))
        (folder / "handler.py").write_text("def main(event, context):\n    return event\n")
    done = subprocess.run([sys.executable, "-c", _WATCH.format(jobs=jobs), str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [imported, "True"]
