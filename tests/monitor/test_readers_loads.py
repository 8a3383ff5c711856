"""`readers.base.loads`: orjson's speed, `json.loads`'s answers (but for huge integers)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from faasguard.monitor.readers.base import loads

AGREE = [
    '{"a": 1, "b": [true, false, null], "c": {"d": "e\\u00e9"}}',
    '{"a":1,"a":2}',  # the last of duplicate keys wins
    '{"big": 18446744073709551615, "small": -9223372036854775808}',  # 64-bit limits
    '{"f": 0.1, "g": -0.0, "h": 1e-7, "i": 12345678901234567.5}',
    '{"s": "\\ud83d\\ude00 and a lone \\ud800"}',  # a lone surrogate escape
    '[1, 2, 3]  ',
    '"just a string"',
    "\ufeff{}".lstrip("\ufeff"),
]


@pytest.mark.parametrize("text", AGREE)
def test_values_are_those_of_the_standard_library(text: str) -> None:
    assert _same(loads(text), json.loads(text))
    assert _same(loads(text.encode()), json.loads(text.encode()))


def test_nan_and_infinity_are_read_as_the_standard_library_reads_them() -> None:
    value = loads('{"a": NaN, "b": Infinity, "c": -Infinity, "d": 1e400}')
    assert math.isnan(value["a"])
    assert value["b"] == value["d"] == math.inf and value["c"] == -math.inf


def test_integers_beyond_64_bits_are_the_nearest_float() -> None:
    # the one documented difference from json.loads (which keeps the exact int)
    value = loads(b'{"id": 123456789012345678901234567890}')
    assert value["id"] == 1.2345678901234568e29 and isinstance(value["id"], float)


@pytest.mark.parametrize("text", ['{"a": ', "{'a': 1}", '{"a": 1} x', "", "[INFO] hello"])
def test_what_is_not_json_raises_the_standard_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        loads(text)
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    assert caught.value.msg == expected.value.msg


def test_very_deep_nesting_fails_as_in_the_standard_library() -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(RecursionError):
        json.loads(text)
    with pytest.raises(RecursionError):
        loads(text)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down (1 == 1.0 is not the same value)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (isinstance(a, float) and math.isnan(a) and math.isnan(b))
