"""A Node.js expression wrapped very deeply (`((((x))))`, `await await x`) is a too-deep
diagnostic on both builds: the engine unwraps the wrappers in a bounded loop. Compiled
(mypyc), the recursion it replaced did not count against Python's recursion limit and a
handler with 300,000 parentheses overflowed the C stack (the scan died with SIGSEGV).
Other shapes 100,000 deep (`f(f(...))`, `{a: {a: ...}}`, templates in templates) end in
the same diagnostic within a second: the code facts' query starts no match deeper than
MAX_NESTING (tree-sitter's matching took time growing with the square of the depth)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import faasguard
from faasguard.analysis.js.code_facts import analyse_source
from faasguard.analysis.js.engine import MAX_NESTING
from faasguard.scan import scan
from tests.compiled_support import compiled_only

TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: src/
      Events:
        Api:
          Type: Api
          Properties: {Path: /x, Method: get}
"""

#: Handler bodies nested n deep, and a depth at which each crashed the compiled build
#: (30,000 parentheses did not), under the 2 MiB file limit: the engine's wrappers,
#: destructuring patterns (`bind`), and `a || (b || ...)` (code_facts' `_literal`).
SHAPES = {
    "parentheses": lambda n: "const x = " + "(" * n + "event.body" + ")" * n + "; eval(x);",
    "await": lambda n: "const x = " + "await " * n + "event.body; eval(x);",
    "mixed": lambda n: "const x = " + "(await " * n + "event.body" + ")" * n + "; eval(x);",
    "object_pattern": lambda n: "const " + "{a: " * n + "z" + "}" * n + " = event; eval(z);",
    "array_pattern": lambda n: "const " + "[" * n + "z" + "]" * n + " = event; eval(z);",
    "fallbacks": lambda n: "const x = " + "(event.a || " * n + "event.body" + ")" * n
                           + "; eval(x);",
}
CRASHED = {"parentheses": 300_000, "await": 300_000, "mixed": 200_000,
           "object_pattern": 100_000, "array_pattern": 100_000, "fallbacks": 100_000}


def _project(root: Path, body: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "template.yaml").write_text(TEMPLATE)
    (root / "src" / "app.js").write_text(
        "exports.handler = async (event) => { " + body + " };\n")
    return root


def _too_deep(diagnostics: list[tuple[str, str, str]]) -> bool:
    return any(level == "warning" and "nested too deeply" in message
               for _, level, message in diagnostics)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_deep_wrappers_are_a_diagnostic(tmp_path: Path, shape: str) -> None:
    result = scan(str(_project(tmp_path / shape, SHAPES[shape](CRASHED[shape]))))
    assert not [f for f in result.findings if f.rule_id.startswith("FG-INJ-")]
    assert _too_deep([(d.code, d.level, d.message) for d in result.diagnostics])
    assert not [d for d in result.diagnostics if d.code == "internal"]


def test_wrappers_are_bounded_by_the_engine_not_the_interpreter(tmp_path: Path) -> None:
    # with a recursion limit far above the file's depth, the bound is still MAX_NESTING
    # (before, the pure build's recursion analysed these 3,000 parentheses: FG-INJ on eval)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        deep = scan(str(_project(tmp_path / "deep", SHAPES["parentheses"](3 * MAX_NESTING))))
    finally:
        sys.setrecursionlimit(old)
    assert _too_deep([(d.code, d.level, d.message) for d in deep.diagnostics])
    assert not [f for f in deep.findings if f.rule_id.startswith("FG-INJ-")]
    # the twin: 200 wrappers are followed, the eval of event.body found
    shallow = scan(str(_project(tmp_path / "shallow", SHAPES["mixed"](200))))
    assert [f for f in shallow.findings if f.rule_id.startswith("FG-INJ-")]
    assert not _too_deep([(d.code, d.level, d.message) for d in shallow.diagnostics])


@compiled_only("a runaway recursion of compiled code overflows the C stack")
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_compiled_scan_survives_the_depth_that_crashed(tmp_path: Path, shape: str) -> None:
    # in a child process: a stack overflow is a signal there, not the end of the test run
    project = _project(tmp_path / shape, SHAPES[shape](CRASHED[shape]))
    out = tmp_path / "out.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(faasguard.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "faasguard.cli", "scan", str(project),
                           "--format", "json", "-o", str(out)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert _too_deep([(d.get("code", ""), d["level"], d["message"])
                      for d in report["diagnostics"]])


#: Handler bodies whose code facts took minutes 100,000 deep (tree-sitter's query: 25 s for
#: `f(f(...))` 10,000 deep), before the analysis stopped with the too-deep warning.
SLOW = {
    "calls": lambda n: "const x = " + "f(" * n + "event.body" + ")" * n + "; eval(x);",
    "objects": lambda n: "const x = " + "{a: " * n + "event.body" + "}" * n + "; eval(x);",
    "templates": lambda n: "const x = " + "`${" * n + "event.body" + "}`" * n + "; eval(x);",
    "assignments": lambda n: "let y; y = " + "y = " * n + "event.body; eval(y);",
    "method_calls": lambda n: "const x = event.body" + ".trim()" * n + "; eval(x);",
    "negations": lambda n: "const x = " + "!" * n + "event.body; eval(x);",
    "subscripts": lambda n: "const x = event" + "[0]" * n + "; eval(x);",
}


@pytest.mark.parametrize("shape", sorted(SLOW))
def test_deep_shapes_end_with_the_warning(tmp_path: Path, shape: str) -> None:
    deep = scan(str(_project(tmp_path / "deep", SLOW[shape](100_000))))
    assert _too_deep([(d.code, d.level, d.message) for d in deep.diagnostics])
    assert not [d for d in deep.diagnostics if d.code == "internal"]
    # the twin: 40 deep, the analysis goes through
    shallow = scan(str(_project(tmp_path / "shallow", SLOW[shape](40))))
    assert not _too_deep([(d.code, d.level, d.message) for d in shallow.diagnostics])


def test_deep_call_arguments_end(tmp_path: Path) -> None:
    # parameters 100,000 deep that the taint analysis never enters: no warning, no hang
    body = ("const { S3 } = require('@aws-sdk/client-s3'); await new S3({}).getObject("
            "{Bucket: " + "{a: " * 100_000 + "event.body" + "}" * 100_000 + "});")
    result = scan(str(_project(tmp_path, body)))
    assert not [d for d in result.diagnostics if d.level == "error" or d.code == "internal"]
    assert len(result.app.functions) == 1


def test_code_facts_start_no_match_deeper_than_the_bound() -> None:
    def logged(depth: int) -> bool:
        text = ("exports.handler = async (event) => " + "(" * depth + "console.log(event)"
                + ")" * depth + ";\n")
        return any(f.kind == "sensitive-log" for f in analyse_source("app.js", text, True).facts)

    assert logged(MAX_NESTING - 50)
    assert not logged(MAX_NESTING + 50)
