"""Structural properties the scan's speed relies on (never timings): same output as the
slow way, each file read once, each question answered once."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from faasguard.report.jsontext import dumps


class _Label(str):
    pass


class _Count(int):
    pass


class _Colour(enum.Enum):
    RED = "red"


JSON_SAMPLES: list[Any] = [
    {}, [], (), "", 0, -7, 1.5, -0.0, 1e300, None, True, False,
    {"a": [], "b": {}, "c": [{}], "d": [[]]},
    {3: "int key", 2.5: "float key", True: "bool key", False: "false", None: "none key"},
    [float("nan"), float("inf"), -float("inf")],
    "quotes \" backslash \\ newline \n tab \t nul \x00 line sep \u2028 accents é 漢字 😀",
    (1, (2, (3,))),
    _Label("a str subclass"), _Count(12), {_Label("k"): [_Label("v")]},
    {"enum": _Colour.RED, "in a list": [_Colour.RED], "set": frozenset()},
    {"deep": {"deeper": {"deepest": [1, {"x": [None, "y"]}]}}},
]


@pytest.mark.parametrize("value", JSON_SAMPLES, ids=range(len(JSON_SAMPLES)))
def test_jsontext_writes_the_bytes_json_dumps_writes(value: Any) -> None:
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False, default=str)


def test_jsontext_other_indent() -> None:
    value = {"a": [1, {"b": "c"}]}
    assert dumps(value, indent=4) == json.dumps(value, indent=4)


def test_jsontext_rejects_keys_json_rejects() -> None:
    with pytest.raises(TypeError):
        json.dumps({(1, 2): 1})
    with pytest.raises(TypeError):
        dumps({(1, 2): 1})
