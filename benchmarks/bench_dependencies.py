"""Figures for the dependency check and the Terraform loader (prints, asserts nothing).

    python3 benchmarks/bench_dependencies.py [ADVISORIES]

1. Reading an OSV zip export of ADVISORIES synthetic advisories (default 40000, about the
   size of a real PyPI export) for an app with 50 pinned packages: with the name
   prefilter faasguard uses, and parsing every file (what a naive reader would do).
2. Loading the Terraform twins of the example apps (parse, evaluate, translate).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from faasguard.analysis.osv import load_database
from faasguard.loaders.terraform import load_tree

REPO = Path(__file__).resolve().parents[1]


def _synthetic_export(path: Path, count: int) -> list[tuple[str, str]]:
    rng = random.Random(7)
    names = [f"fgbench-pkg-{i}" for i in range(count // 4)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for index in range(count):
            advisory = {
                "schema_version": "1.6.0", "id": f"FGBENCH-{index:06d}",
                "summary": "synthetic advisory for the faasguard benchmark " * 3,
                "details": "x" * rng.randint(200, 2000),
                "affected": [{"package": {"ecosystem": "PyPI", "name": rng.choice(names)},
                              "ranges": [{"type": "ECOSYSTEM", "events": [
                                  {"introduced": "0"}, {"fixed": f"{rng.randint(1, 9)}.0"}]}]}],
            }
            out.writestr(f"FGBENCH-{index:06d}.json", json.dumps(advisory))
    return [("pypi", name) for name in rng.sample(names, 50)]


def _timed(label: str, func) -> object:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40000
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "PyPI.zip"
        wanted = _synthetic_export(export, count)
        print(f"OSV export: {count} advisories, {export.stat().st_size / 1e6:.1f} MB zipped")
        db = _timed("  read for 50 packages (prefilter)",
                    lambda: load_database(str(export), wanted))
        print(f"    advisories kept: {sum(len(v) for v in db.advisories.values())}")  # type: ignore[attr-defined]
        _timed("  read every advisory (no prefilter)", lambda: load_database(str(export)))
    for folder in ("vulnerable-app-terraform", "hardened-app-terraform"):
        root = REPO / "examples" / folder
        files = sorted(p.name for p in root.glob("*.tf"))
        runs = 20
        start = time.perf_counter()
        for _ in range(runs):
            app = load_tree(str(root), files)
        per_run = (time.perf_counter() - start) / runs * 1000
        print(f"Terraform load of examples/{folder} ({len(files)} files, "
              f"{len(app.functions)} functions, {len(app.resources)} resources): "
              f"{per_run:.0f} ms")


if __name__ == "__main__":
    main()
