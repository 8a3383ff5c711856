"""The auth rules: fixtures through the whole pipeline, and rule functions on built models."""

from __future__ import annotations

import pytest

from .conftest import cases, check_case

AUTH_RULES = ["FG-AUTH-001", "FG-AUTH-002", "FG-AUTH-003", "FG-AUTH-004", "FG-AUTH-005"]


@pytest.mark.parametrize("case", [c for r in AUTH_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)
