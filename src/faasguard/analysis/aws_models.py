"""botocore's and boto3's model files, read the way botocore's own loader reads them.

The same search paths (AWS_DATA_PATH, `~/.aws/models`, botocore's data folder; boto3's
data folder first for resource models), the latest API version any of them holds, a
`.json` or `.json.gz` file, and the `sdk-extras` file of that version merged in. Read
here without importing `botocore.loaders`, which brings in botocore's HTTP stack (a fifth
of a second) and lists every service's folder the first time it loads each kind of model
(a tenth of a second each). Answers are cached for the process; callers do not modify them.

What an analysis keeps of a model (a digest: a service's operations, ...) can be stored
on disk (`digest`), so that the next scan reads a few kilobytes instead of parsing the
model (tens of milliseconds a service, a third of a second for EC2, in every process
that meets the service). A stored digest is used only for the very files it was made
from (their paths, sizes and modification times) and the digest's layout (the caller's
version of what it keeps, names it derives included); anything else is a miss, and a
folder that cannot be written stores nothing.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

from faasguard.package_data import gunzip, package_folder

#: Model file extensions, in the order botocore tries them.
_EXTENSIONS = (".json", ".json.gz")


@cache
def search_paths(resources: bool = False) -> tuple[str, ...]:
    """Where models are looked for, first to last: botocore's (AWS_DATA_PATH entries,
    `~/.aws/models`, its data folder), or boto3's for resource models (none without boto3)."""
    paths: list[str] = []
    if resources:
        boto3 = package_folder("boto3")
        if boto3 is None:
            return ()
        paths.append(os.path.join(boto3, "data"))
    else:
        extra = os.environ.get("AWS_DATA_PATH")
        if extra is not None:
            paths.extend(os.path.expanduser(os.path.expandvars(path))
                         for path in extra.split(os.pathsep))
    paths.append(os.path.join(os.path.expanduser("~"), ".aws", "models"))
    botocore = package_folder("botocore")
    if botocore is not None:
        paths.append(os.path.join(botocore, "data"))
    return tuple(paths)


def _model_file(stem: str) -> str | None:
    """The file of a model (its path without extension), if there is one."""
    for extension in _EXTENSIONS:
        if os.path.isfile(stem + extension):
            return stem + extension
    return None


@cache
def versions(service: str, kind: str, resources: bool = False) -> tuple[str, ...]:
    """The API versions (sorted) for which some search path holds a model of this kind
    (`service-2`, `waiters-2`, `resources-1`) of the service; () when none does."""
    if not service or service.startswith(".") or "/" in service or os.sep in service:
        return ()
    found: set[str] = set()
    for base in search_paths(resources):
        folder = os.path.join(base, service)
        if os.path.isdir(folder):
            found.update(version for version in os.listdir(folder)
                         if _model_file(os.path.join(folder, version, kind)))
    return tuple(sorted(found))


def available(kind: str = "service-2") -> frozenset[str]:
    """Every service some search path holds a model of this kind for."""
    names: set[str] = set()
    for base in search_paths():
        if os.path.isdir(base):
            names.update(name for name in os.listdir(base)
                         if os.path.isdir(os.path.join(base, name)) and versions(name, kind))
    return frozenset(names)


def _find(name: str, resources: bool) -> str | None:
    """The first file named `name` (no extension) along the search paths."""
    for base in search_paths(resources):
        path = _model_file(os.path.join(base, name)) if os.path.isdir(base) else None
        if path is not None:
            return path
    return None


def _read(name: str, resources: bool) -> dict[str, Any] | None:
    """The first file named `name` (no extension) along the search paths, parsed."""
    path = _find(name, resources)
    if path is None:
        return None
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith(".gz"):
        data = gunzip(data)
    loaded = json.loads(data.decode("utf-8"))
    return loaded if isinstance(loaded, dict) else None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    """Merge `extra` into `base`, dict by dict (an extras file's `merge` part)."""
    for key, value in extra.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            _merge(base[key], value)
        else:
            base[key] = value


def read(service: str, kind: str, resources: bool = False) -> dict[str, Any] | None:
    """The latest model of this kind of a service, extras merged; None when there is none.
    Read afresh at each call: `load` is the cached one, for callers that keep no digest."""
    known = versions(service, kind, resources)
    if not known:
        return None
    stem = f"{service}/{known[-1]}/{kind}"
    model = _read(stem, resources)
    extras = _read(f"{stem}.sdk-extras", resources) if model is not None else None
    if model is not None and extras is not None and isinstance(extras.get("merge"), dict):
        _merge(model, extras["merge"])
    return model


#: `read`, cached for the process (callers do not modify the answers).
load = cache(read)


def cache_folder() -> str | None:
    """Where digests are stored: $FAASGUARD_CACHE_DIR (set empty: nowhere), else
    $XDG_CACHE_HOME/faasguard, else ~/.cache/faasguard."""
    given = os.environ.get("FAASGUARD_CACHE_DIR")
    if given is not None:
        return given or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "faasguard")


def digest(service: str, kind: str, layout: int,
           make: Callable[[dict[str, Any] | None], Any]) -> Any:
    """`make(read(service, kind))`: what a caller keeps of a model (JSON data), stored
    in `cache_folder()` and read back by later scans while the model's files and `layout`
    (the caller's version of what `make` returns) stay the same.
    The caller checks the shape of what it gets (a stored file is outside its control)."""
    identity = _identity(service, kind, layout)
    folder = cache_folder()
    if identity is None or folder is None:
        return make(read(service, kind))
    # the name spreads the models' versions; the identity written inside decides
    name = f"{service}.{kind}.{zlib.crc32(identity.encode('utf-8', 'surrogateescape')):08x}"
    path = os.path.join(folder, "botocore", f"{name}.json")
    try:
        with open(path, "rb") as stored:
            found = json.loads(stored.read())
        if isinstance(found, dict) and found.get("identity") == identity:
            return found.get("digest")
    except (OSError, ValueError):  # not stored yet, or not JSON: made again
        pass
    made = make(read(service, kind))
    _store(path, {"identity": identity, "digest": made})
    return made


def _identity(service: str, kind: str, layout: int) -> str | None:
    """What a stored digest must have been made from: the model's files (path, size,
    modification time) and the layout; None when there is no model. (Not botocore's
    version: its files are the model, and what is kept of them is the caller's own.)"""
    known = versions(service, kind)
    if not known:
        return None
    stem = f"{service}/{known[-1]}/{kind}"
    files = [path for path in (_find(stem, False), _find(f"{stem}.sdk-extras", False))
             if path is not None]
    if not files:
        return None
    try:
        stats = [(path, os.stat(path)) for path in files]
    except OSError:
        return None
    return json.dumps([layout, service, kind,
                       [[path, st.st_size, st.st_mtime_ns] for path, st in stats]])


def _store(path: str, stored: Any) -> None:
    """Write a digest where `digest` looks for it, whole or not at all (written aside,
    then renamed: scans running at once each write their own); a folder that cannot be
    written stores nothing. Digests of other botocore versions stay (a few kilobytes a
    service: the folder may be deleted at any time)."""
    aside = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(aside, "w", encoding="utf-8") as out:
            json.dump(stored, out, separators=(",", ":"))
        os.replace(aside, path)
    except (OSError, TypeError, ValueError):
        try:
            os.remove(aside)
        except OSError:
            pass
