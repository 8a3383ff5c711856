"""Review of the Node.js taint analysis on Koa behind serverless-http (TypeScript, ES
modules): `new Koa()`, `new Router()` of @koa/router, routes reading `ctx.params.name`,
`ctx.query.file` and `ctx.request.body` (koa-bodyparser). serverless-http runs Koa as it
runs Express, but only Express (and Fastify) apps are known (taint_js.json kinds
'express-app'), and a Koa route's `ctx` is not the request: none of the three flows (two
command injections, a path traversal) is reported. Fixtures tests/fixtures/review_node_koa
(neg: execFileSync with argument arrays, path.basename, Number)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_koa"


def _injections(folder: Path) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.file, f.location.line)
                  for f in scan(str(folder)).findings if f.rule_id.startswith("FG-INJ"))


@pytest.mark.xfail(strict=True, reason="Koa / @koa/router apps are not read as "
                   "Express-style apps (no kind in taint_js.json), and a Koa ctx is not "
                   "the request (ctx.params, ctx.query, ctx.request.body)")
def test_koa_routes_behind_serverless_http_are_analysed() -> None:
    assert _injections(FIXTURES / "pos") == [
        ("FG-INJ-001", "src/app.ts", 12), ("FG-INJ-001", "src/app.ts", 22),
        ("FG-INJ-005", "src/app.ts", 17)]


def test_the_koa_twin_stays_silent() -> None:
    assert _injections(FIXTURES / "neg") == []
