"""Handlers named by the TypeScript compiler's output path (`dist/handlers/a.handler`)
found in their sources; and the path aliases of `compilerOptions.paths` (`@libs/*`).

A project compiled by `tsc` deploys the `.js` files of `compilerOptions.outDir`, so its
handler names `dist/...` while only `src/...` is in the repository. The compiler writes
`<rootDir>/x.ts` to `<outDir>/x.js` (`rootDir` defaults to the common folder of the
sources, `src` in practice). `sources_of_output` maps a handler path under the `outDir` of
the nearest `tsconfig.json` at or above it (within the scanned folder) back to the source
paths to look for. Nothing is compiled.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from typing import Any

from faasguard.loaders.documents import InputError, read_text

_COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def sources_of_output(root: str, base: str) -> list[str]:
    """Source paths (root-relative, without extension) of the compiled handler path `base`
    (root-relative, without extension); [] when no tsconfig.json puts `base` in its
    outDir."""
    folder = posixpath.dirname(base)
    while True:
        options = _compiler_options(root, folder)
        out_dir = options.get("outDir")
        if isinstance(out_dir, str) and out_dir.strip():
            out = posixpath.normpath(posixpath.join(folder, out_dir.strip()))
            if base.startswith(out + "/"):
                rest = base[len(out) + 1:]
                root_dir = options.get("rootDir")
                dirs = [root_dir.strip()] if isinstance(root_dir, str) and \
                    root_dir.strip() else ["src", "."]
                found = [posixpath.normpath(posixpath.join(folder, d, rest)) for d in dirs]
                return [p for p in found if not p.startswith("../") and p != ".."]
        if not folder or folder == ".":
            return []
        folder = posixpath.dirname(folder)


def _compiler_options(root: str, folder: str) -> dict[str, Any]:
    """`compilerOptions` of `folder/tsconfig.json` ({} when absent or unreadable)."""
    options = _config(root, posixpath.join(folder, "tsconfig.json")).get("compilerOptions")
    return options if isinstance(options, dict) else {}


def _config(root: str, rel: str) -> dict[str, Any]:
    """A tsconfig file's content ({} when absent or unreadable)."""
    try:
        text = read_text(os.path.join(root, rel))
    except InputError:
        return {}
    # tsconfig.json is JSON with comments and trailing commas
    text = _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text)
    try:
        data = json.loads(_TRAILING_COMMA.sub(r"\1", text))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _paths_and_base(root: str, folder: str) -> tuple[dict[str, Any], str] | None:
    """`compilerOptions.paths` of `folder/tsconfig.json` or of a file it extends by a
    relative path (the Serverless Framework's TypeScript template keeps them in
    `tsconfig.paths.json`), and the folder its targets are resolved from: the nearest
    `baseUrl` of the chain, from the folder of the file declaring it, else the folder of
    the file declaring `paths`. None when no file of the chain declares paths."""
    rel = posixpath.join(folder, "tsconfig.json")
    paths: dict[str, Any] | None = None
    start: str | None = None
    for _ in range(8):  # a chain of extended files, not a cycle
        data = _config(root, rel)
        options = data.get("compilerOptions")
        options = options if isinstance(options, dict) else {}
        here = posixpath.dirname(rel)
        base = options.get("baseUrl")
        if start is None and isinstance(base, str) and base.strip():
            start = posixpath.normpath(posixpath.join(here, base.strip()))
        if paths is None and isinstance(options.get("paths"), dict) and options["paths"]:
            paths = options["paths"]
            paths_folder = here or "."
        parent = data.get("extends")
        if (paths is not None and start is not None) or not isinstance(parent, str) or \
                not parent.startswith("."):
            break
        rel = posixpath.normpath(posixpath.join(here, parent))
        if not rel.endswith(".json"):
            rel += ".json"
    if paths is None:
        return None
    return paths, start or paths_folder


def path_aliases(root: str, folder: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The path aliases of the nearest tsconfig.json at or above `folder` (root-relative)
    that declares `compilerOptions.paths`: (prefix, suffix, targets) per pattern (`@libs/*`
    is ("@libs/", "", ...); a pattern without `*`, which matches itself only, has the
    suffix "\\0"), each target a root-relative path with at most one `*`, resolved from
    `baseUrl` (else from the tsconfig.json's folder); a file it `extends` by a relative
    path is read for them (`_paths_and_base`). Nothing is compiled."""
    current = folder
    while True:
        declared = _paths_and_base(root, current)
        if declared is not None:
            paths, start = declared
            found = []
            for pattern, targets in paths.items():
                if not isinstance(pattern, str) or pattern.count("*") > 1 or \
                        not isinstance(targets, list):
                    continue
                prefix, star, suffix = pattern.partition("*")
                resolved = tuple(posixpath.normpath(posixpath.join(start, t))
                                 for t in targets if isinstance(t, str) and t.count("*") <= 1)
                found.append((prefix, suffix if star else "\0", resolved))
            return tuple(found)
        if not current or current == ".":
            return ()
        current = posixpath.dirname(current)
