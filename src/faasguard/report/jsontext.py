"""Indented JSON text, the same bytes as `json.dumps(obj, indent=2, ensure_ascii=False,
default=str)`, several times faster, and written to a stream piece by piece.

With `indent` set, the standard library falls back to its pure-Python encoder (a
generator per nested value); a report of thousands of findings spent most of its
rendering time there. This writer keeps the output identical (same separators, empty
containers as `[]`/`{}`, floats as `float.__repr__`, NaN/Infinity, keys converted the
way `json` converts them) and leaves each string to the C string encoder. Scalars and
empty containers are written in the loop of their container, so a call is made per
non-empty container only.

`dump` hands the text to a `write` callable every FLUSH_PIECES pieces, and an `Items`
array is produced item by item while it is written: a report streams out without its
document or its text ever being whole in memory.

The parts of a report that repeat thousands of times in one shape (a finding, a SARIF
result) are put together as text by their reporter, with f-strings, `members`, `elements`
and `text_of`, and handed over as the items of an `Items(placed=True)` (made for their
depth already: the JSON reporter's findings, the SARIF results) or as a `Text`
(re-indented where it stands): f-strings over a known shape are twice as fast as walking
a dict of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

_encode_str: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or \
    json.encoder.py_encode_basestring

#: A string's JSON text (quoted and escaped, non-ASCII kept), as `json.dumps` writes it.
string_text: Callable[[str], str] = _encode_str

#: Pieces of text gathered before they are handed to the output in one string.
FLUSH_PIECES = 4096

#: The characters of an `Items(placed=True)` item that count as one piece (about a line of
#: a finding).
PLACED_PIECE = 40

#: An `Items(placed=True)` is joined into one text FLUSH_PIECES // PLACED_BATCH items at a
#: time (64 findings, about 55 KB, a third of what is flushed at once).
PLACED_BATCH = 64


class Items:
    """A JSON array whose items are produced while it is written (a generator of the
    findings of a report): each item exists only until it has been written.

    `placed`: every item is a text made for the place it stands at (its lines after the
    first indented to that depth already: its maker knows where it stands and the indent
    of 2) and is written as it is; such items are made and joined a batch at a time
    (FLUSH_PIECES // PLACED_BATCH items)."""

    __slots__ = ("items", "placed")

    def __init__(self, items: Iterable[Any], placed: bool = False) -> None:
        self.items = items
        self.placed = placed


class Text(str):
    """A value's JSON text, already written with an indent of 2 as if it stood at the top
    of the document (the nested lines indented from column 0): `dump` writes it where it
    stands, its lines after the first indented to that depth. A `dump` with another indent
    would mix two indents."""

    __slots__ = ()


def members(pad: str, *texts: str) -> str:
    """The text of a JSON object standing at indent `pad`, from its members' texts
    ('"key": value', each value's text made for the depth `pad` + 2 spaces)."""
    inner = pad + "  "
    return "{\n" + inner + (",\n" + inner).join(texts) + "\n" + pad + "}"


def elements(pad: str, texts: list[str]) -> str:
    """The text of a JSON array standing at indent `pad`, from its items' texts (each made
    for the depth `pad` + 2 spaces)."""
    if not texts:
        return "[]"
    inner = pad + "  "
    return "[\n" + inner + (",\n" + inner).join(texts) + "\n" + pad + "]"


def text_of(value: Any, pad: str = "") -> str:
    """The JSON text of any value standing at indent `pad` (what `dumps` writes, its lines
    after the first indented by `pad`). Dicts and lists are written member by member, a
    list of strings in one call of the C string encoder."""
    kind = type(value)
    text = _atom(value, kind)
    if text is not None:
        return text
    if kind is dict:
        inner = pad + "  "
        return members(pad, *[f"{_encode_str(k) if type(k) is str else _key(k)}: "
                              f"{text_of(v, inner)}" for k, v in value.items()])
    if kind is list:
        try:
            texts = list(map(_encode_str, value))
        except TypeError:  # not only strings
            texts = [text_of(item, pad + "  ") for item in value]
        return elements(pad, texts)
    text = dumps(value)
    return text.replace("\n", "\n" + pad) if pad else text


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
    """A value that is not a container: str and int subclasses, floats, None, booleans,
    and `str()` of anything else."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _encode_str(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return _encode_str(str(value))


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _is_array(value: Any) -> bool:
    return isinstance(value, (list, tuple, Items))


def _atom(value: Any, kind: type) -> str | None:
    """The text of a scalar or an empty container; None for a non-empty container (and
    for a `Text`, which `dump` places)."""
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is dict or kind is list:
        return None if value else ("{}" if kind is dict else "[]")
    if kind is Text:
        return None
    if _is_dict(value) or _is_array(value):
        return None if kind is Items or value else ("{}" if _is_dict(value) else "[]")
    return _scalar(value)


def dump(obj: Any, write: Callable[[str], object], indent: int = 2) -> None:
    """Write `obj` as JSON text indented by `indent` spaces (no trailing newline) through
    `write` (e.g. a stream's `write`), in strings of FLUSH_PIECES pieces; values of other
    types are written as their `str()`, like `json.dumps(..., default=str)`."""
    parts: list[str] = []
    append = parts.append
    encode = _encode_str
    step = " " * indent
    # what the Texts and placed items in `parts` weigh, in pieces: a Text its lines, placed
    # items one piece per PLACED_PIECE characters (their length is known: counting the
    # lines of every finding was a pass over the whole report)
    weight = 0

    def put_text(value: str, pad: str) -> None:
        nonlocal weight
        if pad:
            value = value.replace("\n", "\n" + pad)
        append(value)
        weight += value.count("\n")

    def placed_items(items: Iterator[str], inner: str, pad: str) -> None:
        # the items of an Items(placed=True), FLUSH_PIECES // PLACED_BATCH at a time made
        # and joined in C: no Python step per item
        nonlocal weight
        head = "[\n" + inner
        separator = ",\n" + inner
        size = max(1, FLUSH_PIECES // PLACED_BATCH)
        for batch in iter(lambda: list(islice(items, size)), []):
            text = separator.join(batch)
            append(head)
            append(text)
            head = separator
            weight += len(text) // PLACED_PIECE
            if len(parts) + weight >= FLUSH_PIECES:
                write("".join(parts))
                parts.clear()
                weight = 0
        append("[]" if head[0] == "[" else "\n" + pad + "]")

    def container(value: Any, pad: str) -> None:
        nonlocal weight
        if type(value) is Text:
            put_text(value, pad)
            return
        inner = pad + step
        if type(value) is dict or _is_dict(value):
            head = "{\n" + inner
            for key, item in value.items():
                name = encode(key) if type(key) is str else _key(key)
                kind = type(item)
                text = encode(item) if kind is str else _atom(item, kind)
                if text is not None:
                    append(f"{head}{name}: {text}")
                else:
                    append(f"{head}{name}: ")
                    container(item, inner)
                head = ",\n" + inner
            append("\n" + pad + "}")
            return
        head = "[\n" + inner
        if type(value) is Items and value.placed:
            placed_items(iter(value.items), inner, pad)
            return
        for item in (value.items if type(value) is Items else value):
            kind = type(item)
            text = encode(item) if kind is str else _atom(item, kind)
            if text is not None:
                append(head + text)
            else:
                append(head)
                container(item, inner)
            head = ",\n" + inner
            if len(parts) + weight >= FLUSH_PIECES:
                write("".join(parts))
                parts.clear()
                weight = 0
        append("[]" if head[0] == "[" else "\n" + pad + "]")  # an Items may yield nothing

    text = _atom(obj, type(obj))
    if text is None:
        container(obj, "")
    else:
        append(text)
    if parts:
        write("".join(parts))


def dumps(obj: Any, indent: int = 2) -> str:
    """`obj` as JSON text indented by `indent` spaces (no trailing newline): what `dump`
    writes, as one string."""
    chunks: list[str] = []
    dump(obj, chunks.append, indent)
    return "".join(chunks)
