"""Node.js function declarations (plain and generator) are bound when their block starts,
before the statements that call them (JsAnalyzer.block's hoisting). Fixtures
tests/fixtures/node_block_hoisting (pos: input passed to a function declared below its
call reaches `exec`, and input yielded by a generator declared below its loop; neg: the
same shapes given constants)."""

from __future__ import annotations

from pathlib import Path

from test_node_allow_list_paths import _command_injections

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "node_block_hoisting"


def test_functions_declared_below_their_call_are_followed() -> None:
    found = _command_injections(FIXTURES / "pos")
    assert [(f.location.line, f.message.split("(")[1].split(")")[0]) for f in found] == [
        (9, "event['body']['cmd']"),
        (16, "event['body']['args'][*]")]


def test_constants_given_to_them_stay_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []
