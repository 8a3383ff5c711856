"""Review of FG-WALLET-001 on a function behind an AWS_IAM-authorised HTTP API route
(`authorizer: {type: aws_iam}`): API Gateway refuses a request without a SigV4 signature
of a principal allowed execute-api:Invoke (the account's own, without a resource policy)
before the function runs, so no outsider can flood it; FG-WALLET-001 reports it as "can be
triggered from outside (http)", as for a route without an authoriser (the control).
Fixed: such a route is no outsider's way in, unless the API's resource policy lets any
account call it. Fixtures under tests/fixtures/review_wallet_iam_route."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_wallet_iam_route"


def _reported(folder: str) -> list[str]:
    return [f.severity for f in scan(str(FIXTURES / folder)).findings
            if f.rule_id == "FG-WALLET-001" and not f.suppressed]


def test_a_route_without_authoriser_is_an_outside_trigger() -> None:
    assert _reported("none") == ["medium"]


def test_an_iam_authorised_route_is_not_an_outside_trigger() -> None:
    assert _reported("iam") in ([], ["low"])
