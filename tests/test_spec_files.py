"""OpenAPI/Swagger files found by name (`analysis.openapi.find_spec_files`): which files,
in which order, through skip dirs, hidden folders, symlinks and exclude globs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from faasguard.analysis.openapi import SPEC_NAMES, find_spec_files
from faasguard.scan import SKIP_DIRS, excluded

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _walked(root: str, excludes: list[str]) -> list[str]:
    """What the scanner's rules give through `os.walk` (excludes matched as the scan's
    walk matches them): the reference."""
    found = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            if SPEC_NAMES.search(name) and not excluded(excludes, rel):
                found.append(rel)
    return found


def _tree(root: Path) -> None:
    files = ["openapi.yaml", "api/swagger.json", "api/v2/openapi.yml", "api/v2/b.openapi.json",
             "api/z/openapi.yaml", "api/a/openapi.yaml", "Zed/openapi.yaml", "zed/openapi.yaml",
             "node_modules/pkg/openapi.yaml", ".hidden/openapi.yaml", "docs/.openapi.yaml",
             "docs/notes.yaml", "docs/openapi.yaml.bak", "build/gen/openapi.json",
             "deep/" + "d/" * 40 + "openapi.yaml"]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("openapi: 3.0.0\npaths: {}\n")
    (root / "linked").symlink_to(root / "api")  # a folder reached through a symlink
    (root / "api" / "loop").symlink_to(root)
    (root / "docs" / "swagger.yaml").symlink_to(root / "openapi.yaml")  # a file: kept
    (root / "docs" / "gone.openapi.yaml").symlink_to(root / "missing.yaml")  # broken: kept
    (root / "docs" / "openapi.json").mkdir()  # a folder with a spec's name: not a file


@pytest.mark.parametrize("excludes", [[], ["build"], ["api/v2/*"], ["**/openapi.yaml"],
                                      ["docs/", "*.json"]])
def test_same_files_in_the_same_order_as_os_walk(tmp_path: Path, excludes: list[str]) -> None:
    _tree(tmp_path)
    found = find_spec_files(str(tmp_path), excludes)
    assert found == _walked(str(tmp_path), excludes)
    folders = {part for f in found for part in f.split("/")[:-1]}
    assert found and not any(f.startswith(("linked/", "api/loop/")) for f in found)
    assert not any(part.startswith(".") or part == "node_modules" for part in folders)


def test_the_tree_without_excludes(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert find_spec_files(str(tmp_path)) == [
        "openapi.yaml", "Zed/openapi.yaml", "api/swagger.json", "api/a/openapi.yaml",
        "api/v2/b.openapi.json", "api/v2/openapi.yml", "api/z/openapi.yaml",
        "build/gen/openapi.json", "deep/" + "d/" * 40 + "openapi.yaml",
        "docs/.openapi.yaml", "docs/gone.openapi.yaml", "docs/swagger.yaml",
        "zed/openapi.yaml"]  # a hidden file is read (hidden folders are not)


def test_examples_as_os_walk_finds_them() -> None:
    for app in sorted(EXAMPLES.iterdir()):
        assert find_spec_files(str(app)) == _walked(str(app), [])


def test_a_missing_or_unreadable_root_gives_nothing(tmp_path: Path) -> None:
    assert find_spec_files(str(tmp_path / "absent")) == []
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.0\n")
    assert find_spec_files(str(tmp_path / "openapi.yaml")) == []  # a file, not a folder
