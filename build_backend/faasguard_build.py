"""faasguard's build backend: setuptools', plus what the compiled build needs.

pyproject.toml names this module (`backend-path`), so that

    FAASGUARD_COMPILE=1 python3 -m pip install ".[scan]"

builds the compiled (mypyc) package in pip's own isolated build environment: with
FAASGUARD_COMPILE=1 a wheel's build also requires mypy (which brings mypyc), at the version
the `dev` extra pins (the sources are type-checked and compiled with one version), and the
scan's libraries (so that the compile's type check sees the types `mypy src` sees); before
pip fetches them, the build stops, saying what to install, when there is no C compiler or
no Python headers. setup.py then compiles (for the wheel only, not for its metadata).
Without FAASGUARD_COMPILE=1 every hook is setuptools' own, and nothing here is run.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from setuptools import build_meta
from setuptools.build_meta import (  # noqa: F401  (the hooks pip calls, setuptools' own)
    build_editable,
    build_sdist,
    build_wheel,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    prepare_metadata_for_build_editable,
)

#: The environment variable that asks for the compiled build (when it is 1).
COMPILE = "FAASGUARD_COMPILE"


def compiling() -> bool:
    """Whether this build is the compiled one (FAASGUARD_COMPILE=1)."""
    return os.environ.get(COMPILE) == "1"


def missing_tools() -> list[str]:
    """What a mypyc build needs and this machine lacks: the C compiler setuptools would run,
    Python.h. Empty when both are there (or when the compiler is not a command, as MSVC's,
    whose absence setuptools reports itself)."""
    from setuptools._distutils import ccompiler
    from setuptools._distutils.sysconfig import customize_compiler

    missing = []
    compiler = ccompiler.new_compiler()
    customize_compiler(compiler)
    command = getattr(compiler, "compiler_so", None)
    if command and shutil.which(command[0]) is None:
        missing.append(f"a C compiler ('{command[0]}' is not found; set CC to another)")
    include = sysconfig.get_config_var("INCLUDEPY") or sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").is_file():
        missing.append(f"the Python {sys.version_info.major}.{sys.version_info.minor} "
                       f"headers ({include}/Python.h is not there)")
    return missing


def build_requirements() -> list[str]:
    """From pyproject.toml: the mypy of the `dev` extra (the one version the sources are
    type-checked and compiled with), the package's dependencies and its `scan` extra."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    with open("pyproject.toml", "rb") as stream:
        project = tomllib.load(stream)["project"]
    extras = project["optional-dependencies"]
    mypy = [req for req in extras["dev"] if req.startswith("mypy==")]
    return [*mypy, *project["dependencies"], *extras["scan"]]


def compile_requirements() -> list[str]:
    """What a compiled build installs beside setuptools; exits with a message naming the
    tools to install first when the machine lacks them."""
    missing = missing_tools()
    if missing:
        sys.exit(f"faasguard: {COMPILE}=1 (the compiled build) needs "
                 f"{' and '.join(missing)}. Install what is missing (Debian/Ubuntu: "
                 f"apt-get install gcc python3-dev), or install without {COMPILE}: the "
                 "pure Python build needs neither.")
    return build_requirements()


@contextmanager
def _as_pure() -> Iterator[None]:
    """setup.py run as the pure build's, whatever FAASGUARD_COMPILE says: for the hooks
    whose answer the extensions do not change, so that mypyc's type check and C generation
    run once, for the wheel (not for its metadata, as they would through setuptools' own)."""
    value = os.environ.pop(COMPILE, None)
    try:
        yield
    finally:
        if value is not None:
            os.environ[COMPILE] = value


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    """setuptools' requirements, and with FAASGUARD_COMPILE=1 the compiled build's (setup.py
    is run without them: mypyc is not installed yet)."""
    extra = compile_requirements() if compiling() else []
    with _as_pure():
        return [*build_meta.get_requires_for_build_wheel(config_settings), *extra]


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: dict[str, Any] | None = None) -> str:
    """setuptools' metadata, which is the same for both builds."""
    with _as_pure():
        return build_meta.prepare_metadata_for_build_wheel(metadata_directory,
                                                           config_settings)
