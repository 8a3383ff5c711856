"""Functions named by "module:function" strings, as the scan's step lists give them
(scan.ANALYSES, analysis.handlers.HANDLER_STEPS and FILE_STEPS, SHARED_DATA)."""

from __future__ import annotations

import importlib
from typing import Any


def function_named(name: str) -> Any:
    """The function a "module:function" name names (its module imported now)."""
    module_name, _, func_name = name.partition(":")
    return getattr(importlib.import_module(module_name), func_name)
