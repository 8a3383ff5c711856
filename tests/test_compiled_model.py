"""Constructs that make a compiled (mypyc) class differ from the pure one, kept out of the
modules the optional compiled build compiles (benchmarks/mypyc_build.py), and the pure
build's fast paths that have a compiled twin.

mypyc makes every class of a compiled module a native class: `object.__new__` refuses it
(its own `__new__` allocates it), its instances have no `__dict__`, an attribute it does
not set is undefined (no class attribute to fall back on) and a name bound to another
method in the class body is looked up as an attribute when the class is made (KeyError).
"""

from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path

import pytest

from tests import compiled_support

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from mypyc_build import compiled_files  # noqa: E402

COMPILED = compiled_files(ROOT / "src")


def _name(path: Path) -> str:
    return path.relative_to(ROOT / "src").as_posix()


def test_the_model_and_the_flows_are_compiled() -> None:
    names = {_name(p) for p in COMPILED}
    assert {"faasguard/model.py", "faasguard/findings.py", "faasguard/analysis/taint/flows.py",
            "faasguard/analysis/dependencies.py",
            "faasguard/loaders/terraform/expressions.py"} <= names


def _object_new(tree: ast.Module) -> list[int]:
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and n.attr == "__new__" and isinstance(n.value, ast.Name)
            and n.value.id == "object"]


def _aliased_methods(tree: ast.Module) -> list[str]:
    """`name = method` in a class body, `method` defined in that body."""
    found = []
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef):
            methods = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
            found += [f"{cls.name}.{ast.unparse(n.targets[0])} (line {n.lineno})"
                      for n in cls.body if isinstance(n, ast.Assign)
                      and isinstance(n.value, ast.Name) and n.value.id in methods]
    return found


def _unset_defaults(tree: ast.Module) -> list[str]:
    """Fields `field(default=..., init=False)` of dataclasses without slots: `__init__`
    leaves them to the class attribute."""
    found = []
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        decorators = [ast.unparse(d) for d in cls.decorator_list]
        if not any("dataclass" in d for d in decorators) or \
                any("slots=True" in d for d in decorators):
            continue
        for node in cls.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Call) \
                    and ast.unparse(node.value.func).endswith("field"):
                keywords = {k.arg: ast.unparse(k.value) for k in node.value.keywords}
                if keywords.get("init") == "False" and "default" in keywords:
                    found.append(f"{cls.name}.{ast.unparse(node.target)} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_module_makes_native_classes_as_they_allow(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    made = _object_new(tree)
    assert not made, f"object.__new__ at line {made[0]}: use the class's own __new__"
    aliased = _aliased_methods(tree)
    assert not aliased, f"{aliased[0]}: an alias of a method: define it as a method"
    unset = _unset_defaults(tree)
    assert not unset, f"{unset[0]}: a default __init__ does not set: use a default_factory"


def test_the_checks_find_what_they_look_for() -> None:
    source = '''
_new = object.__new__

@dataclass
class Facts:
    cache: dict | None = field(default=None, init=False)
    kept: dict | None = field(default_factory=lambda: None, init=False)

@dataclass(slots=True)
class Slotted:
    cache: dict | None = field(default=None, init=False)

class Evaluator:
    def _a(self, node): return node
    _b = _a
    _c = 1
'''
    tree = ast.parse(source)
    assert _object_new(tree) == [2]
    assert _aliased_methods(tree) == ["Evaluator._b (line 15)"]
    assert _unset_defaults(tree) == ["Facts.cache (line 6)"]


def test_dependency_facts_init_sets_the_users_cache() -> None:
    """Set on the instance by `__init__`, not read from the class (a compiled class has
    no class attribute to fall back on)."""
    from faasguard.analysis.dependencies import DependencyFacts

    facts = DependencyFacts(functions={"t.yaml#A": ["requirements.txt"],
                                       "t.yaml#B": ["requirements.txt"]})
    assert facts._users is None  # (compiled: AttributeError when __init__ left it unset)
    if not compiled_support.COMPILED:  # (a native instance has no __dict__)
        assert "_users" in vars(facts)  # not the class attribute's
    assert facts.functions_using("requirements.txt") == ["t.yaml#A", "t.yaml#B"]
    assert facts == DependencyFacts(functions=dict(facts.functions))


def test_new_flow_compiled_branch_is_the_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an instance `__dict__` (the compiled build) new_flow calls `Flow(...)`:
    the same flow as the pure build's fast path makes."""
    from faasguard.analysis.taint import flows
    from faasguard.findings import FlowStep
    from faasguard.model import Location

    values = ("sql", "FG-INJ-003", "cursor.execute", Location("app.py", 9), "query string",
              "event['q']", (FlowStep(Location("app.py", 4), "source"),), "t.yaml#Fn",
              "app.py:handler", "app.py:handler", True, True, False, ())
    fast = flows.new_flow(*values)
    monkeypatch.setattr(flows, "_HAS_DICT", False)
    made = flows.new_flow(*values)
    assert type(made) is flows.Flow and made == fast == flows.Flow(*values)
    assert dataclasses.astuple(made) == dataclasses.astuple(fast)


def test_described_locations_use_the_classes_own_new() -> None:
    from faasguard.analysis.taint import project
    from faasguard.findings import FlowStep
    from faasguard.model import Location

    assert project._new_step is FlowStep.__new__
    assert "__init__" in vars(Location)  # made by its own (written) __init__, not __new__
