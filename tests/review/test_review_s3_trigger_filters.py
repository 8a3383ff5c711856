"""Review of the AWS-call analysis on realistic S3-triggered functions: what the trigger's
key filter says about the keys the code reads and writes. Fixtures
tests/fixtures/review_s3_trigger_filters.

Was pinned (strict xfail); both pass since the AWS-call analysis gives the event's key
the triggers' filter (awscalls._filtered_key) and a computed key its literal end
(aws_values.Name.suffix), tests/test_s3_trigger_key_filter.py:

- An S3 trigger filtered on `prefix: invoices/` only delivers keys under invoices/, so the
  event's object key starts with it. The key read from the event is taken as any key
  (`${Docs.Arn}/*`), so a role granting s3:GetObject on invoices/* only (what a careful
  team writes) is FG-PERM-103 'will fail with AccessDenied', pushing the user to widen the
  grant; FG-PERM-102 and `faasguard policy` propose `${Docs.Arn}/*` too. Python (also
  through `urllib.parse.unquote_plus`, which loses the event path today) and Node.js
  (`decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "))`).
- A trigger filtered on `prefix: invoices/` and `suffix: .json` cannot be fired by a write
  of `f"invoices/{stem}.pdf"`: the written key's literal end rules it out. Only the
  computed key's prefix is kept (aws_values.Name.prefix), so FG-WALLET-004 reports a
  recursive loop (high) that cannot happen. The twin writing `...-copy.json` is a loop
  and stays reported (control, passes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_s3_trigger_filters"


@pytest.mark.parametrize("project", ["python_prefix", "node_prefix"])
def test_a_read_of_the_event_key_is_under_the_triggers_prefix(project: str) -> None:
    assert findings(FIXTURES / project, "FG-PERM-103") == []


@pytest.mark.parametrize("project", ["python_suffix", "node_suffix"])
def test_a_write_the_suffix_filter_rules_out_is_no_loop(project: str) -> None:
    assert findings(FIXTURES / project, "FG-WALLET-004") == []


def test_a_write_the_suffix_filter_lets_through_is_a_loop() -> None:
    [loop] = findings(FIXTURES / "python_suffix_loop", "FG-WALLET-004")
    assert loop.severity == "high"
