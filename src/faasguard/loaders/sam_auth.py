"""SAM API authorisation: `Auth` of AWS::Serverless::Api / HttpApi, and of each event.

An API's `Auth.Authorizers` become `Authorizer`s (cognito, lambda-token, lambda-request,
jwt), `Auth.DefaultAuthorizer` protects every route that does not say otherwise, and an
event's `Auth.Authorizer` overrides it (`NONE`, `AWS_IAM` or an authoriser's name).
"""

from __future__ import annotations

import dataclasses

from faasguard.loaders.template import ApiAuth, Template, as_bool, mapping, strings
from faasguard.model import Api, Authorizer, Value


def read_api_auth(t: Template, api: Api, auth: dict[str, Value]) -> ApiAuth:
    """Read an API's `Auth` mapping; remembered on the template for its routes."""
    result = ApiAuth()
    authorizers = mapping(auth.get("Authorizers"))
    for name, config in authorizers.items():
        line = authorizers.line_of(name)
        if not isinstance(config, dict):
            t.warn(f"authorizer {name} should be a mapping; ignored", line)
            continue
        result.authorizers[str(name)] = _authorizer(t, api, str(name), mapping(config), line)
    if as_bool(auth.get("EnableIamAuthorizer")):
        result.authorizers["AWS_IAM"] = Authorizer("iam", "AWS_IAM")
    default = auth.get("DefaultAuthorizer")
    if isinstance(default, str):
        result.default = named_authorizer(t, result, default,
                                          mapping(auth).line_of("DefaultAuthorizer"))
    result.api_key_required = as_bool(auth.get("ApiKeyRequired")) is True
    preflight = as_bool(auth.get("AddDefaultAuthorizerToCorsPreflight"))
    result.default_on_preflight = preflight is not False
    t.api_auth[api.id] = result
    return result


def _authorizer(t: Template, api: Api, name: str, config: dict[str, Value],
                line: int) -> Authorizer:
    identity = mapping(config.get("Identity"))
    scopes = strings(config.get("AuthorizationScopes"))
    if "JwtConfiguration" in config:
        sources = strings(config.get("IdentitySource")) or ("$request.header.Authorization",)
        return Authorizer("jwt", name, sources, scopes, t.loc(line))
    if "UserPoolArn" in config:
        header = identity.get("Header", "Authorization")
        return Authorizer("cognito", name, (f"method.request.header.{header}",), scopes,
                          t.loc(line))
    if api.kind == "http":
        sources = _request_sources(identity, "$request.header.", "$request.querystring.")
        return Authorizer("lambda-request", name, sources, scopes, t.loc(line))
    if str(config.get("FunctionPayloadType", "TOKEN")).upper() == "REQUEST":
        sources = _request_sources(identity, "method.request.header.",
                                   "method.request.querystring.")
        return Authorizer("lambda-request", name, sources, scopes, t.loc(line))
    header = identity.get("Header", "Authorization")
    return Authorizer("lambda-token", name, (f"method.request.header.{header}",), scopes,
                      t.loc(line))


def _request_sources(identity: dict[str, Value], header: str, query: str) -> tuple[str, ...]:
    return (tuple(header + h for h in strings(identity.get("Headers")))
            + tuple(query + q for q in strings(identity.get("QueryStrings"))))


def named_authorizer(t: Template, auth: ApiAuth, name: str,
                     line: int | None) -> Authorizer | None:
    """The authoriser a name stands for: NONE, AWS_IAM or one of the API's authorisers."""
    if name == "NONE":
        return Authorizer("none", "NONE", location=t.loc(line))
    if name == "AWS_IAM":
        return Authorizer("iam", "AWS_IAM", location=t.loc(line))
    found = auth.authorizers.get(name)
    if found is None:
        t.warn(f"authorizer '{name}' is not defined in the API's Auth.Authorizers", line)
    return found


def route_authorizer(t: Template, auth: ApiAuth, event_auth: dict[str, Value],
                     method: str) -> Authorizer | None:
    """The authoriser protecting a route: the event's, else the API's default.

    None when the route has no authoriser at all; kind "none" when it says `NONE`.
    """
    scopes = strings(event_auth.get("AuthorizationScopes"))
    name = event_auth.get("Authorizer")
    if isinstance(name, str):
        line = event_auth.line_of("Authorizer") if hasattr(event_auth, "line_of") else None
        chosen = named_authorizer(t, auth, name, line)
    elif method == "OPTIONS" and not auth.default_on_preflight:
        return None
    else:
        chosen = auth.default
    if chosen is not None and scopes:
        chosen = dataclasses.replace(chosen, scopes=scopes)
    return chosen
