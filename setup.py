"""faasguard's build: pure Python, as pyproject.toml describes it, unless FAASGUARD_COMPILE=1.

With FAASGUARD_COMPILE=1 the scanner's modules are compiled with mypyc (an optional, faster
build; README.md, "Compiled build"):

    FAASGUARD_COMPILE=1 python3 -m pip install ".[scan]"

The list of modules and why some stay interpreted is benchmarks/mypyc_build.py's, the only
one. The build needs mypy (which brings mypyc) and a C compiler: the build backend
(build_backend/faasguard_build.py) has pip install mypy into its isolated build environment
and stops first, with a message, when there is no compiler. Without build isolation
(`--no-build-isolation`) the environment's own mypy is used.

FAASGUARD_COMPILE_JOBS (default: the number of CPUs) C files are compiled at a time.
Without FAASGUARD_COMPILE nothing here changes the package: no compiler, no mypy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup


def compiled_extensions() -> list[Any]:
    """The mypyc extensions when FAASGUARD_COMPILE=1, else none."""
    if os.environ.get("FAASGUARD_COMPILE") != "1":
        return []
    try:
        import mypyc  # noqa: F401
    except ImportError:
        sys.exit("faasguard: FAASGUARD_COMPILE=1 needs mypy (which brings mypyc) where the "
                 "package is built: install without -e and without --no-build-isolation "
                 "(pip then installs it for the build), or install mypy first")
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here / "benchmarks"))
    from mypyc_build import extensions

    os.chdir(here)  # mypyc reads pyproject.toml's mypy settings from the current folder
    return extensions(Path("."), int(os.environ.get("FAASGUARD_COMPILE_JOBS")
                                     or os.cpu_count() or 1))


setup(ext_modules=compiled_extensions())
