"""Parts of a parsed document whose type the file decides (JSON, TOML, YAML written by
users or tools): read as the type expected, or as empty when the file gives another, so
that an odd part is ignored and the rest of the document read."""

from __future__ import annotations

from typing import Any


def as_table(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping (a table, an object), else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """`value` if it is a list (an array), else an empty one."""
    return value if isinstance(value, list) else []
