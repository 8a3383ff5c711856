"""The compiled (mypyc) build still compiles: CI's check, without the C compiler.

A source change can break the optional compiled build (README.md, "Compiled build";
benchmarks/mypyc_build.py lists what is compiled) while every pure test passes: a construct
mypyc refuses, or a type error in a module it compiles. mypyc's own type check, IR and C
generation (`mypyc_build.py --generate-only`) find those in about a minute of one CPU and
1.5 GiB, where the whole build takes about 7 minutes of CPU. What only the C compiler or
the compiled import would find is left to the full build and benchmarks/compiled_tests.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from compiled_support import COMPILED

REPO = Path(__file__).resolve().parents[1]

#: mypyc_build.py's main, whose process then ends without freeing mypy's 1.5 GiB of objects
#: one by one (an error ends it as usual: mypyc exits)
_GENERATE = ("import os, sys; sys.path.insert(0, sys.argv[1]); import mypyc_build; "
             "code = mypyc_build.main(sys.argv[2:]); sys.stdout.flush(); os._exit(code)")


def _generate(tree: Path) -> subprocess.CompletedProcess[str]:
    """mypyc_build.py's type check and C generation of the checkout at `tree` (whose
    src/faasguard it compiles, writing the C under tree/build)."""
    pytest.importorskip("mypyc")
    shutil.copy(REPO / "pyproject.toml", tree)  # mypyc reads its mypy settings there
    return subprocess.run([sys.executable, "-c", _GENERATE, str(REPO / "benchmarks"),
                           str(tree), "--generate-only"],
                          capture_output=True, text=True, timeout=1800, check=False)


def _errors(done: subprocess.CompletedProcess[str]) -> str:
    """mypyc's errors (its warnings left out), or the end of its output."""
    lines = (done.stdout + done.stderr).splitlines()
    errors = [line for line in lines if ": error:" in line]
    return "\n".join(errors or lines[-40:])


@pytest.mark.skipif(COMPILED, reason="compiled build: it is compiled already")
def test_the_compiled_modules_still_compile(tmp_path: Path) -> None:
    # a copy: the build writes build/ in the tree and removes the .so files in its src
    shutil.copytree(REPO / "src" / "faasguard", tmp_path / "src" / "faasguard",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "data"))
    done = _generate(tmp_path)
    code = done.returncode
    assert code == 0, f"the compiled build no longer compiles:\n{_errors(done)}"


def test_a_construct_mypyc_refuses_fails_the_check(tmp_path: Path) -> None:
    package = tmp_path / "src" / "faasguard"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "names.py").write_text('class Name(str):\n    """A name."""\n')
    done = _generate(tmp_path)
    code = done.returncode
    assert code != 0
    assert "src/faasguard/names.py:1: error: Inheriting from most builtin types" in _errors(done)
