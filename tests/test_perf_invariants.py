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


IAM_PATTERNS: list[tuple[Any, ...]] = [
    (), ("*",), ("*:*",), ("s3:GetObject",), ("S3:getobject ",), ("s3:Get*", "iam:PassRole"),
    ("iam:*Role*", "lambda:Create?unction"), ("sts:AssumeRole", "sts:*"), ("ec2:Describe*",),
    ("iam:PassRole", 7, None),  # entries that are not strings are ignored
]
IAM_ACTIONS = ["s3:GetObject", "s3:getobject", "S3:PUTOBJECT", "iam:PassRole", "iam:passrole\n",
               "iam:CreateRole", "lambda:CreateFunction", "lambda:CreateXunction",
               "sts:AssumeRole", "ec2:DescribeInstances", "dynamodb:PutItem", "iam:Pass"]


@pytest.mark.parametrize("patterns", IAM_PATTERNS, ids=range(len(IAM_PATTERNS)))
def test_statement_matcher_answers_as_each_pattern_would(patterns: tuple[Any, ...]) -> None:
    from faasguard.rules.iam_tables import action_matches, any_matches

    for action in IAM_ACTIONS:
        expected = any(isinstance(p, str) and action_matches(p, action) for p in patterns)
        assert any_matches(patterns, action) is expected, (patterns, action)


def test_statement_matcher_with_unhashable_entries() -> None:
    from faasguard.rules.iam_tables import any_matches

    patterns: tuple[Any, ...] = ({"Ref": "Action"}, "s3:Get*")
    assert any_matches(patterns, "s3:GetObject")
    assert not any_matches(patterns, "s3:PutObject")
