"""`handler_paths.handler_base` gives a handler file's root-relative path as
`posixpath.normpath` of the code folder joined with the handler's module path; a path
with no '.', '..' or empty part (most handlers) is that join as it stands, without the
two calls. These tests pin every shape to the normalised join."""

from __future__ import annotations

import posixpath

import pytest

from faasguard.analysis.handler_paths import handler_base
from faasguard.model import Diagnostic, Function, Location

CODE_DIRS = [None, "", ".", "./", "src", "src/", "/src", "src/app", "src\\app", "./src",
             "src/../lib", "src//app", "..", "a.b", "/"]
MODULE_PATHS = ["app", "pkg/mod", "pkg/sub/mod", "./app", "../app", "pkg/../app", "/app",
                "pkg//mod", "pkg/", "", ".", "..", "a.b/c", "mod.v2", "../../x"]


def _normalised(code_dir: str | None, module_path: str) -> str | None:
    """What `handler_base` gave before: the normalised join, or None when outside."""
    folder = (code_dir or "").replace("\\", "/").strip("/")
    folder = "" if folder in (".", "./") else folder
    base = posixpath.normpath(posixpath.join(folder, module_path))
    if base.startswith("../") or base == ".." or posixpath.isabs(base):
        return None
    return base


@pytest.mark.parametrize("code_dir", CODE_DIRS)
def test_handler_base_is_the_normalised_join(code_dir: str | None) -> None:
    for module_path in MODULE_PATHS:
        function = Function("template.yaml#Fn", Location("template.yaml", 1), "sam",
                            runtime="python3.12", handler=f"{module_path}.handler",
                            code_dir=code_dir)
        got = handler_base(function, function.handler or "", module_path)
        want = _normalised(code_dir, module_path)
        assert (None if isinstance(got, Diagnostic) else got) == want, (code_dir, module_path)


def test_the_shapes_cover_both_ways() -> None:
    """Paths taken as they stand and paths normalised, inside and outside the root."""
    assert _normalised("src", "pkg/mod") == "src/pkg/mod"
    assert _normalised("src", "../app") == "app"
    assert _normalised(".", "pkg//mod") == "pkg/mod"
    assert _normalised("", "../app") is None
    assert _normalised("src", "/app") is None
