"""A regular expression's groups and top-level alternatives, read as text."""

from __future__ import annotations

import pytest

from faasguard.regex_syntax import alternatives, group_end


@pytest.mark.parametrize(("pattern", "expected"), [
    ("^png|jpg$", ["^png", "jpg$"]),
    ("^(png|jpg)$", ["^(png|jpg)$"]),          # inside a group: one alternative
    (r"^[a|b]+$", [r"^[a|b]+$"]),              # inside a class: text
    (r"^a\|b$", [r"^a\|b$"]),                  # escaped: text
    (r"^[\]|]x|y$", [r"^[\]|]x", "y$"]),       # an escaped ] does not end the class
    ("", [""]),
])
def test_alternatives(pattern: str, expected: list[str]) -> None:
    assert alternatives(pattern) == expected


@pytest.mark.parametrize(("pattern", "start", "expected"), [
    ("^(?P<pk>[0-9]+)/$", 1, 14),
    ("^(a(b)c)(d)$", 1, 7),                   # nested group inside
    (r"^(a\)b)$", 1, 6),                      # an escaped ) is text
    ("^(a[)]b)$", 1, 7),                      # a ) in a class is text
    ("^(abc", 1, 4),                          # never closed: the last index
])
def test_group_end(pattern: str, start: int, expected: int) -> None:
    assert group_end(pattern, start) == expected
