"""FG-TP-006: an SNS subscription delivering a topic's messages over plain HTTP (an
AWS::SNS::Subscription, a topic's own Subscription list, aws_sns_topic_subscription: the
recall review's sns_http_subscription gap)."""

from __future__ import annotations

import pytest

from tests.rules.conftest import cases, check_case


@pytest.mark.parametrize("case", cases("FG-TP-006"), ids=str)
def test_fixture(case) -> None:
    check_case(case)
