"""The endpoint inventory of functions behind an ALB, found by the recall review (Prowler's
check of functions reachable through a load balancer): a listener rule that makes a
request pass an `authenticate-cognito` or `authenticate-oidc` action before forwarding to
the function's target group is an authenticated endpoint (`cognito`, `oidc`); it was
listed as `none`, every ALB endpoint 'without authentication'. An endpoint is
authenticated only when every rule forwarding to the group authenticates. Fixtures under
tests/fixtures/review_alb_authenticate (CloudFormation and Terraform)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_alb_authenticate"


@pytest.mark.parametrize(("folder", "auth"), [
    ("cfn_cognito", "cognito"), ("tf_oidc", "oidc"),
    ("cfn_open", "none"), ("tf_open", "none"),
    ("cfn_mixed", "none"),  # a second rule forwards to the group without authenticating
])
def test_what_an_alb_request_meets_first(folder: str, auth: str) -> None:
    [endpoint] = [e for e in scan(str(FIXTURES / folder)).facts.endpoints if e.kind == "alb"]
    assert (endpoint.auth, endpoint.unauthenticated) == (auth, auth == "none")
