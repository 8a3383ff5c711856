"""The Node.js analysis skips the taint engine where it cannot report (no sink text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from js_support import pruned_and_whole

from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.analysis.js import analyse_js
from faasguard.analysis.js.demand import clear_of_other_words, holds_other_words, inert_words
from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.parse import JsModule, JsModuleCache, parse_bytes
from faasguard.analysis.js.project import may_report, module_graph
from faasguard.analysis.js.table import js_table
from faasguard.model import App, Function, Location, SourceFile, Trigger

HELPER_WITH_SINK = ('const { exec: run } = require("child_process");\n'
                    "module.exports = { go: (cmd) => run(cmd) };\n")
HANDLER_VIA_HELPER = ('const { go } = require("./helper");\n'
                      "exports.handler = async (event) => go(event.detail.cmd);\n")
NO_SINK = ("const shape = (d) => ({ id: d.id, n: d.items.length });\n"
           "exports.handler = async (event) => shape(event.detail);\n"
           "function unreached(event) { return event.body; }\n")


def _scan(root: Path, files: dict[str, str]) -> tuple[App, Facts]:
    app = App(root=str(root))
    for name, text in files.items():
        (root / name).write_text(text)
        app.files.append(SourceFile(name, "javascript"))
    function = Function("Fn", Location("serverless.yml", 1), "serverless",
                        runtime="nodejs20.x", handler="app.handler", code_dir=".")
    function.triggers.append(Trigger("eventbridge", "Fn", Location("serverless.yml", 2)))
    app.functions["Fn"] = function
    facts = Facts()
    resolve(app, facts)
    analyse_js(app, facts)
    return app, facts


def test_a_sink_in_a_required_file_is_text_of_the_graph(tmp_path: Path) -> None:
    app, facts = _scan(tmp_path, {"app.js": HANDLER_VIA_HELPER, "helper.js": HELPER_WITH_SINK})
    cache = JsModuleCache(str(tmp_path))
    assert not may_report(cache, ["app.js"])
    assert may_report(cache, module_graph(cache, "app.js"))
    flows = facts.flows["Fn"]
    assert [(f.category, f.location.file, f.location.line) for f in flows] == \
        [("command", "helper.js", 2)]


def test_a_graph_without_sink_text_has_no_flows(tmp_path: Path) -> None:
    app, facts = _scan(tmp_path, {"app.js": NO_SINK})
    assert not may_report(JsModuleCache(str(tmp_path)), ["app.js"])
    assert facts.flows == {"Fn": []}  # nothing under code:app.js:unreached either
    assert app.functions["Fn"].source_file == "app.js"


def test_reported_keys_count_as_sink_text_in_any_case(tmp_path: Path) -> None:
    for text in ("const h = { LOCATION: 1 };", "const q = { FilterExpression: f };",
                 'const q = { "$where": w };', 'const spawn = require("cross-spawn");'):
        (tmp_path / "keys.js").write_text(text)
        assert may_report(JsModuleCache(str(tmp_path)), ["keys.js"]), text


TAIL = ('const { exec } = require("child_process");\n'
        "const shape = (items) => { let total = 0;\n"
        "  for (const item of items) { total += item.length; }\n"
        "  return { count: items.length, total }; };\n"
        "exports.handler = async (event) => {\n"
        "  const results = [event.detail.cmd];\n"
        "  exec(results[0]);\n"
        "  return { statusCode: 200, body: JSON.stringify(shape(results)) };\n"
        "};\n")


def test_an_inert_tail_is_skipped_with_the_same_flows(tmp_path: Path) -> None:
    _, facts = _scan(tmp_path, {"app.js": TAIL})
    assert [(f.category, f.location.line) for f in facts.flows["Fn"]] == [("command", 7)]
    pruned, whole = pruned_and_whole(tmp_path, TAIL)
    # the return statement was left out: `shape` (inert: no call, no reported key) was
    # not analysed, where the whole body analyses it
    assert ("app.js", 2) not in pruned.visited and ("app.js", 2) in whole.visited
    assert [(h.category, h.line) for h in whole.hits] == \
        [(h.category, h.line) for h in pruned.hits]


@pytest.mark.parametrize("tail", [
    "return run(results[0]);",  # a sink under another name
    "return helper(results);",  # a project function with a call in it
    "return { statusCode: 302, headers: { Location: results[0] } };",  # a reported key
    "return new Repo().find(results);",  # a project class
])
def test_a_tail_that_may_report_is_analysed(tmp_path: Path, tail: str) -> None:
    pruned, whole = pruned_and_whole(tmp_path, (
        'const { exec: run } = require("child_process");\n'
        "const helper = (r) => String(r);\n"
        "class Repo { find(r) { return r; } }\n"
        "exports.handler = async (event) => {\n"
        "  const results = [event.detail.cmd];\n"
        f"  {tail}\n"
        "};\n"))
    assert whole.hits or len(whole.visited) > 1  # the tail matters
    assert pruned.visited == whole.visited
    assert pruned.hits == whole.hits


def test_package_imports_of_the_same_text_bind_the_same_values(tmp_path: Path) -> None:
    header = ('const { exec, execSync: run } = require("child_process");\n'
              'import fs, * as all from "node:fs";\n'
              'const helper = require("./helper");\n')
    (tmp_path / "helper.js").write_text("module.exports = { go: (x) => x };\n")
    (tmp_path / "a.mjs").write_text(header + "export const handler = async (event) => 1;\n")
    (tmp_path / "b.mjs").write_text(header + "const more = 2;\n")
    (tmp_path / "c.mjs").write_text("const require = (x) => x;\n" + header)
    cache = JsModuleCache(str(tmp_path))
    envs = []
    for name in ("a.mjs", "b.mjs", "c.mjs"):
        module = cache.get(name)
        JsAnalyzer(js_table(), cache).module_exports(module)
        envs.append(module.env)
    a, b, c = envs
    assert a["exec"].kind == "ref:child_process.exec" and a["run"].kind == \
        "ref:child_process.execSync"
    assert a["fs"].kind == "mod:fs" and a["all"].kind == "mod:fs"
    assert a["helper"].kind == "mod:file:helper.js"
    assert {k: a[k] for k in ("exec", "run", "fs", "all", "helper")} == \
        {k: b[k] for k in ("exec", "run", "fs", "all", "helper")}
    # a module that binds `require` itself: its calls of it are no package imports
    assert c["exec"].kind is None and c["fs"].kind == "mod:fs"
    texts = {text for _, text in cache.package_imports}
    assert any(b"child_process" in text for text in texts)
    assert cache.package_imports[("javascript", b'const helper = require("./helper");')] is None


@pytest.mark.parametrize("piece", [
    b"const a = b.trim();",  # none of the words
    b"res.headers.LOCATION = next;",  # `location`, in any case
    b'const get = require("node-fetch");',  # a reporting word that is no identifier
])
def test_a_file_without_other_reporting_words_answers_for_each_piece(piece: bytes) -> None:
    source = b"const first = 1;\n" + piece + b"\nconst last = first;\n"
    held = holds_other_words(source)
    assert held == (piece != b"const a = b.trim();")
    # what the engine asks once per file gives each statement the answer it had alone
    for calls in (True, False):
        clear = not holds_other_words(source, calls)
        assert inert_words(piece, calls, file_clear=clear) == inert_words(piece, calls)
    assert inert_words(piece) == (["const", "a", "b", "trim"] if not held else None)


@pytest.mark.parametrize("text", [
    "const a = b.trim();",  # none of the words
    "res.headers.LOCATION = next;",  # `location`, in any case
    'const get = require("node-fetch");',  # a reporting word that is no identifier
    'const get = require("node-fetch"); res.headers.Location = next;',  # both
])
def test_a_file_is_clear_of_other_words_as_its_whole_text_tells(text: str) -> None:
    # (`location` is looked for once per file, whichever `calls` asks first)
    for order in ((True, False), (False, True)):
        source = text.encode()
        module = JsModule("app.js", source, parse_bytes(source, "javascript"))
        for calls in order:
            assert clear_of_other_words(module, calls) == \
                (not holds_other_words(module.source, calls))
