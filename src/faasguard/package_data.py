"""Data files installed inside packages: faasguard's own tables (faasguard/data/) and the
SAM translator's policy templates and connector profiles.

Read by path from the package's folder, which the import system finds without importing
the package: `importlib.resources` would cost every scan's start-up more than the reading
itself (it imports `tempfile`, `zipfile`, `shutil` and the archive modules with it, about
a tenth of the command line's imports), and importing `samtranslator` for its data runs
code the scan never uses. Both packages are installed as folders (a wheel unpacks), which
is all this reads.
"""

from __future__ import annotations

import importlib.util
import os
import zlib

_OWN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def own_data(name: str) -> bytes:
    """The bytes of faasguard's data file `name` (src/faasguard/data/)."""
    with open(os.path.join(_OWN, name), "rb") as handle:
        return handle.read()


def package_folder(package: str) -> str | None:
    """The folder of the installed top-level package `package`, found without importing
    it; None when it is not installed."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(next(iter(spec.submodule_search_locations)))


def installed_data(package: str, *parts: str) -> bytes:
    """The bytes of the file at `parts` inside the installed top-level package `package`.
    ModuleNotFoundError when the package is not installed."""
    folder = package_folder(package)
    if folder is None:
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)
    with open(os.path.join(folder, *parts), "rb") as handle:
        return handle.read()


def gunzip(data: bytes) -> bytes:
    """The content of gzip-compressed `data` (one member, as these packages' files are),
    through zlib alone: the `gzip` module's file machinery is not needed for bytes."""
    return zlib.decompress(data, wbits=16 + zlib.MAX_WBITS)
