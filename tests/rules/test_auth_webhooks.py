"""FG-AUTH-002 on webhook receivers: a route whose handler verifies the sender's signature
and stops on a bad one before its work is reported at info, naming the check; one whose
check is absent, ignored, caught and passed over, or met after work already ran stays
high."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-AUTH-002"


@pytest.mark.parametrize(("name", "verified"), [
    ("serverless-pos-webhooks", {
        9: "a Stripe webhook signature (stripe.Webhook.construct_event)",
        13: "an HMAC signature of the request (hmac.compare_digest)",
        17: "a Twilio request signature (.validate)",
        33: "a Stripe webhook signature (stripe.Webhook.construct_event)",
        42: "an HMAC signature of the request (hmac.compare_digest)"}),
    ("sam-pos-webhooks-node", {
        13: "a Stripe webhook signature (stripe.webhooks.constructEvent)",
        21: "an HMAC signature of the request (crypto.timingSafeEqual)",
        45: "a Stripe webhook signature (stripe.webhooks.constructEvent)",
        53: "a Stripe webhook signature (stripe.webhooks.constructEvent)",
        72: "an HMAC signature of the request (crypto.timingSafeEqual)"}),
])
def test_a_signature_check_that_gates_the_work_lowers_the_finding_to_info(
        name: str, verified: dict[int, str]) -> None:
    found = {f.location.line: f for f in check_case(Case("FG-AUTH-002", CASES / name))}
    for line, finding in found.items():
        if line in verified:
            assert finding.severity == "info"
            assert finding.properties["verified_in_code"] == verified[line]
            assert f"verifies {verified[line]} at " in finding.message
            assert finding.related[0][1] == "signature check"
        else:  # absent, ignored, or caught and passed over: no authentication
            assert finding.severity == "high" and "anyone from the internet" in finding.message
    assert set(verified) < set(found)
