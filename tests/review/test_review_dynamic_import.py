"""Review of the Node.js sinks against the Python ones: a module chosen by the request.
Python's `importlib.import_module("plugins." + body["plugin"])` is FG-INJ-002 (code
injection: the request picks the code that runs, a '..' or an absolute path reaches any
module on disk, /tmp included); the Node.js `await import(\\`./plugins/${body.plugin}.mjs\\`)`
and `require(body.legacy)` were reported by nothing (js/calls took a literal specifier
only). Closed: a specifier that is no string literal is evaluated and, tainted, reported
at the import()/require() (js/demand's pre-filter looks for `import(`/`require(` followed
by anything but a quote: a module chosen at run time). Fixtures
tests/fixtures/review_dynamic_import node (both reported), node_allowlisted (the name
checked against an allow-list first, a specifier from the environment, a literal one:
nothing) and python (reported: control)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_dynamic_import"


def test_a_node_module_chosen_by_the_request_is_code_injection() -> None:
    found = findings(FIXTURES / "node", "FG-INJ-002")
    assert sorted(f.location.line for f in found) == [3, 4]


def test_a_node_module_from_an_allow_list_is_not() -> None:
    assert not findings(FIXTURES / "node_allowlisted", "FG-INJ-002")


def test_a_python_module_chosen_by_the_request_is_code_injection() -> None:
    [finding] = findings(FIXTURES / "python", "FG-INJ-002")
    assert finding.location.line == 7
