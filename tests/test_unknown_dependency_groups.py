"""serverless-python-requirements' `pyprojectWithGroups` given by the deploy
(`${env:GROUPS}`, or one item of the list so given): which `[project.optional-
dependencies]` groups are installed is unknown at scan time, so every group's
requirements may be in the bundle: FG-TP-101/102 judge them, and a note on the
pyproject.toml says the groups were not known. Before, no group was judged and nothing
said so (a vulnerable pin of an optional group went unreported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.dependencies import declared_for
from faasguard.analysis.facts import Options
from faasguard.scan import ScanResult, scan
from tests.test_dependency_plugin_manifests import DB, _reported

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "deps_groups_unknown"


def _scan(case: str) -> ScanResult:
    return scan(str(FIXTURES / case), Options(osv_db=str(DB)))


def _notes(result: ScanResult) -> list[tuple[str, str]]:
    return [(d.file, d.message) for d in result.app.diagnostics
            if d.code == "dependencies" and d.level == "note"]


@pytest.mark.parametrize(("case", "given"), [("unknown-groups", "env:GROUPS"),
                                             ("unknown-group-item", "env:EXTRA_GROUP")])
def test_every_group_is_judged_when_the_groups_are_not_known(case: str, given: str) -> None:
    result = _scan(case)
    assert _reported(result, "FG-TP-101") == [("pyproject.toml", 14, "fgdemo-http")]
    assert _reported(result, "FG-TP-102") == [("pyproject.toml", 15, "fgdemo-log"),
                                              ("pyproject.toml", 18, "fgdemo-yaml")]
    assert _notes(result) == [(
        "pyproject.toml", "the optional-dependency groups the build installs from it are "
        f"not known at scan time (custom.pythonRequirements.pyprojectWithGroups: {given}): "
        "every group's dependencies (lambda, dev) are checked as the bundle's (FG-TP-101, "
        "FG-TP-102)")]


def test_least_privilege_counts_every_group_as_declared() -> None:
    result = _scan("unknown-groups")
    [function] = result.app.functions.values()
    assert sorted(d.name for d in declared_for(result.app, function, {})) == \
        ["fgdemo-cache", "fgdemo-http", "fgdemo-log", "fgdemo-yaml"]


def test_unknown_groups_of_a_project_without_groups_add_nothing() -> None:
    result = _scan("unknown-groups-no-optional")
    assert _reported(result, "FG-TP-101") == []
    assert _reported(result, "FG-TP-102") == []
    assert _notes(result) == []
