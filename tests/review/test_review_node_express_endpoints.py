"""Review of `faasguard endpoints` on Express behind serverless-http: the function's
catch-all route was listed, not the app's own routes (`app.get("/health")`, a router from
another file mounted with `app.use("/orders", orders)`), while a FastAPI, Flask or Django
app behind Mangum / a WSGI adapter has its routes listed behind the catch-all (the API's
`app_routes`). The taint analysis already knows the Express routes (the injection below is
reported, under 'route POST /:id/label'). Closed: the routes an Express-style app registers
(in the handler's module graph, under the paths their routers are mounted at) are the
API's app_routes behind the catch-all (js/handlers.app_routes). Fixture
tests/fixtures/review_node_express_endpoints."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.endpoints import build_endpoints
from faasguard.scan import scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_express_endpoints"


def test_the_route_s_injection_is_reported() -> None:
    result = scan(str(FIXTURE))
    [found] = [f for f in result.findings if f.rule_id == "FG-INJ-001"]
    assert (found.location.file, found.location.line) == ("src/routes/orders.js", 7)


def test_the_express_routes_are_listed() -> None:
    result = scan(str(FIXTURE))
    paths = {(e.method, e.path) for e in build_endpoints(result.app)}
    assert {("GET", "/health"), ("POST", "/orders/{id}/label")} <= paths
