"""Review of the Node.js taint analysis on Fastify behind @fastify/aws-lambda (ES module):
`export const handler = awsLambdaFastify(app)` is not known as an adapter (only
serverless-http and serverless-express are), so the handler is 'exports no function named
handler' (a warning) and the routes' command injections (`request.params.host`,
`request.body.format` under a schema that allows any string, `app.route({ handler })`'s
`request.query.name`) are not reported. The twin holds what must stay silent once read:
execFile with argument arrays and a body whose schema is an `enum` (Fastify validates the
body against the route's schema before the handler runs). Closed: awsLambdaFastify(app) is
an adapter as serverless(app) is (taint_js.json kinds), app.route({ method, url, handler })
registers its handler, and the fields a route's schema holds to an enum (const, number,
closed format or pattern) are clean in its handler (js/frameworks.py). Fixtures
tests/fixtures/review_node_fastify."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_fastify"


def _injections(folder: Path) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.file, f.location.line)
                  for f in scan(str(folder)).findings if f.rule_id.startswith("FG-INJ"))


def test_fastify_routes_behind_its_lambda_adapter_are_analysed() -> None:
    assert _injections(FIXTURES / "pos") == [
        ("FG-INJ-001", "src/app.mjs", 8), ("FG-INJ-001", "src/app.mjs", 21),
        ("FG-INJ-001", "src/app.mjs", 29)]


def test_the_fastify_handler_is_resolved() -> None:
    assert not [d for d in scan(str(FIXTURES / "neg")).diagnostics if d.code == "handler"]


def test_the_fastify_twin_stays_silent() -> None:
    assert _injections(FIXTURES / "neg") == []
