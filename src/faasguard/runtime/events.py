"""Event normalisation: one `EventView` for every Lambda event source the guard knows.

`normalize(event)` recognises API Gateway REST (v1) and HTTP (v2) payloads, function
URLs, ALB, VPC Lattice, SQS, SNS, S3, DynamoDB and Kinesis streams, Kinesis Firehose,
EventBridge (and its schedules) and direct invocation, and gives the rest of the guard
one shape to read: source kind, client IP and identity, method and path, headers
(case-insensitive), query (multi-value), cookies, decoded body and decoded records.

A malformed event (a body that is not the JSON its content type declares, broken
base64, a record missing the field its source always carries, a value that is not
JSON at all) raises `InvalidEvent` with a short machine reason; nothing else escapes.
Only the standard library is used, and nothing heavy is imported.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote_plus

from faasguard.runtime.errors import InvalidEvent

# Source kinds (plain strings: cheap to compare and to log).
APIGW_REST = "apigw_rest"
APIGW_HTTP = "apigw_http"
FUNCTION_URL = "function_url"
ALB = "alb"
VPC_LATTICE = "vpc_lattice"
SQS = "sqs"
SNS = "sns"
S3 = "s3"
DYNAMODB = "dynamodb"
KINESIS = "kinesis"
FIREHOSE = "firehose"
EVENTBRIDGE = "eventbridge"
SCHEDULE = "schedule"
DIRECT = "direct"

HTTP_SOURCES = frozenset({APIGW_REST, APIGW_HTTP, FUNCTION_URL, ALB, VPC_LATTICE})


class Headers(Mapping[str, str]):
    """Case-insensitive, read-only headers; repeated headers keep every value."""

    __slots__ = ("_single", "_multi")

    def __init__(self, single: Mapping[str, Any] | None = None,
                 multi: Mapping[str, Any] | None = None) -> None:
        self._multi: dict[str, list[str]] = {}
        if multi:
            for name, values in multi.items():
                if isinstance(values, list):
                    self._multi.setdefault(str(name).lower(), []).extend(
                        str(v) for v in values if v is not None)
        self._single: dict[str, str] = {}
        if single:
            fast = {k.lower(): v for k, v in single.items()
                    if isinstance(v, str) and isinstance(k, str)}
            if len(fast) == len(single):
                self._single = fast
                single = None
        if single:
            for name, value in single.items():
                if isinstance(value, list):  # VPC Lattice v2 sends lists
                    self._multi.setdefault(str(name).lower(), []).extend(
                        str(v) for v in value if v is not None)
                elif value is not None:
                    self._single[str(name).lower()] = str(value)
        for name, values in self._multi.items():
            if name not in self._single and values:
                self._single[name] = values[-1]

    def __getitem__(self, name: str) -> str:
        return self._single[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:
        """The header's (last) value, or `default`: without the exception of Mapping.get."""
        return self._single.get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._single

    def __iter__(self) -> Iterator[str]:
        return iter(self._single)

    def __len__(self) -> int:
        return len(self._single)

    def getall(self, name: str) -> list[str]:
        """Every value of a header (repeated headers of ALB / REST multi-value events)."""
        key = name.lower()
        if key in self._multi:
            return list(self._multi[key])
        return [self._single[key]] if key in self._single else []

    def __repr__(self) -> str:
        return f"Headers({self._single!r})"


class Record:
    """One record of a batch source, decoded.

    `body` is the parsed JSON when the payload is JSON, else the text, else None
    (binary); `key` is the S3 object key, URL-decoded.
    """

    __slots__ = ("source", "index", "body", "text", "id", "key", "bucket", "attributes")

    def __init__(self, source: str, index: int, body: Any = None, text: str | None = None,
                 id: str | None = None, key: str | None = None, bucket: str | None = None,
                 attributes: dict[str, Any] | None = None) -> None:
        self.source = source
        self.index = index
        self.body = body
        self.text = text
        self.id = id
        self.key = key
        self.bucket = bucket
        self.attributes = attributes if attributes is not None else {}

    def __repr__(self) -> str:
        return f"Record({self.source}, {self.index}, body={self.body!r})"


class EventView:
    """The normalised view of one event, whatever its source.

    (A plain slotted class rather than a dataclass: importing `dataclasses` alone
    costs more than the whole runtime package on a cold start.)
    """

    __slots__ = ("source", "raw", "method", "path", "route", "client_ip", "user_agent",
                 "principal", "api_key", "request_id", "headers", "query", "path_params",
                 "cookies", "body", "body_text", "body_size", "body_is_json", "records",
                 "authorizer")

    def __init__(self, source: str, raw: Any, *, method: str | None = None,
                 path: str | None = None, route: str | None = None,
                 client_ip: str | None = None, user_agent: str | None = None,
                 principal: str | None = None, api_key: str | None = None,
                 request_id: str | None = None, headers: Headers | None = None,
                 query: dict[str, list[str]] | None = None,
                 path_params: dict[str, str] | None = None,
                 cookies: dict[str, str] | None = None, body: Any = None,
                 body_is_json: bool = False,
                 authorizer: dict[str, Any] | None = None) -> None:
        self.source = source
        self.raw = raw
        self.method = method
        self.path = path
        self.route = route
        self.client_ip = client_ip
        self.user_agent = user_agent
        self.principal = principal
        self.api_key = api_key
        self.request_id = request_id
        self.headers = headers if headers is not None else Headers()
        self.query = query if query is not None else {}
        self.path_params = path_params if path_params is not None else {}
        self.cookies = cookies if cookies is not None else {}
        self.body = body
        self.body_text: str | None = None
        self.body_size = 0
        self.body_is_json = body_is_json
        self.records: list[Record] = []
        self.authorizer = authorizer if authorizer is not None else {}

    @property
    def is_http(self) -> bool:
        """True for request/response sources (API Gateway, function URL, ALB, Lattice)."""
        return self.source in HTTP_SOURCES

    def __repr__(self) -> str:
        return f"EventView({self.source}, {self.method} {self.path}, records={len(self.records)})"


_JSON_SCALARS = (str, int, float, bool, type(None))


def normalize(event: Any) -> EventView:
    """Build the `EventView` of a Lambda event; raise `InvalidEvent` when it is malformed."""
    try:
        return _normalize(event)
    except InvalidEvent:
        raise
    except RecursionError:
        raise InvalidEvent("too_deep", "nesting beyond the parser's limit") from None
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        # A field of the wrong type deep inside a recognised shape.
        raise InvalidEvent("unknown_shape", type(exc).__name__) from None


def _normalize(event: Any) -> EventView:
    if not isinstance(event, dict):
        if isinstance(event, (list, *_JSON_SCALARS)):
            return EventView(source=DIRECT, raw=event, body=event)
        raise InvalidEvent("unknown_shape", f"event of type {type(event).__name__}")
    records = event.get("Records")
    if records is not None:
        return _batch(event, records)
    ctx = event.get("requestContext")
    if "routeKey" in event or event.get("version") == "2.0" and "rawPath" in event:
        return _http_v2(event, ctx)
    if "httpMethod" in event and ("requestContext" in event or "path" in event):
        if isinstance(ctx, dict) and "elb" in ctx:
            return _alb(event, ctx)
        return _rest_v1(event, ctx)
    if "detail-type" in event and "source" in event:
        return _eventbridge(event)
    if "deliveryStreamArn" in event and isinstance(event.get("records"), list):
        return _firehose(event)
    if "raw_path" in event or ("method" in event and "path" in event and "headers" in event):
        return _lattice(event)
    return EventView(source=DIRECT, raw=event, body=event,
                     body_is_json=True)


# --- HTTP sources -------------------------------------------------------------------


def _http_v2(event: dict[str, Any], ctx: Any) -> EventView:
    if not isinstance(ctx, dict) or not isinstance(ctx.get("http"), dict):
        raise InvalidEvent("missing_field", "requestContext.http")
    http = ctx["http"]
    domain = str(ctx.get("domainName") or "")
    source = FUNCTION_URL if ".lambda-url." in domain else APIGW_HTTP
    headers = Headers(_dict_or_none(event.get("headers"), "headers"))
    raw_query = event.get("rawQueryString") or ""
    query = parse_query(raw_query) if raw_query else {}
    cookies = _cookie_list(event.get("cookies"))
    authorizer = _sub(ctx, "authorizer")
    view = EventView(
        source=source, raw=event,
        method=_str(http.get("method")), path=_str(event.get("rawPath") or http.get("path")),
        route=_str(event.get("routeKey")), client_ip=_ip(http.get("sourceIp")),
        user_agent=_str(http.get("userAgent")), request_id=_str(ctx.get("requestId")),
        headers=headers, query=query, cookies=cookies,
        path_params=_str_dict(event.get("pathParameters")),
        authorizer=authorizer or {},
    )
    view.principal = _principal_v2(view.authorizer)
    _set_body(view, event.get("body"), event.get("isBase64Encoded"))
    return view


def _rest_v1(event: dict[str, Any], ctx: Any) -> EventView:
    if not isinstance(ctx, dict):
        raise InvalidEvent("missing_field", "requestContext")
    identity = _sub(ctx, "identity")
    headers = Headers(_dict_or_none(event.get("headers"), "headers"),
                      _dict_or_none(event.get("multiValueHeaders"), "multiValueHeaders"))
    authorizer = _sub(ctx, "authorizer")
    view = EventView(
        source=APIGW_REST, raw=event,
        method=_str(event.get("httpMethod")), path=_str(event.get("path")),
        route=_str(event.get("resource")), client_ip=_ip(identity.get("sourceIp")),
        user_agent=_str(identity.get("userAgent")), request_id=_str(ctx.get("requestId")),
        api_key=_str(identity.get("apiKey")), headers=headers,
        query=_query_v1(event, url_encoded=False),
        cookies=_cookie_header(headers.getall("cookie")),
        path_params=_str_dict(event.get("pathParameters")),
        authorizer=authorizer or {},
    )
    claims = view.authorizer.get("claims")
    view.principal = _str(
        (claims or {}).get("sub") if isinstance(claims, dict) else None
    ) or _str(view.authorizer.get("principalId")) or _str(identity.get("userArn"))
    _set_body(view, event.get("body"), event.get("isBase64Encoded"))
    return view


def _alb(event: dict[str, Any], ctx: dict[str, Any]) -> EventView:
    headers = Headers(_dict_or_none(event.get("headers"), "headers"),
                      _dict_or_none(event.get("multiValueHeaders"), "multiValueHeaders"))
    # ALB appends the peer address last; entries to its left are client-supplied.
    forwarded = [p.strip() for v in headers.getall("x-forwarded-for") for p in v.split(",")]
    view = EventView(
        source=ALB, raw=event, method=_str(event.get("httpMethod")),
        path=_str(event.get("path")), client_ip=forwarded[-1] if forwarded else None,
        user_agent=headers.get("user-agent"), request_id=headers.get("x-amzn-trace-id"),
        headers=headers, query=_query_v1(event, url_encoded=True),
        cookies=_cookie_header(headers.getall("cookie")),
    )
    _set_body(view, event.get("body"), event.get("isBase64Encoded"))
    return view


def _lattice(event: dict[str, Any]) -> EventView:
    ctx = _sub(event, "requestContext")
    headers = Headers(_dict_or_none(event.get("headers"), "headers"))
    query_src = event.get("queryStringParameters", event.get("query_string_parameters"))
    query = {k: [str(v)] for k, v in (_dict_or_none(query_src, "query") or {}).items()}
    forwarded = [p.strip() for p in headers.get("x-forwarded-for", "").split(",") if p.strip()]
    identity = _sub(ctx, "identity")
    view = EventView(
        source=VPC_LATTICE, raw=event, method=_str(event.get("method")),
        path=_str(event.get("path") or event.get("raw_path")),
        client_ip=forwarded[-1] if forwarded else None,
        user_agent=headers.get("user-agent"), headers=headers, query=query,
        cookies=_cookie_header(headers.getall("cookie")),
        principal=_str(identity.get("principal")),
    )
    b64 = event.get("isBase64Encoded", event.get("is_base64_encoded"))
    _set_body(view, event.get("body"), b64)
    return view


def _principal_v2(authorizer: dict[str, Any]) -> str | None:
    jwt = authorizer.get("jwt")
    if isinstance(jwt, dict) and isinstance(jwt.get("claims"), dict):
        return _str(jwt["claims"].get("sub"))
    iam = authorizer.get("iam")
    if isinstance(iam, dict):
        return _str(iam.get("userArn"))
    lam = authorizer.get("lambda")
    if isinstance(lam, dict):
        return _str(lam.get("principalId") or lam.get("sub"))
    return None


def _query_v1(event: dict[str, Any], url_encoded: bool) -> dict[str, list[str]]:
    decode = unquote_plus if url_encoded else str
    multi = _dict_or_none(event.get("multiValueQueryStringParameters"), "query")
    if multi:
        return {decode(k): [decode(str(v)) for v in vs] for k, vs in multi.items()
                if isinstance(vs, list)}
    single = _dict_or_none(event.get("queryStringParameters"), "query") or {}
    return {decode(k): [decode(str(v))] for k, v in single.items() if v is not None}


def _cookie_list(cookies: Any) -> dict[str, str]:
    # Payload v2: one "name=value" string per cookie.
    if cookies is None:
        return {}
    if not isinstance(cookies, list):
        raise InvalidEvent("unknown_shape", "cookies")
    jar: dict[str, str] = {}
    for cookie in cookies:
        name, _, value = str(cookie).partition("=")
        if name.strip():
            jar[name.strip()] = value
    return jar


def parse_query(raw: str) -> dict[str, list[str]]:
    """`a=1&a=2&b` -> {"a": ["1", "2"], "b": [""]} (blank values kept, `+` is a space).

    The same result as `urllib.parse.parse_qs(raw, keep_blank_values=True)`, without
    its cost for the common case of parts that need no decoding.
    """
    query: dict[str, list[str]] = {}
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in part or "+" in part:
            name, value = unquote_plus(name), unquote_plus(value)
        if name in query:
            query[name].append(value)
        else:
            query[name] = [value]
    return query


def _cookie_header(values: list[str]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for value in values:
        for part in value.split(";"):
            name, sep, val = part.strip().partition("=")
            if name:
                jar[name] = val if sep else ""
    return jar


def _set_body(view: EventView, body: Any, is_b64: Any) -> None:
    """Decode an HTTP body: base64 when flagged, JSON when declared or when it looks JSON."""
    if body is None or body == "":
        return
    if not isinstance(body, str):
        raise InvalidEvent("unknown_shape", "body is not a string")
    declared = view.headers.get("content-type", "").lower()
    if is_b64:
        raw = _b64(body, "body")
        view.body_size = len(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            if "json" in declared:
                raise InvalidEvent("body_not_json", "binary body declared JSON") from None
            view.body = raw
            return
    else:
        text = body
        view.body_size = len(body.encode("utf-8")) if not body.isascii() else len(body)
    view.body_text = text
    if "json" in declared:
        try:
            view.body = json.loads(text)
        except ValueError:
            raise InvalidEvent("body_not_json", "body") from None
        except RecursionError:
            raise InvalidEvent("too_deep", "body") from None
        view.body_is_json = True
    elif declared.startswith("application/x-www-form-urlencoded"):
        view.body = parse_query(text)
    else:
        view.body, view.body_is_json = _maybe_json(text)


def _maybe_json(text: str) -> tuple[Any, bool]:
    head = text.lstrip()[:1]
    if head in ("{", "["):
        try:
            return json.loads(text), True
        except ValueError:
            pass
        except RecursionError:
            raise InvalidEvent("too_deep", "nesting beyond the JSON parser's limit") from None
    return text, False


# --- batch sources --------------------------------------------------------------------


def _batch(event: dict[str, Any], records: Any) -> EventView:
    if not isinstance(records, list) or not records:
        raise InvalidEvent("unknown_shape", "Records")
    first = records[0]
    if not isinstance(first, dict):
        raise InvalidEvent("unknown_shape", "Records[0]")
    source_name = first.get("eventSource") or first.get("EventSource")
    decoder = _RECORD_DECODERS.get(str(source_name))
    if decoder is None:
        # A batch of a source we do not decode (SES, ...): inspected as a whole.
        return EventView(source=DIRECT, raw=event, body=event, body_is_json=True)
    kind = _RECORD_KINDS[str(source_name)]
    view = EventView(source=kind, raw=event)
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise InvalidEvent("unknown_shape", f"Records[{index}]")
        view.records.append(decoder(record, index))
    return view


def _sqs_record(record: dict[str, Any], index: int) -> Record:
    body = record.get("body")
    if not isinstance(body, str):
        raise InvalidEvent("missing_field", f"Records[{index}].body")
    parsed, _ = _maybe_json(body)
    if isinstance(parsed, dict) and parsed.get("Type") == "Notification" \
            and isinstance(parsed.get("Message"), str):
        # An SNS notification delivered through SQS: decode the message inside too.
        parsed = {**parsed, "Message": _maybe_json(parsed["Message"])[0]}
    return Record(source=SQS, index=index, body=parsed, text=body,
                  id=_str(record.get("messageId")),
                  attributes=_dict_or_none(record.get("messageAttributes"), "attrs") or {})


def _sns_record(record: dict[str, Any], index: int) -> Record:
    sns = record.get("Sns")
    if not isinstance(sns, dict) or not isinstance(sns.get("Message"), str):
        raise InvalidEvent("missing_field", f"Records[{index}].Sns.Message")
    parsed, _ = _maybe_json(sns["Message"])
    return Record(source=SNS, index=index, body=parsed, text=sns["Message"],
                  id=_str(sns.get("MessageId")),
                  attributes=_dict_or_none(sns.get("MessageAttributes"), "attrs") or {})


def _kinesis_record(record: dict[str, Any], index: int) -> Record:
    kinesis = record.get("kinesis")
    if not isinstance(kinesis, dict) or not isinstance(kinesis.get("data"), str):
        raise InvalidEvent("missing_field", f"Records[{index}].kinesis.data")
    return _data_record(KINESIS, index, kinesis["data"], _str(record.get("eventID")))


def _dynamodb_record(record: dict[str, Any], index: int) -> Record:
    ddb = record.get("dynamodb")
    if not isinstance(ddb, dict):
        raise InvalidEvent("missing_field", f"Records[{index}].dynamodb")
    image = ddb.get("NewImage")
    body = _ddb_item(image) if isinstance(image, dict) else None
    return Record(source=DYNAMODB, index=index, body=body, id=_str(record.get("eventID")),
                  attributes={"eventName": record.get("eventName")})


def _s3_record(record: dict[str, Any], index: int) -> Record:
    s3 = record.get("s3")
    if not isinstance(s3, dict) or not isinstance(s3.get("object"), dict):
        raise InvalidEvent("missing_field", f"Records[{index}].s3.object")
    key = s3["object"].get("key")
    if not isinstance(key, str):
        raise InvalidEvent("missing_field", f"Records[{index}].s3.object.key")
    bucket = _sub(s3, "bucket")
    decoded = unquote_plus(key)
    return Record(source=S3, index=index, body=decoded, text=decoded, key=decoded,
                  bucket=_str(bucket.get("name")), id=_str(record.get("eventName")))


_RECORD_DECODERS = {
    "aws:sqs": _sqs_record,
    "aws:sns": _sns_record,
    "aws:kinesis": _kinesis_record,
    "aws:dynamodb": _dynamodb_record,
    "aws:s3": _s3_record,
}
_RECORD_KINDS = {"aws:sqs": SQS, "aws:sns": SNS, "aws:kinesis": KINESIS,
                 "aws:dynamodb": DYNAMODB, "aws:s3": S3}


def _firehose(event: dict[str, Any]) -> EventView:
    view = EventView(source=FIREHOSE, raw=event)
    for index, record in enumerate(event["records"]):
        if not isinstance(record, dict) or not isinstance(record.get("data"), str):
            raise InvalidEvent("missing_field", f"records[{index}].data")
        view.records.append(_data_record(FIREHOSE, index, record["data"],
                                         _str(record.get("recordId"))))
    return view


def _data_record(source: str, index: int, data: str, rid: str | None) -> Record:
    raw = _b64(data, f"records[{index}].data")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Record(source=source, index=index, body=None, id=rid)
    parsed, _ = _maybe_json(text)
    return Record(source=source, index=index, body=parsed, text=text, id=rid)


def _eventbridge(event: dict[str, Any]) -> EventView:
    scheduled = event.get("source") == "aws.events" \
        and event.get("detail-type") == "Scheduled Event"
    detail = event.get("detail")
    return EventView(source=SCHEDULE if scheduled else EVENTBRIDGE, raw=event,
                     body=detail, body_is_json=isinstance(detail, (dict, list)),
                     request_id=_str(event.get("id")), principal=_str(event.get("source")))


# --- DynamoDB attribute values -----------------------------------------------------------


def _ddb_item(item: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _ddb_value(v) for k, v in item.items()}


def _ddb_value(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1:
        raise InvalidEvent("unknown_shape", "DynamoDB attribute value")
    (tag, inner), = value.items()
    if tag in ("S", "B"):
        return inner
    if tag == "N":
        return _number(inner)
    if tag == "BOOL":
        return bool(inner)
    if tag == "NULL":
        return None
    if tag == "M":
        return _ddb_item(inner)
    if tag == "L":
        return [_ddb_value(v) for v in inner]
    if tag in ("SS", "BS"):
        return list(inner)
    if tag == "NS":
        return [_number(v) for v in inner]
    raise InvalidEvent("unknown_shape", f"DynamoDB type {tag}")


def _number(text: Any) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


# --- small helpers ----------------------------------------------------------------------


def _b64(data: str, where: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidEvent("bad_base64", where) from None


def _sub(mapping: Any, key: str) -> dict[str, Any]:
    """`mapping[key]` when it is a dict, else an empty dict."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _ip(value: Any) -> str | None:
    if not value:
        return None
    return str(value).split("/", 1)[0]


def _dict_or_none(value: Any, where: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidEvent("unknown_shape", where)
    return value


def _str_dict(value: Any) -> dict[str, str]:
    mapping = _dict_or_none(value, "pathParameters") or {}
    return {str(k): str(v) for k, v in mapping.items() if v is not None}
