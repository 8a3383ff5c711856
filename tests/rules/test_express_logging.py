"""FG-MON-010: an Express state machine without logging (no logging configuration, or
level OFF) keeps no record of its executions (the recall review's express_no_logging
gap); a Standard one, whose history Step Functions keeps, is not reported."""

from __future__ import annotations

import pytest

from tests.rules.conftest import cases, check_case


@pytest.mark.parametrize("case", cases("FG-MON-010"), ids=str)
def test_fixture(case) -> None:
    check_case(case)
