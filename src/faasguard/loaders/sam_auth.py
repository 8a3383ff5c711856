"""SAM API authorisation: `Auth` of AWS::Serverless::Api / HttpApi, and of each event.

An API's `Auth.Authorizers` become `Authorizer`s (cognito, lambda-token, lambda-request,
jwt), `Auth.DefaultAuthorizer` protects every route that does not say otherwise, and an
event's `Auth.Authorizer` overrides it (`NONE`, `AWS_IAM` or an authoriser's name).
A name the deployment chooses (`!If [IsProd, MyAuth, NONE]`, a parameter) is an
authoriser marked `undecided` when one of the names leaves the route open.
"""

from __future__ import annotations

import dataclasses

from faasguard.loaders.intrinsics import NO_VALUE, possible_values
from faasguard.loaders.template import (
    ApiAuth,
    Template,
    as_bool,
    labelled_choice,
    mapping,
    strings,
    undecided_authorizer,
)
from faasguard.model import Api, Authorizer, Unknown, Value


def read_api_auth(t: Template, api: Api, auth: dict[str, Value],
                  raw: Value = None) -> ApiAuth:
    """Read an API's `Auth` mapping (`raw`: as written); remembered on the template for
    its routes. An `Auth` the deployment chooses as a whole (`!If [IsProd, {...},
    !Ref AWS::NoValue]`) is read from its first mapping, its default authoriser marked
    `undecided` when another choice has none."""
    chosen = possible_values(raw, t.scope) if isinstance(raw, dict) and "Fn::If" in raw \
        else None
    if chosen is not None:
        return _chosen_auth(t, api, *chosen)
    result = ApiAuth()
    _read_authorizers(t, api, auth, result)
    if as_bool(auth.get("EnableIamAuthorizer")):
        result.authorizers["AWS_IAM"] = Authorizer("iam", "AWS_IAM")
    line = mapping(auth).line_of("DefaultAuthorizer")
    result.default = _chosen(t, result, mapping(raw).get("DefaultAuthorizer"), None, line)
    default = auth.get("DefaultAuthorizer")
    if result.default is None and isinstance(default, str):
        result.default = named_authorizer(t, result, default, line)
    result.api_key_required = as_bool(auth.get("ApiKeyRequired")) is True
    preflight = as_bool(auth.get("AddDefaultAuthorizerToCorsPreflight"))
    result.default_on_preflight = preflight is not False
    t.api_auth[api.id] = result
    return result


def _read_authorizers(t: Template, api: Api, auth: dict[str, Value], into: ApiAuth) -> None:
    """Add the authorisers of an `Auth` mapping's `Authorizers` not already in `into`."""
    authorizers = mapping(auth.get("Authorizers"))
    for name, config in authorizers.items():
        line = authorizers.line_of(name)
        if not isinstance(config, dict):
            t.warn(f"authorizer {name} should be a mapping; ignored", line)
            continue
        if str(name) not in into.authorizers:
            into.authorizers[str(name)] = _authorizer(t, api, str(name), mapping(config), line)


def _chosen_auth(t: Template, api: Api, decided_by: Unknown,
                 values: tuple[Value, ...]) -> ApiAuth:
    """An API's `Auth` as a whole the deployment chooses among `values` (mappings, or
    `NO_VALUE`: no `Auth`, no authoriser); the authorisers of every mapping are known (a
    branch's default may name one only its own mapping defines)."""
    mappings = [mapping(v) for v in values if isinstance(v, dict)]
    result = read_api_auth(t, api, mappings[0] if mappings else mapping(None))
    for other in mappings[1:]:
        _read_authorizers(t, api, other, result)
    options: list[Authorizer | None] = []
    for value in values:
        name = _default_name(value)
        options.append(named_authorizer(t, result, name, mapping(value).line_of(
            "DefaultAuthorizer")) if name is not None else None)
    result.default = undecided_authorizer(
        labelled_choice(decided_by, values, _default_label), options)
    return result


def _default_name(auth: Value) -> str | None:
    """The authoriser an `Auth` mapping's `DefaultAuthorizer` names (None: none)."""
    name = auth.get("DefaultAuthorizer") if isinstance(auth, dict) else None
    return name if isinstance(name, str) else None


def _default_label(auth: Value) -> str:
    """An `Auth` mapping's default authoriser as messages name it: NONE for none."""
    name = _default_name(auth)
    return "NONE" if name is None else name


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
    function = t.function_named_by(config.get("FunctionArn"))
    if api.kind == "http":
        sources = _request_sources(identity, "$request.header.", "$request.querystring.")
        return Authorizer("lambda-request", name, sources, scopes, t.loc(line),
                          function=function)
    if str(config.get("FunctionPayloadType", "TOKEN")).upper() == "REQUEST":
        sources = _request_sources(identity, "method.request.header.",
                                   "method.request.querystring.")
        return Authorizer("lambda-request", name, sources, scopes, t.loc(line),
                          function=function)
    header = identity.get("Header", "Authorization")
    return Authorizer("lambda-token", name, (f"method.request.header.{header}",), scopes,
                      t.loc(line), function=function)


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


def _chosen(t: Template, auth: ApiAuth, raw: Value, absent: Authorizer | None,
            line: int | None) -> Authorizer | None:
    """The authoriser an authoriser name the deployment chooses stands for (`raw`, as
    written: an undecided `Fn::If`, a parameter), `absent` standing for a branch that
    leaves the name out; None when the template decides the name."""
    names = ("NONE", "AWS_IAM", *auth.authorizers)
    found = possible_values(raw, t.scope, names)
    if found is None:
        return None
    decided_by, values = found
    options = [named_authorizer(t, auth, value, line) if isinstance(value, str) else absent
               for value in values if value is NO_VALUE or isinstance(value, str)]
    absent_label = absent.name or absent.kind if absent is not None else "NONE"
    chosen = undecided_authorizer(labelled_choice(
        decided_by, values, lambda v: absent_label if v is NO_VALUE else
        v if isinstance(v, str) else None), options)
    return chosen if chosen is not None else Authorizer("none", "NONE", location=t.loc(line))


def route_authorizer(t: Template, auth: ApiAuth, event_auth: dict[str, Value],
                     method: str, raw: Value = None) -> Authorizer | None:
    """The authoriser protecting a route: the event's, else the API's default (`raw`:
    the event's `Auth` as written, for a name the deployment chooses).

    None when the route has no authoriser at all; kind "none" when it says `NONE`.
    """
    scopes = strings(event_auth.get("AuthorizationScopes"))
    name = event_auth.get("Authorizer")
    line = event_auth.line_of("Authorizer") if hasattr(event_auth, "line_of") else None
    chosen = _chosen(t, auth, mapping(raw).get("Authorizer"), auth.default, line)
    if chosen is None and isinstance(name, str):
        chosen = named_authorizer(t, auth, name, line)
    elif chosen is None and method == "OPTIONS" and not auth.default_on_preflight:
        return None
    elif chosen is None:
        chosen = auth.default
    if chosen is not None and scopes:
        chosen = dataclasses.replace(chosen, scopes=scopes)
    return chosen
