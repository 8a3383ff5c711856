"""A TOML settings file read as the YAML and JSON ones are: a `Document` of `LDict` and
`LList` values that know the line each key (each table of an array of tables) was written
on, so findings and diagnostics point at it. Zappa reads `zappa_settings.toml` as it
reads `zappa_settings.json`.

tomllib gives values without lines; the lines come from a second, simpler pass over the
text that follows table headers (`[a.b]`, `[[a]]`) and keys (`x.y = ...`), skipping
multi-line strings. A line it cannot place is the nearest enclosing table's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from faasguard.loaders.documents import Document, InputError, LDict, LList
from faasguard.toml_text import parse_toml

_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_PARTS = rf"{_PART}(?:\s*\.\s*{_PART})*"
_TABLE = re.compile(rf"\s*\[\s*({_PARTS})\s*\]")
_ARRAY_TABLE = re.compile(rf"\s*\[\[\s*({_PARTS})\s*\]\]")
_KEY = re.compile(rf"\s*({_PARTS})\s*=")
_ONE_PART = re.compile(_PART)
_AT_LINE = re.compile(r"at line (\d+)")

Path = tuple[Any, ...]


def load_toml(text: str) -> Document:
    """The document of a TOML text; InputError (with its line) when it is not TOML."""
    try:
        data = parse_toml(text)
    except ValueError as exc:
        found = _AT_LINE.search(str(exc))
        raise InputError(f"invalid TOML: {exc}", int(found.group(1)) if found else None) \
            from None
    return Document(_with_lines(data, (), _key_lines(text), 1), text=text)


def _keys(dotted: str) -> Path:
    """The parts of a dotted key, unquoted (`a."b.c"` -> ('a', 'b.c'))."""
    parts = []
    for match in _ONE_PART.finditer(dotted):
        part = match.group(0)
        if part[0] == '"':
            try:
                part = json.loads(part)  # a basic string's escapes are JSON's, or near
            except ValueError:
                part = part[1:-1]
        elif part[0] == "'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _key_lines(text: str) -> dict[Path, int]:
    """The line of each table and key path written in the text (an array of tables'
    items by their index), the first writing of a path where several are."""
    lines: dict[Path, int] = {}
    counts: dict[Path, int] = {}
    table: Path = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string is not None:
            if line.count(in_string) % 2:
                in_string = None
            continue
        array = _ARRAY_TABLE.match(line)
        header = None if array else _TABLE.match(line)
        if array or header:
            path = _keys((array or header).group(1))  # type: ignore[union-attr]
            if array:
                index = counts[path] = counts.get(path, -1) + 1
                path = (*path, index)
            table = path
            for depth in range(1, len(path) + 1):
                lines.setdefault(path[:depth], number)
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        path = (*table, *_keys(key.group(1)))
        for depth in range(len(table) + 1, len(path) + 1):
            lines.setdefault(path[:depth], number)
        rest = line[key.end():]
        for quotes in ('"""', "'''"):
            if rest.count(quotes) % 2:
                in_string = quotes
                break
    return lines


def _with_lines(value: Any, path: Path, lines: dict[Path, int], line: int) -> Any:
    """`value` with its tables as LDict and arrays as LList, each knowing its lines."""
    if isinstance(value, dict):
        table = LDict()
        table.line = line
        for key, item in value.items():
            at = lines.get((*path, key), line)
            table[key] = _with_lines(item, (*path, key), lines, at)
            table.key_lines[key] = at
        return table
    if isinstance(value, list):
        items = LList()
        items.line = line
        for index, item in enumerate(value):
            at = lines.get((*path, index), line)
            items.append(_with_lines(item, (*path, index), lines, at))
            items.item_lines.append(at)
        return items
    return value
