"""Review of the Node.js taint analysis on Express behind serverless-http: a router made
by a factory in another file and mounted with `app.use("/reports",
makeReports({ root }))` (the usual way to hand a router its configuration). The factory was
not run (it is given no function and no taint), so its `router.get(...)` was never
registered and the route's path traversal (`fs.readFileSync(`${root}/${req.params.name}`)`)
was not reported; a router exported as a value (`module.exports = router`) was. Closed: a
project function called at a module's top level whose text returns something and names a
web app or router maker (express, Router, koa...) is run (js/calls._may_make_app). A Semgrep
user's per-file Express rules see the callback's `req` wherever the router is mounted.
Fixtures tests/fixtures/review_node_express_router_factory (neg: path.basename)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / \
    "review_node_express_router_factory"


def test_a_route_of_a_router_factory_is_analysed() -> None:
    found = findings(FIXTURES / "pos", "FG-INJ-005")
    assert [(f.location.file, f.location.line) for f in found] == [
        ("src/routes/reports.js", 7)]
    assert "path parameter 'name'" in found[0].message


def test_the_basename_twin_stays_silent() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-005") == []
