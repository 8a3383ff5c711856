"""The endpoint inventory's `exposure` of REST routes an API resource policy fences: what
the policy lets an unsigned request reach (FG-AUTH-002's `unsigned_callers`), shown by
`faasguard endpoints` on FG-AUTH-002's *-api-policy-fenced fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faasguard.analysis.endpoints import Fence, build_endpoints, route_exposure
from faasguard.cli import main
from faasguard.model import Api, App, Location, ResourcePolicy, Route, Statement

FENCED = Path(__file__).resolve().parent / "fixtures" / "rules" / "FG-AUTH-002"


def _inventory(capsys: pytest.CaptureFixture[str], case: str) -> list[tuple[str, str, str]]:
    """(method, path, exposure) of each endpoint `faasguard endpoints --format json` lists."""
    assert main(["endpoints", str(FENCED / case), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    return [(e["method"], e["path"], e["exposure"]) for e in data["endpoints"]]


@pytest.mark.parametrize(("case", "expected"), [
    # an Allow on one VPC endpoint (of a PRIVATE API), a Deny of every source IP but a
    # range, IpRangeWhitelist, SourceVpcWhitelist (a VPC and a VPC endpoint), a Deny
    # fencing DELETE /admin/* to callers of one account, and the API's other route open
    ("sam-pos-api-policy-fenced", [
        ("POST", "/orders", "vpc"), ("DELETE", "/orders", "network"),
        ("PATCH", "/orders", "network"), ("PATCH", "/orders", "vpc"),
        ("DELETE", "/admin/{id}", "nobody"), ("POST", "/status", "internet")]),
    ("serverless-pos-api-policy-fenced", [("POST", "/orders", "network")]),
    ("terraform-pos-api-policy-fenced", [("POST", "/orders", "vpc")]),
    # an Allow naming an account or conditioned on an organisation, a Deny to every
    # account but one, an Allow of other routes only, AwsAccountWhitelist
    ("sam-neg-api-policy-fenced", [
        ("POST", "/orders", "nobody"), ("DELETE", "/orders", "nobody"),
        ("PUT", "/orders", "nobody"), ("PATCH", "/orders", "nobody"),
        ("POST", "/internal", "nobody")]),
    ("serverless-neg-api-policy-fenced", [("POST", "/orders", "nobody")]),
    ("terraform-neg-api-policy-fenced", [("POST", "/orders", "nobody")]),
])
def test_exposure_says_what_the_resource_policy_allows(
        capsys: pytest.CaptureFixture[str], case: str,
        expected: list[tuple[str, str, str]]) -> None:
    assert _inventory(capsys, case) == expected


def test_text_table_shows_the_fenced_exposure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["endpoints", str(FENCED / "serverless-neg-api-policy-fenced")]) == 0
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[:7] == ["rest", "POST", "/orders", "orders", "none", "no", "nobody"]


_PUBLIC = Api("t.yaml#Rest", "rest", Location("t.yaml", 1))
_PRIVATE = Api("t.yaml#Rest", "rest", Location("t.yaml", 1), endpoint_type="PRIVATE")
_OFFICE = Fence("network", ("198.51.100.0/24",), ip_ranges=True)
_VPCE = Fence("network", ("VPC endpoint vpce-1a2b",))


@pytest.mark.parametrize(("api", "auth", "fence", "expected"), [
    (_PUBLIC, "none", None, "internet"),  # no resource policy: anyone
    (_PUBLIC, "none", Fence("anyone", fences_others=True), "internet"),
    (_PRIVATE, "none", Fence("anyone"), "vpc"),
    (_PUBLIC, "cognito", Fence("nobody"), "nobody"),  # a token is no signature
    (_PRIVATE, "none", Fence("nobody"), "nobody"),
    (_PUBLIC, "none", _OFFICE, "network"),
    (_PUBLIC, "none", Fence("network", ("VPC vpc-1", "203.0.113.0/24"), ip_ranges=True),
     "network"),
    (_PRIVATE, "none", _OFFICE, "vpc"),  # still only through an interface endpoint
    (_PUBLIC, "none", _VPCE, "vpc"),
    # a signed request may be a principal the policy lets in from anywhere
    (_PUBLIC, "iam", Fence("nobody"), "internet"),
    (_PRIVATE, "iam", _OFFICE, "vpc"),
])
def test_route_exposure(api: Api, auth: str, fence: Fence | None, expected: str) -> None:
    assert route_exposure(api, auth, fence) == expected


def test_app_router_routes_are_fenced_by_their_own_paths() -> None:
    """A Zappa-style app behind `ANY /{proxy+}`: a Deny of every source IP but the office's
    on `/*/*/admin/*` fences the app's own /admin/users route, not its /health."""
    app = App()
    api = Api("t.yaml#Rest", "rest", Location("t.yaml", 1))
    app.apis[api.id] = api
    app.routes.append(Route(api.id, "rest", "ANY", "/{proxy+}", Location("t.yaml", 5), "t.yaml#Fn"))
    api.app_routes += [
        Route(api.id, "rest", "POST", "/admin/users", Location("app.py", 3), "t.yaml#Fn"),
        Route(api.id, "rest", "GET", "/health", Location("app.py", 9), "t.yaml#Fn"),
    ]
    app.resource_policies += [
        ResourcePolicy("allow", "execute-api", api.id, Statement(
            "Allow", actions=("execute-api:Invoke",), resources=("execute-api:/*",),
            principals=("*",)), Location("t.yaml", 20)),
        ResourcePolicy("deny", "execute-api", api.id, Statement(
            "Deny", actions=("execute-api:Invoke",), resources=("execute-api:/*/*/admin/*",),
            principals=("*",), conditions={"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}),
            Location("t.yaml", 25)),
    ]
    got = {(e.method, e.path): e.exposure for e in build_endpoints(app)}
    assert got == {("ANY", "/{proxy+}"): "internet", ("POST", "/admin/users"): "network",
                   ("GET", "/health"): "internet"}
