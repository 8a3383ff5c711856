"""serverless-python-requirements and the dependency rules (FG-TP-101..103): the packages
its `noDeploy` leaves out of the bundle are not the function's, and `usePyProject` makes a
pyproject.toml's `[project] dependencies` the manifest it installs."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import ScanResult, scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "deps_plugin"
DB = Path(__file__).resolve().parent / "fixtures" / "osv" / "db"


def _scan(case: str, osv_db: bool = False) -> ScanResult:
    return scan(str(FIXTURES / case), Options(osv_db=str(DB) if osv_db else None))


def _reported(result: ScanResult, rule: str) -> list[tuple[str, int, str]]:
    """(file, line, package) of each finding of a dependency rule."""
    return sorted((f.location.file, f.location.line, str(f.properties.get("package") or
                                                         f.message.split(" ", 1)[0]))
                  for f in result.findings if f.rule_id == rule)


def _notes(result: ScanResult) -> list[tuple[str, int | None, str]]:
    return [(d.file, d.line, d.message) for d in result.app.diagnostics
            if d.code == "dependencies" and "noDeploy" in d.message]


def test_no_deploy_packages_are_not_the_functions_dependencies() -> None:
    result = _scan("no-deploy", osv_db=True)
    # boto3 (>=1.34) and botocore (no version) are unpinned, fgdemo-http==2.3.1 vulnerable:
    # none of them is in the bundle
    assert _reported(result, "FG-TP-102") == [("requirements.txt", 5, "fgdemo-cache")]
    assert _reported(result, "FG-TP-101") == [("requirements.txt", 4, "fgdemo-yaml")]
    [vulnerable] = [f for f in result.findings if f.rule_id == "FG-TP-101"]
    assert vulnerable.properties["functions"] == ["serverless.yml#show"]
    notes = _notes(result)
    assert [(file, line) for file, line, _ in notes] == [
        ("requirements.txt", 1), ("requirements.txt", 2), ("requirements.txt", 3)]
    assert notes[0][2] == (
        "boto3 is left out of the bundle of function(s) 'show' "
        "(custom.pythonRequirements.noDeploy): what runs is the Lambda runtime's or a "
        "layer's copy, not the version written here, so it is not checked as the "
        "function's dependency (FG-TP-101, FG-TP-102)")


def test_no_deploy_leaves_fewer_pins_unchecked() -> None:
    [unchecked] = [f.message for f in _scan("no-deploy").findings if f.rule_id == "FG-TP-103"]
    assert unchecked.startswith("The 1 pinned dependencies of requirements.txt")


def test_a_no_deploy_naming_nothing_listed_changes_nothing() -> None:
    result = _scan("no-deploy-other", osv_db=True)
    assert _reported(result, "FG-TP-102") == [
        ("requirements.txt", 1, "boto3"), ("requirements.txt", 2, "botocore"),
        ("requirements.txt", 5, "fgdemo-cache")]
    assert _reported(result, "FG-TP-101") == [("requirements.txt", 3, "fgdemo-http"),
                                              ("requirements.txt", 4, "fgdemo-yaml")]
    assert _notes(result) == []


def test_use_pyproject_reads_project_dependencies_before_requirements() -> None:
    assert _reported(_scan("pyproject-deps"), "FG-TP-102") == [
        ("pyproject.toml", 9, "fgdemo-cache"), ("pyproject.toml", 10, "fgdemo-log")]


def test_use_pyproject_off_or_no_project_dependencies_keeps_requirements() -> None:
    for case in ("pyproject-off", "pyproject-tools-only"):
        assert _reported(_scan(case), "FG-TP-102") == [
            ("requirements.txt", 1, "fgdemo-yaml")], case


def test_a_manifest_shared_with_a_function_that_bundles_the_package() -> None:
    result = _scan("no-deploy-shared")
    [unpinned] = [f.message for f in result.findings if f.rule_id == "FG-TP-102"]
    assert unpinned == ("boto3 is not pinned to one version (>=1.34) in requirements.txt, "
                        "used by function(s) 'Report'.")
    assert _notes(result) == []


def test_no_deploy_compares_the_line_as_the_plugin_cuts_it() -> None:
    result = _scan("no-deploy-written")
    assert _reported(result, "FG-TP-102") == [("requirements.txt", 1, "boto3"),
                                              ("requirements.txt", 2, "botocore")]
    assert [(file, line) for file, line, _ in _notes(result)] == [("requirements.txt", 3)]
