"""The regular expressions compiled ahead of time (faasguard.precompiled,
precompiled_patterns.py): each is the pattern `re.compile` makes, the command line finds
them compiled, and a table for another engine or Python is left alone."""

from __future__ import annotations

import _sre
import re
import subprocess
import sys
from pathlib import Path

import pytest

from faasguard import precompiled

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "src" / "faasguard" / "precompiled_patterns.py"
ON_ITS_PYTHON = precompiled.generated_with(str(TABLE)) == tuple(sys.version_info[:2])
ENTRIES = precompiled._patterns(cached_only=False) if ON_ITS_PYTHON else ()

pytestmark = pytest.mark.skipif(not ON_ITS_PYTHON,
                                reason="the table was generated with another Python")


def test_the_table_holds_the_yaml_and_package_patterns() -> None:
    patterns = {entry[0] for entry in ENTRIES}
    import yaml.resolver

    assert len(ENTRIES) > 50
    assert any(p == r"^(?:<<)$" for p in patterns)  # PyYAML's merge key resolver
    assert yaml.resolver.Resolver.yaml_implicit_resolvers  # (imported: compiled)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry[0][:40])
def test_each_stored_pattern_is_the_one_re_compiles(entry: precompiled.PatternEntry) -> None:
    pattern, flags, all_flags, code, groups, index, names = entry
    made = _sre.compile(pattern, all_flags, list(code), groups, index, names)
    fresh = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
    # equal patterns have the same text, flags and engine code
    assert made == fresh
    assert (made.groups, dict(made.groupindex)) == (fresh.groups, dict(fresh.groupindex))


#: Imports every module of the package and PyYAML with the table installed, recording
#: each pattern `re`'s compiler is asked for; prints those the table holds.
_PROBE = """
import importlib, pkgutil, re, sys
from re import _compiler
from faasguard import precompiled
asked = []
real = _compiler.compile
def compile_recorded(p, flags=0):
    asked.append(p)
    return real(p, flags)
_compiler.compile = compile_recorded
with precompiled.installed(cached_only=False):
    import yaml, faasguard
    for found in pkgutil.walk_packages(faasguard.__path__, "faasguard."):
        importlib.import_module(found.name)
stored = {entry[0] for entry in precompiled._patterns(cached_only=False)}
print(len(asked), len([p for p in asked if p in stored]))
"""


def test_the_command_line_compiles_none_of_them_again() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          check=True, cwd=REPO)
    asked, again = (int(n) for n in done.stdout.split())
    assert again == 0
    assert asked < len(ENTRIES)  # most of what the imports compile came from the table


def test_a_table_for_another_engine_is_not_used(monkeypatch) -> None:
    monkeypatch.setattr(_sre, "MAGIC", _sre.MAGIC + 1)
    assert precompiled._patterns(cached_only=False) == ()


def test_patterns_already_cached_are_kept_and_the_cache_keeps_room(monkeypatch) -> None:
    monkeypatch.setattr(re, "_cache", {})
    mine = re.compile("(a)(b)")
    entry = ("(a)(b)", 0) + tuple(_parts("(a)(b)"))
    others = [("x" * n, 0) + tuple(_parts("x" * n)) for n in range(1, 600)]
    precompiled.precompile_patterns((entry, *others))  # type: ignore[arg-type]
    assert re.compile("(a)(b)") is mine
    assert 400 < len(re._cache) <= re._MAXCACHE - 64  # type: ignore[attr-defined]


def _parts(pattern: str) -> tuple:
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, 0)
    names: list[str | None] = [None] * parsed.state.groups
    return (parsed.state.flags, tuple(map(int, _compiler._code(parsed, 0))),
            parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(names))
