"""serverless.yml `alb` events whose `listenerArn` is a `Ref` / `Fn::GetAtt` of a listener
in `resources:`: the listener's load balancer decides who reaches the function, as a SAM /
CloudFormation target group's listener does (event_sources.read_listener gives the
trigger the balancer's scheme). Fixture tests/fixtures/serverless_alb_listener_ref:
internal/ (`!Ref AdminListener`, an internal balancer) and public/ (`!GetAtt
AdminListener.ListenerArn`, internet-facing), each an unauthenticated POST/DELETE
/admin. Before, both were judged as a listener of another stack: FG-AUTH-002 medium at
low confidence ("internet-facing unless that balancer, which the project does not hold,
is internal") and exposure "internet" in the endpoint inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.endpoints import build_endpoints
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REF = FIXTURES / "serverless_alb_listener_ref"
ARN = FIXTURES / "rules" / "FG-AUTH-002" / "serverless-pos-alb"  # a listener's ARN


@pytest.mark.parametrize(("folder", "scheme", "exposure", "found"), [
    (REF / "internal", "internal", "vpc", []),
    (REF / "public", "internet-facing", "internet",
     [("high", "anyone on the internet can call it (its load balancer is "
               "internet-facing)")]),
    (ARN, None, "internet",  # the control: the project does not hold the listener
     [("medium", "anyone who reaches its load balancer can call it (internet-facing "
                 "unless that balancer, which the project does not hold, is internal)")]),
])
def test_the_listeners_balancer_decides_who_reaches_the_function(folder, scheme, exposure,
                                                                 found) -> None:
    result = scan(str(folder))
    [trigger] = [t for f in result.app.functions.values() for t in f.triggers
                 if t.kind == "alb"]
    assert trigger.properties["scheme"] == [scheme]
    assert {e.exposure for e in build_endpoints(result.app) if e.kind == "alb"} == {exposure}
    auth = [f for f in result.findings if f.rule_id == "FG-AUTH-002"]
    assert [f.severity for f in auth] == [severity for severity, _who in found]
    assert all(who in f.message for f, (_severity, who) in zip(auth, found, strict=True))
