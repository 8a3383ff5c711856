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

from faasguard.analysis.dependencies import read_manifest
from faasguard.scan import scan

HERE = Path(__file__).resolve().parents[1] / "fixtures"
PYPROJECT = HERE / "bad_input_pyproject"
TERRAFORM = HERE / "bad_input_terraform"


def _internal(folder: Path) -> list[str]:
    return [d.message for d in scan(str(folder)).diagnostics if d.code == "internal"]


@pytest.mark.parametrize("case", [
    "project-not-table", "build-system-not-table", "requires-not-list",
    "dependencies-not-list", "poetry-not-table", "well-formed"])
def test_pyproject_tables_of_other_shapes_are_no_internal_error(case: str) -> None:
    """serverless-python-requirements' pyproject.toml with a table or list of another
    type: the dependency analysis stops with an internal error, so no dependency of the
    scan is judged (FG-TP-101/102/103). It should be a diagnostic at the file (or the
    part ignored), the other manifests read."""
    assert _internal(PYPROJECT / case) == []


@pytest.mark.parametrize("case", [
    "filename-list",
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
    "count-huge",
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
    bounded = [(d["line"], d["message"]) for d in report["diagnostics"]
               if d["message"].startswith("count = ")]
    assert bounded == ([(2, "count = 100000000: only the first 1000 instances are read "
                         "(faasguard reads at most 1000 of one block)")]
                       if case == "count-huge" else [])


@pytest.mark.parametrize("case", [
    "project-not-table", "build-system-not-table", "requires-not-list",
    "dependencies-not-list", "poetry-not-table", "well-formed"])
def test_the_well_formed_parts_of_an_odd_pyproject_are_read(case: str) -> None:
    """The part of another type is ignored, the rest read: the requirements file beside
    a pyproject.toml whose `project` is a string, `[project] dependencies` when
    `[build-system]` or its `requires` is odd; nothing where the odd part is the list."""
    facts = scan(str(PYPROJECT / case)).facts.dependencies
    read = {rel: [d.written for d in deps] for rel, deps in facts.manifests.items()}
    expected = {"project-not-table": {"requirements.txt": ["fgdemo-cache==1.2.0"]},
                "dependencies-not-list": {"pyproject.toml": []},
                "poetry-not-table": {"pyproject.toml": []}}
    assert read == expected.get(case, {"pyproject.toml": ["fgdemo-cache==1.2.0"]})


@pytest.mark.parametrize(("rel", "expected"), [
    ("package-lock.json", [("left-pad", None), ("lodash", "4.17.20")]),
    ("v1/package-lock.json", [("left-pad", None), ("lodash", "4.17.20")]),
    ("Pipfile.lock", [("requests", None), ("urllib3", "2.0.7")]),
    ("poetry.lock", []),
    ("v1/poetry.lock", [("requests", "2.31.0")]),
    ("package.json", []),
    ("Pipfile", []),
])
def test_lock_files_with_entries_of_another_type_read_the_others(
        rel: str, expected: list[tuple[str, str | None]]) -> None:
    """A lock entry written as a string or a boolean where an object belongs is a package
    of unknown version (the whole lock was unread: AttributeError); a document or table
    of another type declares nothing rather than being no manifest."""
    read = read_manifest(str(HERE / "bad_input_manifests"), rel)
    assert read is not None
    assert [(d.name, d.version) for d in read] == expected
