"""Event normalisation on every sample event, and on malformed variants of them."""

from __future__ import annotations

import base64
import json

import pytest
from guard_events import ALL_SAMPLES, AWS_EVENTS, BROKEN_BASE64, http_v2, kinesis, s3, sample, sqs

from faasguard.runtime.errors import InvalidEvent
from faasguard.runtime.events import (
    ALB,
    APIGW_HTTP,
    APIGW_REST,
    DIRECT,
    DYNAMODB,
    EVENTBRIDGE,
    FIREHOSE,
    FUNCTION_URL,
    KINESIS,
    S3,
    SCHEDULE,
    SNS,
    SQS,
    VPC_LATTICE,
    Headers,
    normalize,
)

EXPECTED_KIND = {
    "apiGatewayProxyEvent.json": APIGW_REST,
    "apiGatewayProxyV2Event.json": APIGW_HTTP,
    "apiGatewayProxyV2IamEvent.json": APIGW_HTTP,
    "lambdaFunctionUrlEvent.json": FUNCTION_URL,
    "lambdaFunctionUrlIAMEvent.json": FUNCTION_URL,
    "albEvent.json": ALB,
    "albMultiValueHeadersEvent.json": ALB,
    "vpcLatticeV2Event.json": VPC_LATTICE,
    "sqsEvent.json": SQS,
    "snsEvent.json": SNS,
    "s3Event.json": S3,
    "dynamoStreamEvent.json": DYNAMODB,
    "kinesisStreamEvent.json": KINESIS,
    "kinesisFirehosePutEvent.json": FIREHOSE,
    "eventBridgeEvent.json": EVENTBRIDGE,
    "cognitoPreSignUpEvent.json": DIRECT,
    "sesEvent.json": DIRECT,
    "bedrockAgentEvent.json": DIRECT,
}


def test_the_samples_are_there() -> None:
    assert len(ALL_SAMPLES) > 90, AWS_EVENTS


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_every_sample_normalises_or_is_refused_with_a_reason(name: str) -> None:
    event = sample(name)
    if name in BROKEN_BASE64:
        with pytest.raises(InvalidEvent) as caught:
            normalize(event)
        assert caught.value.reason == "bad_base64"
        return
    view = normalize(event)
    if name in EXPECTED_KIND:
        assert view.source == EXPECTED_KIND[name]
    if view.is_http:
        assert view.method and view.path


def test_http_v2_view() -> None:
    view = normalize(sample("apiGatewayProxyV2Event.json"))
    assert (view.method, view.path, view.client_ip) == ("POST", "/my/path", "192.168.0.1")
    assert view.query == {"parameter1": ["value1", "value2"], "parameter2": ["value"]}
    assert view.cookies == {"cookie1": "", "cookie2": ""}
    assert view.headers["HEADER1"] == "value1" and "header2" in view.headers
    assert view.body == {"message": "hello world", "username": "tom"} and view.body_is_json
    assert view.path_params == {"parameter1": "value1"}


def test_rest_v1_view_multi_value_and_principal() -> None:
    view = normalize(sample("apiGatewayProxyEvent.json"))
    assert view.source == APIGW_REST and view.client_ip == "192.168.0.1"
    assert view.query["parameter1"] == ["value1", "value2"]
    assert view.headers.getall("header2") == ["value1", "value2"]
    assert view.body == "Hello from Lambda!" and not view.body_is_json
    principal = normalize(sample("apiGatewayProxyEventPrincipalId.json"))
    assert principal.principal == "fake"


def test_alb_takes_the_address_alb_saw_and_decodes_the_query() -> None:
    event = sample("albEvent.json")
    event["headers"]["x-forwarded-for"] = "6.6.6.6, 72.12.164.125"
    event["queryStringParameters"] = {"q": "a%20b%26c"}
    view = normalize(event)
    assert view.client_ip == "72.12.164.125"
    assert view.query == {"q": ["a b&c"]}


def test_function_url_and_iam_principal() -> None:
    view = normalize(sample("lambdaFunctionUrlIAMEvent.json"))
    assert view.source == FUNCTION_URL
    assert view.principal == "arn:aws:iam::111122223333:user/example-user"


def test_base64_body_is_decoded() -> None:
    event = http_v2(None)
    event["body"] = base64.b64encode(json.dumps({"x": "é"}).encode()).decode()
    event["isBase64Encoded"] = True
    view = normalize(event)
    assert view.body == {"x": "é"} and view.body_size == len('{"x": "\\u00e9"}')


def test_binary_body_is_kept_as_bytes() -> None:
    event = http_v2(None, content_type="image/png")
    event["body"] = base64.b64encode(b"\x89PNG\r\n\x1a\n\xff\xfe").decode()
    event["isBase64Encoded"] = True
    view = normalize(event)
    assert view.body == b"\x89PNG\r\n\x1a\n\xff\xfe" and view.body_text is None


def test_form_body_is_parsed() -> None:
    view = normalize(http_v2("a=1&b=x+y&b=z", content_type="application/x-www-form-urlencoded"))
    assert view.body == {"a": ["1"], "b": ["x y", "z"]}


def test_records_are_decoded() -> None:
    assert [r.body for r in normalize(sqs({"a": 1}, "plain")).records] == [{"a": 1}, "plain"]
    assert normalize(sample("snsEvent.json")).records[0].body == "Hello from SNS!"
    assert [r.body for r in normalize(kinesis({"k": "v"})).records] == [{"k": "v"}]
    assert normalize(s3("my folder/a+b.txt")).records[0].key == "my folder/a+b.txt"
    assert normalize(sample("s3EventDecodedKey.json")).records[0].key == "Happy Face.jpg"
    ddb = normalize(sample("dynamoStreamEvent.json")).records
    assert ddb[0].body == {"Message": "New item!", "Id": 101}


def test_sns_through_sqs_is_unwrapped() -> None:
    body = normalize(sample("snsSqsEvent.json")).records[0].body
    assert body["Type"] == "Notification"
    assert body["Message"] == {"message": "hello world", "username": "lessa"}


def test_dynamodb_nested_types() -> None:
    event = sample("dynamoStreamEvent.json")
    event["Records"][0]["dynamodb"]["NewImage"] = {
        "m": {"M": {"l": {"L": [{"S": "x"}, {"N": "1.5"}, {"BOOL": True}, {"NULL": True}]}}},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}}
    body = normalize(event).records[0].body
    assert body == {"m": {"l": ["x", 1.5, True, None]}, "ss": ["a", "b"], "ns": [1, 2]}


def test_schedule_and_eventbridge() -> None:
    event = sample("eventBridgeEvent.json")
    assert normalize(event).body == {"instance_id": "i-1234567890abcdef0", "state": "terminated"}
    event.update({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
    assert normalize(event).source == SCHEDULE


def test_direct_invocation_values() -> None:
    assert normalize({"orderId": 1}).source == DIRECT
    assert normalize([1, 2]).body == [1, 2]
    assert normalize("ping").body == "ping"


def test_headers_are_case_insensitive_and_keep_repeats() -> None:
    headers = Headers({"X-Api-Key": "k"}, {"Accept": ["a", "b"]})
    assert headers["x-api-key"] == "k" and headers.get("ACCEPT") == "b"
    assert headers.getall("accept") == ["a", "b"] and headers.getall("none") == []


# --- malformed variants ---------------------------------------------------------------

def _declared_json_not_json() -> object:
    return http_v2(raw_body="{not json")


def _broken_base64() -> object:
    event = http_v2({"a": 1})
    event["isBase64Encoded"] = True
    event["body"] = "***not base64***"
    return event


def _kinesis_broken_base64() -> object:
    event = kinesis("x")
    event["Records"][0]["kinesis"]["data"] = "%%%"
    return event


def _sqs_without_body() -> object:
    event = sqs("x")
    del event["Records"][0]["body"]
    return event


def _s3_without_key() -> object:
    event = s3("a")
    del event["Records"][0]["s3"]["object"]["key"]
    return event


def _v2_without_http() -> object:
    event = http_v2({"a": 1})
    del event["requestContext"]["http"]
    return event


def _headers_not_a_mapping() -> object:
    event = http_v2({"a": 1})
    event["headers"] = ["content-type: application/json"]
    return event


def _records_not_a_list() -> object:
    return {"Records": {"eventSource": "aws:sqs"}}


def _record_not_an_object() -> object:
    event = sqs("x")
    event["Records"].append("oops")
    return event


def _ddb_bad_attribute() -> object:
    event = sample("dynamoStreamEvent.json")
    event["Records"][0]["dynamodb"]["NewImage"] = {"a": {"ZZ": "1"}}
    return event


def _body_not_a_string() -> object:
    event = http_v2({"a": 1})
    event["body"] = {"a": 1}
    return event


def _binary_declared_json() -> object:
    event = http_v2(None)
    event["body"] = base64.b64encode(b"\xff\xfe\xfd").decode()
    event["isBase64Encoded"] = True
    return event


MALFORMED = {
    "body_not_json": (_declared_json_not_json, "body_not_json"),
    "broken_base64": (_broken_base64, "bad_base64"),
    "kinesis_broken_base64": (_kinesis_broken_base64, "bad_base64"),
    "sqs_without_body": (_sqs_without_body, "missing_field"),
    "s3_without_key": (_s3_without_key, "missing_field"),
    "v2_without_http": (_v2_without_http, "missing_field"),
    "headers_not_a_mapping": (_headers_not_a_mapping, "unknown_shape"),
    "records_not_a_list": (_records_not_a_list, "unknown_shape"),
    "record_not_an_object": (_record_not_an_object, "unknown_shape"),
    "ddb_bad_attribute": (_ddb_bad_attribute, "unknown_shape"),
    "body_not_a_string": (_body_not_a_string, "unknown_shape"),
    "binary_declared_json": (_binary_declared_json, "body_not_json"),
    "not_json_at_all": (lambda: object(), "unknown_shape"),
    "declared_json_too_deep": (lambda: http_v2(raw_body="[" * 200_000), "too_deep"),
    "record_json_too_deep": (lambda: sqs("[" * 200_000 + "]" * 200_000), "too_deep"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_events_raise_invalid_event(name: str) -> None:
    build, reason = MALFORMED[name]
    with pytest.raises(InvalidEvent) as caught:
        normalize(build())
    assert caught.value.reason == reason


def test_a_body_that_only_looks_like_json_stays_text() -> None:
    view = normalize(http_v2(raw_body="{not json", content_type="text/plain"))
    assert view.body == "{not json" and not view.body_is_json
