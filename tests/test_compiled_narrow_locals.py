"""Locals whose first value is narrower than what they later hold. mypy types a local by its
first assignment; the compiled (mypyc) build checks that type at every later assignment of a
value typed Any, and raised TypeError where the pure build ran on (serverless.ts: `_name`'s
Unknown, 77 tests; below, a MethodSettings ResourcePath that is not a string). These run on
both builds (benchmarks/compiled_tests.py); tests/test_compiled_build.py checks the source
for the constructor form."""

from __future__ import annotations

from faasguard.loaders.template import route_throttles
from faasguard.model import Ref


def test_a_resource_path_that_is_no_string_is_left_out() -> None:
    settings = [{"ResourcePath": "/~1orders", "HttpMethod": "GET", "ThrottlingRateLimit": 5},
                {"ResourcePath": Ref("Path"), "HttpMethod": "GET", "ThrottlingRateLimit": 7},
                {"ResourcePath": {"Fn::Sub": "/${P}"}, "ThrottlingBurstLimit": 9}]
    limits = route_throttles(settings)
    assert list(limits) == [("GET", "/orders")]
    assert route_throttles(settings[1:]) == {}
