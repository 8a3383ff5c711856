"""A value derived from one of the App's lists, kept while that list is unchanged.

Rules and analyses ask the same question of one app many times (once per finding or per
route); the answer depends on a single list of the App. `LastListValue` keeps the answer
for the last list it saw and builds it again when asked about another list, or when the
list has grown or shrunk since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class LastListValue(Generic[T, R]):
    """`build(items)` for the last `items` list asked about."""

    def __init__(self, build: Callable[[list[T]], R]) -> None:
        self._build = build
        self._items: list[T] | None = None
        self._count = -1
        self._value: R | None = None

    def get(self, items: list[T]) -> R:
        """The value for `items`, built again when `items` is another list or changed size."""
        if items is not self._items or len(items) != self._count or self._value is None:
            self._value = self._build(items)
            self._items, self._count = items, len(items)
        return self._value
