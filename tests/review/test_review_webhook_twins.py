"""Negative twins for the fixes of the webhook_gates pins (4d37ee6 review): receivers whose
project helper or decorator verifies before any work, written as real ones are, stay
FG-AUTH-002 info (fixture tests/fixtures/review_s12/webhook_verified_twins): a helper
raising on a missing signature, an answering helper returning False first, Stripe's
construct_event with its error re-raised, a wrapper answering an OPTIONS preflight
itself."""

from __future__ import annotations

import pytest

from .support import FIXTURES, findings, one_about


@pytest.mark.parametrize("route", ["a", "b", "c", "d"])
def test_a_helper_or_decorator_verifying_first_keeps_the_route_info(route: str) -> None:
    found = findings(FIXTURES / "webhook_verified_twins", "FG-AUTH-002")
    assert one_about(found, f"Route POST /{route} ").severity == "info"
