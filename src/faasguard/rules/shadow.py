"""Shadow APIs: endpoints nobody documents, catch-alls, forgotten stages and versions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from faasguard.analysis.endpoints import (
    api_exposure,
    domain_none,
    effective_authorizer,
    http_routes,
    may_be_open,
    unlisted_text,
)
from faasguard.analysis.facts import Facts
from faasguard.analysis.openapi import Spec, zombies
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, Route, logical_id
from faasguard.rules.auth import route_label, route_subject
from faasguard.rules.util import owned_elsewhere, template_file

OWASP_SHADOW = "OWASP API Security Top 10 (2023): API9 Improper Inventory Management"
_VERSION = re.compile(r"^/v(\d+)(?:/|$)", re.I)
PROD_STAGES = frozenset({"prod", "production", "prd", "live"})
NONPROD_STAGES = frozenset({"dev", "develop", "development", "test", "testing", "qa", "uat",
                            "staging", "stage", "sandbox", "debug", "demo", "tmp", "temp",
                            "local", "preview", "experimental"})


def _sources(specs: list[Spec], api: str) -> str:
    return ", ".join(s.source for s in specs if s.describes(api))


@rule(
    "FG-SHADOW-001",
    "Route missing from the API description",
    threat="shadow-api",
    severity="medium",
    description="""
When an OpenAPI/Swagger description of the API exists (given with `--openapi`, referenced by
the template as `DefinitionBody`/`DefinitionUri`/`AWS::Include`, or found by name in the
scanned folders: `openapi.yaml`, `swagger.json`, `*.openapi.json`...; a file given as a scan
path is read alone), a deployed route it does not describe is a shadow API: it escapes
the reviews, tests, gateways and scanners that work from the description, and it is usually
the one nobody remembers to secure or retire.
""",
    remediation={
        "serverless": "# describe the route in openapi.yaml, or remove the event:\n"
                      "paths:\n  /internal/debug:\n    get: {...}",
        "sam": "# add the route to the API's DefinitionBody/DefinitionUri spec, or remove "
               "the Api event",
        "terraform": "# add the route to the spec passed to aws_api_gateway_rest_api.body",
        "cloudformation": "# add the route to the AWS::ApiGateway::RestApi's Body / "
                          "BodyS3Location spec, or remove its AWS::ApiGateway::Method",
    },
    references=(OWASP_SHADOW,
                "OWASP Serverless Top 10: SAS-3 Insecure Serverless Deployment Configuration"),
    cwe=(1059,),
)
def undocumented_route(app: App, facts: Facts) -> Iterator[Finding]:
    for endpoint in facts.endpoints:  # `documented` is set by the OpenAPI comparison
        route = endpoint.route
        if endpoint.documented is not False or route is None or route.from_openapi \
                or route.method == "OPTIONS":
            continue
        yield make_finding(
            "FG-SHADOW-001",
            f"Route {route_label(route)} of API '{logical_id(route.api)}' is not in the "
            f"API description ({_sources(facts.openapi, route.api)}).",
            route.location, route_subject(route))


@rule(
    "FG-SHADOW-002",
    "Documented route with no implementation",
    threat="shadow-api",
    severity="low",
    description="""
An operation of the API description that no deployed route serves is a zombie: clients
and generated SDKs keep calling it, a later deployment may wire it to something
unexpected, and the description no longer tells reviewers what is really exposed.
Either implement it or remove it from the description.
""",
    remediation={
        "serverless": "# remove the operation from openapi.yaml, or add the matching event:\n"
                      "functions:\n  listOrders:\n    events:\n      - httpApi: GET /orders",
        "sam": "# remove the path from the spec, or add its x-amazon-apigateway-integration / "
               "an Api event on the function that implements it",
        "terraform": "# remove the path from the spec, or add the route and integration",
        "cloudformation": "# remove the path from the spec, or add its "
                          "x-amazon-apigateway-integration / an AWS::ApiGateway::Method on the "
                          "function that implements it",
    },
    references=(OWASP_SHADOW,),
    cwe=(1059,),
)
def zombie_operation(app: App, facts: Facts) -> Iterator[Finding]:
    for spec, op in zombies(app, facts.openapi):
        yield make_finding(
            "FG-SHADOW-002",
            f"{op.method} {op.path} is in the API description ({spec.source}) but no "
            "deployed route implements it.",
            op.location, f"zombie:{spec.source}:{op.method}:{op.path}")


@rule(
    "FG-SHADOW-003",
    "Catch-all route",
    threat="shadow-api",
    severity="medium",
    description="""
A greedy path (`{proxy+}`), an HTTP API `$default` route or the `ANY` method hands every
path and/or method to one function: the real API surface then lives in the handler's own
router, invisible to API Gateway (authorisers per route, throttles per route, WAF rules,
request validation) and to the inventory. Paths nobody meant to expose — debug pages,
admin handlers of a web framework — become reachable. A greedy path is reported `medium`,
`ANY` on a fixed path `low`. A catch-all route without an authoriser is also FG-AUTH-002:
the two findings stay (different fixes: declare the routes; authenticate them) and name
each other as related locations. An `OPTIONS` route on a greedy path is the usual answer
to CORS preflight requests (headers only, no data) and is not reported.
""",
    remediation={
        "serverless": "functions:\n  orders:\n    events:\n      - httpApi: GET /orders\n"
                      "      - httpApi: POST /orders",
        "sam": "Events:\n  ListOrders:\n    Type: HttpApi\n    Properties:\n      Path: /orders\n"
               "      Method: GET",
        "terraform": 'resource "aws_apigatewayv2_route" "list" {\n'
                     '  route_key = "GET /orders"\n}',
        "chalice": "# app.py: one @app.route per path and method the API serves\n"
                   '@app.route("/orders", methods=["GET"], authorizer=users)',
        "zappa": "Zappa always deploys ANY / and ANY /{proxy+}: it has no setting to declare "
                 "the routes one by one. Keep the app's own router minimal (no debug or admin "
                 'views in production), protect the API ("iam_authorization": true or an '
                 '"authorizer"), or set "apigateway_enabled": false and declare the routes in '
                 "your own template.",
        "cloudformation": "ListOrders:\n"
                          "  Type: AWS::ApiGatewayV2::Route\n"
                          "  Properties:\n"
                          "    ApiId: !Ref HttpApi\n"
                          "    RouteKey: GET /orders\n"
                          "    Target: !Sub integrations/${OrdersIntegration}",
        "cdk": "# CDK: httpApi.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], "
               "integration })",
    },
    references=(OWASP_SHADOW,),
    cwe=(1059,),
)
def catch_all_route(app: App, facts: Facts) -> Iterator[Finding]:
    for route in app.routes:
        if route.api_kind == "websocket" or route.method == "OPTIONS":
            continue  # OPTIONS alone: a CORS preflight answer, not an API
        greedy = route.catch_all or route.method == "$default"
        if not greedy and route.method != "ANY":
            continue
        what = "every path below it" if greedy else "every method"
        if greedy and route.method == "ANY":
            what = "every method on every path below it"
        backend = f"function '{logical_id(route.function)}'" if route.function else "one backend"
        yield make_finding(
            "FG-SHADOW-003",
            f"Route {route_label(route)} is a catch-all: it sends {what} to {backend}, whose "
            "own router becomes the real, undeclared API.",
            route.location, route_subject(route), severity="medium" if greedy else "low",
            see_also=(("FG-AUTH-002", route_subject(route)),))


@rule(
    "FG-SHADOW-004",
    "Public endpoint where a private one would do",
    threat="shadow-api",
    severity="low",
    description="""
Criterion: a REST API whose every route requires IAM (SigV4) authorisation is called only
by AWS principals — other services, roles, accounts — never by browsers or mobile apps
(which cannot sign requests without AWS credentials). Such a service-to-service API does
not need an internet-facing (EDGE/REGIONAL) endpoint: a PRIVATE endpoint, reachable only
through an interface VPC endpoint, takes it off the internet entirely, so a leaked
credential or a mis-scoped IAM policy is not enough to reach it. (HTTP APIs have no private
endpoint type and are not reported.)
A route whose AuthorizationType a parameter or variable decides counts as IAM when
the template writes AWS_IAM alone (an AWS_IAM default, no `AllowedValues` or validation:
NONE only a value the setting accepts); the finding then says so, names the parameter and
has `confidence: low`. A NONE the template writes (an `AllowedValues` entry, a condition's
branch) leaves the API open on some deployments: not reported. `--param` decides either
way.
APIs the app only adds routes to (serverless.yml `provider.apiGateway.restApiId`,
`provider.httpApi.id`) are left to the stack that creates them, where their stage is
configured.
""",
    remediation={
        "serverless": "provider:\n  endpointType: PRIVATE\n  vpcEndpointIds:\n"
                      "    - vpce-0123456789abcdef0",
        "sam": "InternalApi:\n  Type: AWS::Serverless::Api\n  Properties:\n"
               "    EndpointConfiguration:\n      Type: PRIVATE\n"
               "      VPCEndpointIds: [vpce-0123456789abcdef0]",
        "terraform": 'resource "aws_api_gateway_rest_api" "internal" {\n'
                     '  endpoint_configuration {\n    types = ["PRIVATE"]\n  }\n}',
        "cloudformation": "InternalApi:\n"
                          "  Type: AWS::ApiGateway::RestApi\n"
                          "  Properties:\n"
                          "    EndpointConfiguration:\n"
                          "      Types: [PRIVATE]\n"
                          "      VpcEndpointIds: [vpce-0123456789abcdef0]",
        "cdk": "# CDK: apigateway.RestApi's endpointConfiguration: { types: "
               "[apigateway.EndpointType.PRIVATE], vpcEndpoints }",
    },
    references=("OWASP Serverless Top 10: SAS-3 Insecure Serverless Deployment Configuration",
                "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                "apigateway-private-apis.html"),
    cwe=(668,),
    equivalents={"Prowler": "apigateway_restapi_public"},
)
def public_internal_api(app: App, facts: Facts) -> Iterator[Finding]:
    routes_of: dict[str, list[Route]] = {}  # one pass over the routes, not one per API
    for route in app.routes:
        if route.method != "OPTIONS":
            routes_of.setdefault(route.api, []).append(route)
    for api in app.apis.values():
        if api.kind != "rest" or api_exposure(api) == "vpc" or owned_elsewhere(api):
            continue
        routes = routes_of.get(api.id, [])
        if not routes:
            continue
        kinds: set[str] = set()
        # routes IAM-signed as written, whose NONE only the setting's domain offers
        unlisted: dict[str, list[str]] = {}
        for route in routes:
            found = effective_authorizer(app, route)
            decided_by = domain_none(found)
            if decided_by is not None:
                unlisted.setdefault(unlisted_text(decided_by), []).append(route_label(route))
            kinds.add(found.kind.lower() if found is not None and
                      (decided_by is not None or not may_be_open(found)) else "none")
        if kinds != {"iam"}:
            continue
        message = f"REST API '{logical_id(api.id)}' only serves IAM-signed callers (every " \
            "route uses AWS_IAM) yet has a public endpoint: a PRIVATE endpoint would keep " \
            "it off the internet."
        if not unlisted:
            yield make_finding("FG-SHADOW-004", message, api.location,
                               f"api:{logical_id(api.id)}")
            continue
        # as the template writes it; a deployment passing NONE would open a route instead
        why = "; ".join(f"{'routes' if len(labels) > 1 else 'route'} {', '.join(labels)}: "
                        f"{text}" for text, labels in unlisted.items())
        yield make_finding(
            "FG-SHADOW-004", f"{message[:-1]}, as the template writes it ({why}).",
            api.location, f"api:{logical_id(api.id)}", confidence="low")


def _stage_name(value: object) -> str | None:
    return value.lower() if isinstance(value, str) else None


@rule(
    "FG-SHADOW-005",
    "Non-production stage in a production template",
    threat="shadow-api",
    severity="medium",
    description="""
Criterion: a template is a production template when it deploys an API stage named
prod/production/prd/live, or, for a serverless.yml, when the scan's stage is one of those
(`--stage prod`, or a serverless.yml's own `provider.stage: prod`; a SAM, CloudFormation
or Terraform template's stages are its own, whatever `--stage` says). A stage named dev,
develop, development, test, testing, qa, uat, staging, stage, sandbox, debug, demo,
preview, experimental, tmp, temp or local deployed by such a template is a forgotten door
into production: it usually runs with relaxed settings (no authoriser, verbose errors,
debug routes) against the same functions and data, and nobody watches it.
""",
    remediation={
        "serverless": "# deploy one stage per template run: sls deploy --stage prod\n"
                      "provider:\n  stage: ${opt:stage, 'dev'}",
        "sam": "# keep non-production stages in their own stack (samconfig.toml environments)\n"
               "Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod",
        "terraform": "# one workspace / state per environment instead of extra stages",
        "cloudformation": "# keep non-production stages in their own stack\n"
                          "ProdStage:\n"
                          "  Type: AWS::ApiGateway::Stage\n"
                          "  Properties:\n"
                          "    StageName: prod",
        "cdk": "# CDK: one stack per environment (a stack instance per stage in the app)",
    },
    references=(OWASP_SHADOW,),
    cwe=(1059,),
)
def nonprod_stage_in_prod(app: App, facts: Facts) -> Iterator[Finding]:
    # the scan's stage is a serverless.yml's (`--stage` resolves `${sls:stage}`): another
    # template's stages are its own (a SAM Stage parameter's samconfig environments)
    scan_prod = (facts.options.stage or app.stage or "").lower() in PROD_STAGES
    staged_files = {f.path for f in app.files if f.format == "serverless"} if scan_prod \
        else set()
    prod_files = {template_file(api.id, api.location) for api in app.apis.values()
                  if _stage_name(api.stage) in PROD_STAGES}
    for api in app.apis.values():
        stage = _stage_name(api.stage)
        if stage not in NONPROD_STAGES:
            continue
        file = template_file(api.id, api.location)
        if file not in prod_files and file not in staged_files:
            continue
        yield make_finding(
            "FG-SHADOW-005",
            f"API '{logical_id(api.id)}' deploys the non-production stage '{api.stage}' "
            "from a production template.", api.location,
            f"stage:{logical_id(api.id)}:{stage}")


@rule(
    "FG-SHADOW-006",
    "Old API version left beside a newer one",
    threat="shadow-api",
    severity="low",
    description="""
Routes under `/v1/` still deployed next to `/v2/` are an old version kept alive: it keeps
the bugs, the weaker validation and sometimes the weaker authorisation the new version
fixed, while attention (tests, monitoring, reviews) has moved on. Retire it, or document
and protect it like the current one. Reported once per old version, at its first route.
""",
    remediation={
        "serverless": "# remove the /v1/ events once clients have moved, or give them the "
                      "same authorizer as /v2/",
        "sam": "# remove the /v1/ Api events (or the v1 API) once clients have moved",
        "terraform": "# remove the v1 routes/resources once clients have moved",
        "chalice": "# app.py: remove the /v1/ @app.route handlers once clients have moved, or "
                   "give\n"
                   "# them the same authorizer= as the /v2/ ones",
        "zappa": "# app.py: remove the /v1/ routes of the app once clients have moved, or "
                 "protect\n"
                 "# them like the /v2/ ones (Zappa sends every path to the app)",
        "cloudformation": "# remove the /v1/ routes (AWS::ApiGateway::Method, "
                          "AWS::ApiGatewayV2::Route) or the v1 API once clients have moved",
    },
    references=(OWASP_SHADOW,),
    cwe=(1059,),
)
def old_version_routes(app: App, facts: Facts) -> Iterator[Finding]:
    versions: dict[int, list[Route]] = {}
    for route in http_routes(app):  # with the app's own routes behind a catch-all proxy
        match = _VERSION.match(route.path)
        if match:
            versions.setdefault(int(match.group(1)), []).append(route)
    if len(versions) < 2:
        return
    newest = max(versions)
    for version, routes in sorted(versions.items()):
        if version == newest:
            continue
        first = min(routes, key=lambda r: (r.location.file, r.location.line))
        yield make_finding(
            "FG-SHADOW-006",
            f"{len(routes)} route(s) under /v{version}/ are still deployed beside /v{newest}/ "
            f"(first: {route_label(first)}).",
            first.location, f"version:v{version}")
