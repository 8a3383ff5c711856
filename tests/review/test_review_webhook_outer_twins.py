"""Negative twins for 3c705d6's outer-decorator reading (review of 4d37ee6): a decorator
above the checking one that does no work before it calls on (CORS answering a preflight,
timing, parsing the body) leaves the route FG-AUTH-002 info (fixture
tests/fixtures/review_s12/webhook_outer_decorator_twins)."""

from __future__ import annotations

import pytest

from .support import FIXTURES, findings, one_about


@pytest.mark.parametrize("route", ["a", "b", "c"])
def test_an_outer_decorator_doing_no_work_first_keeps_the_route_info(route: str) -> None:
    found = findings(FIXTURES / "webhook_outer_decorator_twins", "FG-AUTH-002")
    assert one_about(found, f"Route POST /{route} ").severity == "info"
