"""The model's annotations say what the loaders store.

Compiled (mypyc), model.py's classes check a value against its field's annotation when it
is stored or read into a typed local: a value the annotation does not admit raised
TypeError where the pure build went on (an `Unknown` in `Statement.actions`, typed
`tuple[str, ...]`, or in `ResourcePolicy.function_url_auth_type`, typed `str | None`, for a
template parameter). These scans walk every model object and check each field's value
against its annotation (pure: a compiled class keeps no annotations to read; there the
scan itself is the check).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any

import pytest

import faasguard.model as model
from faasguard.model import Unknown
from faasguard.scan import scan
from tests.compiled_support import COMPILED, pure_only

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _admits(value: Any, hint: Any) -> bool:
    """Does `value` have the type `hint` (an annotation of model.py, resolved) says?"""
    if hint is Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(_admits(value, arm) for arm in args)
    if hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in args
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_admits(item, args[0]) for item in value)
        return len(args) == len(value) and all(map(_admits, value, args))
    if origin is list:
        return isinstance(value, list) and all(_admits(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _admits(k, args[0]) and _admits(v, args[1]) for k, v in value.items())
    if origin is not None:
        return isinstance(value, origin)
    if hint is float:
        return isinstance(value, int | float)
    return isinstance(value, hint)


def _mistyped(root: Any) -> list[str]:
    """`path.field: value` for each field of a model object reachable from `root` whose
    value its annotation does not admit."""
    found: list[str] = []
    hints: dict[type, dict[str, Any]] = {}
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("app", root)]
    while stack:
        path, obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if dataclasses.is_dataclass(obj) and type(obj).__module__ == model.__name__:
            cls = type(obj)
            if cls not in hints:
                hints[cls] = typing.get_type_hints(cls, vars(model))
            for field in dataclasses.fields(obj):
                value = getattr(obj, field.name)
                if not _admits(value, hints[cls][field.name]):
                    found.append(f"{path}.{field.name}: {value!r}")
                stack.append((f"{path}.{field.name}", value))
        elif isinstance(obj, list | tuple):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(obj))
        elif isinstance(obj, dict):
            stack.extend((f"{path}[{key!r}]", item) for key, item in obj.items())
    return sorted(found)


_NO_ANNOTATIONS = "reads the model classes' annotations (a compiled class keeps none)"


@pure_only(_NO_ANNOTATIONS)
def test_the_check_finds_a_value_its_annotation_does_not_admit() -> None:
    statement = model.Statement("Allow", actions=("s3:GetObject",))
    assert _mistyped(statement) == []
    statement.sid = 5  # type: ignore[assignment]
    assert _mistyped(statement) == ["app.sid: 5"]


def test_parameters_in_a_template_are_unknowns_the_model_admits() -> None:
    """RetentionInDays, a permission's Action and FunctionUrlAuthType, a bucket policy's
    actions from parameters: Unknown in the model, where the annotations say so."""
    app = scan(str(FIXTURES / "model_types_unknowns")).app
    by_id = {p.id.split("#")[1]: p for p in app.resource_policies}
    permission = by_id["UrlPermission"]
    assert isinstance(permission.function_url_auth_type, Unknown)
    assert isinstance(permission.statement.actions[0], Unknown)
    assert [type(a) for a in by_id["BucketPolicy:0"].statement.actions] == [Unknown, int]
    assert COMPILED or _mistyped(app) == []


@pure_only(_NO_ANNOTATIONS)
@pytest.mark.parametrize("name", ["terraform", "model_types_unknowns"])
def test_loaded_models_hold_what_their_annotations_say(name: str) -> None:
    assert _mistyped(scan(str(FIXTURES / name)).app) == []
