"""benchmarks/bench_js_functions.py's reading of a callgrind profile: self costs, call
edges, and each compiled function's own work (the runtime it calls, less what that
runtime spends back in compiled functions)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_js_functions import read_profile, split  # noqa: E402

PROFILE = """\
# callgrind format
version: 1
positions: line
events: Ir
summary: 1000

fl=(1) /tmp/build/__native_faasguard___analysis___js___engine.c
fn=(1) CPyDef_js___engine___JsAnalyzer___ev
10 100
cfl=(2) /tmp/Python-3.11.7/Objects/dictobject.c
cfn=(2) PyDict_GetItem
calls=3 5
+1 60
cfn=(3) PyObject_VectorcallMethod
calls=1 7
+1 400
fl=(2)
fn=(2)
5 60
fl=(3) /tmp/Python-3.11.7/Objects/call.c
fn=(3)
7 100
cfl=(1)
cfn=(4) CPyDef_js___engine___JsAnalyzer___lookup
calls=1 3
+1 300
fl=(1)
fn=(4)
3 300
fl=(4) /project/tree_sitter/core/lib/src/./parser.c
fn=(5) ts_parser_parse
1 80
"""


def test_own_work_and_categories(tmp_path: Path) -> None:
    path = tmp_path / "callgrind.out"
    path.write_text(PROFILE)
    own, edges, files = read_profile(str(path))
    assert sum(own.values()) == 100 + 60 + 100 + 300 + 80
    assert edges["CPyDef_js___engine___JsAnalyzer___ev"] == {
        "PyDict_GetItem": 60, "PyObject_VectorcallMethod": 400}
    categories, functions = split(own, edges, files)
    # ev: its 100, the dict's 60 and the method call's 100 (its other 300 are lookup's)
    assert functions["js___engine___JsAnalyzer___ev"] == 260
    assert functions["js___engine___JsAnalyzer___lookup"] == 300
    assert categories["compiled faasguard code (with mypyc's runtime)"] == 400
    assert categories["CPython dictobject.c"] == 60
    assert categories["tree-sitter C (parse, node reads)"] == 80
