"""The throttling that the serverless-api-gateway-throttling plugin sets on API Gateway.

`custom.apiGatewayThrottling` (`maxRequestsPerSecond`, `maxConcurrentRequests`) is the
stage's throttle of the service's REST and HTTP APIs; an `http`/`httpApi` event's own
`throttling:` overrides it for that route. A setting left out takes the plugin's default
(10,000 requests per second, 5,000 concurrent), as the plugin does. The model has no
"unlimited" route throttle: a route whose throttling the plugin disables
(`throttling: {disabled: true}`) keeps the stage's throttle in the model.
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders.template import throttle
from faasguard.model import App, Throttle

THROTTLING_PLUGIN = "serverless-api-gateway-throttling"
DEFAULT_RATE = 10_000
DEFAULT_BURST = 5_000


def apply_throttling(app: App, settings: Any, file: str) -> None:
    """Give this file's REST and HTTP APIs, and its routes, the plugin's throttles."""
    stage = _throttle(settings, None)
    if stage is None:
        return
    for api_id, api in app.apis.items():
        if api_id.startswith(file + "#") and api.kind in ("rest", "http") and \
                api.throttling is None:
            api.throttling = stage
    for function in app.functions.values():
        if not function.id.startswith(file + "#"):
            continue
        for trigger in function.triggers:
            own = trigger.properties.get("throttling")
            if trigger.route is not None and own is not None:
                trigger.route.throttling = _throttle(own, settings)


def _throttle(own: Any, shared: Any) -> Throttle | None:
    """A throttle from the plugin's settings (`shared`: the global ones a route's own
    settings fall back on); None when there are none, or they are disabled."""
    if not isinstance(own, dict) or own.get("disabled") is True:
        return None
    base = shared if isinstance(shared, dict) else {}
    return throttle(own.get("maxRequestsPerSecond", base.get("maxRequestsPerSecond",
                                                             DEFAULT_RATE)),
                    own.get("maxConcurrentRequests", base.get("maxConcurrentRequests",
                                                              DEFAULT_BURST)))
