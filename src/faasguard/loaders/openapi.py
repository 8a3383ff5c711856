"""OpenAPI / Swagger definitions of API Gateway APIs -> Routes and authorisers.

The definition comes inline (`DefinitionBody`, `Body`), through `AWS::Include`, or from a
local file (`DefinitionUri`, `BodyS3Location` is never fetched). Local files are read only
inside the scanned root, relative to the template. Each operation becomes a Route at its
own line (in whichever file it was written); `x-amazon-apigateway-integration.uri` binds it
to a function; `security` with the definition's security schemes gives its authoriser.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from faasguard.loaders.documents import LDict
from faasguard.loaders.template import ApiAuth, Template, mapping
from faasguard.model import Api, Authorizer, Diagnostic, Location, Route, SourceFile

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace",
                "x-amazon-apigateway-any-method"}
_API_KEY = Authorizer("api-key")


def read_definition(t: Template, api: Api, raw: dict[str, Any], props: LDict,
                    body_key: str = "DefinitionBody", uri_key: str = "DefinitionUri") -> None:
    """Load an API's OpenAPI definition (inline, AWS::Include or local file) into routes."""
    body = raw.get(body_key)
    line = props.line_of(body_key, api.location.line)
    spec: Any = None
    file = t.file
    warnings: list[tuple[int | None, str]] = []
    include = _include_location(body)
    if include is not None:
        loaded = t.read_local(t.resolve(include), line)
        if loaded is None:
            return
        file, document = loaded
        spec, warnings = t.resolve(document.data), document.warnings
    elif body is not None:
        spec = props.get(body_key)
    elif props.get(uri_key) is not None:
        uri = props.get(uri_key)
        line = props.line_of(uri_key, line)
        if not isinstance(uri, str):
            api.properties["definition_uri"] = uri
            return
        loaded = t.read_local(uri, line)
        if loaded is None:
            api.properties["definition_uri"] = uri
            return
        file, document = loaded
        spec, warnings = t.resolve(document.data), document.warnings
    if not isinstance(spec, dict):
        if spec is not None:
            t.warn("the API definition is not a mapping; its routes are not known", line)
        return
    if file != t.file and all(f.path != file for f in t.app.files):
        t.app.files.append(SourceFile(file, "openapi"))
        t.app.diagnostics.extend(Diagnostic(file, message, at, "warning")
                                 for at, message in warnings)
    api.openapi = spec
    api.openapi_location = Location(file, getattr(spec, "line", 0) or line)
    load_routes(t, api, spec, file)


def _include_location(body: Any) -> Any:
    if isinstance(body, dict) and list(body) == ["Fn::Transform"]:
        transform = body["Fn::Transform"]
        if isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
            return mapping(transform.get("Parameters")).get("Location")
    return None


def load_routes(t: Template, api: Api, spec: dict[str, Any], file: str) -> None:
    """Every operation of `spec.paths` -> a Route on `api` (from_openapi=True)."""
    paths = spec.get("paths")
    if not isinstance(paths, dict):
        return
    schemes = _schemes(t, spec, file)
    auth = t.api_auth.get(api.id) or ApiAuth()
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            if not isinstance(key, str) or key.lower() not in HTTP_METHODS:
                continue
            if not isinstance(operation, dict):
                continue
            method = "ANY" if key.lower().startswith("x-amazon") else key.upper()
            line = item.line_of(key) if isinstance(item, LDict) else 1
            authorizer, api_key = _security(t, operation, spec, schemes, auth, method)
            integration = mapping(operation.get("x-amazon-apigateway-integration"))
            function = t.function_for(integration.get("uri"))
            route = Route(api=api.id, api_kind=api.kind, method=method, path=str(path),
                          location=Location(file, line), authorizer=authorizer,
                          api_key_required=api_key or auth.api_key_required,
                          from_openapi=True,
                          target=None if function else t.service_target(integration))
            t.add_route(route, function, {"openapi": True})


def _schemes(t: Template, spec: dict[str, Any], file: str) -> dict[str, Authorizer]:
    """Security schemes (OpenAPI 3 components or Swagger 2 securityDefinitions)."""
    raw = mapping(mapping(spec.get("components")).get("securitySchemes")) or \
        mapping(spec.get("securityDefinitions"))
    found: dict[str, Authorizer] = {}
    for name, scheme in raw.items():
        if not isinstance(scheme, dict):
            continue
        authorizer = _scheme_authorizer(str(name), scheme)
        if authorizer is _API_KEY:
            found[str(name)] = authorizer
        elif authorizer is not None:
            uri = mapping(scheme.get("x-amazon-apigateway-authorizer")).get("authorizerUri")
            found[str(name)] = dataclasses.replace(
                authorizer, location=Location(file, raw.line_of(name)),
                function=t.function_named_by(uri) if authorizer.kind.startswith("lambda-")
                else None)
    return found


def _scheme_authorizer(name: str, scheme: dict[str, Any]) -> Authorizer | None:
    extension = mapping(scheme.get("x-amazon-apigateway-authorizer"))
    kind = str(extension.get("type", "")).lower()
    auth_type = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
    sources = extension.get("identitySource")
    identity = tuple(s.strip() for s in sources.split(",")) if isinstance(sources, str) \
        else tuple(str(s) for s in sources) if isinstance(sources, list) else ()
    if not identity and scheme.get("in") == "header" and isinstance(scheme.get("name"), str):
        identity = (f"method.request.header.{scheme['name']}",)
    if kind == "cognito_user_pools" or auth_type == "cognito_user_pools":
        return Authorizer("cognito", name, identity)
    if kind in ("token", "request"):
        return Authorizer(f"lambda-{kind}", name, identity)
    if kind == "jwt" or scheme.get("type") in ("oauth2", "openIdConnect"):
        return Authorizer("jwt", name, identity)
    if auth_type == "awssigv4":
        return Authorizer("iam", name, identity)
    if scheme.get("type") == "apiKey":
        return _API_KEY
    return None


def _security(t: Template, operation: dict[str, Any], spec: dict[str, Any],
              schemes: dict[str, Authorizer], auth: ApiAuth,
              method: str) -> tuple[Authorizer | None, bool]:
    """(authoriser, api key required) of one operation."""
    from faasguard.loaders.sam_auth import route_authorizer

    security = operation.get("security", spec.get("security"))
    if not isinstance(security, list):
        return route_authorizer(t, auth, {}, method), False
    authorizer: Authorizer | None = None
    api_key = False
    for requirement in security:
        if not isinstance(requirement, dict):
            continue
        if not requirement and authorizer is None:
            authorizer = Authorizer("none")
        for name, scopes in requirement.items():
            scheme = schemes.get(str(name)) or auth.authorizers.get(str(name))
            if scheme is _API_KEY:
                api_key = True
            elif scheme is not None and (authorizer is None or authorizer.kind == "none"):
                authorizer = dataclasses.replace(
                    scheme, scopes=tuple(str(s) for s in scopes)
                    if isinstance(scopes, list) and scopes else scheme.scopes)
    if authorizer is None and not api_key:
        authorizer = Authorizer("none")
    return authorizer, api_key
