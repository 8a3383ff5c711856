"""Indented JSON text, the same bytes as `json.dumps(obj, indent=2, ensure_ascii=False,
default=str)`, several times faster.

With `indent` set, the standard library falls back to its pure-Python encoder (a
generator per nested value); a report of thousands of findings spent most of its
rendering time there. This writer keeps the output identical (same separators, empty
containers as `[]`/`{}`, floats as `float.__repr__`, NaN/Infinity, keys converted the
way `json` converts them) and leaves each string to the C string encoder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_encode_str: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or \
    json.encoder.py_encode_basestring


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A dict key as `json` writes it (keys that are not strings are converted)."""
    if isinstance(key, str):
        return _encode_str(key)
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _encode_str(int.__repr__(key))
    if isinstance(key, float):
        return _encode_str(_float(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _scalar(value: Any) -> str:
    """Any other value: str and int subclasses, floats, and `str()` of the rest."""
    if isinstance(value, str):
        return _encode_str(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return _encode_str(str(value))


def dumps(obj: Any, indent: int = 2) -> str:
    """`obj` as JSON text indented by `indent` spaces (no trailing newline); values of other
    types are written as their `str()`, like `json.dumps(..., default=str)`.

    Each value two levels down (a finding of a report) is joined into one string before
    it joins the rest: a few thousand pieces in memory instead of millions of fragments.
    """
    parts: list[str] = []
    encode = _encode_str
    step = " " * indent
    joined_at = 2 * indent  # the pad of the values that are joined on their own

    def write(value: Any, pad: str, out: list[str]) -> None:
        append = out.append
        kind = type(value)
        if kind is str:
            append(encode(value))
        elif kind is dict or (kind is not list and isinstance(value, dict)):
            if not value:
                append("{}")
                return
            inner = pad + step
            head = "{\n" + inner
            for key, item in value.items():
                name = encode(key) if type(key) is str else _key(key)
                if type(item) is str:  # the common case, without a call
                    append(f"{head}{name}: {encode(item)}")
                else:
                    append(f"{head}{name}: ")
                    nested(item, inner, out)
                head = ",\n" + inner
            append("\n" + pad + "}")
        elif kind is list or kind is tuple or isinstance(value, (list, tuple)):
            if not value:
                append("[]")
                return
            inner = pad + step
            head = "[\n" + inner
            for item in value:
                if type(item) is str:
                    append(head + encode(item))
                else:
                    append(head)
                    nested(item, inner, out)
                head = ",\n" + inner
            append("\n" + pad + "]")
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif kind is int:
            append(int.__repr__(value))
        else:
            append(_scalar(value))

    def nested(value: Any, pad: str, out: list[str]) -> None:
        if len(pad) == joined_at and isinstance(value, (dict, list, tuple)):
            piece: list[str] = []
            write(value, pad, piece)
            out.append("".join(piece))
        else:
            write(value, pad, out)

    write(obj, "", parts)
    return "".join(parts)
