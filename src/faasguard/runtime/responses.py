"""The guard's answers to HTTP sources: generic error responses in each source's shape."""

from __future__ import annotations

import json
from typing import Any

REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           429: "Too Many Requests", 503: "Service Unavailable"}


def error_response(event: Any, status: int, headers: dict[str, str]) -> dict[str, Any]:
    """A JSON error response that says only the status (never the input or the reason),
    in the shape the event's source expects (ALB: `statusDescription`, and
    `multiValueHeaders` when the target group sends them)."""
    reason = REASONS.get(status, "Error")
    all_headers = {"Content-Type": "application/json", "Cache-Control": "no-store", **headers}
    response: dict[str, Any] = {"statusCode": status, "body": json.dumps({"message": reason}),
                                "isBase64Encoded": False}
    ctx = event.get("requestContext") if isinstance(event, dict) else None
    if isinstance(ctx, dict) and "elb" in ctx:
        response["statusDescription"] = f"{status} {reason}"
        if "multiValueHeaders" in event:
            response["multiValueHeaders"] = {k: [v] for k, v in all_headers.items()}
            return response
    response["headers"] = all_headers
    return response


def looks_http(event: Any) -> bool:
    """True for an event shaped like an HTTP request (even one too broken to normalise)."""
    if not isinstance(event, dict):
        return False
    ctx = event.get("requestContext")
    return "httpMethod" in event or "routeKey" in event or (
        isinstance(ctx, dict) and ("http" in ctx or "elb" in ctx))


def source_hint(event: Any) -> str:
    """What to call the source of an event that could not be normalised."""
    return "http" if looks_http(event) else type(event).__name__
