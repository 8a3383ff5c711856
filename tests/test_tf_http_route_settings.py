"""Terraform `aws_apigatewayv2_stage` `route_settings` blocks (route_key and throttling
limits) are read as CloudFormation's RouteSettings map: each route named there gets its
throttle, so FG-WALLET-002 does not report an HTTP API whose routes are throttled that
way. A block without limits (detailed metrics only) throttles nothing. Fixtures
tests/fixtures/tf_http_route_settings neg (every route throttled), pos (route settings
without limits), one_route (GET /orders throttled, DELETE /orders named but no route)."""

from __future__ import annotations

from pathlib import Path

from faasguard.model import Throttle
from faasguard.scan import discover_paths, load_app, scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tf_http_route_settings"


def _wallet_002(folder: str) -> list[str]:
    return [f.message for f in scan(str(FIXTURES / folder)).findings
            if f.rule_id == "FG-WALLET-002"]


def test_routes_throttled_by_route_settings_are_throttled() -> None:
    assert _wallet_002("neg") == []


def test_route_settings_without_limits_throttle_nothing() -> None:
    [message] = _wallet_002("pos")
    assert "has no stage or route throttling" in message


def test_each_route_gets_the_throttle_of_its_route_key() -> None:
    base, found = discover_paths([str(FIXTURES / "one_route")])
    app = load_app(base, found.templates, None, 1)
    throttles = {f"{r.method} {r.path}": r.throttling for r in app.routes}
    assert throttles == {"GET /orders": Throttle(10, 20), "POST /orders": None}
