"""Plain CloudFormation API Gateway resources (REST: AWS::ApiGateway::*, HTTP and
websocket: AWS::ApiGatewayV2::*).

REST routes are rebuilt from the Method -> Resource -> parent Resource chain; V2 routes
from their RouteKey. Each route is bound to the function its integration URI names.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from faasguard.loaders.iam_resources import api_policies
from faasguard.loaders.intrinsics import NO_VALUE, possible_values
from faasguard.loaders.openapi import read_definition
from faasguard.loaders.ops_resources import note_data_trace
from faasguard.loaders.template import (
    Template,
    as_bool,
    items,
    labelled_choice,
    mapping,
    method_settings_throttle,
    route_throttles,
    strings,
    throttle,
    undecided_authorizer,
)
from faasguard.model import Api, Authorizer, Route, Unknown, Value

_REST_AUTH = {"NONE": "none", "AWS_IAM": "iam", "COGNITO_USER_POOLS": "cognito",
              "CUSTOM": "lambda-token", "JWT": "jwt"}
_INTEGRATION = re.compile(r"integrations/\$\{(?:[^}#]*#)?([A-Za-z0-9]+)\}")


def read_rest_api(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGateway::RestApi (phase 1)."""
    api = Api(id=t.qualify(logical), kind="rest", location=t.loc(t.line(logical)))
    endpoint = mapping(props.get("EndpointConfiguration"))
    types = strings(endpoint.get("Types"))
    api.endpoint_type = types[0] if types else None
    api.disable_execute_api_endpoint = as_bool(props.get("DisableExecuteApiEndpoint")) is True
    api.access_logging = False
    api.properties["name"] = props.get("Name")
    if props.get("Policy") is not None:
        api.properties["resource_policy"] = props["Policy"]
        t.app.resource_policies.extend(api_policies(api, props["Policy"], t.file))
    t.app.apis[api.id] = api
    if props.get("Body") is not None or props.get("BodyS3Location") is not None:
        t.finalizers.insert(0, lambda: read_definition(
            t, api, t.raw_props(logical), props, "Body", "BodyS3Location"))


def read_v2_api(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGatewayV2::Api (phase 1); quick-create `Target` gives a `$default` route."""
    protocol = str(props.get("ProtocolType", "HTTP")).upper()
    api = Api(id=t.qualify(logical), kind="websocket" if protocol == "WEBSOCKET" else "http",
              location=t.loc(t.line(logical)))
    api.disable_execute_api_endpoint = as_bool(props.get("DisableExecuteApiEndpoint")) is True
    api.access_logging = False
    if "CorsConfiguration" in props:
        api.properties["CorsConfiguration"] = props["CorsConfiguration"]
    t.app.apis[api.id] = api
    if props.get("Body") is not None or props.get("BodyS3Location") is not None:
        t.finalizers.insert(0, lambda: read_definition(
            t, api, t.raw_props(logical), props, "Body", "BodyS3Location"))
    if props.get("Target") is not None:
        t.finalizers.insert(0, lambda: t.add_route(
            Route(api.id, "http", "ANY", "$default", t.loc(props.line_of("Target"))),
            t.function_for(props.get("Target"))))


def read_authorizer(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGateway::Authorizer and AWS::ApiGatewayV2::Authorizer (phase 1)."""
    kind_raw = str(props.get("Type", props.get("AuthorizerType", ""))).upper()
    kind = {"TOKEN": "lambda-token", "REQUEST": "lambda-request",
            "COGNITO_USER_POOLS": "cognito", "JWT": "jwt"}.get(kind_raw, "lambda-request")
    sources = props.get("IdentitySource")
    identity = tuple(s.strip() for s in sources.split(",") if s.strip()) \
        if isinstance(sources, str) else strings(sources)
    name = props.get("Name")
    t.authorizers[t.qualify(logical)] = Authorizer(
        kind, name if isinstance(name, str) else logical, identity,
        location=t.loc(t.line(logical)),
        function=t.function_named_by(props.get("AuthorizerUri"))
        if kind.startswith("lambda-") else None)


def _path_of(t: Template, resource: Value, seen: frozenset[str] = frozenset()) -> str | None:
    """The path of an AWS::ApiGateway::Resource (or "" for the root), from its chain."""
    for logical, attribute in t.logicals_in(resource):
        if attribute == "RootResourceId":
            return ""
        if t.type_of(logical) != "AWS::ApiGateway::Resource" or logical in seen:
            return None
        props = t.resolved_props(logical)
        parent = _path_of(t, props.get("ParentId"), seen | {logical})
        part = props.get("PathPart")
        if parent is None or not isinstance(part, str):
            return None
        return f"{parent}/{part}"
    return None


#: The values AuthorizationType takes (REST methods; V2 routes) when a parameter sets it.
REST_AUTH_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
V2_AUTH_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "JWT")


def _authorizer(t: Template, logical: str, props: Any, line: int,
                domain: tuple[str, ...]) -> Authorizer | None:
    """A method's or route's authoriser; when the deployment chooses its
    AuthorizationType (an undecided `Fn::If`, a parameter, a Terraform variable), the
    authoriser of its first authenticating value, marked `undecided` when NONE is one."""
    raw = t.raw_props(logical)
    authorizer_id = _authorizer_id(t, raw, props)
    found = possible_values(raw.get("AuthorizationType"), t.scope, domain)
    if found is None:
        return _decided_authorizer(t, props, props.get("AuthorizationType", "NONE"), line,
                                   authorizer_id)
    # a branch leaving AuthorizationType out leaves it at its default, NONE
    decided_by = labelled_choice(found[0], found[1], lambda v: "NONE" if v is NO_VALUE else
                                 str(v).upper() if isinstance(v, str) else None)
    none = Authorizer("none", "NONE", location=t.loc(line))
    options = [none if label == "NONE" else
               _decided_authorizer(t, props, str(label), line, authorizer_id)
               for label in decided_by.choices]
    return undecided_authorizer(decided_by, options) or none


def _authorizer_id(t: Template, raw: Any, props: Any) -> str | None:
    """The authoriser AuthorizerId names: a Ref, else the first branch of one the
    deployment chooses that names an authoriser of the template."""
    authorizer_id = t.target_of(props.get("AuthorizerId"))
    if authorizer_id is not None:
        return authorizer_id
    found = possible_values(raw.get("AuthorizerId"), t.scope)
    return next((target for value in (found[1] if found else ())
                 if (target := t.target_of(value)) in t.authorizers), None)


def _decided_authorizer(t: Template, props: Any, auth_type_value: Value, line: int,
                        authorizer_id: str | None) -> Authorizer | None:
    auth_type = str(auth_type_value).upper()
    scopes = strings(props.get("AuthorizationScopes"))
    if auth_type == "NONE" and "AuthorizationType" in props:
        # API Gateway uses an AuthorizerId only with CUSTOM, COGNITO_USER_POOLS or JWT
        return Authorizer("none", "NONE", location=t.loc(line))
    if authorizer_id is not None and authorizer_id in t.authorizers:
        found = t.authorizers[authorizer_id]
        return dataclasses.replace(found, scopes=scopes or found.scopes)
    kind = _REST_AUTH.get(auth_type, "lambda-request")
    if kind == "none" and "AuthorizationType" not in props:
        return None
    return Authorizer(kind, auth_type, scopes=scopes, location=t.loc(line))


def read_method(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGateway::Method (phase 2) -> a Route bound to its integration's function."""
    api = t.api_for(props.get("RestApiId"))
    line = t.line(logical)
    path = _path_of(t, props.get("ResourceId"))
    if path is None:
        t.warn(f"{logical}: the path of its ResourceId cannot be rebuilt", line)
        path = str(Unknown("path"))
    method = str(props.get("HttpMethod", "ANY")).upper()
    api_id = api.id if api is not None else t.target_of(props.get("RestApiId")) or "?"
    line_of_auth = props.line_of("AuthorizationType", line)
    route = Route(api_id, "rest", method, path or "/", t.loc(line),
                  authorizer=_authorizer(t, logical, props, line_of_auth, REST_AUTH_TYPES),
                  api_key_required=as_bool(props.get("ApiKeyRequired")) is True)
    integration = mapping(props.get("Integration"))
    _bind(t, route, integration, integration.get("Uri"), logical)


def read_v2_route(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGatewayV2::Route (phase 2)."""
    api = t.api_for(props.get("ApiId"))
    key = props.get("RouteKey")
    line = t.line(logical)
    if not isinstance(key, str):
        t.warn(f"{logical}: RouteKey is not known", line)
        return
    kind = api.kind if api is not None else "http"
    if kind == "websocket":
        method, path = key, key
    elif key == "$default":
        method, path = "ANY", "$default"
    else:
        method, _, path = key.partition(" ")
        method = method.upper()
    route = Route(api.id if api is not None else t.target_of(props.get("ApiId")) or "?",
                  kind, method, path or "/", t.loc(line),
                  authorizer=_authorizer(t, logical, props,
                                         props.line_of("AuthorizationType", line),
                                         V2_AUTH_TYPES),
                  api_key_required=as_bool(props.get("ApiKeyRequired")) is True)
    integration = _v2_integration(t, props.get("Target"))
    _bind(t, route, integration, integration.get("IntegrationUri"), logical)


def _bind(t: Template, route: Route, integration: Any, uri: Value, logical: str) -> None:
    """Add the route, bound to the function its integration's URI names, or else to the
    resource a service integration hands the request to (`Route.target`)."""
    function = t.function_for(uri)
    if function is None:
        route.target = t.service_target(integration)
    t.add_route(route, function, {"resource": t.qualify(logical)})


def _v2_integration(t: Template, target: Value) -> Any:
    """The properties of the AWS::ApiGatewayV2::Integration a route's Target names."""
    if not isinstance(target, str):
        return {}
    match = _INTEGRATION.search(target)
    if match is None or t.type_of(match.group(1)) != "AWS::ApiGatewayV2::Integration":
        return {}
    return t.resolved_props(match.group(1))


def read_stage(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGateway::Stage / AWS::ApiGatewayV2::Stage / AWS::ApiGateway::Deployment
    (phase 2): stage name, tracing, access logging and throttling of their API."""
    api = t.api_for(props.get("RestApiId", props.get("ApiId")))
    if api is None:
        return
    settings = mapping(props.get("StageDescription")) or props
    stage = props.get("StageName")
    if stage is not None:
        api.stage = stage
    if settings.get("TracingEnabled") is not None:
        api.tracing = as_bool(settings.get("TracingEnabled"))
    if settings.get("AccessLogSetting") is not None or \
            settings.get("AccessLogSettings") is not None:
        api.access_logging = True
    limits = method_settings_throttle(settings.get("MethodSettings"))
    route = mapping(settings.get("DefaultRouteSettings"))
    limits = limits or throttle(route.get("ThrottlingRateLimit"),
                                route.get("ThrottlingBurstLimit")) or throttle(
        settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit"))
    if limits is not None:
        api.throttling = limits
    if api.kind == "rest":
        note_data_trace(t, api, settings)
    per_route = route_throttles(settings.get("MethodSettings")) if api.kind == "rest" else \
        route_throttles(mapping(settings.get("RouteSettings")))
    t.route_limits.setdefault(api.id, {}).update(per_route)


def read_usage_plan(t: Template, logical: str, props: Any) -> None:
    """AWS::ApiGateway::UsagePlan (phase 2): marks the APIs of its ApiStages."""
    limits = mapping(props.get("Throttle"))
    for _line, stage in items(props.get("ApiStages")):
        if not isinstance(stage, dict):
            continue
        api = t.api_for(stage.get("ApiId"))
        if api is not None:
            api.usage_plan = True
            if limits:
                api.properties["usage_plan_throttle"] = throttle(
                    limits.get("RateLimit"), limits.get("BurstLimit"))
