"""A configuration file's `exclude` globs and `ignore` paths are written from the file's
folder, whatever folder a scan names: the root .faasguard.yml of fixture
tests/fixtures/config_globs_from_root excludes `services/*/legacy` and `api/*` (a top-level
api/ folder, which the fixture does not have) and ignores FG-AUTH-001 in
`services/*/hooks/*`. Each of services/api, its legacy/ and its hooks/ declares one public
function URL (FG-AUTH-001)."""

from __future__ import annotations

import fnmatch
import itertools
import json
import random
from pathlib import Path

import pytest
from pipeline_support import run_cli

from faasguard.config import glob_below

ROOT = Path(__file__).resolve().parent / "fixtures" / "config_globs_from_root"


@pytest.mark.parametrize(("scanned", "prefix"), [(".", "services/api/"),
                                                 ("services", "api/"), ("services/api", "")])
def test_root_globs_apply_to_a_scan_of_any_sub_folder(capsys, monkeypatch, scanned,
                                                      prefix) -> None:
    """Before, `scan services/api` reported legacy/ (the exclude `services/*/legacy` kept
    as written matched nothing) and did not suppress hooks/ (`services/*/hooks/*` was
    rewritten only when it began with the folder's own path); `scan services` reported
    nothing at all: `api/*`, kept as written, excluded services/api."""
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(capsys, "scan", scanned, "--format", "json")
    assert code in (0, 1)
    found = sorted((f["location"]["file"], (f["suppression"] or {}).get("source"))
                   for f in json.loads(out)["findings"] if f["rule_id"] == "FG-AUTH-001")
    assert found == [(f"{prefix}hooks/serverless.yml", "config"),
                     (f"{prefix}serverless.yml", None)]


def test_the_ignore_entry_as_written_suppresses_nothing_below_the_folder(capsys,
                                                                        monkeypatch) -> None:
    """(The fixture's .faasguard.yaml, named by --config.) An ignore path written from
    the root is not matched against paths relative to the
    scanned folder: `hooks/*` in the root file means the root's hooks/, not
    services/api/hooks/ (it stays for warnings only: no warning either, it cannot be
    judged by this scan)."""
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli(capsys, "scan", "services/api", "--config", ".faasguard.yaml",
                        "--format", "json")
    data = json.loads(out)
    assert [(f["location"]["file"], f["suppression"]) for f in data["findings"]
            if f["rule_id"] == "FG-AUTH-001"] == [("hooks/serverless.yml", None),
                                                  ("legacy/serverless.yml", None),
                                                  ("serverless.yml", None)]
    assert [d for d in data["diagnostics"] if d.get("code") == "config"] == []


@pytest.mark.parametrize(("glob", "folder", "expected"), [
    ("services/*", "services/api", ["*"]),
    ("*/tests/*", "services/api", ["*/tests/*", "tests/*"]),
    ("billing/*", "services/api", []),
    ("services/**/x", "services/api", ["**/x", "x"]),
    ("s[ea]rvices/a?i/*.py", "services/api", ["*.py"]),
    ("services/[!a]*/x", "services/api", []),
    ("services/api", "services/api", []),
])
def test_glob_below(glob, folder, expected) -> None:
    assert glob_below([glob], folder) == expected


def test_glob_below_matches_as_fnmatch_does_on_the_whole_path() -> None:
    """For random globs over a small alphabet, a path below the folder matches one of
    the globs `glob_below` gives exactly when the folder's path joined to it matches the
    glob (fnmatch: `*` matches `/` too)."""
    rng = random.Random(4)
    atoms = ["a", "b", "/", "*", "?", "[ab]", "[!a]"]
    paths = ["".join(p) for n in range(1, 5) for p in itertools.product("ab/", repeat=n)]
    for _ in range(400):
        glob = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 6)))
        folder = "".join(rng.choice("ab") for _ in range(rng.randint(1, 2))) + \
            rng.choice(["", "/a", "/b"])
        below = glob_below([glob], folder)
        for path in paths:
            assert any(fnmatch.fnmatchcase(path, g) for g in below) == \
                fnmatch.fnmatchcase(f"{folder}/{path}", glob), (glob, folder, path, below)
