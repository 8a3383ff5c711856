"""TOML documents: pyproject.toml, Pipfiles, lock files, samconfig.toml."""

from __future__ import annotations

import sys
from typing import Any


def parse_toml(text: str) -> dict[str, Any]:
    """The parsed document. ValueError when it is not valid TOML (tomllib's TOMLDecodeError
    is one). tomllib is imported on first use: most scans read no TOML."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib.loads(text)
