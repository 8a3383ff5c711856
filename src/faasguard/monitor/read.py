"""Reading log files into normalised events: the monitor's single entry point.

    stats = ReadStats()
    for event in iter_events(["logs/"], ReadConfig(), stats):
        ...
    print(stats.summary())

`iter_events` walks files and directories (sorted, hidden entries skipped), opens gzip
transparently (by its magic bytes, whatever the name), and works out per file how to read
it: line by line (text logs, JSON lines, S3 exports, CLF access logs) or, for a JSON
document (a CloudTrail file, API output, a pretty-printed payload), record by record with
`faasguard.monitor.readers.jsonstream`. Every line is dispatched on its own, so one file
may mix formats. It is a generator that holds one line or record at a time: memory does
not grow with the input.

Nothing stops the run: a line that cannot be read is counted in `ReadStats.malformed`
with its file and line (the first few kept as samples), and a file that cannot be opened
or ends early is a `ReadStats.file_errors` entry.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from faasguard.filebytes import NOT_REGULAR
from faasguard.monitor.events import Event
from faasguard.monitor.readers.base import (
    Context,
    Malformed,
    ReadConfig,
    function_from_group,
)
from faasguard.monitor.readers.dispatch import Item, read_message, read_value
from faasguard.monitor.readers.jsonstream import JsonValues

__all__ = ["ReadConfig", "ReadStats", "MalformedSample", "iter_events", "iter_files"]

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
# What may follow the "[" of a JSON array (b"": the line ends there).
_JSON_STARTS = (b"", b"{", b"[", b'"', b"-", b"t", b"f", b"n", b"]",
                *(b"%d" % digit for digit in range(10)))
_EXCERPT = 160
# The last line of a Python traceback: "KeyError: 'id'", "botocore.exceptions.ClientError: ..."
_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)(?::|\s*$)")
# How the lines of most logs start (a timestamp, an IP, JSON): never a continuation.
_NEVER_CONTINUED = frozenset("0123456789{[")


@dataclass(frozen=True)
class MalformedSample:
    """One line that could not be read: where, why, and its first characters."""

    file: str
    line: int
    reason: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" + (
            f": {self.excerpt}" if self.excerpt else "")


@dataclass
class ReadStats:
    """What a read saw: files, bytes, lines, events by source, malformed lines."""

    files: int = 0
    bytes: int = 0  # as stored (compressed size of gzip files)
    text_bytes: int = 0  # as read (after gunzip)
    lines: int = 0
    events: int = 0
    malformed: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    samples: list[MalformedSample] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    max_samples: int = 20

    def add_malformed(self, file: str, line: int, reason: str, excerpt: str = "") -> None:
        """Count one malformed line, keeping it as a sample while there is room."""
        self.malformed += 1
        if len(self.samples) < self.max_samples:
            self.samples.append(MalformedSample(file, line, reason, excerpt[:_EXCERPT]))

    def summary(self) -> str:
        """A few human-readable lines."""
        sources = ", ".join(f"{name} {count}" for name, count in sorted(self.sources.items()))
        lines = [f"read {self.files} file(s), {self.bytes} bytes ({self.text_bytes} as text), "
                 f"{self.lines} line(s): "
                 f"{self.events} event(s) ({sources or 'none'}), {self.malformed} malformed"]
        lines += [f"  malformed {sample}" for sample in self.samples]
        lines += [f"  error {error}" for error in self.file_errors]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"files": self.files, "bytes": self.bytes, "text_bytes": self.text_bytes,
                "lines": self.lines,
                "events": self.events, "malformed": self.malformed,
                "sources": dict(sorted(self.sources.items())),
                "malformed_samples": [sample.__dict__ for sample in self.samples],
                "file_errors": list(self.file_errors)}


def iter_events(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
                config: ReadConfig | Mapping[str, Any] | None = None,
                stats: ReadStats | None = None) -> Iterator[Event]:
    """The events of the log files under `paths`, file by file, in file order.

    `config` is a `ReadConfig` or the ``monitor``-section mapping it is built from;
    `stats`, when given, is filled in as the events are read.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    options = config if isinstance(config, ReadConfig) else ReadConfig.from_mapping(config)
    stats = stats if stats is not None else ReadStats()
    stats.max_samples = options.malformed_samples
    for path in iter_files(paths, stats):
        yield from _read_file(path, options, stats)


def iter_files(paths: Iterable[str | os.PathLike[str]], stats: ReadStats) -> Iterator[Path]:
    """The files of `paths` (directories walked in sorted order, hidden entries skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            def unreadable(exc: OSError) -> None:
                stats.file_errors.append(f"{exc.filename}: {exc.strerror or exc}")

            for root, dirs, files in os.walk(path, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file = Path(root) / name
                    if file.is_file() or not file.exists():  # a broken link: open says so
                        yield file
                    else:  # a FIFO would wait for a writer for ever
                        stats.file_errors.append(f"{file}: {NOT_REGULAR}; skipped")
        elif path.is_file():
            yield path
        else:
            stats.file_errors.append(f"{path}: no such file or directory")


def _read_file(path: Path, config: ReadConfig, stats: ReadStats) -> Iterator[Event]:
    name = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        stats.file_errors.append(f"{name}: {exc.strerror or exc}")
        return
    stats.files += 1
    ctx = Context(name, 0, config, function=function_from_group(name))
    with raw:
        stats.bytes += os.fstat(raw.fileno()).st_size
        try:
            magic = raw.read(2)
            raw.seek(0)
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) \
                if magic == _GZIP_MAGIC else raw
            yield from _read_stream(stream, ctx, stats)
        except (OSError, EOFError, zlib.error) as exc:
            stats.file_errors.append(f"{name}: could not be read to the end ({exc})")


def _read_stream(stream: IO[bytes], ctx: Context, stats: ReadStats) -> Iterator[Event]:
    limit = ctx.config.max_line_bytes
    if b"\x00" in stream.read(4096):
        stats.file_errors.append(f"{ctx.file}: binary data, not a log file")
        return
    stream.seek(0)
    if _starts_document(_first_content_line(stream, limit)):
        stream.seek(0)
        yield from _read_document(stream, ctx, stats)
    else:
        stream.seek(0)
        yield from _read_lines(stream, ctx, stats)


def _read_lines(stream: IO[bytes], ctx: Context, stats: ReadStats) -> Iterator[Event]:
    limit = ctx.config.max_line_bytes
    number = 0
    line = stream.readline(limit)
    if line.startswith(_BOM):
        line = line[len(_BOM):]
    after_event = False
    items: list[Item] = []
    # one context for the file's lines (the readers copy what they keep of it)
    line_ctx = Context(ctx.file, 0, ctx.config, ctx.function)
    while line:
        number += 1
        stats.lines += 1
        stats.text_bytes += len(line)
        if len(line) >= limit and not line.endswith(b"\n"):
            _skip_rest_of_line(stream, limit)
            stats.add_malformed(ctx.file, number, f"line longer than {limit} bytes",
                                line[:_EXCERPT].decode("utf-8", "replace"))
        else:
            text = line.decode("utf-8", "replace")
            if after_event and text[:1] not in _NEVER_CONTINUED and _is_continuation(text):
                line = stream.readline(limit)
                continue
            message = text.strip()
            after_event = False
            if message:
                line_ctx.line = number
                read_message(message, line_ctx, items)
                _tally(items, ctx.file, number, stats, message)
                if items:
                    after_event = True
                    yield from items  # type: ignore[misc]
                    items.clear()
        line = stream.readline(limit)


def _is_continuation(text: str) -> bool:
    """Is `text` a later line of a multi-line message (a traceback) written over lines?

    S3 exports write a message's own newlines as they are, so the traceback of an
    ``[ERROR]`` line follows it on lines of its own, without a timestamp.
    """
    return (text[:1] in (" ", "\t") and bool(text.strip())) \
        or text.startswith("Traceback (most recent call last)") \
        or bool(_EXCEPTION_LINE.match(text))


def _first_content_line(stream: IO[bytes], limit: int) -> bytes:
    """The first line that is not blank (of the first 100), without a UTF-8 BOM."""
    line = b""
    for _ in range(100):
        line = stream.readline(limit)
        if not line or line.strip(b" \t\r\n" + _BOM):
            break
    return line.lstrip(_BOM)


def _starts_document(first: bytes) -> bool:
    """Is the first line the start of a JSON document rather than a JSON-lines record?"""
    head = first.lstrip()
    if not head.startswith((b"{", b"[")):
        return False
    if head.startswith(b"[") and head[1:].lstrip()[:1] not in _JSON_STARTS:
        return False  # "[INFO]\t2026-...": a runtime's text line
    if not first.endswith(b"\n") and len(first) > 0:
        # no newline: one long document (or a file of a single line, read either way)
        return True
    try:
        json.loads(first)
    except ValueError:
        return True
    return head.startswith(b"[")


def _read_document(stream: IO[bytes], ctx: Context, stats: ReadStats) -> Iterator[Event]:
    values = JsonValues(stream, ctx.config.max_document_bytes)
    last_line = 0
    items: list[Item] = []
    for line, value in values:
        if isinstance(value, Malformed) and last_line == 0:
            # not even its first value is JSON: a text file that starts with "{"
            stream.seek(0)
            yield from _read_lines(stream, ctx, stats)
            return
        last_line = line
        if isinstance(value, Malformed):
            stats.add_malformed(ctx.file, line, str(value))
            continue
        read_value(value, Context(ctx.file, line, ctx.config, ctx.function), items)
        _tally(items, ctx.file, line, stats)
        yield from items  # type: ignore[misc]
        items.clear()
    stats.lines += max(last_line, values.line)
    stats.text_bytes += values.bytes_read


def _tally(items: list[Item], file: str, line: int, stats: ReadStats, text: str = "") -> None:
    """Count the events of `items` in `stats`; count and remove the Malformed ones."""
    sources = stats.sources
    bad = False
    for item in items:
        if isinstance(item, Malformed):
            bad = True
            stats.add_malformed(file, line, str(item), text)
        else:
            sources[item.source] += 1
    if bad:
        items[:] = [item for item in items if not isinstance(item, Malformed)]
    stats.events += len(items)


def _skip_rest_of_line(stream: IO[bytes], limit: int) -> None:
    while True:
        piece = stream.readline(limit)
        if not piece or piece.endswith(b"\n"):
            return
