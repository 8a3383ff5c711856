"""The part the JS/TS and Python module caches share: parse each file once, remember
the files that cannot be parsed (with the reason) and raise that same error again.

A cache subclass gives `_parse` (raising its own `error` class) and its own `exists`;
what it keeps and for how long (taint.modules.ModuleCache drops trees between handlers)
stays its own.
"""

from __future__ import annotations

from typing import Generic, TypeVar

M = TypeVar("M")
E = TypeVar("E", bound=Exception)


class ParsedFiles(Generic[M, E]):
    """Parsed modules by root-relative path, and the parse errors of those that failed."""

    #: the exception `_parse` raises for a file that cannot be read or parsed
    error: type[E]

    def __init__(self, root: str):
        self.root = root
        self.modules: dict[str, M] = {}
        self.errors: dict[str, E] = {}

    def get(self, rel: str) -> M:
        """The parsed module at `rel`; raises `error` if it cannot be read or parsed."""
        module = self.modules.get(rel)
        if module is not None:
            return module
        error = self.errors.get(rel)
        if error is not None:
            raise error.with_traceback(None)  # not on top of the frames of its last raise
        try:
            module = self._parse(rel)
        except self.error as exc:
            self.errors[rel] = exc
            raise
        self.modules[rel] = module
        return module

    def try_get(self, rel: str) -> M | None:
        """The parsed module, or None when it cannot be read or parsed (the error is
        remembered)."""
        try:
            return self.get(rel)
        except self.error as exc:
            # the remembered error keeps no traceback: its frames (every caller's, with
            # their locals: the trees being analysed) would stay alive in a reference
            # cycle, which the paused collector of a scan never frees
            exc.__traceback__ = exc.__context__ = None
            return None

    def _parse(self, rel: str) -> M:
        raise NotImplementedError
