"""Node.js destructuring after an allow-list check: `const { cmd } = body` (also renamed,
with a default, nested, or assigned in parentheses) after `if (!ALLOWED.has(body.cmd))
return` reads the checked path, as `body.cmd` does; a field not checked, a default from
input, an object bound again after the check, a check that holds on one way only and
another object's field stay input. Fixtures tests/fixtures/node_allow_list_destructuring
(neg: every field `exec` reads is checked first)."""

from __future__ import annotations

from pathlib import Path

from test_node_allow_list_paths import _command_injections

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "node_allow_list_destructuring"


def test_destructured_fields_not_checked_stay_input() -> None:
    found = _command_injections(FIXTURES / "pos")
    assert [(f.location.line, f.message.split("(")[1].split(")")[0]) for f in found] == [
        (13, "event['body']['target']"),  # not checked
        (15, "event['headers']['x-mode']"),  # the default is input
        (18, "event['headers']['x-body']['cmd']"),  # the object bound again
        (27, "event['queryStringParameters']['cmd']"),  # checked on one way only
        (29, "event['pathParameters']['cmd']")]  # another object's field


def test_destructured_checked_fields_stay_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []
