"""Node.js allow-list checks of an access path: `if (!ALLOWED.includes(body.cmd)) return`
makes `body.cmd` (and `body["cmd"]`) safe after it, as the same check of a bare name does;
`body.target`, a field not checked, stays input, and so does a path checked on one way of
an if that both ways leave or in a loop, or a checked path written again, or whose object
is bound again in a loop, a try body or a switch case. Fixtures
tests/fixtures/node_allow_list_paths (neg: every field `exec` reads is checked first)."""

from __future__ import annotations

from pathlib import Path

from faasguard.findings import Finding
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "node_allow_list_paths"


def _command_injections(folder: Path) -> list[Finding]:
    return sorted((f for f in scan(str(folder)).findings
                   if f.rule_id == "FG-INJ-001" and not f.suppressed),
                  key=lambda f: (f.location.line, f.message))


def test_only_the_checked_path_is_cleared() -> None:
    found = _command_injections(FIXTURES / "pos")
    assert [(f.location.line, f.message.split("(")[1].split(")")[0]) for f in found] == [
        (13, "event['body']['target']"),  # not checked
        (18, "event['body']['host']"),  # checked on one way of the if only
        (21, "event['headers']['x-cmd']['cmd']"),  # written again: what was written,
        (21, "event['body']['cmd']"),  # and the object's fields (it is one value)
        (28, "event['headers']['x-cmd']['mode']"),  # checked in a loop that may run no
        (28, "event['body']['mode']"),  # time
        # the checked object bound again in a loop, in a try body that leaves (read in
        # the handler), in one case of a switch: its checked path is input again
        (41, "event['multiValueHeaders']['x-cmd'][*]['cmd']"),
        (41, "event['body']['cmd']"),
        (55, "event['headers']['x-retry']['cmd']"),
        (55, "event['body']['cmd']"),
        (73, "event['headers']['x-alt']['cmd']"),
        (73, "event['body']['cmd']")]


def test_checked_paths_stay_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []
