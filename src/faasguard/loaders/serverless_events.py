"""serverless.yml `events:` -> Triggers, Routes and the framework's implicit APIs.

Each event becomes a `Trigger` at the line of its list item. `http` (REST API),
`httpApi` (HTTP API) and `websocket` events also become `Route`s on the API the framework
generates (`ApiGatewayRestApi`, `HttpApi`, `WebsocketsApi`), with their authorisers; the
APIs carry the provider's stage, endpoint type, usage plan, throttling, tracing and
access-logging settings. Values arrive with variables and intrinsics already resolved:
a `Ref` source names a resource of the file's `resources:` section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from faasguard.loaders.documents import LDict, LList, line_of
from faasguard.loaders.iam_resources import api_policies
from faasguard.loaders.intrinsics import Scope
from faasguard.loaders.template import mapping, undecided_authorizer, with_schedule_input
from faasguard.loaders.template import throttle as throttle_of
from faasguard.model import (
    DATA_TRACE,
    OWNED_ELSEWHERE,
    Api,
    App,
    Authorizer,
    Function,
    Location,
    Ref,
    Route,
    Throttle,
    Trigger,
    TriggerKind,
    Unknown,
    Value,
    logical_id,
    qualify,
)

IMPLICIT_APIS = {"rest": "ApiGatewayRestApi", "http": "HttpApi", "websocket": "WebsocketsApi"}
TOKEN_HEADER = "method.request.header.Authorization"
#: provider.apiGateway / provider.httpApi settings kept on Api.properties as written.
REST_PROPERTIES = ("apiKeys", "usagePlan", "resourcePolicy", "restApiId", "minimumCompressionSize",
                   "binaryMediaTypes", "apiKeySourceType", "metrics")
HTTP_PROPERTIES = ("payload", "cors", "id", "metrics", "name")
LOG_KEYS = {"rest": "restApi", "http": "httpApi", "websocket": "websocket"}

#: Events whose source invokes the function asynchronously (the Lambda service retries
#: them). Alexa skills and smart-home directives, and the IoT fleet pre-provisioning hook,
#: wait for the function's answer: synchronous, like API Gateway.
ASYNC_EVENTS = {"s3", "sns", "eventBridge", "cloudwatchEvent", "schedule", "iot",
                "cloudwatchLog"}

Warn = Callable[..., None]


@dataclass
class EventEnv:
    """What events need from the load: the file, the App, provider settings, the scope."""

    file: str
    app: App
    provider: LDict
    stage: str
    scope: Scope
    warn: Warn
    #: The values a setting (at a line, by key) takes on each stage a deployment may pick,
    #: when the user gave no stage (`variables.StageValues.at`); None: the stage is given.
    per_stage: Callable[[int | None, str], tuple[Unknown, tuple[Any, ...]] | None] | None = \
        None

    def api(self, kind: str, line: int) -> Api:
        """The implicit API of `kind` (created at the first event that needs it)."""
        api_id = qualify(self.file, IMPLICIT_APIS[kind])
        api = self.app.apis.get(api_id)
        if api is None:
            api = Api(api_id, kind, Location(self.file, line), implicit=True,  # type: ignore[arg-type]
                      stage=self.stage)
            self._configure(api)
            self.app.apis[api_id] = api
        return api

    def _configure(self, api: Api) -> None:
        provider = self.provider
        found = provider.get("logs")
        logs: dict[str, Any] = found if isinstance(found, dict) else {}
        tracing = provider.get("tracing")
        if api.kind == "rest":
            gateway = provider.get("apiGateway")
            gateway = gateway if isinstance(gateway, dict) else {}
            api.endpoint_type = provider.get("endpointType", gateway.get("endpointType", "EDGE"))
            keys = gateway.get("apiKeys", provider.get("apiKeys"))
            plan = gateway.get("usagePlan", provider.get("usagePlan"))
            api.usage_plan = bool(keys) or bool(plan)
            api.properties["usage_plan_throttle"] = _plan_throttle(plan)
            api.tracing = bool(tracing.get("apiGateway")) if isinstance(tracing, dict) else False
            api.access_logging = _logging_on(logs.get("restApi"), "accessLogging")
            rest_logs = logs.get("restApi")
            if isinstance(rest_logs, LDict) and rest_logs.get("fullExecutionData") is True:
                api.properties[DATA_TRACE] = Location(
                    self.file, rest_logs.line_of("fullExecutionData"))
            api.disable_execute_api_endpoint = gateway.get("disableDefaultEndpoint") is True
            api.properties.update({k: gateway[k] for k in REST_PROPERTIES if k in gateway})
            if gateway.get("resourcePolicy") is not None:
                self.app.resource_policies.extend(
                    api_policies(api, gateway["resourcePolicy"], self.file))
            if "restApiId" in gateway:
                api.implicit = False  # an API created elsewhere, extended by this service
            if gateway.get("restApiId") is not None:
                api.properties[OWNED_ELSEWHERE] = True
        elif api.kind == "http":
            http = provider.get("httpApi")
            http = http if isinstance(http, dict) else {}
            api.access_logging = _logging_on(logs.get("httpApi"), None)
            api.disable_execute_api_endpoint = http.get("disableDefaultEndpoint") is True
            api.properties.update({k: http[k] for k in HTTP_PROPERTIES if k in http})
            if "id" in http:
                api.implicit = False
            if http.get("id") is not None:
                api.properties[OWNED_ELSEWHERE] = True
        else:
            api.access_logging = _logging_on(logs.get("websocket"), "accessLogging")
        setting = logs.get(LOG_KEYS[api.kind])
        if setting is not None:
            api.properties["logs"] = setting  # as written: format, level, executionLogging...

    def source_type(self, value: Value) -> str | None:
        """The CloudFormation type of the resource a Ref names (None when not a Ref)."""
        if isinstance(value, Ref):
            return self.scope.resources.get(logical_id(value.target))
        return None


def _logging_on(setting: Any, key: str | None) -> bool:
    if setting is True:
        return True
    if isinstance(setting, dict):
        return setting.get(key, True) is not False if key else True
    return False


def _plan_throttle(plan: Any) -> Throttle | None:
    plans = plan if isinstance(plan, list) else [plan]
    for item in plans:
        if not isinstance(item, dict):
            continue
        if len(item) == 1 and isinstance(next(iter(item.values())), dict) and \
                "throttle" not in item:
            item = next(iter(item.values()))  # the named-plans form: - free: {throttle: ...}
        throttle = item.get("throttle")
        if isinstance(throttle, dict):
            return throttle_of(throttle.get("rateLimit"), throttle.get("burstLimit"))
    return None


def event_items(events: Any, owner: str, line: int,
                env: EventEnv) -> Iterator[tuple[int, Any, int]]:
    """(index, event, line) of each item of an `events:` list (of `owner`, named in the
    warning when it is not a list)."""
    if events is None:
        return
    if not isinstance(events, list):
        env.warn(f"events of {owner} should be a list; ignored", line)
        return
    for index, event in enumerate(events):
        yield index, event, events.line_of(index) if isinstance(events, LList) else line


def add_events(function: Function, events: Any, line: int, env: EventEnv) -> None:
    """Add a Trigger (and Route) for each event of `function`."""
    owner = f"function '{logical_id(function.id)}'"
    for index, event, item_line in event_items(events, owner, line, env):
        if not isinstance(event, dict) or len(event) != 1:
            env.warn(f"event #{index + 1} of function '{logical_id(function.id)}' is not "
                     "understood (expected `- <type>: <settings>`); ignored", item_line)
            continue
        (kind, body), = event.items()
        handler = _HANDLERS.get(str(kind))
        if handler is None:
            env.warn(f"event type '{kind}' of function '{logical_id(function.id)}' is not "
                     "understood; ignored", item_line)
            continue
        location = Location(env.file, item_line)
        trigger = handler(function, body, location, env)
        if trigger is None:
            continue
        trigger.asynchronous = str(kind) in ASYNC_EVENTS
        trigger.properties["serverless_event"] = str(kind)
        function.triggers.append(trigger)


def _settings(body: Any, location: Location, env: EventEnv, what: str,
              shorthand: str | None = None) -> LDict | None:
    """The mapping form of an event (`shorthand` names the key a bare string stands for)."""
    if isinstance(body, dict):
        return body if isinstance(body, LDict) else LDict(body)
    if shorthand is not None and isinstance(body, (str, Ref, Unknown)):
        settings = LDict({shorthand: body})
        settings.line = location.line
        settings.key_lines[shorthand] = location.line
        return settings
    kind = "empty" if body is None else "a list" if isinstance(body, list) else \
        f"the {type(body).__name__} {body!r}"
    env.warn(f"{what} event settings are not understood ({kind}); ignored", location.line)
    return None


def _extra(settings: LDict, *skip: str) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in skip}


# --------------------------------------------------------------------------- HTTP


def _http(function: Function, body: Any, location: Location, env: EventEnv) -> Trigger | None:
    found = rest_route(body, location, env, f"function '{logical_id(function.id)}'")
    if found is None:
        return None
    route, settings = found
    route.function = function.id
    return Trigger("http", function.id, location, source=route.api, route=route,
                   properties=_extra(settings, "method", "path", "authorizer"))


def rest_route(body: Any, location: Location, env: EventEnv,
               owner: str) -> tuple[Route, LDict] | None:
    """The route an `http` event adds to the service's REST API (with its settings), bound
    to no function yet: the event of a function, or of a state machine (the step
    functions plugin's `http` events take the same settings). `owner` names it in
    warnings."""
    if isinstance(body, str):
        verb, _, where = body.strip().partition(" ")
        settings = LDict({"method": verb, "path": where.strip()})
    else:
        found = _settings(body, location, env, "http")
        if found is None:
            return None
        settings = found
    method, path = settings.get("method"), settings.get("path")
    if not isinstance(method, str) or not isinstance(path, str):
        env.warn(f"http event of {owner} needs a method and a path; ignored", location.line)
        return None
    api = env.api("rest", location.line)
    route = Route(api.id, "rest", _method(method), _path(path), location,
                  authorizer=_rest_authorizer(settings.get("authorizer"), settings, env),
                  api_key_required=settings.get("private") is True)
    env.app.routes.append(route)
    return route, settings


def _no_authorizer(raw: Any) -> bool:
    """`authorizer:` left empty (`${self:custom.auth.${sls:stage}, ''}` on a stage without
    one): the framework, like JavaScript, takes an empty value as no authoriser."""
    return raw is None or raw is False or isinstance(raw, str) and not raw.strip()


def _per_stage(settings: LDict, env: EventEnv,
               read: Callable[[Any], Authorizer | None]) -> Authorizer | None:
    """The authoriser of a route whose `authorizer:` the stage picks (a stage given no
    value: `${self:custom.auth.${sls:stage}}`): the first that authenticates, marked
    `undecided` when a stage's value is none (an empty value); None when it does not
    depend on the stage (`read` then reads the value itself)."""
    found = env.per_stage(line_of(settings, "authorizer"), "authorizer") \
        if env.per_stage is not None and "authorizer" in settings else None
    if found is None:
        return None
    decided_by, values = found
    labels = tuple(dict.fromkeys(_stage_label(v) for v in values))
    return undecided_authorizer(Unknown(decided_by.text, labels),
                                [read(v) for v in values]) or Authorizer("none", "NONE")


def _stage_label(value: Any) -> str:
    """An `authorizer:` value as a choice in a message (NONE for an empty one)."""
    if _no_authorizer(value):
        return "NONE"
    if isinstance(value, dict):
        value = value.get("name", value.get("arn", value.get("type")))
    return _label(value) or "authorizer"


def _rest_authorizer(raw: Any, settings: LDict, env: EventEnv,
                     stage_read: bool = False) -> Authorizer | None:
    if not stage_read:
        chosen = _per_stage(settings, env,
                            lambda value: _rest_authorizer(value, settings, env, True))
        if chosen is not None:
            return chosen
    if _no_authorizer(raw):
        return None
    line = line_of(settings, "authorizer")
    location = Location(env.file, line)
    if isinstance(raw, (str, Ref, Unknown)):
        text = str(raw)
        if text.lower() == "aws_iam":
            return Authorizer("iam", location=location)
        kind = "cognito" if _is_user_pool(raw, env) else "lambda-token"
        return Authorizer(kind, name=_label(raw), identity_sources=(TOKEN_HEADER,),
                          location=location, function=_authorizer_function(kind, raw, env))
    if not isinstance(raw, dict):
        env.warn("authorizer is not understood; the route is taken as unprotected", line)
        return None
    kind_text = str(raw.get("type", "")).lower()
    target = raw.get("arn", raw.get("name", raw.get("authorizerId")))
    if kind_text == "aws_iam":
        kind = "iam"
    elif kind_text == "cognito_user_pools" or _is_user_pool(target, env):
        kind = "cognito"
    elif kind_text == "request":
        kind = "lambda-request"
    elif kind_text in ("token", "custom", ""):
        kind = "lambda-token"
    else:
        env.warn(f"authorizer type '{raw.get('type')}' is not understood", line)
        kind = "lambda-token"
    sources = _sources(raw.get("identitySource"))
    if "identitySource" not in raw and not (kind == "lambda-request" and
                                             raw.get("resultTtlInSeconds") == 0):
        sources = (TOKEN_HEADER,)  # the framework's default but for uncached REQUEST ones
    return Authorizer(kind, name=_label(target) if target is not None else None,
                      identity_sources=sources, scopes=_tuple(raw.get("scopes")),
                      location=location, function=_authorizer_function(
                          kind, raw.get("arn", raw.get("name")), env))


def _authorizer_function(kind: str, target: Any, env: EventEnv) -> str | None:
    """What a Lambda authoriser names its function by (`Authorizer.function`, resolved
    once every file is read): a name is a function of the service's `functions:`, an
    ARN is looked up by the function's name, a reference by its element (None: another
    kind, or nothing to look up)."""
    if not kind.startswith("lambda-"):
        return None
    if isinstance(target, Ref):
        return target.target
    if not isinstance(target, str) or not target.strip():
        return None
    return target if target.startswith("arn:") else qualify(env.file, target.strip())


def _is_user_pool(value: Any, env: EventEnv) -> bool:
    if isinstance(value, str):
        return ":cognito-idp:" in value
    return env.source_type(value) == "AWS::Cognito::UserPool"


def _http_api(function: Function, body: Any, location: Location,
              env: EventEnv) -> Trigger | None:
    if isinstance(body, str):
        text = body.strip()
        verb, _, where = text.partition(" ") if text != "*" else ("*", "", "*")
        settings = LDict({"method": verb, "path": where.strip() or "*"})
    else:
        found = _settings(body, location, env, "httpApi")
        if found is None:
            return None
        settings = found
    method, path = settings.get("method", "*"), settings.get("path", "*")
    if not isinstance(method, str) or not isinstance(path, str):
        env.warn(f"httpApi event of function '{logical_id(function.id)}' has no usable "
                 "method/path; ignored", location.line)
        return None
    api = env.api("http", location.line)
    http = env.provider.get("httpApi")
    http = http if isinstance(http, dict) else {}
    route = Route(api.id, "http", _method(method), path if path == "*" else _path(path),
                  location, function.id,
                  authorizer=_http_authorizer(settings.get("authorizer"), settings, http, env))
    env.app.routes.append(route)
    return Trigger("http", function.id, location, source=api.id, route=route,
                   properties=_extra(settings, "method", "path", "authorizer"))


def _http_authorizer(raw: Any, settings: LDict, http: dict[str, Any],
                     env: EventEnv, stage_read: bool = False) -> Authorizer | None:
    if not stage_read:
        chosen = _per_stage(settings, env,
                            lambda value: _http_authorizer(value, settings, http, env, True))
        if chosen is not None:
            return chosen
    if _no_authorizer(raw):
        return None
    line = line_of(settings, "authorizer")
    location = Location(env.file, line)
    if isinstance(raw, str):
        raw = LDict({"type": "aws_iam"} if raw.lower() == "aws_iam" else {"name": raw})
    if not isinstance(raw, dict):
        env.warn("httpApi authorizer is not understood; the route is taken as unprotected",
                 line)
        return None
    scopes = _tuple(raw.get("scopes"))
    if str(raw.get("type", "")).lower() == "aws_iam":
        return Authorizer("iam", location=location)
    if "id" in raw:
        kind = "lambda-request" if str(raw.get("type", "")).lower() == "request" else "jwt"
        return Authorizer(kind, name=_label(raw["id"]), scopes=scopes, location=location)
    name = raw.get("name")
    definitions = http.get("authorizers")
    definition = definitions.get(name) if isinstance(definitions, dict) and \
        isinstance(name, str) else None
    if not isinstance(definition, dict):
        env.warn(f"httpApi authorizer '{name}' is not defined in provider.httpApi.authorizers",
                 line)
        return Authorizer("jwt", name=_label(name), scopes=scopes, location=location)
    kind_text = str(definition.get("type", "jwt")).lower()
    kind = "lambda-request" if kind_text == "request" else "jwt"
    return Authorizer(kind, name=str(name), identity_sources=_sources(
        definition.get("identitySource")), scopes=scopes, location=location,
        function=_authorizer_function(kind, definition.get(
            "functionArn", definition.get("functionName")), env))


def _websocket(function: Function, body: Any, location: Location,
               env: EventEnv) -> Trigger | None:
    settings = _settings(body, location, env, "websocket", shorthand="route")
    if settings is None:
        return None
    route_key = settings.get("route")
    if not isinstance(route_key, str):
        env.warn("websocket event needs a route; ignored", location.line)
        return None
    api = env.api("websocket", location.line)
    authorizer = None
    raw = settings.get("authorizer")
    if not _no_authorizer(raw):
        line = line_of(settings, "authorizer")
        if route_key != "$connect":
            env.warn("a websocket authorizer is only used on the $connect route", line)
        target = raw.get("name", raw.get("arn")) if isinstance(raw, dict) else raw
        identity = raw.get("identitySource") if isinstance(raw, dict) else None
        authorizer = Authorizer("lambda-request", name=_label(target),
                                identity_sources=_sources(identity),
                                location=Location(env.file, line),
                                function=_authorizer_function("lambda-request", target, env))
    route = Route(api.id, "websocket", route_key, route_key, location, function.id,
                  authorizer=authorizer)
    env.app.routes.append(route)
    return Trigger("websocket", function.id, location, source=api.id, route=route,
                   properties=_extra(settings, "route", "authorizer"))


def _method(method: str) -> str:
    method = method.strip().upper()
    return "ANY" if method in ("*", "ANY") else method


def _path(path: str) -> str:
    path = path.strip()
    return "/" + path.lstrip("/") if path != "*" else "*"


def _sources(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(str(item) for item in items)


def _label(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Ref):
        return logical_id(value.target)
    return str(value)


# --------------------------------------------------------------------------- others


def _source_event(kind: TriggerKind, what: str, keys: tuple[str, ...],
                  shorthand: str | None) -> Callable[..., Trigger | None]:
    """A handler for events whose source is one setting (`arn`, `bucket`, ...)."""

    def handle(function: Function, body: Any, location: Location,
               env: EventEnv) -> Trigger | None:
        settings = _settings(body, location, env, what, shorthand)
        if settings is None:
            return None
        source = next((settings[k] for k in keys if settings.get(k) is not None), None)
        if source is None and keys:
            env.warn(f"{what} event of function '{logical_id(function.id)}' names no "
                     f"{' / '.join(keys)}", location.line)
        trigger = Trigger(kind, function.id, location, source=_source(source),
                          properties=_extra(settings, *keys))
        if kind == "sqs":
            concurrency = settings.get("maximumConcurrency")
            trigger.max_concurrency = concurrency if isinstance(concurrency, int) and \
                not isinstance(concurrency, bool) else None
        return trigger

    return handle


def _source(value: Any) -> Value:
    if isinstance(value, dict) and "arn" in value:
        return value["arn"]
    return value


def _stream(function: Function, body: Any, location: Location, env: EventEnv) -> Trigger | None:
    settings = _settings(body, location, env, "stream", shorthand="arn")
    if settings is None:
        return None
    arn = settings.get("arn")
    kind_text = str(settings.get("type", "")).lower()
    if not kind_text:
        text = arn if isinstance(arn, str) else env.source_type(arn) or ""
        kind_text = "dynamodb" if "dynamodb" in text.lower() else \
            "kinesis" if "kinesis" in text.lower() else ""
    kind: TriggerKind
    if kind_text == "dynamodb":
        kind = "dynamodb-stream"
    elif kind_text == "kinesis":
        kind = "kinesis-stream"
    else:
        env.warn("stream event: cannot tell a DynamoDB from a Kinesis stream (set `type`)",
                 location.line)
        kind = "other"
    return Trigger(kind, function.id, location, source=_source(arn),
                   properties=_extra(settings, "arn"))


def _schedule(function: Function, body: Any, location: Location,
              env: EventEnv) -> Trigger | None:
    settings = _settings(body, location, env, "schedule", shorthand="rate")
    if settings is None:
        return None
    rate = settings.get("rate")
    return Trigger("schedule", function.id, location, source=rate,
                   properties=with_schedule_input(_extra(settings)))


def _event_bridge(function: Function, body: Any, location: Location,
                  env: EventEnv) -> Trigger | None:
    settings = _settings(body, location, env, "eventBridge")
    if settings is None:
        return None
    if settings.get("schedule") is not None:
        return Trigger("schedule", function.id, location, source=settings["schedule"],
                       properties=with_schedule_input(_extra(settings)))
    bus = settings.get("eventBus", "default")
    return Trigger("eventbridge", function.id, location, source=_source(bus),
                   properties=_extra(settings, "eventBus"))


def _alb(function: Function, body: Any, location: Location, env: EventEnv) -> Trigger | None:
    settings = _settings(body, location, env, "alb")
    if settings is None:
        return None
    properties = _extra(settings, "listenerArn")
    conditions = settings.get("conditions")
    if isinstance(conditions, dict):
        for key in ("path", "method", "host"):
            if key in conditions:
                properties[key] = conditions[key]
    # what the rule makes a request meet first: its authorizers' type (cognito, oidc),
    # declared under provider.alb.authorizers; the balancer is the listener's stack's
    named = settings.get("authorizer")
    named = named if isinstance(named, list) else [named] if named is not None else []
    declared = mapping(mapping(env.provider.get("alb")).get("authorizers"))
    kinds = [str(mapping(declared.get(str(name))).get("type", "oidc")).lower()
             for name in named]
    properties["authenticate"] = [kinds[0] if kinds else "none"]
    properties["scheme"] = [None]
    return Trigger("alb", function.id, location, source=settings.get("listenerArn"),
                   properties=properties)


def _other(kind: TriggerKind, what: str,
           source_keys: tuple[str, ...] = ()) -> Callable[..., Trigger | None]:
    return _source_event(kind, what, source_keys, shorthand=None)


_HANDLERS: dict[str, Callable[..., Trigger | None]] = {
    "http": _http,
    "httpApi": _http_api,
    "websocket": _websocket,
    "s3": _source_event("s3", "s3", ("bucket",), "bucket"),
    "sqs": _source_event("sqs", "sqs", ("arn", "queueName"), "arn"),
    "sns": _source_event("sns", "sns", ("arn", "topicName"), "topicName"),
    "stream": _stream,
    "schedule": _schedule,
    "eventBridge": _event_bridge,
    "cloudwatchEvent": _event_bridge,
    "alb": _alb,
    "cognitoUserPool": _other("cognito", "cognitoUserPool", ("pool",)),
    "iot": _other("iot", "iot"),
    "cloudwatchLog": _source_event("cloudwatch-logs", "cloudwatchLog", ("logGroup",),
                                   "logGroup"),
    "msk": _other("msk", "msk", ("arn",)),
    "activemq": _other("mq", "activemq", ("arn",)),
    "rabbitmq": _other("mq", "rabbitmq", ("arn",)),
    "kafka": _other("other", "kafka", ("bootstrapServers",)),
    "alexaSkill": _source_event("other", "alexaSkill", (), "appId"),
    "alexaSmartHome": _source_event("other", "alexaSmartHome", (), "appId"),
    "iotFleetProvisioning": _other("other", "iotFleetProvisioning"),
    "cloudFront": _other("other", "cloudFront"),
}
