"""Recall review of FG-AUTH-004 in Terraform against Checkov's queue and topic policy
checks: a queue, topic or bucket that writes its policy in its own `policy` argument
(`aws_sqs_queue.policy`, `aws_sns_topic.policy`, `aws_s3_bucket.policy`) is protected by it
as by an `aws_sqs_queue_policy` naming it. Those arguments were not read, so a queue anyone
may send to reported nothing, and its consumer was not counted as exposed (FG-WALLET-001).
Fixtures under tests/fixtures/review_tf_inline_policies."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_inline_policies"


def _open(folder: str) -> list[str]:
    return sorted(f"{f.location.line} {f.message.split(' lets ')[0]}"
                  for f in findings(FIXTURES / folder, "FG-AUTH-004"))


def test_inline_policies_letting_anyone_write() -> None:
    assert _open("pos") == [
        "34 The sqs resource policy on 'aws_sqs_queue.jobs'",
        "48 The sns resource policy on 'aws_sns_topic.orders'",
        "61 The s3 resource policy on 'aws_s3_bucket.uploads'"]
    [exposed] = findings(FIXTURES / "pos", "FG-WALLET-001")
    assert "sqs (public resource policy)" in exposed.message


def test_inline_policies_tied_to_the_account() -> None:
    assert _open("neg") == []
    assert findings(FIXTURES / "neg", "FG-WALLET-001") == []
