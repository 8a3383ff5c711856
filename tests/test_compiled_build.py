"""The compiled (mypyc) build's source constraints that a pure run would not notice.

benchmarks/mypyc_build.py lists the modules the optional compiled build compiles. Two
constructs in them break that build while the pure scanner runs fine, so they are checked
here on the source: a module-level `def __getattr__` (the compiled import calls it for
__file__ before the module's globals exist: the import segfaults) and `x in (a, *b)`
(mypyc stops with an internal error).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from mypyc_build import compiled_files  # noqa: E402

COMPILED = compiled_files(ROOT / "src")


def _name(path: Path) -> str:
    return path.relative_to(ROOT / "src").as_posix()


def test_the_compiled_list_holds_the_scan_path() -> None:
    names = {_name(p) for p in COMPILED}
    assert {"faasguard/scan.py", "faasguard/loaders/__init__.py",
            "faasguard/analysis/taint/engine.py", "faasguard/analysis/js/engine.py"} <= names


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_module_has_no_def_getattr_nor_starred_in_tuple(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = [n.lineno for n in tree.body
               if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"]
    assert not defined, f"module-level def __getattr__ at line {defined[0]}: bind it instead"
    starred = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Compare)
               and any(isinstance(op, ast.In | ast.NotIn) for op in n.ops)
               and any(isinstance(c, ast.Tuple) and any(isinstance(e, ast.Starred)
                                                       for e in c.elts)
                       for c in n.comparators)]
    assert not starred, f"`in (a, *b)` at line {starred[0]}: write `== a or in b`"


def test_loaders_reexports_stay_lazy() -> None:
    import faasguard.loaders as loaders
    from faasguard.loaders import documents

    assert loaders.Document is documents.Document
    assert loaders.InputError is documents.InputError
    with pytest.raises(AttributeError, match="faasguard.loaders' has no attribute 'nope'"):
        loaders.nope  # noqa: B018
