"""CDK asset copies: the handler code `cdk synth` copies into `cdk.out/asset.<hash>/`.

A CDK project holds its handlers' sources (`lambda/handler.py`) and, once synthesised,
copies of them in `cdk.out/asset.<hash>/`, where the template in cdk.out points its
functions (`aws:asset:path`). The template records no source path, so a copy is matched
by content: an asset folder every code file of which is byte-identical to the file at
the same place under one project folder (outside any cdk.out), or lies in a package
folder that project folder has not (dependencies bundling installed), is that folder's
copy.
`follow_sources` then points the functions at the source folder, so findings are
reported once, in the file the user edits, and the copy is no code of its own (dropped
from `App.files`: the analyses of every code file would report it a second time).
An asset that is no such copy (bundled code, or a source changed since the synth) stays
where it is: `generated_note` says so in the findings located in it.
"""

from __future__ import annotations

import filecmp
import os
import posixpath
from collections.abc import Iterable

from faasguard.model import App

#: The folder CDK writes its cloud assembly to, and the prefix of its asset folders.
CDK_OUT = "cdk.out"
ASSET_PREFIX = "asset."
#: The formats `App.files` lists code files as.
CODE_FORMATS = ("python", "javascript", "typescript")


def asset_folder(path: str) -> str | None:
    """The `.../cdk.out/asset.<hash>` folder a path (relative, posix) lies in, or None."""
    if CDK_OUT not in path:
        return None
    parts = path.split("/")
    for index in range(1, len(parts)):
        if parts[index].startswith(ASSET_PREFIX) and CDK_OUT in parts[:index]:
            return "/".join(parts[:index + 1])
    return None


def follow_sources(app: App) -> dict[str, str]:
    """Point every function whose code is a CDK asset copy of a project folder at that
    folder, and drop the copies' files from `App.files`; the asset folders matched,
    with the source folder of each. Nothing is done twice: a second call finds no copy
    left."""
    by_asset: dict[str, list[str]] = {}
    others: list[str] = []
    for source in app.files:
        if source.format in CODE_FORMATS:
            folder = asset_folder(source.path)
            if folder is not None:
                by_asset.setdefault(folder, []).append(source.path)
            elif f"/{CDK_OUT}/" not in f"/{source.path}":
                others.append(source.path)
    if not by_asset:
        return {}
    by_name: dict[str, list[str]] = {}
    for path in others:
        by_name.setdefault(posixpath.basename(path), []).append(path)
    project = set(others)
    copies = {}
    for folder, files in by_asset.items():
        found = _source_of(app.root, folder, files, by_name, project)
        if found is not None:
            copies[folder] = found
    if not copies:
        return {}
    app.files[:] = [f for f in app.files
                    if f.format not in CODE_FORMATS or asset_folder(f.path) not in copies]
    for function in app.functions.values():
        code = function.code_dir
        folder = asset_folder(code) if code else None
        if code and folder in copies:
            inner = code[len(folder):].lstrip("/")
            function.code_dir = posixpath.join(copies[folder], inner) if inner \
                else copies[folder]
    return copies


def _source_of(root: str, folder: str, files: list[str], by_name: dict[str, list[str]],
               project: set[str]) -> str | None:
    """The project folder `folder` is a copy of: the first (fewest levels, then by name)
    whose code file (of `project`: the scan's, outside cdk.out) at each code file's place
    in the asset is byte-identical to it."""
    first = min(files, key=lambda p: (p.count("/"), p))
    inner = first[len(folder) + 1:]
    candidates = []
    for path in by_name.get(posixpath.basename(first), ()):
        if path == inner or path.endswith(f"/{inner}"):
            candidates.append(path[:len(path) - len(inner)].rstrip("/") or ".")
    for candidate in sorted(candidates, key=lambda p: (p.count("/"), p)):
        if _same_files(root, folder, candidate, files, project):
            return candidate
    return None


def _same_files(root: str, folder: str, candidate: str, files: Iterable[str],
                project: set[str]) -> bool:
    """Is each code file of the asset byte-identical to its twin under `candidate`, or in
    a package folder the candidate has not (what bundling installed: `requests/`)?"""
    for path in files:
        inner = path[len(folder) + 1:]
        twin = inner if candidate == "." else f"{candidate}/{inner}"
        if twin not in project:
            top = inner.split("/", 1)[0]
            if top == inner or os.path.isdir(os.path.join(root, candidate, top)):
                return False  # a module of its own, or a file the source folder lacks
            continue
        try:
            if not filecmp.cmp(os.path.join(root, path), os.path.join(root, twin),
                               shallow=False):
                return False
        except OSError:
            return False
    return True


def generated_note(path: str) -> str | None:
    """What a finding located in a CDK asset folder adds: the file is generated."""
    folder = asset_folder(path)
    if folder is None:
        return None
    return (f"This file is generated: cdk synth wrote it to {folder}/ (bundled, or its "
            "source changed since), and no file of the scanned folder matches it: change "
            "the source it was built from and synthesise again.")
