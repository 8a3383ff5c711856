"""intrinsics.resolve at its depth limit: what lies below it is unknown, scalars at the
limit too; a mapping or list as read with nothing to resolve is kept as it is."""

from faasguard.loaders.documents import parse
from faasguard.loaders.intrinsics import Scope, resolve
from faasguard.model import Ref, Unknown

TEXT = "a:\n  b:\n    c: 1\n    d: [x, {Ref: R}]\n"
DEEP = Unknown("nesting too deep")


def _resolve(limit):
    return resolve(parse(TEXT).data, Scope(file="t.yml", resources={"R": "AWS::S3::Bucket"},
                                           depth_limit=limit))


def test_what_lies_below_the_depth_limit_is_unknown():
    assert _resolve(1) == {"a": {"b": DEEP}}
    assert _resolve(2) == {"a": {"b": {"c": DEEP, "d": DEEP}}}
    assert _resolve(3) == {"a": {"b": {"c": 1, "d": [DEEP, DEEP]}}}
    assert _resolve(4) == {"a": {"b": {"c": 1, "d": ["x", Ref("t.yml#R")]}}}


def test_a_value_as_read_without_intrinsics_is_kept():
    data = parse("a:\n  b: [1, {c: x}]\n").data
    assert resolve(data, Scope(file="t.yml", depth_limit=4)) is data
    assert resolve(data, Scope(file="t.yml", depth_limit=3)) is not data
