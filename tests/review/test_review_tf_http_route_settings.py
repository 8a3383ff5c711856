"""Review of FG-WALLET-002 on a Terraform HTTP API (92b967b leads its fix with the stage's
throttle): `aws_apigatewayv2_stage` throttles each route with `route_settings { route_key
= "GET /orders" throttling_rate_limit = ... }` blocks, which the Terraform reader does not
translate (only `default_route_settings`; CloudFormation's RouteSettings is read), so an
API whose every route is throttled is 'HTTP API ... has no stage or route throttling'.
Was pinned (strict xfail); the blocks are now read as RouteSettings
(tests/test_tf_http_route_settings.py). Fixtures tests/fixtures/review_tf_http_route_settings
every_route (pinned) and no_stage (reported: control)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_http_route_settings"


def test_every_route_throttled_by_route_settings_is_throttled() -> None:
    assert findings(FIXTURES / "every_route", "FG-WALLET-002") == []


def test_an_http_api_without_a_stage_has_no_throttling() -> None:
    [finding] = findings(FIXTURES / "no_stage", "FG-WALLET-002")
    assert "has no stage or route throttling" in finding.message
