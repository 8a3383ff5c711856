"""The imaginary application whose logs the generator writes.

A small shop on Lambda: an HTTP API (JSON access logs) in front of orders, search,
products and a costly report export; a REST API (CLF access logs) in front of login;
an S3-triggered image resizer. Each function logs in its own way, so every reader is
exercised: Lambda's text format exported to S3, its JSON format, CloudWatch Logs
subscription payloads and ``filter-log-events`` output.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ACCOUNT = "111122223333"
REGION = "eu-west-1"
HTTP_API = "shop-http"
REST_API = "shop-rest"


@dataclass(frozen=True)
class FunctionSpec:
    """One function: its size, speed and how its logs are delivered."""

    name: str
    memory_mb: int
    mean_ms: float
    timeout_s: int
    delivery: str  # s3-export | jsonl | subscription | filter-log-events
    guarded: bool
    actions: tuple[str, ...]  # eventSource:eventName its role calls (CloudTrail data events)

    @property
    def role(self) -> str:
        """The execution role's name."""
        return f"{self.name}-role"

    @property
    def session_arn(self) -> str:
        """The assumed-role ARN its calls carry in CloudTrail."""
        return f"arn:aws:sts::{ACCOUNT}:assumed-role/{self.role}/{self.name}"


@dataclass(frozen=True)
class RouteSpec:
    """One documented route of an API."""

    api: str
    method: str
    template: str
    function: str
    weight: float
    authenticated: bool

    @property
    def key(self) -> str:
        """``METHOD /template``."""
        return f"{self.method} {self.template}"


FUNCTIONS = {f.name: f for f in (
    FunctionSpec("orders-api", 512, 90.0, 10, "s3-export", True,
                 ("dynamodb.amazonaws.com:GetItem", "dynamodb.amazonaws.com:PutItem",
                  "dynamodb.amazonaws.com:Query", "kms.amazonaws.com:Decrypt")),
    FunctionSpec("search-api", 1024, 60.0, 6, "subscription", True,
                 ("dynamodb.amazonaws.com:Query", "kms.amazonaws.com:Decrypt")),
    FunctionSpec("reports-export", 2048, 2600.0, 15, "filter-log-events", False,
                 ("s3.amazonaws.com:PutObject", "dynamodb.amazonaws.com:Query",
                  "kms.amazonaws.com:GenerateDataKey")),
    FunctionSpec("auth-api", 256, 150.0, 6, "jsonl", True,
                 ("dynamodb.amazonaws.com:GetItem", "secretsmanager.amazonaws.com:GetSecretValue",
                  "kms.amazonaws.com:Decrypt")),
    FunctionSpec("image-resize", 1536, 900.0, 30, "s3-export", False,
                 ("s3.amazonaws.com:GetObject", "s3.amazonaws.com:PutObject")),
)}

ROUTES = (
    RouteSpec(HTTP_API, "GET", "/orders", "orders-api", 20, True),
    RouteSpec(HTTP_API, "GET", "/orders/{id}", "orders-api", 25, True),
    RouteSpec(HTTP_API, "POST", "/orders", "orders-api", 8, True),
    RouteSpec(HTTP_API, "GET", "/search", "search-api", 20, False),
    RouteSpec(HTTP_API, "GET", "/products/{id}", "search-api", 15, False),
    RouteSpec(HTTP_API, "GET", "/reports/{id}/export", "reports-export", 2, True),
    RouteSpec(REST_API, "POST", "/login", "auth-api", 6, False),
    RouteSpec(REST_API, "POST", "/token/refresh", "auth-api", 4, True),
)
ROUTE_BY_KEY = {route.key: route for route in ROUTES}

# A route that exists (a catch-all left from development) but no description lists.
SHADOW_ROUTE = RouteSpec(HTTP_API, "ANY", "/internal/{proxy+}", "orders-api", 0, False)
SHADOW_PATHS = ("/internal/debug/config", "/internal/users/export", "/internal/cache/flush",
                "/internal/feature-flags")

# Paths browsers and crawlers ask for that no API serves (404s of ordinary traffic).
STRAY_PATHS = ("/favicon.ico", "/robots.txt", "/.well-known/security.txt", "/apple-touch-icon.png")

SEARCH_WORDS = ("shoes", "red dress", "laptop bag", "garden chair", "usb-c cable", "coffee",
                "running socks", "desk lamp", "yoga mat", "water bottle", "headphones",
                "winter jacket", "phone case", "notebook", "backpack", "sunglasses")

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "ShopApp/4.12.0 (Android 15; Pixel 8)",
    "ShopApp/4.12.0 (iOS 18.1; iPhone15,2)",
)

# People and automation in the account (CloudTrail).
HUMANS = ("alice", "bob", "carol")
CI_ROLE = "ci-deployer"


def concrete_path(template: str, rng: random.Random) -> str:
    """A path a client asks for on route `template` (its ``{id}`` filled in)."""
    if template == "/orders/{id}":
        return f"/orders/{rng.randint(100000, 999999)}"
    if template == "/products/{id}":
        return f"/products/p-{rng.randint(1000, 99999)}"
    if template == "/reports/{id}/export":
        return f"/reports/r-{rng.randint(1000, 9999)}/export"
    return template


def documented_routes() -> list[str]:
    """``METHOD /template`` of every documented route."""
    return [route.key for route in ROUTES]


def openapi_document() -> str:
    """An OpenAPI 3 description of the documented routes (YAML), for ``--openapi``."""
    lines = ["openapi: 3.0.3", "info:", "  title: shop", "  version: 1.0.0", "paths:"]
    by_path: dict[str, list[RouteSpec]] = {}
    for route in ROUTES:
        by_path.setdefault(route.template, []).append(route)
    for path, routes in by_path.items():
        lines.append(f"  {path}:")
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if names:
            lines.append("    parameters:")
            for name in names:
                lines += [f"      - name: {name}", "        in: path", "        required: true",
                          "        schema: {type: string}"]
        for route in routes:
            lines += [f"    {route.method.lower()}:",
                      f"      operationId: {route.function.replace('-', '_')}_"
                      f"{route.method.lower()}",
                      "      responses:", "        '200':", "          description: ok"]
    return "\n".join(lines) + "\n"


def sam_template() -> str:
    """A SAM template of the shop (documented routes only), for ``--app``."""
    apis = {HTTP_API: ("ShopHttpApi", "HttpApi", "ApiId"), REST_API: ("ShopRestApi", "Api",
                                                                      "RestApiId")}
    lines = ["AWSTemplateFormatVersion: '2010-09-09'",
             "Transform: AWS::Serverless-2016-10-31",
             "Description: the shop whose logs faasguard.monitor.generate writes",
             "Globals:", "  Function:", "    Runtime: python3.12", "    Tracing: Active",
             "Resources:",
             "  ShopHttpApi:", "    Type: AWS::Serverless::HttpApi", "    Properties:",
             "      Auth:", "        Authorizers:", "          ShopJwt:",
             "            IdentitySource: $request.header.Authorization",
             "            JwtConfiguration:",
             "              issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Shop",
             "              audience: [shop-web]",
             "  ShopRestApi:", "    Type: AWS::Serverless::Api", "    Properties:",
             "      StageName: prod"]
    for spec in FUNCTIONS.values():
        logical = "".join(part.title() for part in spec.name.split("-")) + "Function"
        lines += [f"  {logical}:", "    Type: AWS::Serverless::Function", "    Properties:",
                  f"      FunctionName: {spec.name}", "      Handler: index.handler",
                  f"      MemorySize: {spec.memory_mb}", f"      Timeout: {spec.timeout_s}",
                  "      InlineCode: |",
                  "        def handler(event, context):",
                  "            return {'statusCode': 200, 'body': '{}'}"]
        routes = [route for route in ROUTES if route.function == spec.name]
        if routes:
            lines.append("      Events:")
        for n, route in enumerate(routes):
            resource, kind, ref = apis[route.api]
            lines += [f"        Route{n}:", f"          Type: {kind}", "          Properties:",
                      f"            {ref}: !Ref {resource}", f"            Path: {route.template}",
                      f"            Method: {route.method.lower()}"]
            if route.api == HTTP_API and route.authenticated:
                lines += ["            Auth:", "              Authorizer: ShopJwt"]
    return "\n".join(lines) + "\n"
