"""The wallet rules: fixtures through the whole pipeline, and rule functions on built models."""

from __future__ import annotations

import pytest

from .conftest import cases, check_case

WALLET_RULES = [f"FG-WALLET-00{n}" for n in range(1, 8)]


@pytest.mark.parametrize("case", [c for r in WALLET_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)
