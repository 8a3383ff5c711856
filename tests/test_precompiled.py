"""faasguard.precompiled: the command line's dataclasses take their methods compiled ahead
of time (src/faasguard/precompiled_methods.py), and those methods are the ones
`@dataclass` compiles itself."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import py_compile
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from faasguard import precompiled
from faasguard.cli import main
from tests.compiled_support import pure_only

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "scripts" / "gen_precompiled_methods.py"
TABLE = REPO / "src" / "faasguard" / "precompiled_methods.py"

#: Imports every module of the package, inside `precompiled.installed` when argv[1] is
#: "table", else as the generator (argv[2]) does, and prints for every dataclass each
#: method dataclasses made: its code with the file name and first line left out, its
#: defaults, annotations, names, closure, and the file its code was compiled from; and
#: whether the generated file is what the generator writes now.
_PROBE = """
import dataclasses, importlib, importlib.util, json, marshal, pkgutil, re, sys
import faasguard
from faasguard import precompiled

def plain(code):
    consts = tuple(plain(c) if hasattr(c, "co_code") else c for c in code.co_consts)
    return code.replace(co_filename="", co_firstlineno=1, co_consts=consts)

def describe(function):
    cells = [repr(c.cell_contents) for c in function.__closure__ or ()]
    return {"code": marshal.dumps(plain(function.__code__)).hex(),
            "defaults": repr(function.__defaults__), "kwdefaults": repr(function.__kwdefaults__),
            "annotations": repr(function.__annotations__), "qualname": function.__qualname__,
            "module": function.__module__, "doc": function.__doc__, "closure": cells,
            "globals": function.__globals__ is sys.modules[function.__module__].__dict__}

stale = stale_patterns = None
if sys.argv[1] == "table":
    with precompiled.installed(cached_only=False):
        for found in pkgutil.walk_packages(faasguard.__path__, "faasguard."):
            importlib.import_module(found.name)
else:
    spec = importlib.util.spec_from_file_location("generator", sys.argv[2])
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    sources, patterns = generator.collect()
    stale = generator.render(sources) != generator.OUT.read_text(encoding="utf-8")
    stale_patterns = generator.render_patterns(patterns) != \
        generator.PATTERNS_OUT.read_text(encoding="utf-8")
classes, files = {}, set()
for module in list(sys.modules.values()):
    for value in list(vars(module).values()):
        if not (isinstance(value, type) and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
                and value.__module__.startswith("faasguard.")):
            continue
        methods = {}
        for name, attr in vars(value).items():
            function = getattr(attr, "__wrapped__", attr)  # __repr__: recursion guard
            code = getattr(function, "__code__", None)
            if code is not None and (code.co_qualname.startswith("__create_fn__.")
                                     if hasattr(code, "co_qualname")  # 3.10: none, and
                                     else code.co_filename == "<string>"):  # no table
                methods[name] = describe(function)
                files.add(code.co_filename)
        classes[f"{value.__module__}.{value.__qualname__}"] = {
            "methods": methods, "params": repr(value.__dataclass_params__),
            "fields": repr(dataclasses.fields(value))}
text = json.dumps({"classes": classes, "files": sorted(files), "stale": stale,
                   "stale_patterns": stale_patterns})
print(re.sub(" at 0x[0-9a-f]+", " at 0x", text))  # the addresses in reprs
"""


@pytest.fixture(scope="module")
def probes() -> dict[str, dict]:
    """The probe's output without the table (as the generator imports) and with it."""
    found = {}
    for mode in ("compile", "table"):
        done = subprocess.run([sys.executable, "-c", _PROBE, mode, str(GENERATOR)],
                              capture_output=True, text=True, check=True, cwd=REPO)
        found[mode] = json.loads(done.stdout)
    return found


#: The Python the table was generated with, and whether it is this one (on another, the
#: table is not used, and its sources are not those this Python's dataclasses write).
GENERATED_WITH = precompiled.generated_with(str(TABLE))
ON_ITS_PYTHON = GENERATED_WITH == (sys.version_info[0], sys.version_info[1])


@pytest.mark.skipif(not ON_ITS_PYTHON, reason=f"the table was generated with Python "
                    f"{GENERATED_WITH}: another Python's dataclasses write other sources")
def test_generated_table_is_up_to_date(probes: dict[str, dict]) -> None:
    assert probes["compile"]["stale"] is False, \
        f"{TABLE.name} is stale: run python3 scripts/gen_precompiled_methods.py"


@pytest.mark.skipif(not ON_ITS_PYTHON, reason=f"the tables were generated with Python "
                    f"{GENERATED_WITH}: another Python's compiler makes other code")
@pure_only("the generator reads the pure modules' patterns; compiled ones compile none")
def test_generated_patterns_are_up_to_date(probes: dict[str, dict]) -> None:
    assert probes["compile"]["stale_patterns"] is False, \
        "precompiled_patterns.py is stale: run python3 scripts/gen_precompiled_methods.py"


def test_check_mode_reports_a_stale_table(tmp_path: Path, monkeypatch) -> None:
    spec = importlib.util.spec_from_file_location("gen_precompiled_methods", GENERATOR)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    source = "def __create_fn__():\n def __eq__(self,other):\n  return True\n return __eq__"
    entry = generator.compiled_parts("(?P<word>[a-z]+)-(\\d)", 2)
    monkeypatch.setattr(generator, "collect", lambda: ([source], [entry]))
    monkeypatch.setattr(generator, "OUT", tmp_path / "precompiled_methods.py")
    monkeypatch.setattr(generator, "PATTERNS_OUT", tmp_path / "precompiled_patterns.py")
    generator.OUT.write_text("CODE = {}\n")
    generator.PATTERNS_OUT.write_text("PATTERNS = ()\n")
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    written: dict = runpy.run_path(str(generator.OUT))["CODE"]
    assert list(written) == [source]
    assert written[source].co_name == "__create_fn__"
    assert runpy.run_path(str(generator.PATTERNS_OUT))["PATTERNS"] == (entry,)


@pure_only("a compiled dataclass's methods come from mypyc, not the precompiled table")
def test_every_dataclass_gets_the_methods_dataclasses_compiles(
        probes: dict[str, dict]) -> None:
    compiled, table = probes["compile"], probes["table"]
    assert len(table["classes"]) > 100
    assert table["classes"] == compiled["classes"]
    # and they came from the table, not from compiling their sources again (on the
    # Python it was generated with; on another, the table is not used)
    assert compiled["files"] == ["<string>"]
    assert [Path(name).name for name in table["files"]] == \
        [TABLE.name if ON_ITS_PYTHON else "<string>"]


def test_an_unknown_dataclass_is_compiled_as_usual() -> None:
    with precompiled.installed(cached_only=False):
        @dataclasses.dataclass(frozen=True, order=True)
        class Unusual:
            zq_first: int
            zq_second: list[str] = dataclasses.field(default_factory=list)

    value = Unusual(2)
    assert value == Unusual(2, []) and value < Unusual(3)
    assert repr(value) == f"{Unusual.__qualname__}(zq_first=2, zq_second=[])"
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.zq_first = 3  # type: ignore[misc]
    assert Unusual.__init__.__code__.co_filename == "<string>"
    # compiled without faasguard.precompiled's future features: the annotation is the
    # field's type (a string here, from this module's), not the name of its argument
    assert Unusual.__init__.__annotations__["zq_first"] == "int"


def test_the_command_line_leaves_dataclasses_as_it_found_them(capsys) -> None:
    assert main(["rules"]) == 0
    assert "exec" not in vars(dataclasses)
    with pytest.raises(SystemExit):
        main(["scan", "--no-such-option"])
    assert "exec" not in vars(dataclasses)
    capsys.readouterr()


def _probe_module(tmp_path: Path, package: str, monkeypatch) -> Path:
    """The path of `<package>.table` (not written yet) in a package importable from
    `tmp_path`."""
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    return folder / "table.py"


def test_the_table_is_loaded_only_where_its_bytecode_is_kept(tmp_path: Path,
                                                             monkeypatch) -> None:
    source = _probe_module(tmp_path, "pc_probe", monkeypatch)
    source.write_text("CODE = {}\n")
    cache = tmp_path / "pyc"
    monkeypatch.setattr(sys, "pycache_prefix", str(cache))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def kept(module: str) -> bool:
        return precompiled._bytecode_kept(importlib.util.find_spec(module))

    assert not kept("pc_probe.table")  # none cached, none written
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert kept("pc_probe.table")  # written by its first import
    cache.mkdir(mode=0o500)  # a cache folder that cannot be written to
    if not os.access(cache, os.W_OK):  # (root writes anywhere)
        assert not kept("pc_probe.table")
    cache.chmod(0o700)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    spec = importlib.util.find_spec("pc_probe.table")
    assert spec is not None and spec.cached
    py_compile.compile(str(source), cfile=spec.cached, doraise=True)
    assert kept("pc_probe.table")  # cached: loaded, never compiled
    source.write_text("CODE = {'changed': None}\n")  # another size: the bytecode is stale
    assert not kept("pc_probe.table")
    assert not kept("pc_probe.no_such_module")


def test_a_table_generated_with_another_python_is_not_imported(tmp_path: Path,
                                                               monkeypatch) -> None:
    table = _probe_module(tmp_path, "pc_other", monkeypatch)
    monkeypatch.setattr(precompiled, "TABLE_MODULE", "pc_other.table")
    try:
        for other in ((2, 7), (sys.version_info[0], sys.version_info[1] + 1)):
            table.write_text(f'"""A table."""\n\nPYTHON = {other!r}\nCODE = {{"x": None}}\n')
            assert precompiled.generated_with(str(table)) == other
            assert precompiled._table(cached_only=False) == {}
            assert "pc_other.table" not in sys.modules  # not even imported
        this = (sys.version_info[0], sys.version_info[1])
        table.write_text(f'"""A table."""\n\nPYTHON = {this!r}\nCODE = {{"x": None}}\n')
        assert precompiled._table(cached_only=False) == {"x": None}
        table.write_text('CODE = {"x": None}\n')  # names no Python: not imported either
        assert precompiled.generated_with(str(table)) is None
    finally:
        sys.modules.pop("pc_other.table", None)
        sys.modules.pop("pc_other", None)


def test_the_generated_table_names_its_python() -> None:
    assert precompiled.generated_with(str(TABLE)) is not None


def test_no_table_where_its_bytecode_is_not_kept(monkeypatch) -> None:
    monkeypatch.setattr(precompiled, "_bytecode_kept", lambda module: False)
    assert precompiled._table() == {}
    table = precompiled._table(cached_only=False)
    assert len(table) > 300 if ON_ITS_PYTHON else table == {}
