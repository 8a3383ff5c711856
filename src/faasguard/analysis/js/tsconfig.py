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
    try:
        text = read_text(os.path.join(root, folder, "tsconfig.json"))
    except InputError:
        return {}
    # tsconfig.json is JSON with comments and trailing commas
    text = _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text)
    try:
        data = json.loads(_TRAILING_COMMA.sub(r"\1", text))
    except ValueError:
        return {}
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    return options if isinstance(options, dict) else {}


def path_aliases(root: str, folder: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The path aliases of the nearest tsconfig.json at or above `folder` (root-relative)
    that declares `compilerOptions.paths`: (prefix, suffix, targets) per pattern (`@libs/*`
    is ("@libs/", "", ...); a pattern without `*`, which matches itself only, has the
    suffix "\\0"), each target a root-relative path with at most one `*`, resolved from
    `baseUrl` (else from the tsconfig.json's folder). Nothing is compiled; `extends` is
    not read."""
    current = folder
    while True:
        options = _compiler_options(root, current)
        paths = options.get("paths")
        if isinstance(paths, dict) and paths:
            base = options.get("baseUrl")
            start = posixpath.normpath(posixpath.join(current, base.strip())) \
                if isinstance(base, str) and base.strip() else (current or ".")
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
