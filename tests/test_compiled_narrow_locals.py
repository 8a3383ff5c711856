"""Locals whose first value is narrower than what they later hold. mypy types a local by its
first assignment; the compiled (mypyc) build checks that type at every later assignment of a
value typed Any, and raised TypeError where the pure build ran on (serverless.ts: `_name`'s
Unknown, 77 tests; below, a MethodSettings ResourcePath that is not a string, a
serverless.yml layer keyed by a number: found with mypy's types of the compiled modules).
These run on both builds (benchmarks/compiled_tests.py); tests/test_compiled_build.py
checks the source for the constructor form."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders.template import route_throttles
from faasguard.model import Ref
from faasguard.scan import scan


def test_a_resource_path_that_is_no_string_is_left_out() -> None:
    settings = [{"ResourcePath": "/~1orders", "HttpMethod": "GET", "ThrottlingRateLimit": 5},
                {"ResourcePath": Ref("Path"), "HttpMethod": "GET", "ThrottlingRateLimit": 7},
                {"ResourcePath": {"Fn::Sub": "/${P}"}, "ThrottlingBurstLimit": 9}]
    limits = route_throttles(settings)
    assert list(limits) == [("GET", "/orders")]
    assert route_throttles(settings[1:]) == {}


def test_a_layer_keyed_by_a_number_is_read(tmp_path: Path) -> None:
    """serverless.yml's `layers: {1: ...}`: YAML makes the key an int (the loader's logical
    ids loop had bound `key` to the functions' str keys first)."""
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nlayers:\n  1:\n"
        "    path: layer\nfunctions:\n  hello:\n    handler: handler.main\n")
    (tmp_path / "handler.py").write_text("def main(event, context):\n    return 1\n")
    result = scan(str(tmp_path))
    assert [d.message for d in result.app.diagnostics if "internal error" in d.message] == []
    assert list(result.app.functions) == ["serverless.yml#hello"]
