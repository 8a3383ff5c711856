"""ModuleCache.lambda_import: which module an import loads on Lambda (the project's
file, a layer's, the runtime's or the standard library's), the one place the analyses
(the AWS-call interpreter, the walk for code the scan cannot read) ask it."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.taint.modules import (
    RUNTIME,
    STANDARD_LIBRARY,
    ModuleCache,
    may_shadow,
)


def _cache(tmp_path: Path) -> ModuleCache:
    files = {
        "fn/handler.py": "import secrets\n",
        "fn/secrets.py": "TOKEN = 1\n",
        "fn/logging.py": "X = 1\n",
        "fn/pkg/__init__.py": "def helper():\n    return 1\n",
        "lib/queue.py": "Q = 1\n",  # not on sys.path: not the function's folder
        "layer/python/common.py": "C = 1\n",
        "layer/python/uuid.py": "U = 1\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    cache = ModuleCache(str(tmp_path))
    cache.layer_paths = ("layer/python",)
    return cache


def test_each_answer(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    search = ("fn", "")  # a handler's: its code folder first, then the root

    def file_of(dotted: str) -> tuple[str, str] | str | None:
        found = cache.lambda_import(dotted, search)
        return (found[0].file, found[1]) if isinstance(found, tuple) else found

    assert file_of("secrets") == ("fn/secrets.py", "")  # the task root's, not the library's
    assert file_of("secrets.TOKEN") == ("fn/secrets.py", "TOKEN")
    assert file_of("pkg.helper") == ("fn/pkg/__init__.py", "helper")
    assert file_of("logging") == RUNTIME  # loaded before the handler: fn/logging.py never runs
    assert file_of("json.loads") == RUNTIME
    assert file_of("common") == ("layer/python/common.py", "")  # a layer's
    assert file_of("uuid") == ("layer/python/uuid.py", "")  # layers come before the library
    assert file_of("csv") == STANDARD_LIBRARY
    assert file_of("email.mime") == STANDARD_LIBRARY
    # a standard-library name is searched in the code folder and the layers only: the
    # root's lib/queue.py is on no folder of sys.path
    assert cache.lambda_import("lib.queue", search)[0].file == "lib/queue.py"  # type: ignore[index]
    assert file_of("queue") == STANDARD_LIBRARY
    assert file_of("requests") is None  # bundled with the function, or missing
    # a relative name (`add_import`'s leading dot) is looked up from the root only
    assert file_of(".fn.pkg.helper") == ("fn/pkg/__init__.py", "helper")
    assert file_of(".pkg") is None


def test_may_shadow() -> None:
    assert may_shadow("secrets") and may_shadow("queue")
    assert not may_shadow("logging") and not may_shadow("json")
    assert not may_shadow("requests")
