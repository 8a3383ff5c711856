"""Reading a regular expression's own syntax as text (without compiling it): where its
groups and top-level alternatives are. Used by the Django route reader (a route's groups)
and the taint analysis (a validation pattern's alternatives)."""

from __future__ import annotations

from collections.abc import Iterator


def structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of `pattern` from `start` that is syntax, not text: outside escapes
    (`\\(`) and character classes (`[(|)]`), as (index, character, group depth before
    it)."""
    depth, in_class, index, size = 0, False, start, len(pattern)
    while index < size:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            yield index, char, depth
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
        index += 1


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (split at each `|` outside groups and
    character classes): `^png|jpg$` -> `^png`, `jpg$`."""
    out: list[str] = []
    begin = 0
    for index, char, depth in structure(pattern):
        if char == "|" and depth == 0:
            out.append(pattern[begin:index])
            begin = index + 1
    out.append(pattern[begin:])
    return out


def group_end(pattern: str, start: int) -> int:
    """The index of the `)` closing the group opened at `start` (the last index if none)."""
    for index, char, depth in structure(pattern, start):
        if char == ")" and depth == 1:
            return index
    return len(pattern) - 1
