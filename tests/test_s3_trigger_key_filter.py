"""An S3 trigger's key filter applied to the AWS-call analysis: S3 delivers only keys the
filter lets through, so the object key read from the event (as is, URL-decoded with
unquote / unquote_plus, decodeURIComponent / decodeURI, a '+' replaced by a space) starts
with the triggers' common prefix and ends with their common suffix; and a written key's
literal end (`f"{stem}.pdf"`, `"a/" + stem + ".pdf"`, a template literal's) is compared
with the trigger's suffix filter for FG-WALLET-004. Fixtures
tests/fixtures/s3_trigger_key_filter: each pos twin differs from its neg by the filter
(prefix incoming/ where the grant is on invoices/*) or the written key's end (.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.aws_values import Name
from faasguard.analysis.awscalls import _filtered_key, _trigger_key_filter
from faasguard.model import Function, Location, Trigger
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "s3_trigger_key_filter"


def _found(folder: str, rule_id: str) -> list[int]:
    return [f.location.line for f in scan(str(FIXTURES / folder)).findings
            if f.rule_id == rule_id and not f.suppressed]


@pytest.mark.parametrize(("project", "line"), [("python-prefix", 11), ("node-prefix", 9)])
def test_the_event_key_has_the_triggers_prefix(project: str, line: int) -> None:
    assert _found(f"{project}-neg", "FG-PERM-103") == []
    assert _found(f"{project}-pos", "FG-PERM-103") == [line]


def test_a_written_key_the_suffix_filter_rules_out_is_no_loop() -> None:
    assert _found("node-suffix-neg", "FG-WALLET-004") == []
    assert len(_found("node-suffix-pos", "FG-WALLET-004")) == 1


def _s3(prefix: str, suffix: str) -> Trigger:
    return Trigger("s3", "f", Location("t.yaml", 1), key_filter=(prefix, suffix))


def test_only_what_every_trigger_filter_shares_is_kept() -> None:
    function = Function("f", Location("t.yaml", 1), "sam", triggers=[
        _s3("invoices/2024/", ".json"), _s3("invoices/2025/", ".json"),
        Trigger("sqs", "f", Location("t.yaml", 1))])
    assert _trigger_key_filter(function) == ("invoices/202", ".json")
    function.triggers.append(_s3("", ""))
    assert _trigger_key_filter(function) == ("", "")
    assert _trigger_key_filter(Function("g", Location("t.yaml", 1), "sam")) == ("", "")


def test_only_the_event_key_itself_takes_the_filter() -> None:
    event_key = Name(event="Records.[].s3.object.key", text="key")
    assert _filtered_key(event_key, ("in/", ".json")) == \
        Name(event="Records.[].s3.object.key", text="key", prefix="in/", suffix=".json")
    computed = Name(text="f'out/{key}'", prefix="out/")
    assert _filtered_key(computed, ("in/", "")) is computed
    bucket = Name(event="Records.[].s3.bucket.name", text="bucket")
    assert _filtered_key(bucket, ("in/", "")) is bucket
