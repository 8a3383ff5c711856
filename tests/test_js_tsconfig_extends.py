"""tsconfig.json path aliases declared in a file it extends (`"extends":
"./tsconfig.paths.json"`, as the Serverless Framework's TypeScript template writes them)
are followed: the helpers imported as `@libs/...` are read, not code the scan cannot see
(FG-PERM-101 judges the grants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.js.tsconfig import path_aliases
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-ts-paths-extended",
                                  "serverless-neg-ts-paths-extended"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_paths_and_base_url_of_an_extended_file(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "tsconfig.base.json").write_text(
        '{"compilerOptions": {"baseUrl": "./src", "paths": {"@lib/*": ["lib/*"]}}}')
    (tmp_path / "app" / "tsconfig.json").write_text(
        '{"extends": "../tsconfig.base", "compilerOptions": {"strict": true}}')
    assert path_aliases(str(tmp_path), "app") == (("@lib/", "", ("src/lib/*",)),)
    # the extending file's own baseUrl wins; paths still come from the base file
    (tmp_path / "app" / "tsconfig.json").write_text(
        '{"extends": "../tsconfig.base.json", "compilerOptions": {"baseUrl": "."}}')
    assert path_aliases(str(tmp_path), "app") == (("@lib/", "", ("app/lib/*",)),)
