"""Python's cyclic garbage collector, kept off the work of a scan.

A scan builds hundreds of thousands of small containers (the model of every template,
the trees of every handler) and almost no reference cycles: reference counting frees
what is dropped. Each automatic collection would still walk the young objects every few
hundred allocations, and now and then everything the scan holds, for nothing: a quarter
to a third of the time of loading and of the analyses when it ran.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
    counting when the scan drops it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
