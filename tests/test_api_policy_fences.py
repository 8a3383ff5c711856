"""Which routes of an API a resource policy opens to every account, when a Deny fences
some of them again (endpoints.open_to_any_account): only the routes the Deny's Resource
names, on every stage and for every method they take, and only a Deny whose every
condition is true for every caller outside the accounts or networks it names. FG-AUTH-004
reads this (fixtures FG-AUTH-004/sam-pos-iam-api-partial-deny and
sam-neg-iam-api-covering-deny); so does `cost` (endpoints.signed_only)."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from faasguard.analysis.endpoints import apis_open_to_any_account, open_to_any_account
from faasguard.model import App, Location, ResourcePolicy, Route, Statement

API = "t.yaml#Api"
OUTSIDERS = {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}


def _statement(effect: Literal["Allow", "Deny"], conditions: dict[str, Any] | None = None,
               resources: tuple[Any, ...] = ("execute-api:/*",),
               not_resources: tuple[Any, ...] = ()) -> ResourcePolicy:
    statement = Statement(effect, ("execute-api:Invoke",), resources=resources,
                          not_resources=not_resources, principals=("*",),
                          conditions=conditions or {})
    return ResourcePolicy(f"{API}:policy", "execute-api", API, statement, Location("t.yaml", 1))


def _open(route: tuple[str, str], deny: ResourcePolicy) -> bool:
    app = App(resource_policies=[_statement("Allow"), deny])
    method, path = route
    return open_to_any_account(Route(API, "rest", method, path, Location("t.yaml", 2)),
                               apis_open_to_any_account(app))


@pytest.mark.parametrize(("resources", "route", "fenced"), [
    (("execute-api:/*/GET/admin/*",), ("GET", "/admin/{id}"), True),
    (("execute-api:/*/GET/admin/*",), ("POST", "/orders"), False),
    (("execute-api:/*/GET/admin/*",), ("ANY", "/admin/{id}"), False),  # GET only
    (("execute-api:/*/*/admin/*",), ("ANY", "/admin/{id}"), True),
    (("execute-api:/prod/GET/admin/*",), ("GET", "/admin/{id}"), False),  # one stage
    (("arn:aws:execute-api:eu-west-1:111122223333:a1b2c3/*/POST/orders",),
     ("POST", "/orders"), True),
    (("arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*/*",), ("POST", "/orders"), True),
    (("${aws_api_gateway_rest_api.api.ExecutionArn}/*/GET/*",), ("POST", "/orders"), False),
    (("*",), ("POST", "/orders"), True),
    (("urn:written-some-other-way",), ("POST", "/orders"), True),  # not read: as before
])
def test_a_deny_fences_the_routes_its_resource_names(
        resources: tuple[str, ...], route: tuple[str, str], fenced: bool) -> None:
    assert _open(route, _statement("Deny", OUTSIDERS, resources)) is not fenced


def test_a_not_resource_deny_fences_every_other_route() -> None:
    deny = _statement("Deny", OUTSIDERS, resources=(),
                      not_resources=("execute-api:/*/GET/health",))
    assert _open(("GET", "/health"), deny)
    assert not _open(("POST", "/orders"), deny)


@pytest.mark.parametrize(("conditions", "fenced"), [
    ({"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, True),
    ({"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b"}}, True),
    ({"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, False),  # a block list
    ({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}, False),  # the own account
    ({"Bool": {"aws:SecureTransport": "false"}}, False),
    ({**OUTSIDERS, "Bool": {"aws:SecureTransport": "false"}}, False),  # outsiders over HTTP
    ({}, True),  # every caller denied
])
def test_a_deny_fences_every_caller_outside_what_it_names(
        conditions: dict[str, Any], fenced: bool) -> None:
    assert _open(("POST", "/orders"), _statement("Deny", conditions)) is not fenced
