"""serverless-python-requirements' `pyprojectWithGroups`: the `[project.optional-
dependencies]` groups it names are installed with a pyproject.toml's `[project]
dependencies`, so FG-TP-101/102 judge their requirements; the groups it does not name are
in no bundle."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.dependencies import declared_for
from faasguard.analysis.facts import Options
from faasguard.scan import ScanResult, scan
from tests.test_dependency_plugin_manifests import DB, _reported

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "deps_groups"


def _scan(case: str, osv_db: bool = False) -> ScanResult:
    return scan(str(FIXTURES / case), Options(osv_db=str(DB) if osv_db else None))


def test_the_groups_named_are_installed_with_the_project_dependencies() -> None:
    result = _scan("with-groups", osv_db=True)
    assert _reported(result, "FG-TP-102") == [("pyproject.toml", 15, "fgdemo-log")]
    assert _reported(result, "FG-TP-101") == [("pyproject.toml", 14, "fgdemo-http")]
    [vulnerable] = [f for f in result.findings if f.rule_id == "FG-TP-101"]
    assert vulnerable.properties["functions"] == ["serverless.yml#show"]


def test_the_groups_named_count_in_the_pins_left_unchecked() -> None:
    [unchecked] = [f.message for f in _scan("with-groups").findings
                   if f.rule_id == "FG-TP-103"]
    assert unchecked.startswith("The 2 pinned dependencies of pyproject.toml")


def test_without_groups_no_optional_dependency_is_the_functions() -> None:
    result = _scan("without-groups", osv_db=True)
    assert _reported(result, "FG-TP-102") == []
    assert _reported(result, "FG-TP-101") == []
    [unchecked] = [f.message for f in _scan("without-groups").findings
                   if f.rule_id == "FG-TP-103"]
    assert unchecked.startswith("The 1 pinned dependencies of pyproject.toml")


def test_least_privilege_counts_the_groups_installed_as_declared() -> None:
    for case, expected in (("with-groups", ["fgdemo-cache", "fgdemo-http", "fgdemo-log"]),
                           ("without-groups", ["fgdemo-cache"])):
        result = _scan(case)
        [function] = result.app.functions.values()
        assert sorted(d.name for d in declared_for(result.app, function, {})) == expected
