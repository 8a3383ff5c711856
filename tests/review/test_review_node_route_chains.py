"""Review of the Node.js web frameworks d5d0bec / 34b8658 read: two common ways to declare
routes registered none.

- Express's chainable route, `app.route("/books/:id").get(fn).put(fn)` (Express's own
  guide): no handler was analysed (a route method returned nothing to chain on);
- Fastify plugins, `app.register(dnsRoutes, { prefix: "/dns" })` (a plugin module's
  default export) and `app.register(async (scoped) => { scoped.get(...) })`: the plugin
  was never run with the app, so its routes were unknown.

Route methods of an Express-style app now return the app (`router.get(...).post(...)`
chains too), a chain from `app.route(path)` registers its handlers under that path, and a
registered plugin is run with an instance of the app, its routes under the prefix ('route
GET /dns/lookup/:name'). Fixtures tests/fixtures/review_node_route_chains (neg: execFile
with argument arrays)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_route_chains"


def test_chained_routes_and_plugins_are_analysed() -> None:
    found = findings(FIXTURES / "pos", "FG-INJ-001")
    assert sorted((f.location.file, f.location.line, str(f.properties["code"]))
                  for f in found) == [
        ("src/books.js", 10, "src/books.js:route GET /books/:id"),
        ("src/books.js", 14, "src/books.js:route PUT /books/:id"),
        ("src/net.mjs", 11, "src/net.mjs:route GET /ping"),
        ("src/plugins/dns.mjs", 5, "src/plugins/dns.mjs:route GET /dns/lookup/:name")]


def test_the_argument_array_twin_stays_silent() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-001") == []
