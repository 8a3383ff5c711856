"""What the Python and Node.js handler look-ups share: the handler string a function
gives, and the folder-relative path (without extension) of the file it names."""

from __future__ import annotations

import posixpath

from faasguard.model import CODE_ELSEWHERE, Diagnostic, Function, logical_id


def given_handler(function: Function) -> str | Diagnostic:
    """The function's handler string; a warning when none is given (or not known), a note
    when the loader found its code is not source in the scanned folder."""
    elsewhere = function.properties.get(CODE_ELSEWHERE)
    if elsewhere is not None:
        return Diagnostic(function.location.file, f"function '{logical_id(function.id)}': "
                          f"its code is {elsewhere}, which the scan does not read; "
                          "its code was not analysed", function.location.line, "note", "handler")
    handler = function.handler
    if not isinstance(handler, str) or not handler.strip():
        return Diagnostic(function.location.file, f"function '{logical_id(function.id)}': "
                          "no handler given (or not known statically); its code was not "
                          "analysed", function.location.line, "warning", "handler")
    return handler


def handler_base(function: Function, handler: str, module_path: str) -> str | Diagnostic:
    """The handler file's path relative to the scanned root, without extension (the
    function's code folder joined with `module_path`), or an error when it points outside."""
    code_dir = (function.code_dir or "").replace("\\", "/").strip("/")
    code_dir = "" if code_dir in (".", "./") else code_dir
    joined = f"{code_dir}/{module_path}" if code_dir else module_path
    if joined and "." not in joined and "//" not in joined and joined[0] != "/" \
            and joined[-1] != "/":
        return joined  # no '.', '..' or empty part: normpath would give it back (most)
    base = posixpath.normpath(posixpath.join(code_dir, module_path))
    if base.startswith("../") or base == ".." or posixpath.isabs(base):
        return Diagnostic(function.location.file, f"function '{logical_id(function.id)}': "
                          f"handler '{handler}' points outside the scanned folder; its code "
                          "was not analysed", function.location.line, "error", "handler")
    return base
