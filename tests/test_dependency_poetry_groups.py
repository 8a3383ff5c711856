"""serverless-python-requirements' Poetry group options: it exports a Poetry project with
`poetry export` (the main group by default), passing `poetryWithGroups` as `--with`,
`poetryWithoutGroups` as `--without` and `poetryOnlyGroups` as `--only`, so FG-TP-101/102
judge the groups it installs: a `[tool.poetry.group.<name>.dependencies]` table's, a
poetry.lock package's by its `groups`. Poetry's groups were not read (a lock's packages
were all judged as the bundle's), and `--only` still shipped the main group."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.dependencies import Dependency, declared_for, read_manifest
from faasguard.analysis.facts import Options
from faasguard.model import BuildManifest
from faasguard.scan import ScanResult, scan
from tests.test_dependency_plugin_manifests import DB, _reported

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "deps_poetry_groups"


def _scan(case: str, osv_db: bool = True) -> ScanResult:
    return scan(str(FIXTURES / case), Options(osv_db=str(DB) if osv_db else None))


@pytest.mark.parametrize(("case", "vulnerable", "unpinned"), [
    ("with-groups", [("pyproject.toml", 16, "fgdemo-http")],
     [("pyproject.toml", 17, "fgdemo-log")]),
    ("no-options", [], []),
    ("without-groups", [], []),
    ("only-groups", [], [("pyproject.toml", 17, "fgdemo-log")]),
    ("lock-with-groups", [("poetry.lock", 13, "fgdemo-http")], []),
    ("lock-no-options", [], []),
    ("unknown-groups", [("pyproject.toml", 16, "fgdemo-http")],
     [("pyproject.toml", 17, "fgdemo-log"), ("pyproject.toml", 20, "fgdemo-yaml")]),
])
def test_the_groups_poetry_export_installs_are_judged(
        case: str, vulnerable: list[tuple[str, int, str]],
        unpinned: list[tuple[str, int, str]]) -> None:
    result = _scan(case)
    assert _reported(result, "FG-TP-101") == vulnerable
    assert _reported(result, "FG-TP-102") == unpinned


def test_the_build_manifest_names_the_groups() -> None:
    def poetry(case: str) -> BuildManifest:
        [function] = scan(str(FIXTURES / case)).app.functions.values()
        assert function.build is not None
        return function.build.manifests[0]

    assert (poetry("with-groups").groups, poetry("with-groups").main) == (("lambda",), True)
    assert (poetry("no-options").groups, poetry("no-options").main) == ((), True)
    assert (poetry("without-groups").groups, poetry("without-groups").main) == ((), True)
    assert (poetry("only-groups").groups, poetry("only-groups").main) == (("lambda",), False)
    unknown = poetry("unknown-groups")
    assert unknown.groups_unknown == \
        "custom.pythonRequirements.poetryWithGroups: env:POETRY_GROUPS"
    assert unknown.main


def test_unknown_groups_are_noted() -> None:
    notes = [d.message for d in _scan("unknown-groups").app.diagnostics
             if d.code == "dependencies" and d.file == "pyproject.toml"]
    assert notes == [
        "the optional-dependency groups the build installs from it are not known at scan "
        "time (custom.pythonRequirements.poetryWithGroups: env:POETRY_GROUPS): every "
        "group's dependencies (lambda, dev) are checked as the bundle's (FG-TP-101, "
        "FG-TP-102)"]


def test_least_privilege_counts_the_groups_installed_as_declared() -> None:
    for case, expected in (("with-groups", ["fgdemo-cache", "fgdemo-http", "fgdemo-log"]),
                           ("only-groups", ["fgdemo-cache", "fgdemo-log"]),
                           ("lock-with-groups", ["fgdemo-cache", "fgdemo-http", "fgdemo-log"])):
        result = _scan(case, osv_db=False)
        [function] = result.app.functions.values()
        assert sorted(d.name for d in declared_for(result.app, function, {})) == expected


def test_the_groups_each_manifest_declares() -> None:
    def groups(case: str, name: str) -> list[tuple[str, str]]:
        deps: list[Dependency] = read_manifest(str(FIXTURES / case), name, {}) or []
        return [(d.name, d.group) for d in deps]

    assert groups("with-groups", "pyproject.toml") == [
        ("fgdemo-cache", "main"), ("fgdemo-http", "lambda"), ("fgdemo-log", "lambda"),
        ("fgdemo-yaml", "dev")]
    assert groups("lock-with-groups", "poetry.lock") == [
        ("fgdemo-cache", "main"), ("fgdemo-http", "lambda"), ("fgdemo-log", "lambda,dev"),
        ("fgdemo-yaml", "dev")]


def test_older_locks(tmp_path: Path) -> None:
    # Poetry 1's lock: a category (main or dev); Poetry 1.5 to 1.8's: neither, so which
    # group needs a package is not known: every install has it
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "a"\nversion = "1.0"\ncategory = "main"\n\n'
        '[[package]]\nname = "b"\nversion = "1.0"\ncategory = "dev"\n\n'
        '[[package]]\nname = "c"\nversion = "1.0"\n')
    deps = read_manifest(str(tmp_path), "poetry.lock", {}) or []
    assert [(d.name, d.group) for d in deps] == [("a", "main"), ("b", "dev"), ("c", "")]
