"""JSON documents read a piece at a time: the records of ``{"Records": [...]}`` one by one.

A CloudTrail file, ``lookup-events`` or ``filter-log-events`` output is one JSON document
that may hold millions of records, often on a single line. `iter_values` yields the
records of such a document's record list (its first key, as AWS writes them) without
holding the document, and reads any other sequence of JSON values (pretty-printed
documents, concatenated objects as Firehose writes them, JSON lines) value by value.
Memory is bounded by the largest single value, which is capped.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from faasguard.monitor.readers.base import Malformed

CHUNK = 1 << 16
_WS = re.compile(r"\s*")
_LIST_FIRST = re.compile(r'\{\s*"(Records|Events|events|records|logEvents)"\s*:\s*\[')
_DECODER = json.JSONDecoder()


class JsonValues:
    """The JSON values of a binary stream, with the 1-based line each one starts on."""

    def __init__(self, stream: IO[bytes], max_value: int, chunk: int = CHUNK) -> None:
        self._stream = stream
        self._decode = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._chunk = chunk
        self._max = max_value
        self._buf = ""
        self._pos = 0
        self._line = 1  # line number at self._pos
        self._eof = False
        self.bytes_read = 0

    @property
    def line(self) -> int:
        """The line the reader has got to."""
        return self._line

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        """(line, value) pairs; a `Malformed` value when the rest cannot be read.

        After a Malformed value the stream is not read further (JSON cannot be resynced).
        """
        try:
            while self._skip_ws():
                char = self._buf[self._pos]
                if char == "[":
                    self._advance(1)
                    yield from self._list_items()
                    continue
                if char == "{" and self._list_first():
                    yield from self._list_items()
                    self._rest_of_object()
                    continue
                yield self._line, self._value()
        except Malformed as exc:
            yield self._line, exc

    # --- the pieces -------------------------------------------------------------------

    def _list_items(self) -> Iterator[tuple[int, Any]]:
        """The items of a list whose ``[`` was consumed, then its ``]``."""
        while True:
            if not self._skip_ws():
                raise Malformed("the document ends inside a list")
            if self._buf[self._pos] == "]":
                self._advance(1)
                return
            yield self._line, self._value()
            if not self._skip_ws():
                raise Malformed("the document ends inside a list")
            char = self._buf[self._pos]
            if char == ",":
                self._advance(1)
            elif char != "]":
                raise Malformed(f"expected ',' or ']' in a list, found {char!r}")

    def _list_first(self) -> bool:
        """Consume ``{"Records": [`` when the object starts with a record list."""
        self._fill(256)
        match = _LIST_FIRST.match(self._buf, self._pos)
        if not match:
            return False
        self._advance(match.end() - self._pos)
        return True

    def _rest_of_object(self) -> None:
        """Consume the members after the record list up to the object's ``}``."""
        while True:
            if not self._skip_ws():
                raise Malformed("the document ends inside an object")
            char = self._buf[self._pos]
            if char == "}":
                self._advance(1)
                return
            if char in ",:":
                self._advance(1)
                continue
            self._value()  # a key or a value: read and dropped

    def _value(self) -> Any:
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                incomplete = exc.pos >= len(self._buf) - 16 or exc.msg.startswith("Unterminated")
                if incomplete and not self._eof:
                    if len(self._buf) - self._pos > self._max:
                        raise Malformed(f"a JSON value larger than {self._max} bytes") from None
                    self._more()
                    continue
                raise Malformed(f"invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise Malformed("JSON nested too deeply") from None
            self._advance(end - self._pos)
            return value

    # --- the buffer -------------------------------------------------------------------

    def _skip_ws(self) -> bool:
        """Skip whitespace; False at the end of the stream."""
        while True:
            end = _WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            self._advance(end - self._pos)
            if self._pos < len(self._buf):
                return True
            if self._eof:
                return False
            self._more()

    def _advance(self, count: int) -> None:
        end = self._pos + count
        self._line += self._buf.count("\n", self._pos, end)
        self._pos = end

    def _fill(self, size: int) -> None:
        while len(self._buf) - self._pos < size and not self._eof:
            self._more()

    def _more(self) -> None:
        data = self._stream.read(max(self._chunk, len(self._buf) - self._pos))
        self.bytes_read += len(data)
        if not data:
            self._eof = True
            self._buf = self._buf[self._pos:] + self._decode.decode(b"", final=True)
        else:
            self._buf = self._buf[self._pos:] + self._decode.decode(data)
        self._pos = 0
