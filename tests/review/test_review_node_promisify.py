"""Review of the Node.js taint analysis on a realistic service: `util.promisify` of a
child_process function (`const run = promisify(exec)`, the usual way to await a shell
command) is that function. The promisified call recorded nothing, so an S3 key or an SQS
body reaching `run(...)` was no FG-INJ-001 where `exec(...)` was. Fixtures
tests/fixtures/review_node_promisify (pos: ES module and CommonJS forms; neg: execFile
with an argument array, exec of a constant command)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_promisify"


def test_a_promisified_exec_is_a_command_sink() -> None:
    found = findings(FIXTURES / "pos", "FG-INJ-001")
    assert sorted((f.location.file, f.location.line) for f in found) == [
        ("src/convert.js", 9), ("src/render.mjs", 9)]
    assert all("child_process.exec" in f.message for f in found)


def test_a_promisified_exec_file_or_constant_command_is_not() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-001") == []
