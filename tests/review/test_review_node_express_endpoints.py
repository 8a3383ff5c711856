"""Review of `faasguard endpoints` on Express behind serverless-http: the function's
catch-all route is listed, not the app's own routes (`app.get("/health")`, a router from
another file mounted with `app.use("/orders", orders)`), while a FastAPI, Flask or Django
app behind Mangum / a WSGI adapter has its routes listed behind the catch-all (the API's
`app_routes`). The taint analysis already knows the Express routes (the injection below is
reported, under 'route POST /:id/label'). Fixture tests/fixtures/review_node_express_endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.endpoints import build_endpoints
from faasguard.scan import scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_express_endpoints"


def test_the_route_s_injection_is_reported() -> None:
    result = scan(str(FIXTURE))
    [found] = [f for f in result.findings if f.rule_id == "FG-INJ-001"]
    assert (found.location.file, found.location.line) == ("src/routes/orders.js", 7)


@pytest.mark.xfail(strict=True, reason="Node.js apps' routes are not the API's app_routes "
                   "(only the Python adapters' are)")
def test_the_express_routes_are_listed() -> None:
    result = scan(str(FIXTURE))
    paths = {(e.method, e.path) for e in build_endpoints(result.app)}
    assert {("GET", "/health"), ("POST", "/orders/{id}/label")} <= paths
