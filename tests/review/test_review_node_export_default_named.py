"""Review of the Node.js handler resolution and imports on ES modules: a named function
declaration exported as the default, `export default async function list(event) {}`, was
exported under its name only. A handler `src/list.default` was then 'exports no function
named default' (a warning; its flow only code 'not reached from any handler found'), and
`import render from "./render.mjs"` did not reach `export default function render(name)`:
the command injection there, from the path parameter, was not reported at all. (An
anonymous `export default async (event) => {}` was read.) Fixtures
tests/fixtures/review_node_export_default_named (neg: execFileSync with argument arrays)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_export_default_named"


def test_a_named_default_export_is_the_default() -> None:
    found = {f.location.file: f for f in findings(FIXTURES / "pos", "FG-INJ-001")}
    assert sorted((file, f.location.line) for file, f in found.items()) == [
        ("src/list.mjs", 4), ("src/render.mjs", 4)]
    assert "in function 'list'" in found["src/list.mjs"].message
    assert "in function 'show'" in found["src/render.mjs"].message
    assert not [d for d in scan(str(FIXTURES / "pos")).diagnostics if d.code == "handler"]


def test_the_argument_array_twin_stays_silent() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-001") == []
