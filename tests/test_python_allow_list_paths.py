"""Python allow-list checks of an access path: `if body["cmd"] not in ALLOWED: return`
makes `body["cmd"]` (and `body.get("cmd")`, `body.cmd`) safe after it, as the same check
of a bare name does; a field not checked and the object itself stay input, and so does a
path checked on one way of an if that both ways leave or in a loop, or a checked path
whose object is written or updated again. Fixtures tests/fixtures/python_allow_list_paths
(neg: every field a command reads is checked first, on every way to it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from faasguard.analysis.taint.paths import access_path
from faasguard.findings import Finding
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "python_allow_list_paths"


def _command_injections(folder: Path) -> list[tuple[int, str]]:
    found: list[Finding] = [f for f in scan(str(folder)).findings
                            if f.rule_id == "FG-INJ-001" and not f.suppressed]
    return sorted((f.location.line, f.message.split("(")[1].split(")")[0]) for f in found)


def test_only_the_checked_path_is_cleared() -> None:
    assert _command_injections(FIXTURES / "pos") == [
        (14, "event['body']['target']"),  # not checked
        (15, "event['body']"),  # the object itself
        (19, "event['body']['host']"),  # checked on one way of the if only
        (24, "event['body']['mode']"),  # checked in a loop that may run no time
        (27, "event['body']['cmd']"),  # written again: the object's fields (one value)
        (27, "event['headers']['x-cmd']['cmd']"),  # and what was written
        (31, "event['body']['zone']"),  # its object bound again
        (34, "event['queryStringParameters']['region']"),  # a sibling of a checked path
        (39, "event['body']['user']"),  # its object updated
        (45, "event['body']['role']"),  # its object bound again in a loop: the value
        (45, "event['multiValueHeaders']['x-role'][*]['role']"),  # before or after it
    ]


def test_checked_paths_stay_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []


@pytest.mark.parametrize(("source", "path"), [
    ('body["cmd"]', "body['cmd']"),
    ('body.get("cmd")', "body['cmd']"),
    ('body.get("cmd", "uptime")', "body['cmd']"),
    ("body.cmd", "body['cmd']"),
    ('getattr(body, "cmd")', "body['cmd']"),
    ('getattr(body, "cmd", None)', "body['cmd']"),
    ("getattr(body, name)", ""),
    ('getattr(body, "cmd", None, 1)', ""),
    ('event["queryStringParameters"]["mode"]', "event['queryStringParameters']['mode']"),
    ('event.get("queryStringParameters", {}).get("mode")',
     "event['queryStringParameters']['mode']"),
    ("body[key]", ""),
    ("body[0]", ""),
    ('load(x)["cmd"]', ""),
    ('body.pop("cmd")', ""),
])
def test_access_path_names_one_key_three_ways(source: str, path: str) -> None:
    node = ast.parse(source, mode="eval").body
    assert access_path(node) == path
