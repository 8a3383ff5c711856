"""Event shapes: every shape of the taint table exists in real-shaped AWS events, and a
taint's access path is named after the part of the event it came from."""

from __future__ import annotations

import json
from typing import Any

import pytest

from faasguard.analysis.taint.sources import describe_source, path_text
from faasguard.analysis.taint.table import Shape, build_table
from tests.shared_data import AWS_EVENTS as EVENTS

#: The sample events of each trigger kind.
EVENT_FILES: dict[str, list[str]] = {
    "http": ["apiGatewayProxyEvent", "apiGatewayProxyV2Event"],
    "url": ["lambdaFunctionUrlEvent", "lambdaFunctionUrlEventWithHeaders",
            "lambdaFunctionUrlIAMEvent"],
    "alb": ["albEvent", "albMultiValueHeadersEvent", "albMultiValueQueryStringEvent"],
    "websocket": ["apiGatewayProxyEvent"],
    "s3": ["s3Event", "s3EventDecodedKey", "s3EventBridgeNotificationObjectCreatedEvent"],
    "eventbridge": ["eventBridgeEvent", "s3EventBridgeNotificationObjectCreatedEvent"],
    "sqs": ["sqsEvent"],
    "sns": ["snsEvent"],
    "dynamodb-stream": ["dynamoStreamEvent"],
    "kinesis-stream": ["kinesisStreamEvent"],
    "cognito": ["cognitoPreSignUpEvent", "cognitoUserMigrationEvent",
                "cognitoVerifyAuthChallengeResponseEvent", "cognitoCustomMessageEvent"],
    "cloudwatch-logs": ["cloudWatchLogEvent"],
    "msk": ["kafkaEventMsk"],
    "mq": ["activeMQEvent", "rabbitMQEvent"],
}


def _event(name: str) -> Any:
    return json.loads((EVENTS / f"{name}.json").read_text())


def _has_path(value: Any, path: tuple[str, ...]) -> bool:
    """Does `path` ('*' = any list item or any key) lead somewhere in the event?"""
    if not path:
        return True
    head, rest = path[0], path[1:]
    if head == "*":
        items = value if isinstance(value, list) else \
            list(value.values()) if isinstance(value, dict) else []
        return any(_has_path(item, rest) for item in items)
    return isinstance(value, dict) and head in value and _has_path(value[head], rest)


def _shapes() -> list[Shape]:
    return [s for s in build_table().shapes if s.path]


@pytest.mark.parametrize("shape", _shapes(), ids=lambda s: f"{s.label}:{'.'.join(s.path)}")
def test_every_shape_exists_in_a_real_event(shape: Shape) -> None:
    files = [f for kind in sorted(shape.triggers) for f in EVENT_FILES.get(kind, [])]
    assert files, f"no sample event for {sorted(shape.triggers)}"
    assert any(_has_path(_event(f), shape.path) for f in files), \
        f"{shape.path} is in none of {files}"


@pytest.mark.parametrize("event_file, kind, path, label", [
    ("s3Event", "s3", ("Records", "*", "s3", "object", "key"), "S3 object key"),
    ("s3Event", "s3", ("Records", "*", "s3", "bucket", "name"), "S3 bucket name"),
    ("s3EventBridgeNotificationObjectCreatedEvent", "eventbridge",
     ("detail", "object", "key"), "S3 object key"),
    ("sqsEvent", "sqs", ("Records", "*", "body"), "SQS message body"),
    ("sqsEvent", "sqs", ("Records", "*", "body", "order", "id"), "SQS message body"),
    ("snsEvent", "sns", ("Records", "*", "Sns", "Message"), "SNS message"),
    ("dynamoStreamEvent", "dynamodb-stream", ("Records", "*", "dynamodb", "NewImage", "Id"),
     "DynamoDB stream new image 'Id'"),
    ("kinesisStreamEvent", "kinesis-stream", ("Records", "*", "kinesis", "data"),
     "Kinesis record data"),
    ("eventBridgeEvent", "eventbridge", ("detail",), "EventBridge event detail"),
    ("cognitoPreSignUpEvent", "cognito", ("request", "userAttributes", "email"),
     "Cognito user attribute 'email'"),
    ("cognitoUserMigrationEvent", "cognito", ("request", "password"), "Cognito user password"),
    ("apiGatewayProxyEvent", "http", ("queryStringParameters", "parameter1"),
     "query string parameter 'parameter1'"),
    ("apiGatewayProxyEvent", "http", ("headers", "Header1"), "HTTP header 'Header1'"),
    ("apiGatewayProxyV2Event", "http", ("cookies", "*"), "cookie"),
    ("lambdaFunctionUrlEvent", "url", ("rawQueryString",), "raw query string"),
    ("albEvent", "alb", ("body",), "HTTP request body"),
    ("kafkaEventMsk", "msk", ("records", "*", "*", "value"), "Kafka record value"),
    ("cloudWatchLogEvent", "cloudwatch-logs", ("awslogs", "data"), "CloudWatch Logs data"),
])
def test_sources_are_named_after_the_event_part(event_file: str, kind: str,
                                                path: tuple[str, ...], label: str) -> None:
    event = _event(event_file)
    real = tuple(p for p in path if p not in ("order", "id"))  # parsed JSON below `body`
    assert _has_path(event, real)
    info = describe_source(build_table(), "event", path, frozenset({kind}))
    assert info.label == label
    assert info.attacker_controlled


def test_trigger_kind_decides_between_shapes() -> None:
    table = build_table()
    body = ("Records", "*", "body")
    assert describe_source(table, "event", body, frozenset({"sqs"})).label == "SQS message body"
    # an S3 function reading an SQS-shaped path: no S3 shape matches, the path is shown
    s3 = describe_source(table, "event", body, frozenset({"s3"}))
    assert s3.label == "event field event['Records'][*]['body']" and s3.shape is None


def test_untrusted_and_trusted_sources() -> None:
    table = build_table()
    scheduled = describe_source(table, "event", ("detail", "x"), frozenset({"schedule"}))
    assert scheduled.label == "scheduled event" and not scheduled.attacker_controlled
    stage = describe_source(table, "event", ("stageVariables", "cmd"), frozenset({"http"}))
    assert stage.label == "stage variable" and not stage.attacker_controlled
    mixed = describe_source(table, "event", ("detail", "x"),
                            frozenset({"schedule", "eventbridge"}))
    assert mixed.attacker_controlled


def test_unknown_triggers_try_every_shape_but_not_catch_alls() -> None:
    table = build_table()
    key = describe_source(table, "event", ("Records", "0", "s3", "object", "key"), frozenset())
    assert key.label == "S3 object key"
    whole = describe_source(table, "event", ("anything",), frozenset())
    assert whole.attacker_controlled and whole.shape is None
    param = describe_source(table, "payload", ("cmd",), frozenset(), reachable=False)
    assert param.label == "parameter 'payload'"


def test_path_text() -> None:
    assert path_text("event", ("Records", "*", "s3")) == "event['Records'][*]['s3']"
