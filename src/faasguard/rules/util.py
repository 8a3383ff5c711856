"""Small helpers rules share (pure functions of model values)."""

from __future__ import annotations

from faasguard.model import Unknown, Value


def as_str(value: Value) -> str | None:
    """The value as a plain string, or None when it is not a known string."""
    return value if isinstance(value, str) else None


def is_known(value: Value) -> bool:
    """False for Unknown values (and None)."""
    return value is not None and not isinstance(value, Unknown)
