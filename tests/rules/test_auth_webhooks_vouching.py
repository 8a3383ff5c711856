"""FG-AUTH-002 (review of 3102dac): a helper that answers "valid" on some path without a
check (`if (!given) return true`) lets a request without a signature through: the route
it serves stays high; the same helper answering "invalid" there still counts (info). A
check whose answer comes through a promise counts only awaited."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-AUTH-002"


@pytest.mark.parametrize(("name", "lenient", "strict"), [
    ("sam-pos-webhooks-node-vouching", 13, 21),
    ("serverless-pos-webhooks-vouching", 9, 15),
])
def test_a_helper_vouching_without_a_check_is_no_authentication(
        name: str, lenient: int, strict: int) -> None:
    found = {f.location.line: f for f in check_case(Case("FG-AUTH-002", CASES / name))}
    assert found[lenient].severity == "high"
    assert "anyone from the internet" in found[lenient].message
    assert found[strict].severity == "info"
    assert found[strict].properties["verified_in_code"] in (
        "an HMAC signature of the request (crypto.timingSafeEqual)",
        "an HMAC signature of the request (hmac.compare_digest)")


def test_a_check_through_a_promise_counts_only_awaited() -> None:
    """`if (!verify(...))` with Octokit's async verify (or an async helper) tests a
    promise, never false; `constructEventAsync` not awaited rejects after the work has
    started: those routes stay high. Awaited, the same checks gate the work (info)."""
    case = Case("FG-AUTH-002", CASES / "sam-pos-webhooks-node-async")
    found = {f.location.line: f.severity for f in check_case(case)}
    assert found == {13: "high", 21: "info", 29: "high", 37: "info", 45: "high", 53: "info",
                     61: "info"}  # Svix's verify (`webhooks.verify`) throws, no promise
