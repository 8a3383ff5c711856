"""Builders of real-shaped Lambda events for the guard tests (events, inspection, guard).

Each builder starts from a sample event of /work/shared/fixtures/aws-events/ (read
beside the repository) and puts the test's payload where that source carries it.
"""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

from tests.shared_data import AWS_EVENTS

CORPUS = Path(__file__).resolve().parent / "corpus"
ALL_SAMPLES = sorted(p.name for p in AWS_EVENTS.glob("*.json"))
# Samples whose body is flagged base64 but is plain text: correctly refused.
BROKEN_BASE64 = {"apiGatewayProxyEventAnotherPath.json",
                 "apiGatewayProxyEventPathTrailingSlash.json",
                 "apiGatewayProxyEvent_noVersionAuth.json"}


@cache
def _sample(name: str) -> dict[str, Any]:
    return json.loads((AWS_EVENTS / name).read_text(encoding="utf-8"))


def sample(name: str) -> dict[str, Any]:
    """A fresh copy of one sample event."""
    return copy.deepcopy(_sample(name))


def http_v2(body: Any = None, *, method: str = "POST", path: str = "/orders",
            query: dict[str, str] | None = None, headers: dict[str, str] | None = None,
            content_type: str = "application/json", raw_body: str | None = None,
            source_ip: str = "198.51.100.7") -> dict[str, Any]:
    """An API Gateway HTTP API (payload v2) event."""
    event = sample("apiGatewayProxyV2Event.json")
    event["rawPath"] = path
    event["requestContext"]["http"].update(method=method, path=path, sourceIp=source_ip)
    event["rawQueryString"] = urlencode(query or {})
    event["queryStringParameters"] = dict(query) if query else None
    event["headers"] = {"content-type": content_type, **(headers or {})}
    event["cookies"] = []
    if raw_body is not None:
        event["body"] = raw_body
    elif body is None:
        event.pop("body", None)
    else:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    event["isBase64Encoded"] = False
    return event


def rest_v1(body: Any = None, *, path_params: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    """An API Gateway REST API (payload v1) event."""
    event = sample("apiGatewayProxyEvent.json")
    event["httpMethod"] = "POST"
    event["pathParameters"] = path_params
    event["headers"] = {"Content-Type": "application/json", **(headers or {})}
    event["multiValueHeaders"] = {k: [v] for k, v in event["headers"].items()}
    event["body"] = None if body is None else json.dumps(body)
    event["isBase64Encoded"] = False
    return event


def _batch(name: str, payloads: tuple[Any, ...], fill: Any) -> dict[str, Any]:
    """Sample `name` with one copy of its first record per payload, filled by `fill`."""
    event = sample(name)
    template = event["Records"][0]
    event["Records"] = []
    for index, payload in enumerate(payloads):
        record = copy.deepcopy(template)
        fill(record, index, payload)
        event["Records"].append(record)
    return event


def _text(payload: Any) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload)


def sqs(*bodies: Any) -> dict[str, Any]:
    """An SQS event with one record per body (non-strings JSON-encoded)."""
    def fill(record: dict[str, Any], index: int, body: Any) -> None:
        record.update(messageId=f"msg-{index}", body=_text(body))

    return _batch("sqsEvent.json", bodies, fill)


def kinesis(*payloads: Any) -> dict[str, Any]:
    """A Kinesis stream event with one base64 record per payload."""
    def fill(record: dict[str, Any], index: int, payload: Any) -> None:
        data = base64.b64encode(_text(payload).encode("utf-8")).decode("ascii")
        record["kinesis"]["data"] = data

    return _batch("kinesisStreamEvent.json", payloads, fill)


def s3(*keys: str) -> dict[str, Any]:
    """An S3 notification with one record per object key (URL-encoded like S3 does)."""
    def fill(record: dict[str, Any], index: int, key: str) -> None:
        record["s3"]["object"]["key"] = quote_plus(key, safe="/")

    return _batch("s3Event.json", keys, fill)


def expand(payload: Any) -> Any:
    """Expand a corpus `{"$generate": ...}` payload into the document it describes."""
    if not (isinstance(payload, dict) and "$generate" in payload):
        return payload
    kind = payload["$generate"]
    if kind == "big_string":
        return {"blob": "A" * payload["bytes"]}
    if kind == "big_list":
        return {"rows": ["x" * 99] * (payload["bytes"] // 100)}
    if kind == "nested":
        doc: Any = {"leaf": 1}
        for _ in range(payload["depth"]):
            doc = {"n": doc}
        return doc
    if kind == "nested_list":
        doc = [1]
        for _ in range(payload["depth"]):
            doc = [doc]
        return {"n": doc}
    if kind == "wide":
        return {f"k{i}": i for i in range(payload["keys"])}
    raise ValueError(kind)


def corpus_event(case: dict[str, Any]) -> dict[str, Any]:
    """The Lambda event that carries one corpus case."""
    kind, payload = case["kind"], expand(case["payload"])
    if kind == "body":
        return http_v2(payload)
    if kind == "query":
        return http_v2(None, method="GET", query=payload)
    if kind == "form":
        return http_v2(urlencode(payload), content_type="application/x-www-form-urlencoded")
    if kind == "path_params":
        return rest_v1(None, path_params=payload)
    if kind == "sqs":
        return sqs(payload)
    if kind == "kinesis":
        return kinesis(payload)
    if kind == "s3_key":
        return s3(payload)
    raise ValueError(f"unknown corpus kind {kind}")


def load_corpus(group: str) -> list[dict[str, Any]]:
    """Every case of tests/runtime/corpus/<group>/*.jsonl."""
    cases = []
    for path in sorted((CORPUS / group).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases
