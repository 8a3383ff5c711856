"""FG-AUTH-002 on REST routes without an authoriser whose API's resource policy fences
them. A route no unsigned request can reach (an Allow naming an account, or conditioned on
the caller's organisation; a Deny to every caller outside an account; an Allow naming
other routes; SAM's AwsAccountWhitelist) is not reported. One only a network may reach (an
Allow on `aws:SourceIp` / `aws:SourceVpce`, a Deny to every request from outside a
network, SAM's IpRangeWhitelist and SourceVpcWhitelist) is `low`, naming the network. A
route the policy leaves open beside fenced ones is reported as before, saying so.
Fixtures under tests/fixtures/rules/FG-AUTH-002/*-api-policy-fenced."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-AUTH-002"


def _routes(case: str) -> list[tuple[int, str, str]]:
    return sorted((f.location.line, f.severity, f.message)
                  for f in scan(str(CASES / case)).findings if f.rule_id == "FG-AUTH-002")


@pytest.mark.parametrize("case", ["sam-neg-api-policy-fenced",
                                  "serverless-neg-api-policy-fenced",
                                  "terraform-neg-api-policy-fenced"])
def test_a_route_no_unsigned_request_reaches_is_not_reported(case: str) -> None:
    assert _routes(case) == []


def test_network_fenced_routes_are_low_and_name_the_network() -> None:
    *fenced, status = _routes("sam-pos-api-policy-fenced")
    assert [(line, severity) for line, severity, _ in fenced] == \
        [(14, "low"), (20, "low"), (26, "low"), (32, "low")]
    networks = ["VPC endpoint vpce-0a1b2c3d4e5f60789", "198.51.100.0/24",
                "203.0.113.0/24",  # SAM's IpRangeWhitelist
                "VPC vpc-0123456789abcdef0 or VPC endpoint vpce-0a1b2c3d4e5f60789"]
    for (_, _, message), network in zip(fenced, networks, strict=True):
        assert f"anyone from {network} can call it" in message
        assert message.endswith("The API's resource policy lets no other unsigned request in.")
    # DELETE /admin/{id} is fenced by a Deny to every caller outside an account: nobody
    # unsigned gets in; POST /status, which the Deny does not name, stays open
    assert status[:2] == (44, "high")
    assert status[2].endswith("The API's resource policy fences some of its routes, not "
                              "this one.")


@pytest.mark.parametrize("case, network", [
    ("serverless-pos-api-policy-fenced", "198.51.100.0/24"),
    ("terraform-pos-api-policy-fenced", "VPC endpoint vpce-0a1b2c3d4e5f60789"),
])
def test_each_format_names_the_network(case: str, network: str) -> None:
    [(_, severity, message)] = _routes(case)
    assert severity == "low"
    assert f"anyone from {network} can call it" in message
