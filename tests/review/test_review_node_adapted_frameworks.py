"""Review of the Node.js taint analysis on three more ways teams put a web framework on
Lambda, none of them read: no flow of their routes is reported.

- Hapi (`server.route({ method, path, handler })`, the handler's `request.params`) run by
  an adapter from an ordinary handler (`handleRequest(server, event, context)`);
- lambda-api (`const api = require("lambda-api")()`, `api.get(path, (req, res) => ...)`,
  `exports.handler = async (event, context) => api.run(event, context)`);
- NestJS behind @codegenie/serverless-express (a controller's `@Param("id")` /
  `@Query("printer")` parameters, the app made in the handler by NestFactory.create).

Hapi and lambda-api: closed (their apps are Express-style apps in taint_js.json kinds,
`server.route({ method, path, handler })` registers a route, and an app a handler runs
itself, `api.run(event, context)` or an adapter's `handleRequest(server, event, context)`,
runs its routes with the event as their request: js/calls._dispatch). NestJS: closed
(the controllers in the handler's module graph are routes, their decorated parameters
the event's fields: js/frameworks.nest_routes, JsAnalyzer.analyse_filled).

Each has a command injection in its pos twin and execFile with an argument array in its
neg twin. Fixtures tests/fixtures/review_node_adapted_frameworks (one serverless.yml, a
function each)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / \
    "review_node_adapted_frameworks"


def _at(folder: str, file: str) -> list[int]:
    return [f.location.line for f in findings(FIXTURES / folder, "FG-INJ-001")
            if f.location.file == file]


def test_a_hapi_route_is_analysed() -> None:
    assert _at("pos", "src/dns.js") == [11]


def test_a_lambda_api_route_is_analysed() -> None:
    assert _at("pos", "src/whois.js") == [5]


def test_a_nest_controller_is_analysed() -> None:
    # both decorated parameters reach the command: one finding per source, as elsewhere
    assert _at("pos", "src/orders/orders.controller.ts") == [8, 8]


def test_the_argument_array_twins_stay_silent() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-001") == []
