"""Review of the Node.js taint analysis on Koa behind serverless-http (TypeScript, ES
modules): `new Koa()`, `new Router()` of @koa/router, routes reading `ctx.params.name`,
`ctx.query.file` and `ctx.request.body` (koa-bodyparser). serverless-http runs Koa as it
runs Express; only Express (and Fastify) apps were known (taint_js.json kinds
'express-app'), and a Koa route's `ctx` was not the request: none of the three flows (two
command injections, a path traversal) was reported. Closed: koa, @koa/router and
koa-router make Express-style apps, and a route's ctx is read as the request (ctx.request
is the request itself: taint_js.json express.request). Fixtures tests/fixtures/review_node_koa
(neg: execFileSync with argument arrays, path.basename, Number)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_koa"


def _injections(folder: Path) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.file, f.location.line)
                  for f in scan(str(folder)).findings if f.rule_id.startswith("FG-INJ"))


def test_koa_routes_behind_serverless_http_are_analysed() -> None:
    assert _injections(FIXTURES / "pos") == [
        ("FG-INJ-001", "src/app.ts", 12), ("FG-INJ-001", "src/app.ts", 22),
        ("FG-INJ-005", "src/app.ts", 17)]


def test_the_koa_twin_stays_silent() -> None:
    assert _injections(FIXTURES / "neg") == []
