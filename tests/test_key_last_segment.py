"""The last '/'-segment of a tainted string holds no '/', as os.path.basename /
path.basename give it, so it is no path traversal (FG-INJ-005) under a fixed folder:
Python `s.rsplit("/")[-1]`, `s.split("/")[-1]`, `s.rpartition("/")[2]` / `[-1]`;
Node.js `s.split("/").pop()`, `.at(-1)`. Any other piece (split with a maxsplit, the
first part, a split on another separator) still is. Fixtures
tests/fixtures/key_last_segment/{python,node}-{pos,neg}."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "key_last_segment"


def _lines(folder: str) -> list[int]:
    return sorted(f.location.line for f in scan(str(FIXTURES / folder)).findings
                  if f.rule_id == "FG-INJ-005")


@pytest.mark.parametrize("language", ["python", "node"])
def test_the_last_segment_is_no_traversal(language: str) -> None:
    assert _lines(f"{language}-neg") == []


@pytest.mark.parametrize(("language", "lines"), [("python", [4, 6, 8, 10]),
                                                 ("node", [6, 7, 8])])
def test_other_pieces_of_the_key_stay_traversal(language: str, lines: list[int]) -> None:
    assert _lines(f"{language}-pos") == lines
