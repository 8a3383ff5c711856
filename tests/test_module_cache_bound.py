"""The scan's Python module cache holds a bounded number of trees: files parsed beyond
`RETAINED_MODULES` are dropped between two handlers and parsed again when needed, and the
findings stay exactly those of a scan that keeps every tree."""

from __future__ import annotations

import ast
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from faasguard.analysis.taint import modules
from faasguard.analysis.taint.modules import ModuleCache
from tests.compiled_support import pure_only

LIBRARY = """\
import os
import subprocess


class Runner:
    def run(self, command):
        return subprocess.run(command, shell=True)


def table():
    return os.environ["TABLE"]
"""

HANDLER = """\
import boto3
from common.lib import Runner, table


def handler(event, context):
    Runner().run("echo " + event["body"])
    boto3.resource("dynamodb").Table(table()).put_item(Item={{"id": "{n}"}})
    return {{"statusCode": 200}}


def helper(event):
    return eval(event["body"])
"""


def _project(root: Path, folders: int = 4) -> None:
    (root / "common").mkdir()
    (root / "common" / "lib.py").write_text(LIBRARY)
    for n in range(folders):
        src = root / f"svc{n}" / "src"
        src.mkdir(parents=True)
        (root / f"svc{n}" / "serverless.yml").write_text(
            f"service: svc{n}\nprovider:\n  name: aws\n  runtime: python3.12\n"
            "functions:\n  a:\n    handler: src/a.handler\n  b:\n    handler: src/b.handler\n")
        for name in ("a", "b"):
            (src / f"{name}.py").write_text(HANDLER.format(n=f"{n}{name}"))


def _results(root: Path) -> tuple[list[Any], str, str]:
    """The findings (as JSON data), and the facts the code analyses left."""
    from faasguard.scan import scan_paths

    result = scan_paths([str(root)], jobs=1)
    findings = [json.loads(json.dumps(asdict(f), default=str)) for f in result.findings]
    return findings, repr(result.facts.flows), repr(result.facts.aws_calls)


def test_release_keeps_the_first_trees_and_reparses_the_others(tmp_path: Path) -> None:
    for name in ("one", "two", "three"):
        (tmp_path / f"{name}.py").write_text(f"import json as j_{name}\nX = 1\n")
    cache = ModuleCache(str(tmp_path), retain=1)
    first = cache.get("one.py")
    dumped = ast.dump(cache.get("two.py").tree)
    cache.get("three.py")
    cache.release()
    assert list(cache.modules) == ["one.py"]
    assert cache.get("one.py") is first
    assert cache.aliases("three.py") == {"j_three": "json"}  # remembered, not re-parsed
    assert "three.py" not in cache.modules
    assert ast.dump(cache.get("two.py").tree) == dumped


def test_release_below_the_bound_drops_nothing(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text("X = 1\n")
    cache = ModuleCache(str(tmp_path), retain=5)
    module = cache.get("one.py")
    cache.release()
    assert cache.get("one.py") is module


def test_findings_do_not_depend_on_how_many_trees_are_kept(tmp_path: Path,
                                                           monkeypatch: Any) -> None:
    _project(tmp_path)
    kept_all = _results(tmp_path)
    assert {f["rule_id"] for f in kept_all[0] if f["rule_id"].startswith("FG-INJ")}
    assert "put_item" in kept_all[2]
    monkeypatch.setattr(modules, "RETAINED_MODULES", 0)  # every tree dropped each time
    assert _results(tmp_path) == kept_all


SHARED_HANDLERS = """\
import subprocess


def first(event, context):
    return subprocess.run(event["cmd"], shell=True)


def second(event, context):
    return {"ok": True}
"""

AUTH = """\
import jwt


def handler(event, context):
    return jwt.decode(event["token"], options={"verify_signature": False})
"""

SCRIPT = """\
import os


def rebuild(payload):
    os.system("make " + payload["target"])
"""


def _parse_counts(root: Path, monkeypatch: Any) -> tuple[dict[str, int], Any]:
    counts: dict[str, int] = {}
    original = ModuleCache._parse

    def counting(self: ModuleCache, rel: str) -> modules.Module:
        counts[rel] = counts.get(rel, 0) + 1
        return original(self, rel)

    monkeypatch.setattr(ModuleCache, "_parse", counting)
    results = _results(root)
    monkeypatch.setattr(ModuleCache, "_parse", original)
    return counts, results


@pure_only("counts calls through a replaced ModuleCache._parse")
def test_a_scan_parses_each_python_file_once_even_when_keeping_no_tree(
        tmp_path: Path, monkeypatch: Any) -> None:
    _project(tmp_path)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "serverless.yml").write_text(
        "service: shared\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        "  one:\n    handler: handlers.first\n    events:\n      - http: GET /one\n"
        "  other:\n    handler: svc.second\n"
        "  two:\n    handler: handlers.second\n    events:\n      - http: GET /two\n"
        "  auth:\n    handler: auth.handler\n")
    (tmp_path / "shared" / "auth.py").write_text(AUTH)
    (tmp_path / "shared" / "handlers.py").write_text(SHARED_HANDLERS)
    (tmp_path / "shared" / "svc.py").write_text(SHARED_HANDLERS)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "rebuild.py").write_text(SCRIPT)
    kept_counts, kept_all = _parse_counts(tmp_path, monkeypatch)
    assert set(kept_counts) == {"common/lib.py", "shared/handlers.py", "shared/svc.py",
                                "shared/auth.py",
                                "tools/rebuild.py", *(f"svc{n}/src/{h}.py" for n in range(4)
                                                      for h in "ab")}
    assert set(kept_counts.values()) == {1}
    monkeypatch.setattr(modules, "RETAINED_MODULES", 0)  # only pinned files and libraries
    counts, results = _parse_counts(tmp_path, monkeypatch)
    assert counts == kept_counts  # every file once: no tree dropped and parsed again
    assert results == kept_all
    flows = results[1]
    assert "code:tools/rebuild.py:rebuild" in flows  # the unreached pass still ran on it
    assert any(f["location"]["file"] == "shared/auth.py" for f in results[0])  # JWT check


def test_release_keeps_pinned_files_and_imported_libraries(tmp_path: Path) -> None:
    (tmp_path / "lib.py").write_text("X = 1\n")
    (tmp_path / "app.py").write_text("import lib\n")
    (tmp_path / "other.py").write_text("Y = 2\n")
    cache = ModuleCache(str(tmp_path), retain=0, retain_libraries=1, retain_wanted=0)
    dropped: list[str] = []

    def note(module: modules.Module) -> bool:
        dropped.append(module.file)
        return False

    cache.before_drop.append(note)
    cache.pin("app.py")
    app = cache.get("app.py")
    library = cache.find("lib", ("",))
    cache.get("other.py")
    cache.release()
    assert dropped == ["other.py"]
    assert cache.parsed("app.py") is app and cache.parsed("lib.py") is library
    cache.unpin("app.py")
    cache.release()
    assert dropped == ["other.py", "app.py"]
    assert cache.parsed("lib.py") is library  # imported by another module: kept
