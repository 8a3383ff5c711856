"""The throttling that the serverless-api-gateway-throttling plugin sets on API Gateway.

`custom.apiGatewayThrottling` (`maxRequestsPerSecond`, `maxConcurrentRequests`, the only
settings the plugin documents) is the stage's throttle of the service's REST and HTTP
APIs; a setting left out (or 0) takes the plugin's default (10,000 requests per second,
5,000 concurrent). An `http`/`httpApi` event's own `throttling:` is a method setting that
overrides the stage's for that route, its missing settings taken from the stage's.

`throttling: {disabled: true}` on an event makes the plugin set that method's limits to -1:
API Gateway then throttles the route by the account's limits only, whatever the stage
says. The model says so with a route throttle that has no limit (`Throttle()`: the route's
own setting, without rate or burst), never with the stage's. A `disabled: true` under
`custom.apiGatewayThrottling` is no setting of the plugin: it still sets the stage to its
defaults, the account's own limits, which bound nothing the account does not: the APIs
are left without a throttle of the service's.
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders.template import throttle
from faasguard.model import App, Throttle

THROTTLING_PLUGIN = "serverless-api-gateway-throttling"
DEFAULT_RATE = 10_000
DEFAULT_BURST = 5_000


def apply_throttling(app: App, settings: Any, file: str) -> None:
    """Give this file's REST and HTTP APIs, and its routes, the plugin's throttles (it does
    nothing without `custom.apiGatewayThrottling`)."""
    if not isinstance(settings, dict):
        return
    if settings.get("disabled") is not True:
        stage = _throttle({}, settings)
        for api_id, api in app.apis.items():
            if api_id.startswith(file + "#") and api.kind in ("rest", "http") and \
                    api.throttling is None:
                api.throttling = stage
    for function in app.functions.values():
        if not function.id.startswith(file + "#"):
            continue
        for trigger in function.triggers:
            own = trigger.properties.get("throttling")
            if trigger.route is not None and isinstance(own, dict):
                trigger.route.throttling = Throttle() if own.get("disabled") is True else \
                    _throttle(own, settings)


def _throttle(own: dict[str, Any], stage: dict[str, Any]) -> Throttle | None:
    """A throttle from the plugin's settings: `own`'s, else the `stage`'s, else the
    plugin's defaults (a stage setting of 0 is the default, as the plugin reads it)."""
    return throttle(own.get("maxRequestsPerSecond", stage.get("maxRequestsPerSecond") or
                            DEFAULT_RATE),
                    own.get("maxConcurrentRequests", stage.get("maxConcurrentRequests") or
                            DEFAULT_BURST))
