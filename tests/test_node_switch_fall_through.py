"""Node.js switch statements: a case that does not leave falls into the next (which may
also be matched itself), and what follows the switch goes on from its breaks, the last
case, and from before it only when there is no `default`; a case that returns gives
nothing to what follows. Fixtures tests/fixtures/node_switch_fall_through (neg: every way
on checks the path `exec` reads or binds it clean; pos: the twins where one way reads
input, two of them flows the engine missed when every case started afresh: input that
falls into the next case and input bound before a `break` inside an if)."""

from __future__ import annotations

from pathlib import Path

from test_node_allow_list_paths import _command_injections

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "node_switch_fall_through"


def test_every_way_on_is_followed() -> None:
    found = _command_injections(FIXTURES / "pos")
    assert [(f.location.line, f.message.split("(")[1].split(")")[0]) for f in found] == [
        (16, "event['body']['cmd']"),  # /run matched directly: not checked
        (29, "event['body']['mode']"),  # the break before the check
        (36, "event['body']['target']"),  # no default: no case may match
        (48, "event['body']['cmd']"),  # input falls into the next case
        (60, "event['body']['cmd']"),  # ... and on through its break
        (60, "event['body']['disk']")]  # bound before a break inside an if


def test_checked_on_every_way_stays_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []
