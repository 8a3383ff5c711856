"""Review of the Chalice reader on a realistic blueprint project: the authoriser is
defined in a module of its own and named through it (`from chalicelib import auth`,
`authorizer=auth.token_auth`), as blueprints must (they cannot import app.py). Fixtures
tests/fixtures/review_chalice_module_authorizer.

Was pinned: an attribute was no literal (decorators.literal gave None), so
`authorizer=auth.token_auth` read as no authoriser and GET /orders/ was FG-AUTH-002 'has
no authoriser'. decorators.literal now gives a dotted name as it gives a bare one
({"__name__": "auth.token_auth"}), so both routes have an authoriser and POST's keeps
its scopes. The pos twin's DELETE route without one is reported."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import discover_paths, load_app

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_chalice_module_authorizer"


def test_an_authoriser_named_through_its_module_protects_the_route() -> None:
    assert findings(FIXTURES / "neg", "FG-AUTH-002") == []


def test_a_route_without_an_authoriser_is_reported() -> None:
    found = findings(FIXTURES / "pos", "FG-AUTH-002")
    assert any("Route DELETE /orders/{order_id} " in f.message and f.severity == "high"
               for f in found)


def test_the_module_authoriser_keeps_its_scopes() -> None:
    base, found = discover_paths([str(FIXTURES / "neg")])
    app = load_app(base, found.templates, None, 1)
    scopes = {r.method: r.authorizer.scopes for r in app.routes if r.authorizer}
    assert scopes == {"GET": (), "POST": ("orders/write",)}
