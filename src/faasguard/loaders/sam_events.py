"""SAM function `Events` -> Triggers, and Routes for Api/HttpApi events.

Api/HttpApi events without RestApiId/ApiId go to the implicit `ServerlessRestApi` /
`ServerlessHttpApi`, configured from `Globals.Api` / `Globals.HttpApi` as SAM does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from faasguard.loaders.sam_auth import route_authorizer
from faasguard.loaders.template import (
    ApiAuth,
    Template,
    as_bool,
    as_int,
    mapping,
    with_schedule_input,
)
from faasguard.model import Api, Function, Route, Trigger, TriggerKind, Value, logical_id

#: SAM event type -> (trigger kind, the property naming the event's source).
SOURCES: dict[str, tuple[TriggerKind, str | None]] = {
    "S3": ("s3", "Bucket"),
    "SQS": ("sqs", "Queue"),
    "SNS": ("sns", "Topic"),
    "DynamoDB": ("dynamodb-stream", "Stream"),
    "Kinesis": ("kinesis-stream", "Stream"),
    "DocumentDB": ("other", "Cluster"),
    "Schedule": ("schedule", None),
    "ScheduleV2": ("schedule", None),
    "EventBridgeRule": ("eventbridge", "EventBusName"),
    "CloudWatchEvent": ("eventbridge", "EventBusName"),
    "Cognito": ("cognito", "UserPool"),
    "IoTRule": ("iot", None),
    "CloudWatchLogs": ("cloudwatch-logs", "LogGroupName"),
    "MSK": ("msk", "Stream"),
    "SelfManagedKafka": ("msk", None),
    "MQ": ("mq", "Broker"),
}
#: Event types whose invocations are asynchronous (Lambda queues the event).
ASYNCHRONOUS = {"S3", "SNS", "Schedule", "ScheduleV2", "EventBridgeRule", "CloudWatchEvent",
                "IoTRule", "CloudWatchLogs"}


def read_events(t: Template, fn: Function, props: dict[str, Value]) -> None:
    """Every event of a SAM function -> a Trigger (and a Route for HTTP events)."""
    for name, kind, eprops, line in _events(t, fn.id, props, fn.location.line):
        if kind in ("Api", "HttpApi"):
            _http_event(t, fn, name, kind, eprops, line)
        else:
            _source_event(t, fn, name, kind, eprops, line)


def read_state_machine_events(t: Template, owner: str, props: dict[str, Value],
                              line: int) -> None:
    """The `Api` events of a SAM state machine -> Routes bound to no function (API Gateway
    starts an execution); its other events (schedules, rules) are not HTTP entry points."""
    for name, kind, eprops, at in _events(t, owner, props, line):
        if kind == "Api":
            _http_event(t, None, name, kind, eprops, at, target=owner)


def _events(t: Template, owner: str, props: dict[str, Value],
            line: int) -> Iterator[tuple[str, str, dict[str, Value], int]]:
    """(name, Type, Properties, line) of each well-formed entry of `Events`; a warning for
    the others."""
    events = props.get("Events")
    if events is None:
        return
    if not isinstance(events, dict):
        t.warn(f"{owner.split('#')[-1]}: Events should be a mapping; ignored", line)
        return
    for name, event in events.items():
        at = events.line_of(name) if hasattr(events, "line_of") else line
        if not isinstance(event, dict) or not isinstance(event.get("Type"), str):
            t.warn(f"event {name} needs a Type; ignored", at)
            continue
        yield str(name), event["Type"], mapping(event.get("Properties")), at


def _source_event(t: Template, fn: Function, name: str, kind: str,
                  eprops: dict[str, Value], line: int) -> None:
    trigger_kind, source_key = SOURCES.get(kind, ("other", None))
    scaling = mapping(eprops.get("ScalingConfig"))
    properties = {"event": name, "type": kind, **dict(eprops)}
    if trigger_kind == "schedule":
        with_schedule_input(properties)
    fn.triggers.append(Trigger(
        kind=trigger_kind, function=fn.id, location=t.loc(line),
        source=eprops.get(source_key) if source_key else None,
        max_concurrency=as_int(scaling.get("MaximumConcurrency")),
        asynchronous=kind in ASYNCHRONOUS, properties=properties))


def _http_event(t: Template, fn: Function | None, name: str, kind: str,
                eprops: dict[str, Value], line: int, target: str | None = None) -> None:
    api_kind: Literal["rest", "http"] = "rest" if kind == "Api" else "http"
    api_value = eprops.get("RestApiId" if api_kind == "rest" else "ApiId")
    if isinstance(api_value, str) and api_value in t.scope.resources:
        api_value = t.scope.ref(api_value)  # a logical id written as a plain string
    implicit = "ServerlessRestApi" if api_kind == "rest" else "ServerlessHttpApi"
    if api_value is None or t.target_of(api_value) == t.qualify(implicit):
        api: Api | None = implicit_api(t, api_kind, line)
    else:
        api = t.api_for(api_value)
    if api is None:
        t.warn(f"event {name}: the API it names is not declared in this template", line)
        api_id = t.target_of(api_value) or str(api_value)
        auth = ApiAuth()
    else:
        api_id, auth = api.id, t.api_auth.get(api.id) or ApiAuth()
    path, method = eprops.get("Path"), eprops.get("Method")
    if api_kind == "http" and path is None and method is None:
        path, method = "$default", "ANY"
    if not isinstance(path, str) or not isinstance(method, str):
        t.warn(f"event {name}: {kind} events need a Path and a Method; ignored", line)
        return
    method = "ANY" if method.lower() in ("any", "x-amazon-apigateway-any-method") \
        else method.upper()
    event_auth = mapping(eprops.get("Auth"))
    api_key = as_bool(event_auth.get("ApiKeyRequired"))
    owner = fn.id if fn is not None else target or ""
    raw = mapping(mapping(t.raw_props(logical_id(owner)).get("Events")).get(name))
    raw_auth = mapping(mapping(raw.get("Properties")).get("Auth"))
    route = Route(api=api_id, api_kind=api_kind, method=method, path=path,
                  location=t.loc(line),
                  authorizer=route_authorizer(t, auth, event_auth, method, raw_auth),
                  api_key_required=auth.api_key_required if api_key is None else api_key,
                  target=target)
    t.add_route(route, fn, {"event": name, "type": kind})


def implicit_api(t: Template, kind: Literal["rest", "http"], line: int) -> Api:
    """SAM's implicit API for events without an API id (created on first use)."""
    logical = "ServerlessRestApi" if kind == "rest" else "ServerlessHttpApi"
    api_id = t.qualify(logical)
    api = t.app.apis.get(api_id)
    if api is None:
        from faasguard.loaders.sam import configure_api

        api = Api(id=api_id, kind=kind, location=t.loc(line), implicit=True)
        section = "Api" if kind == "rest" else "HttpApi"
        written = t.globals.get(section)
        configure_api(t, api, mapping(t.resolve(written)), written)
        t.app.apis[api_id] = api
    return api
