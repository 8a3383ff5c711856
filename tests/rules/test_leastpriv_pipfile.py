"""A Pipfile without its lock declares the function's Python dependencies (Pipenv and
serverless-python-requirements install from it): its [packages] are read, pinned when one
exact version is named, so an import of one is a dependency, not code the scan cannot
read (FG-PERM-101 judges the grants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.dependencies import read_manifest
from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


def test_the_packages_of_a_pipfile(tmp_path: Path) -> None:
    (tmp_path / "Pipfile").write_text(
        '[[source]]\nurl = "https://example.com/simple"\n\n[packages]\n'
        'shortuuid = "==1.0.13"\nrequests = "*"\nstripe = {version = "==9.0.0", '
        'extras = ["async"]}\n\n[dev-packages]\npytest = "*"\n')
    found = {(d.name, d.spec, d.version, d.line) for d in read_manifest(str(tmp_path),
                                                                          "Pipfile") or []}
    assert found == {("shortuuid", "==1.0.13", "1.0.13", 5), ("requests", "*", None, 6),
                     ("stripe", "==9.0.0", "9.0.0", 7)}


@pytest.mark.parametrize("name", ["serverless-pos-pipfile", "serverless-neg-pipfile-undeclared"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_only_the_undeclared_import_is_unseen() -> None:
    result = scan(str(CASES / "serverless-neg-pipfile-undeclared"))
    unseen = [c.method.split(":")[0] for c in result.facts.aws_calls["serverless.yml#create"]
              if not c.known]
    assert unseen == ["imports 'ulid', which is neither in the scanned files nor a declared "
                      "dependency"]
