"""Python's cyclic garbage collector, kept off the work of a scan.

A scan builds hundreds of thousands of small containers (the model of every template,
the trees of every handler) and almost no reference cycles: reference counting frees
what is dropped. Each automatic collection would still walk the young objects every few
hundred allocations, and now and then everything the scan holds, for nothing: a quarter
to a third of the time of loading and of the analyses when it ran.

What a scan freezes (`paused_then_frozen`, `freeze`) is unfrozen when the scan ends
(`scan_scope`): a process that runs many scans (an editor's language server) keeps none
of their objects, nor the cycles among them, out of the collector's reach. The command
line, whose process ends with its scan, keeps them frozen (`frozen_until_exit`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _State:
    """Whether steps may freeze, and what ends a scan (the process's: scans in several
    threads share it, under `_LOCK`)."""

    #: False while a scan runs in a process whose own objects were frozen before it:
    #: those cannot be told from the scan's, so the scan freezes nothing
    freezing = True
    #: scans in progress, nested or in other threads: the last to end unfreezes for all
    depth = 0
    #: nothing was frozen when the first of the scans in progress began: what is frozen
    #: at the last one's end is theirs
    theirs = False
    #: True while the process ends with its scan (the command line): nothing unfrozen
    until_exit = False


_LOCK = threading.Lock()


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (nesting is fine); on again after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def paused_then_frozen() -> Iterator[None]:
    """The collector off for a step of the scan, and what is alive at its end frozen
    (`gc.freeze`: moved to the permanent generation, never walked again by a later
    collection) when it comes back on. What the step made stays for the rest of the scan
    (the model, the facts, the trees a cache keeps); it is still freed by reference
    counting when the scan drops it, and unfrozen when the scan ends (`scan_scope`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freeze()
        if was_enabled:
            gc.enable()


def freeze() -> None:
    """`gc.freeze()`, unless the scan running may not freeze (`scan_scope`)."""
    if _State.freezing:
        gc.freeze()


@contextmanager
def scan_scope() -> Iterator[None]:
    """One whole scan: the collector is left as the scan found it. What its steps froze
    is unfrozen at its end (`gc.unfreeze`), unless the process ends with the scan
    (`frozen_until_exit`). If objects were frozen before it (by the application running
    the scan), they cannot be told apart from the scan's: the scan then freezes nothing.
    Scans that overlap (nested, or in several threads) count as one: the first to begin
    decides, the last to end unfreezes."""
    with _LOCK:
        if not _State.depth:  # the first scan in progress
            frozen_before = gc.get_freeze_count()
            _State.theirs = not frozen_before
            _State.freezing = not frozen_before or _State.until_exit
        _State.depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _State.depth -= 1
            if not _State.depth:  # the last: another scan may have begun before this one
                _State.freezing = True
                if _State.theirs and not _State.until_exit and gc.get_freeze_count():
                    gc.unfreeze()


@contextmanager
def frozen_until_exit() -> Iterator[None]:
    """Scans meanwhile leave what they froze frozen: the process ends after them (the
    command line), and unfreezing would only let a later collection walk it all."""
    before = _State.until_exit
    _State.until_exit = True
    try:
        yield
    finally:
        _State.until_exit = before
