"""Review of the injection rules on a realistic Chalice project: its API is one function
(api_handler) serving every route, the app's own `GET /health` public and a blueprint's
routes behind a Cognito authoriser. A flow found in a blueprint view related to every HTTP
trigger of the function, so an SQL injection reachable only through the authorised
`GET /orders/search` said 'The trigger is public: a route without an authoriser' and was
raised to critical because /health is open. The Chalice loader reads registered
blueprints' routes with their view names, as the app's: a blueprint view's flow now
relates to its own routes (framework_views.app_views; taint/project._exposure keeps every
HTTP trigger for a view no trigger names). Fixtures
tests/fixtures/review_chalice_blueprint_exposure authorised (high, only the search route
related) and public (the same route without an authoriser: critical, as before)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_chalice_blueprint_exposure"


def test_a_blueprint_views_flow_is_exposed_through_its_own_route() -> None:
    [sqli] = findings(FIXTURES / "authorised", "FG-INJ-003")
    assert sqli.severity == "high" and "The trigger is public" not in sqli.message
    assert [text for _, text in sqli.related if text.startswith("GET")] == \
        ["GET /orders/search (authoriser: cognito)"]


def test_a_public_blueprint_route_stays_public() -> None:
    [sqli] = findings(FIXTURES / "public", "FG-INJ-003")
    assert sqli.severity == "critical" and "The trigger is public" in sqli.message
