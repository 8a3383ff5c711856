"""FG-AUTH-006: a secret, queue, topic or KMS key whose resource policy lets anyone read
or take what it holds (the recall review's secret_policy, queue_receive, topic_subscribe
and kms_key gaps); FG-AUTH-004 on an EventBridge bus anyone may put events on
(event_bus: AWS::Events::EventBusPolicy, an EventBus's own Policy, Terraform's
aws_cloudwatch_event_bus_policy, read since: the cases FG-AUTH-004/*-event-bus, run by
test_auth)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import cases, check_case

RULES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


@pytest.mark.parametrize("case", cases("FG-AUTH-006"), ids=str)
def test_fixture(case) -> None:
    check_case(case)


def test_the_message_says_what_a_stranger_takes() -> None:
    messages = sorted(f.message for f in scan(str(RULES / "FG-AUTH-006" / "sam-pos")).findings
                      if f.rule_id == "FG-AUTH-006")
    assert messages[0] == (
        "The kms resource policy on 'Key' lets anyone (kms:Decrypt) with no condition tying "
        "it to your account or organisation: any AWS account can decrypt what the key "
        "protects.")
    assert len(messages) == 4

