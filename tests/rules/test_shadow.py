"""The shadow-api rules: fixtures through the whole pipeline, and rule functions on models."""

from __future__ import annotations

import pytest

from .conftest import cases, check_case

SHADOW_RULES = [f"FG-SHADOW-00{n}" for n in range(1, 7)]


@pytest.mark.parametrize("case", [c for r in SHADOW_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)
