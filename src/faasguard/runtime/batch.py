"""Partial batch failures: refuse single records of SQS, Kinesis and DynamoDB batches.

With `ReportBatchItemFailures` on the event source mapping, a handler may return
`{"batchItemFailures": [{"itemIdentifier": ...}]}` and only those records are retried.
"""

from __future__ import annotations

from typing import Any

from faasguard.runtime.events import DYNAMODB, KINESIS, SQS, EventView

# Sources that accept partial failures, and where each record's identifier is.
ITEM_ID_PATH = {SQS: ("messageId",), KINESIS: ("kinesis", "sequenceNumber"),
                DYNAMODB: ("dynamodb", "SequenceNumber")}


def record_index(location: str) -> int | None:
    """The record a hit location belongs to: "records[3].body.x" -> 3 (None: not a record)."""
    if not location.startswith("records["):
        return None
    return int(location[8:location.index("]")])


def item_id(view: EventView, index: int) -> str | None:
    """The batch item identifier of record `index` (message id or sequence number)."""
    node: Any = view.raw["Records"][index]
    for key in ITEM_ID_PATH[view.source]:
        node = node.get(key) if isinstance(node, dict) else None
    return None if node is None else str(node)


def split_batch(view: EventView, rejected: list[int],
                event: Any) -> tuple[Any, list[dict[str, Any]]]:
    """The event without its refused records (None when none is left), and the
    `batchItemFailures` entries of the refused ones."""
    refused = set(rejected)
    failures = [{"itemIdentifier": item_id(view, i)} for i in rejected]
    kept = [r for i, r in enumerate(event["Records"]) if i not in refused]
    return ({**event, "Records": kept} if kept else None), failures


def with_failures(result: Any, failures: list[dict[str, Any]]) -> dict[str, Any]:
    """The handler's result with the guard's failures added to its own."""
    if isinstance(result, dict) and isinstance(result.get("batchItemFailures"), list):
        return {**result, "batchItemFailures": result["batchItemFailures"] + failures}
    return {"batchItemFailures": failures}
