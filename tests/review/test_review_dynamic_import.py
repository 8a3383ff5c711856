"""Review of the Node.js sinks against the Python ones: a module chosen by the request.
Python's `importlib.import_module("plugins." + body["plugin"])` is FG-INJ-002 (code
injection: the request picks the code that runs, a '..' or an absolute path reaches any
module on disk, /tmp included); the Node.js `await import(\\`./plugins/${body.plugin}.mjs\\`)`
and `require(body.legacy)` are reported by nothing (js/calls takes a literal specifier
only, and the engine's pre-filter, js/demand.reporting_words, would need require/import
as special words, not sink names every file holds). Pinned (strict xfail) for the
Node.js engine's owners. Fixtures tests/fixtures/review_dynamic_import node (pinned) and
python (reported: control)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_dynamic_import"


@pytest.mark.xfail(strict=True, reason="Node.js import()/require() of a specifier the "
                   "request gives is no sink")
def test_a_node_module_chosen_by_the_request_is_code_injection() -> None:
    found = findings(FIXTURES / "node", "FG-INJ-002")
    assert sorted(f.location.line for f in found) == [3, 4]


def test_a_python_module_chosen_by_the_request_is_code_injection() -> None:
    [finding] = findings(FIXTURES / "python", "FG-INJ-002")
    assert finding.location.line == 7
