"""The taint engine leaves out, in a handler's own body, what no flow can depend on: an
expression statement that nothing reads (`console.log(...)`, an SDK call), and the
second pass over a loop whose first pass changed only a list that the loop adds to
(`results.push(...)`). The flows stay those of the whole analysis, pass for pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from js_support import pruned_and_whole

from faasguard.analysis.js.demand import call_only_writes, inert_words
from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.table import js_table
from faasguard.analysis.taint.state import Hit
from tests.compiled_support import pure_only

HEADER = ('const { exec } = require("child_process");\n'
          'const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");\n'
          "const s3 = new S3Client({});\n"
          "function tidy(v) { return String(v).trim(); }\n")

#: Handlers (after HEADER): the loop of the first two runs once; the others need (or
#: may need) their second pass, and get it.
HANDLERS = {
    "adds-to-a-list": """exports.handler = async (event, context) => {
  console.log("start", context.awsRequestId);
  const results = [];
  for (const record of event.Records) {
    const value = tidy(record.body);
    const command = `tool ${value}`;
    results.push(exec(command));
    await s3.send(new PutObjectCommand({ Bucket: process.env.B, Key: value }));
  }
  return { statusCode: 200, body: JSON.stringify(results) };
};
""",
    "destructures": """exports.handler = async (event) => {
  const seen = [];
  for (const { body } of event.Records) {
    seen.push(body);
    exec(body);
  }
};
""",
    "reads-what-it-changed": """exports.handler = async (event) => {
  let acc = "";
  const out = [];
  for (const record of event.Records) {
    exec(acc);
    acc = acc + record.body;
    out.push(record.body);
  }
};
""",
    "reads-before-declaring": """exports.handler = async (event) => {
  const out = [];
  for (const record of event.Records) {
    if (prev) exec(prev);
    var prev = record.body;
    out.push(record.body);
  }
};
""",
    "list-read-in-loop": """exports.handler = async (event) => {
  const list = [];
  for (const record of event.Records) {
    exec(list.join(" "));
    list.push(record.body);
  }
};
""",
    "do-while": """exports.handler = async (event) => {
  const out = [];
  let i = 0;
  do {
    var item = event.Records[i];
    out.push(item.body);
    i++;
  } while (exec(item));
};
""",
    "closure": """exports.handler = async (event) => {
  const out = [];
  const run = () => exec(later);
  for (const record of event.Records) {
    run();
    const later = record.body;
    out.push(exec(later));
  }
};
""",
    "skipped-statements": """const seen = new Set();
exports.handler = async (event) => {
  console.log(event.body);
  seen.add(event.body);
  const mine = [];
  mine.push(event.body);
  exec(mine);
};
""",
}


def _flows(hits: list[Hit]) -> list[tuple[Any, ...]]:
    return [(h.category, h.sink, h.line, h.taint.path, h.taint.origin, h.taint.steps)
            for h in hits]


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Record what JsAnalyzer.<name> returns."""
    seen: list[Any] = []
    original: Callable[..., Any] = getattr(JsAnalyzer, name)

    def spy(self: JsAnalyzer, *args: Any) -> Any:
        seen.append(original(self, *args))
        return seen[-1]

    monkeypatch.setattr(JsAnalyzer, name, spy)
    return seen


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_the_flows_are_those_of_the_whole_analysis(tmp_path: Path, name: str) -> None:
    pruned, whole = pruned_and_whole(tmp_path, HEADER + HANDLERS[name])
    assert whole.hits, "the handler has a flow"
    assert _flows(pruned.hits) == _flows(whole.hits[:len(pruned.hits)])
    assert {_flows([h])[0] for h in pruned.hits} == {_flows([h])[0] for h in whole.hits}
    assert pruned.visited == whole.visited


@pytest.mark.parametrize(("name", "once"), [
    ("adds-to-a-list", True), ("destructures", True), ("reads-what-it-changed", False),
    ("reads-before-declaring", False), ("list-read-in-loop", False), ("closure", False)])
@pure_only("spies on a replaced JsAnalyzer method")
def test_a_loop_runs_once_only_when_a_second_pass_reads_nothing_new(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, once: bool) -> None:
    same = _spy(monkeypatch, "_same_again")
    pruned_and_whole(tmp_path, HEADER + HANDLERS[name])
    assert same == [once]


def test_a_do_loop_always_runs_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    same = _spy(monkeypatch, "_same_again")
    pruned, whole = pruned_and_whole(tmp_path, HEADER + HANDLERS["do-while"])
    assert same == []  # not even asked: its condition is read before its body here
    assert [h.line for h in pruned.hits] == [h.line for h in whole.hits]


@pure_only("spies on a replaced JsAnalyzer method")
def test_statements_nothing_reads_are_skipped(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    unneeded = _spy(monkeypatch, "_unneeded")
    pruned, whole = pruned_and_whole(tmp_path, HEADER + HANDLERS["skipped-statements"])
    # console.log(...) and seen.add(...) (a module's set: the handler reads it nowhere
    # else) are left out; mine.push(...) (a list of the handler) and exec(...) are not
    assert unneeded == [True, True, False, False]
    assert [h.line for h in pruned.hits] == [h.line for h in whole.hits] == [11]


@pytest.mark.parametrize(("text", "expected"), [
    (b"console.log(a.b);", []),
    (b"results.push(x); other?.add(y); z . append(w);", ["results", "other", "z"]),
    (b"list.map(f);", []),
    (b"x = 1;", None), (b"x += 1;", None), (b"x <<= 1;", None), (b"x ??= y;", None),
    (b"a === b && c !== d && e <= f && g >= h;", []),
    (b"f(x); // a comment", None), (b"f(/* a comment */ x);", None),
])
def test_call_only_writes(text: bytes, expected: list[str] | None) -> None:
    words = inert_words(text)
    assert words is not None
    assert call_only_writes(text, words, js_table().arg_methods) == expected
