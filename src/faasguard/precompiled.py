"""Dataclass methods compiled ahead of time, for a faster start of the command line.

`@dataclass` writes the source of each method it adds (`__init__`, `__repr__`, `__eq__`,
`__hash__`, a frozen class's `__setattr__`/`__delattr__`) and compiles it as the class is
created: for the hundred dataclasses a scan imports, that compiling was more than a third
of all the work of importing (about 230M of 610M instructions). precompiled_methods.py,
generated from the package's dataclasses by scripts/gen_precompiled_methods.py, holds the
same sources as module code, compiled once into its bytecode cache like any module's.

While `installed()` is active (the command line's `main`), the `exec` through which
dataclasses runs a method's source finds that source in the table and binds the function
compiled from the very same text instead of compiling it again. A source not in the table
(a dataclass changed since the file was generated, another library's) is compiled as
before. The methods are the same either way; only their code's file name and line numbers
tell where they were compiled. Another Python version's dataclasses write other sources:
the table records the version it was generated with (its `PYTHON` line) and is not even
imported on another one, where nothing in it would match.
tests/test_precompiled.py fails when the generated file is stale.

Regular expressions the same way: the modules a scan imports (the package's, PyYAML's,
the standard library's) compile about 130 patterns as they load, through the `re`
module's parser and compiler, written in Python: about 4% of a 1,000-function scan's main
process (120M instructions). precompiled_patterns.py, written by the same generator, holds
what that compiler makes of each (the engine's code, groups and flags); `installed()`
builds those patterns with the engine's own constructor and puts them in the cache that
`re.compile` looks in first, so the modules get them without compiling. The table records
the engine's version (`MAGIC`) beside the Python's; a pattern made from it compares equal
to the one `re.compile` makes (tests/test_precompiled_patterns.py).
"""

# No `from __future__ import annotations` here: the builtin `exec` called from this module
# compiles a source with this module's future features, and the methods must be compiled
# as dataclasses.py compiles them (with none: their annotations evaluated).
import builtins
import dataclasses
import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import CodeType, FunctionType, ModuleType
from typing import Any

from faasguard.filebytes import read_head

#: The modules the generated tables are written to (scripts/gen_precompiled_methods.py).
TABLE_MODULE = "faasguard.precompiled_methods"
PATTERNS_MODULE = "faasguard.precompiled_patterns"

#: A compiled pattern as precompiled_patterns.py stores it: what `re.compile` is called
#: with (pattern, flags), then what the engine's constructor takes besides the pattern
#: (flags with the pattern's inline ones, code, groups, group index, index group).
PatternEntry = tuple[str, int, int, tuple[int, ...], int, dict[str, int], tuple[str | None, ...]]

_NOT_SET = object()


def _table(cached_only: bool = True) -> dict[str, CodeType]:
    """The generated table of methods; empty when it is not generated, or generated with
    another Python (whose dataclasses write other sources), or (`cached_only`) when
    importing it would compile it without keeping the bytecode for the next runs
    (`_bytecode_kept`): compiling the whole table costs more than the methods one run
    needs."""
    table = _generated(TABLE_MODULE, cached_only)
    code: dict[str, CodeType] = getattr(table, "CODE", {})
    return code


def _patterns(cached_only: bool = True) -> tuple[PatternEntry, ...]:
    """The generated table of patterns (`PatternEntry`); empty as `_table` is, and when it
    was written for another version of the regular expression engine (`MAGIC`)."""
    import _sre

    table = _generated(PATTERNS_MODULE, cached_only)
    if getattr(table, "MAGIC", None) != _sre.MAGIC:
        return ()
    entries: tuple[PatternEntry, ...] = table.PATTERNS  # type: ignore[union-attr]
    return entries


def _generated(name: str, cached_only: bool) -> ModuleType | None:
    """A generated table module, imported when it was generated with this Python and
    (`cached_only`) loads from kept bytecode; else None."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin or \
            generated_with(spec.origin) != tuple(sys.version_info[:2]):
        return None  # not generated (yet), or for another Python: nothing would match
    if cached_only and not _bytecode_kept(spec):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def precompile_patterns(entries: tuple[PatternEntry, ...]) -> None:
    """Put each pattern of `entries` in the cache `re.compile` looks in first, built by
    the engine's constructor from its stored code (a pattern already there is kept).
    Stops short of the cache's size, whose oldest entries `re` would drop."""
    import _sre

    cache: dict[tuple[type, str, int], re.Pattern[str]] = re._cache  # type: ignore[attr-defined]
    room = re._MAXCACHE - len(cache) - 64  # type: ignore[attr-defined]  # and some for the scan's own
    for pattern, flags, all_flags, code, groups, index, names in entries[:max(room, 0)]:
        key = (str, pattern, flags)
        if key not in cache:
            try:
                cache[key] = _sre.compile(pattern, all_flags, list(code), groups, index, names)
            except (TypeError, ValueError, RuntimeError):  # an engine that reads them otherwise
                return


def generated_with(path: str) -> tuple[int, int] | None:
    """The Python version (major, minor) the table at `path` was generated with: its
    `PYTHON = (major, minor)` line, read from its first KiB without importing it; None
    when it names none (or cannot be read)."""
    try:
        head = read_head(path, 1024)
    except OSError:
        return None
    start = head.find(b"\nPYTHON = (")
    version, closed, _ = head[start + 11:].partition(b")\n")
    major, _, minor = version.partition(b", ")
    try:
        return (int(major), int(minor)) if start >= 0 and closed else None
    except ValueError:
        return None


def _bytecode_kept(spec: ModuleSpec | None) -> bool:
    """Whether the module `spec` finds loads from cached bytecode, or is compiled once and
    its bytecode written for the next runs (bytecode writing on, its cache folder
    writable)."""
    if spec is None or not spec.cached or not spec.origin:
        return False  # not a source file with a bytecode cache (a zip, a frozen module)
    if _bytecode_cached(spec.cached, spec.origin):
        return True
    if sys.dont_write_bytecode:
        return False
    folder = os.path.dirname(spec.cached)
    while folder and not os.path.isdir(folder):  # created by the import where missing
        folder = os.path.dirname(folder) if os.path.dirname(folder) != folder else ""
    return bool(folder) and os.access(folder, os.W_OK)


def _bytecode_cached(cached: str, origin: str) -> bool:
    """Whether the import system would load the bytecode at `cached` for the source at
    `origin` (a pyc whose header matches the source's modification time and size, or a
    hash-based one)."""
    try:
        with open(cached, "rb") as pyc:
            header = pyc.read(16)
        source = os.stat(origin)
    except OSError:
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    if int.from_bytes(header[4:8], "little") & 1:  # hash-based: checked on import
        return True
    return int.from_bytes(header[8:12], "little") == int(source.st_mtime) & 0xFFFFFFFF and \
        int.from_bytes(header[12:16], "little") == source.st_size & 0xFFFFFFFF


def _exec_known(known: dict[str, CodeType]) -> Callable[..., None]:
    """`exec` that binds the function a known method source defines, compiled ahead of
    time; anything else goes to the builtin `exec`."""
    real = builtins.exec

    def exec_known(source: Any, globals: dict[str, Any] | None = None,  # noqa: A002
                   locals: dict[str, Any] | None = None, /, **options: Any) -> None:  # noqa: A002
        code = known.get(source) if type(source) is str else None
        # the source is one `def`: running it binds a function of these globals (which
        # must hold __builtins__ already: the builtin exec adds them where missing)
        if code is None or options or globals is None or locals is None \
                or "__builtins__" not in globals:
            real(source, globals, locals, **options)
            return
        locals[code.co_name] = FunctionType(code, globals)

    return exec_known


@contextmanager
def installed(cached_only: bool = True) -> Iterator[None]:
    """Dataclasses created meanwhile use the methods compiled ahead of time, and
    `re.compile` finds the patterns compiled ahead of time (neither when its table has
    no cached bytecode and would not keep it, unless not `cached_only`)."""
    precompile_patterns(_patterns(cached_only))
    with _dataclasses_exec(_exec_known(_table(cached_only))):
        yield


@contextmanager
def recording() -> Iterator[list[str]]:
    """The method sources dataclasses of this package compile meanwhile, in order, each
    once (what the generator writes)."""
    sources: list[str] = []
    seen: set[str] = set()
    real = builtins.exec

    def exec_recorded(source: Any, globals: dict[str, Any] | None = None,  # noqa: A002
                      locals: dict[str, Any] | None = None, /, **options: Any) -> None:  # noqa: A002
        name = str((globals or {}).get("__name__", ""))
        if type(source) is str and source not in seen and \
                (name == "faasguard" or name.startswith("faasguard.")):
            seen.add(source)
            sources.append(source)
        real(source, globals, locals, **options)

    with _dataclasses_exec(exec_recorded):
        yield sources


@contextmanager
def _dataclasses_exec(replacement: Callable[..., None]) -> Iterator[None]:
    """The `exec` dataclasses calls replaced meanwhile (its module global, which hides
    the builtin while set)."""
    previous = dataclasses.__dict__.get("exec", _NOT_SET)
    setattr(dataclasses, "exec", replacement)  # noqa: B010
    try:
        yield
    finally:
        if previous is _NOT_SET:
            del dataclasses.exec  # type: ignore[attr-defined]
        else:
            setattr(dataclasses, "exec", previous)  # noqa: B010
