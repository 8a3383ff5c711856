"""The manifests a function's build reads, wherever they are: a requirements file's `-r`
includes (a `requirements/` folder a top-level requirements.txt names), and what
serverless-python-requirements installs (`custom.pythonRequirements.fileName`, a Pipfile
with `usePipenv`, on by default). A package they declare is a dependency, not code the
scan cannot read, so FG-PERM-101 judges the grants; one the build does not install (a
file nothing names, a requirements.txt the plugin passes over for the Pipfile, an include
leaving the root) stays code not read."""

from __future__ import annotations

import pytest

from faasguard.analysis.dependencies import declared_for
from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-requirements-include",
                                  "serverless-neg-requirements-include-outside",
                                  "serverless-neg-requirements-folder-alone",
                                  "serverless-pos-plugin-filename",
                                  "serverless-neg-plugin-pipenv",
                                  "serverless-pos-plugin-no-pipenv"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def _declared(name: str) -> list[tuple[str, str]]:
    result = scan(str(CASES / name))
    function = result.app.functions["serverless.yml#show"]
    return sorted((d.name, d.file) for d in declared_for(result.app, function, {}))


def test_the_manifests_each_build_reads() -> None:
    assert _declared("serverless-pos-requirements-include") == [
        ("requests", "requirements/base.txt"), ("shared-db", "requirements/prod.txt")]
    assert _declared("serverless-pos-plugin-filename") == [
        ("requests", "requirements/lambda.txt"), ("shared-db", "requirements/lambda.txt")]
    assert _declared("serverless-neg-plugin-pipenv") == [("requests", "Pipfile")]
    assert _declared("serverless-pos-plugin-no-pipenv") == [
        ("requests", "requirements.txt"), ("shared-db", "requirements.txt")]
    # the include leaving the root is refused; requirements/prod.txt is named by nothing
    assert _declared("serverless-neg-requirements-include-outside") == [
        ("requests", "requirements.txt")]
    assert _declared("serverless-neg-requirements-folder-alone") == []


def test_a_requirements_folder_nothing_names_is_a_note() -> None:
    result = scan(str(CASES / "serverless-neg-requirements-folder-alone"))
    [note] = [d for d in result.app.diagnostics if d.code == "dependencies"]
    assert (note.file, note.level) == ("requirements", "note")
    assert "no requirements file names" in note.message
    unseen = [c.method for c in result.facts.aws_calls["serverless.yml#show"] if not c.known]
    assert len(unseen) == 1 and "'shared_db'" in unseen[0]


def test_the_refused_include_is_a_diagnostic() -> None:
    result = scan(str(CASES / "serverless-neg-requirements-include-outside"))
    [note] = [d for d in result.app.diagnostics if d.code == "dependencies"]
    assert (note.file, note.line, note.level) == ("requirements.txt", 2, "warning")
    assert "leaves the scanned root" in note.message
