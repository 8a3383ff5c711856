"""What a parse error remembered by `ParsedFiles` (analysis/module_cache.py) keeps alive:
no frame of the callers that asked for the file, nor their locals (the trees being
analysed), which a scan's paused collector would otherwise keep to the end."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from faasguard.analysis.taint.modules import ModuleCache, ParseError


class _Tree:
    """Stands for what an analysis holds while it asks for a module."""


def _ask(cache: ModuleCache, rel: str) -> weakref.ref[_Tree]:
    held = _Tree()  # a local of the caller, as a handler's tree is
    assert cache.try_get(rel) is None
    return weakref.ref(held)


def test_a_remembered_parse_error_keeps_no_caller_alive(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def handler(:\n")
    cache = ModuleCache(str(tmp_path))
    gc.disable()  # as during a scan's analyses
    try:
        first = _ask(cache, "broken.py")  # parsed: the error is remembered
        again = _ask(cache, "broken.py")  # raised again from memory
        assert first() is None and again() is None
    finally:
        gc.enable()
    error = cache.errors["broken.py"]
    assert isinstance(error, ParseError) and error.__traceback__ is None
    assert error.line == 1 and "broken.py" not in cache.modules
