"""The model classes whose `__init__` is written in their source (model.FIELD_INITS): each
takes its fields in order with the defaults @dataclass gives them, sets every field, and
its instances compare, hash, copy and pickle as dataclasses' own `__init__`'s did."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from faasguard import model
from faasguard.model import FIELD_INITS, Location


def _required(cls: type) -> list[Any]:
    """Values for the fields without a default (distinct, so a mix-up shows), of their
    types (the compiled build checks them)."""
    typed: dict[str, Any] = {"line": 7, "location": Location("f.yaml", 3)}
    return [typed.get(f.name, f"{cls.__name__}.{f.name}") for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]


@pytest.mark.parametrize("cls", FIELD_INITS, ids=lambda cls: cls.__name__)
def test_the_written_init_takes_the_fields_in_order(cls: type) -> None:
    init = vars(cls)["__init__"]
    if not hasattr(init, "__code__"):
        pytest.skip("compiled: a native __init__ (the pure build checks the same source)")
    assert init.__code__.co_filename == model.__file__  # written, not dataclasses'
    parameters = list(inspect.signature(init).parameters.values())[1:]
    assert [p.name for p in parameters] == [f.name for f in dataclasses.fields(cls)]
    for parameter, f in zip(parameters, dataclasses.fields(cls), strict=True):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if f.default is not dataclasses.MISSING:
            assert parameter.default == f.default, f.name
        elif f.default_factory is not dataclasses.MISSING:
            assert parameter.default is None, f.name  # None: a fresh one per instance
        else:
            assert parameter.default is inspect.Parameter.empty, f.name


@pytest.mark.parametrize("cls", FIELD_INITS, ids=lambda cls: cls.__name__)
def test_the_written_init_sets_every_field_as_dataclasses_would(cls: type) -> None:
    required = _required(cls)
    made, again = cls(*required), cls(*required)
    for f in dataclasses.fields(cls):
        value = getattr(made, f.name)
        if f.default_factory is not dataclasses.MISSING:
            assert value == f.default_factory() and value is not getattr(again, f.name)
        elif f.default is not dataclasses.MISSING:
            assert value == f.default
    assert made == again and repr(made) == repr(again)
    given = cls(**{f.name: getattr(made, f.name) for f in dataclasses.fields(cls)})
    assert given == made
    assert "__reduce_ex__" in vars(cls)  # pickle_by_fields took it: a call with the fields
    assert pickle.loads(pickle.dumps(made)) == made and copy.copy(made) == made
    first = dataclasses.fields(cls)[0].name
    assert getattr(dataclasses.replace(made, **{first: "other"}), first) == "other"


def test_frozen_classes_stay_frozen_and_hash_by_their_fields() -> None:
    location = Location("template.yaml", 3)
    assert location == Location("template.yaml", 3, None)
    assert hash(location) == hash(Location("template.yaml", 3))
    assert location != Location("template.yaml", 3, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        location.line = 4  # type: ignore[misc]
    ref = model.Ref("t.yaml#Queue", "Arn")
    assert {ref: 1}[model.Ref("t.yaml#Queue", "Arn")] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.target = "x"  # type: ignore[misc]
