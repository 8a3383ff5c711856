"""Bad input that still ends in an internal error or a runaway scan, pinned for the
readers' owners (strict xfail: the test passes once the reader copes), each with its
well-formed control. Found by mutating the repository's fixtures (type swaps at each key
path of the TOML files; Terraform attributes given other values)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from faasguard.scan import scan

HERE = Path(__file__).resolve().parents[1] / "fixtures"
PYPROJECT = HERE / "bad_input_pyproject"
TERRAFORM = HERE / "bad_input_terraform"


def _internal(folder: Path) -> list[str]:
    return [d.message for d in scan(str(folder)).diagnostics if d.code == "internal"]


@pytest.mark.parametrize("case", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason))
    for name, reason in [
        ("project-not-table", "analysis/dependencies._build_manifests: "
         "(data.get('project') or {}).get(...) on project = \"deps-shapes\": AttributeError"),
        ("build-system-not-table", "analysis/dependencies._is_poetry: "
         "data.get('build-system').get(...) on a string: AttributeError"),
        ("requires-not-list", "analysis/dependencies._is_poetry: iterates "
         "[build-system] requires = 68: TypeError"),
        ("dependencies-not-list", "analysis/dependencies._pyproject: iterates "
         "[project] dependencies = 1 (outside read_manifest's try: the pyproject.toml "
         "parsed for the build's choice): TypeError"),
        ("poetry-not-table", "analysis/dependencies._pyproject: "
         "(... .get('tool') or {}).get('poetry') or {}).get(...) on poetry = \"1.8\": "
         "AttributeError"),
    ]] + ["well-formed"])
def test_pyproject_tables_of_other_shapes_are_no_internal_error(case: str) -> None:
    """serverless-python-requirements' pyproject.toml with a table or list of another
    type: the dependency analysis stops with an internal error, so no dependency of the
    scan is judged (FG-TP-101/102/103). It should be a diagnostic at the file (or the
    part ignored), the other manifests read."""
    assert _internal(PYPROJECT / case) == []


@pytest.mark.parametrize("case", [
    pytest.param("filename-list", marks=pytest.mark.xfail(strict=True, reason=(
        "loaders/terraform/__init__.py _packaged(): archives.get((id(module), filename)) "
        "with filename = [\"build/api.zip\"]: TypeError unhashable LList, an internal "
        "error for the whole module (no function read)"))),
    "filename-string"])
def test_a_terraform_package_path_of_another_type_is_no_internal_error(case: str) -> None:
    """`filename` written as a list: the module's functions should still be read (the
    package path unknown), as they are with a string."""
    result = scan(str(TERRAFORM / case))
    assert [d.message for d in result.diagnostics if d.code == "internal"] == []
    assert len(result.app.functions) == 1


def _limited(limit: int) -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("case", [
    pytest.param("count-huge", marks=pytest.mark.xfail(strict=True, reason=(
        "loaders/terraform/module.py instances(): [(i, None) for i in range(count)] "
        "with no bound: count = 100000000 builds 10^8 instances (MemoryError under a "
        "2 GB limit, an internal error; without one the scan runs until the system "
        "stops it)"))),
    "count-small"])
def test_a_huge_terraform_count_is_bounded(case: str) -> None:
    """A count the scan cannot expand (a typo: 100000000 for 10) should be read up to a
    bound, with a diagnostic saying so, in bounded memory and time."""
    done = subprocess.run(
        [sys.executable, "-m", "faasguard.cli", "scan", str(TERRAFORM / case),
         "--format", "json"], capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: _limited(2 * 1024 ** 3))
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert [d["message"] for d in report["diagnostics"] if d["code"] == "internal"] == []
    assert {f["rule_id"] for f in report["findings"]} >= {"FG-MON-001"}  # the workers read
