"""batch_failures=True: refused records become batch item failures, the rest are handled."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from guard_events import http_v2, kinesis, sample, sqs

from faasguard.runtime import InputRejected, wrap

ATTACK = {"q": "' OR '1'='1"}


def _batch_handler(**options: Any) -> tuple[Any, list[Any], list[dict[str, Any]]]:
    seen: list[Any] = []
    events: list[dict[str, Any]] = []

    def handler(event: Any, context: Any) -> Any:
        seen.append([r.get("messageId") or r["kinesis"]["sequenceNumber"]
                     for r in event["Records"]])
        return None

    return wrap(handler, audit=events.append, metrics=False, batch_failures=True,
                **options), seen, events


def test_sqs_poisoned_records_are_reported_and_the_rest_handled() -> None:
    handler, seen, events = _batch_handler()
    result = handler(sqs({"q": "fine"}, ATTACK, {"q": "also fine"}, {"x": "../../etc/passwd"}),
                     None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"},
                                            {"itemIdentifier": "msg-3"}]}
    assert seen == [["msg-0", "msg-2"]]
    blocks = [e for e in events if e["decision"] == "block"]
    assert [(b["record_id"], b["detector"]) for b in blocks] == [
        ("msg-1", "sql_injection"), ("msg-3", "path_traversal")]


def test_all_records_refused_means_the_handler_is_not_called() -> None:
    handler, seen, _ = _batch_handler()
    assert handler(sqs(ATTACK), None) == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert seen == []


def test_handler_failures_are_merged() -> None:
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}

    guarded = wrap(handler, audit=None, batch_failures=True)
    assert guarded(sqs({"a": 1}, ATTACK), None) == {
        "batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-1"}]}


def test_kinesis_and_dynamodb_use_sequence_numbers() -> None:
    handler, _, _ = _batch_handler()
    event = kinesis({"a": 1}, ATTACK)
    event["Records"][1]["kinesis"]["sequenceNumber"] = "4959"
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "4959"}]}
    ddb = sample("dynamoStreamEvent.json")
    ddb["Records"][1]["dynamodb"]["NewImage"]["Message"] = {"S": "{{7*7}}"}
    guarded = wrap(lambda e, c: None, audit=None, batch_failures=True)
    assert guarded(ddb, None) == {"batchItemFailures": [{"itemIdentifier": "222"}]}


def test_async_handler_with_batch_failures() -> None:
    async def handler(event: Any, context: Any) -> None:
        await asyncio.sleep(0)

    guarded = wrap(handler, audit=None, batch_failures=True)
    assert asyncio.run(guarded(sqs({"a": 1}, ATTACK), None)) == {
        "batchItemFailures": [{"itemIdentifier": "msg-1"}]}


def test_without_the_option_the_batch_is_refused_whole() -> None:
    guarded = wrap(lambda e, c: None, audit=None)
    with pytest.raises(InputRejected):
        guarded(sqs({"a": 1}, ATTACK), None)


def test_http_and_queue_wide_refusals_are_unchanged() -> None:
    guarded = wrap(lambda e, c: {"statusCode": 200}, audit=None, batch_failures=True)
    assert guarded(http_v2(ATTACK), None)["statusCode"] == 400
    event = sqs({"a": 1})
    del event["Records"][0]["body"]
    with pytest.raises(Exception, match="missing_field"):
        guarded(event, None)


def test_models_stay_aligned_with_the_records_passed_on() -> None:
    from pydantic import BaseModel

    from faasguard.runtime import current

    class Item(BaseModel):
        q: str

    def handler(event: Any, context: Any) -> Any:
        state = current()
        assert state is not None
        return {"batchItemFailures": [], "models": state.model, "n": len(event["Records"])}

    guarded = wrap(handler, audit=None, batch_failures=True, model=Item)
    result = guarded(sqs({"q": "a"}, {"q": 1}, {"q": "c"}), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}],
                      "models": [Item(q="a"), Item(q="c")], "n": 2}
