"""How S3 reads an object copy's `CopySource` string, for the Python and the Node.js AWS-call
analyses alike: `bucket/key`, or `/bucket/key` (S3 accepts the leading '/'), optionally
followed by `?versionId=...`. Each analysis gives the string as its pieces in order, the
literal text it knows (str) and the values it does not (its own type), and builds its
names from the two lists returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_VERSION = "?versionId="


def split_copy_source(parts: Sequence[str | T]) -> tuple[list[str | T], list[str | T]]:
    """The pieces of the bucket and of the key a CopySource made of `parts` names: a
    leading '/' dropped, the bucket what comes before the first '/' of the literal text,
    the key what follows, up to a `?versionId=`. No '/' seen: every piece is the bucket's
    and the key is not known ([])."""
    pieces = list(parts)
    if pieces and isinstance(pieces[0], str) and pieces[0].startswith("/"):
        pieces[0] = pieces[0][1:]
    pieces = [piece for piece in pieces if piece != ""]
    for at, piece in enumerate(pieces):
        if isinstance(piece, str) and "/" in piece:
            head, _, tail = piece.partition("/")
            bucket = [*pieces[:at], head] if head else pieces[:at]
            key = [tail, *pieces[at + 1:]] if tail else pieces[at + 1:]
            return bucket, _without_version(key)
    return pieces, []


def _without_version(key: list[str | T]) -> list[str | T]:
    for at, piece in enumerate(key):
        if isinstance(piece, str) and _VERSION in piece:
            head = piece.partition(_VERSION)[0]
            return [*key[:at], head] if head else key[:at]
    return key
