"""Denial of Wallet: what lets an outsider (or a loop) run up your bill without limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from faasguard.analysis.cost import CostModel, build_cost_model, propose_caps
from faasguard.analysis.facts import Facts
from faasguard.analysis.iam_catalog import matches as action_matches
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import (
    App,
    Branches,
    Function,
    Location,
    Ref,
    Route,
    Trigger,
    Unknown,
    Value,
    clashing_names,
    located_name,
    logical_id,
)
from faasguard.rules.util import (
    branches_text,
    is_known,
    owned_elsewhere,
    remediation_for,
    template_file,
)

OWASP_DOW = "OWASP Serverless Top 10: SAS-8 Denial of Service & Financial Resource Exhaustion"
HTTP_TRIGGERS = ("http", "url", "alb")


@rule(
    "FG-WALLET-001",
    "Exposed function without reserved concurrency",
    threat="wallet",
    severity="medium",
    description="""
A function an outsider can trigger — through an API route, a function URL, an ALB, a
websocket, a Cognito sign-up trigger, an IoT rule or a bucket/queue/topic anyone may write
to, or as the Lambda authoriser of an API route (API Gateway calls it for every request
whose identity it has not cached, before any authentication: a caller sending a new token
each time runs it at will) — scales to the account's whole concurrency (1,000 by default)
when flooded. You pay
for every environment, and every other function of the account (in every app) is
throttled while the flood lasts. Reserved concurrency caps both the spend and the blast
radius. Functions only reachable from your own schedules, streams or internal queues are
not reported, nor those behind internal load balancers only (reachable from their VPC),
nor those whose every API route requires IAM (`AWS_IAM`): API Gateway
refuses a request not signed by a principal allowed `execute-api:Invoke` (the account's
own, or an account the API's resource policy names) before the function runs; a REST API
whose resource policy lets any account call it (FG-AUTH-004) opens them again.
A queue, stream or topic that a route writes into is open to anyone when
the route may have no authoriser; when its authoriser is a parameter or variable with an
authenticating default and no `AllowedValues` or validation (NONE only a value the
setting accepts), its consumer is reported one level lower (`low`) with `confidence: low`,
naming the parameter (`faasguard cost` does not count it: see its `exposed_if`).
A reserved concurrency the deployment decides (`!If [IsProd, 50, !Ref AWS::NoValue]`) is
reported naming the conditions under which the function has one; a function that every
deployment gives one (each branch sets it, or a parameter does) is not reported.
""",
    remediation={
        "serverless": "functions:\n  api:\n    reservedConcurrency: 20",
        "sam": "ApiFunction:\n  Type: AWS::Serverless::Function\n  Properties:\n"
               "    ReservedConcurrentExecutions: 20",
        "terraform": 'resource "aws_lambda_function" "api" {\n'
                     '  reserved_concurrent_executions = 20\n}',
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"reserved_concurrency": 20  # or per function, under lambda_functions',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"lambda_concurrency": 20',
        "cloudformation": "ApiFunction:\n"
                          "  Type: AWS::Lambda::Function\n"
                          "  Properties:\n"
                          "    ReservedConcurrentExecutions: 20",
        "cdk": "# CDK: lambda.Function's reservedConcurrentExecutions: 20",
    },
    references=(OWASP_DOW,
                "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"),
    cwe=(770,),
    equivalents={"Checkov": "CKV_AWS_115", "cfn_nag": "W92"},
)
def no_reserved_concurrency(app: App, facts: Facts) -> Iterator[Finding]:
    # what exposes each function: the cost model's (analysis.cost), made here only for a
    # scan without that analysis
    model = facts.cost if isinstance(facts.cost, CostModel) else \
        build_cost_model(app, facts.options.account_concurrency)
    for function in app.functions.values():
        cost = model.functions.get(function.id)
        if function.reserved_concurrency is not None or cost is None:
            continue
        has = _reserved_in_words(function.properties.get("reserved_concurrency", ()))
        if has is None:
            continue  # every deployment reserves some
        reasons = cost.exposure
        flood = f"a flood scales it to the account's {facts.options.account_concurrency} " \
            "concurrent executions, billed to you and throttling every other function."
        if has:  # where a deployment has none
            flood = f"on a deployment without it, {flood}"
        if reasons:
            yield make_finding(
                "FG-WALLET-001",
                f"Function '{logical_id(function.id)}' has {has or 'no reserved concurrency'} "
                f"and can be triggered from outside ({', '.join(reasons)}): {flood}",
                function.location, f"function:{logical_id(function.id)}")
        elif opened := cost.exposed_if:
            yield make_finding(
                "FG-WALLET-001",
                f"Function '{logical_id(function.id)}' has {has or 'no reserved concurrency'} "
                f"and can be triggered from outside only on a deployment that passes NONE: "
                f"{', '.join(opened)}; there, {flood}",
                function.location, f"function:{logical_id(function.id)}",
                severity="low", confidence="low")


def _reserved_in_words(choices: Sequence[tuple[Value, Branches]]) -> str | None:
    """The reserved concurrency a deployment may give a function whose template leaves it
    to the deployment (`Function.properties["reserved_concurrency"]`, from the loaders:
    each value with the branches it is under, None where it is left out) in words ('reserved
    concurrency only when condition IsProd holds (50)'); "" when no deployment is known to
    have one (nothing undecided: no reserved concurrency), None when every deployment
    has one."""
    capped: list[str] = []
    unreserved = not choices
    for value, branches in choices:
        when = f"when {branches_text(branches)}" if branches else ""
        if isinstance(value, int):
            capped.append(f"{when} ({value})" if when else f"of {value} on some deployments")
            continue
        if not isinstance(value, Unknown):  # None: left out in that branch
            unreserved = True
        elif value.branched_on() is None:  # set, to a value the deployment gives
            capped.append(f"{when} ({value.text})" if when else f"as {value.text} sets it")
        else:  # a Terraform conditional: its choices
            numbers = [c for c in value.choices if isinstance(c, int) and c >= 0]
            unreserved = unreserved or not numbers or len(numbers) < len(value.choices) or \
                bool(value.unlisted)
            if numbers:
                capped.append(f"{when + ' and ' if when else ''}where {value.text} gives "
                              f"{' or '.join(map(str, numbers))}")
    if not unreserved:
        return None
    return f"reserved concurrency only {' or '.join(capped)}" if capped else ""


@rule(
    "FG-WALLET-002",
    "API without throttling or usage plan",
    threat="wallet",
    severity="medium",
    description="""
An API with no stage or route throttling and no usage plan accepts up to the account's
regional API Gateway limit (10,000 requests per second, burst 5,000), shared by every API
of the account. A single client can use all of it: each request is billed by API Gateway
and invokes your function, and your other APIs start returning 429.
A route whose own throttling is disabled (the serverless-api-gateway-throttling plugin's
`throttling: {disabled: true}`, a method limit of -1) is reported at that route even when
the stage is throttled: the method's setting overrides the stage's, so that route is
limited by the account's limits only.
The fix shown for an HTTP API (API Gateway v2, which has no usage plans) is its stage's
`DefaultRouteSettings`.
APIs the app only adds routes to (serverless.yml `provider.apiGateway.restApiId`,
`provider.httpApi.id`) are left to the stack that creates them, where their stage is
configured.
""",
    remediation={
        "serverless": "provider:\n  apiGateway:\n    usagePlan:\n      throttle:\n"
                      "        rateLimit: 50\n        burstLimit: 100\n"
                      "# HTTP APIs (httpApi events) have no usage plan: set\n"
                      "# resources.extensions.HttpApiStage.Properties.DefaultRouteSettings",
        "sam": "Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    MethodSettings:\n"
               "      - ResourcePath: '/*'\n        HttpMethod: '*'\n"
               "        ThrottlingRateLimit: 50\n        ThrottlingBurstLimit: 100\n"
               "# HttpApi: DefaultRouteSettings: {ThrottlingRateLimit: 50, "
               "ThrottlingBurstLimit: 100}",
        "terraform": 'resource "aws_api_gateway_method_settings" "all" {\n'
                     '  method_path = "*/*"\n  settings {\n'
                     '    throttling_rate_limit  = 50\n    throttling_burst_limit = 100\n'
                     '  }\n}',
        "chalice": "Chalice has no setting for stage throttling or a usage plan: set them on "
                   "the stage (aws apigateway update-stage with /*/*/throttling/rateLimit and "
                   "burstLimit patches, or a usage plan in the template `chalice package` "
                   "writes).",
        "zappa": "Zappa has no setting for stage throttling or a usage plan: set them on the "
                 "stage (aws apigateway update-stage with /*/*/throttling/rateLimit and "
                 "burstLimit patches).",
        "cloudformation": "# the AWS::ApiGateway::Stage's Properties\n"
                          "MethodSettings:\n"
                          "  - ResourcePath: '/*'\n"
                          "    HttpMethod: '*'\n"
                          "    ThrottlingRateLimit: 50\n"
                          "    ThrottlingBurstLimit: 100\n"
                          "# HTTP API (AWS::ApiGatewayV2::Stage): DefaultRouteSettings: "
                          "{ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100}",
        "cdk": "# CDK: apigateway.RestApi's deployOptions: { throttlingRateLimit: 50, "
               "throttlingBurstLimit: 100 }",
    },
    references=(OWASP_DOW,
                "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                "api-gateway-request-throttling.html"),
    cwe=(770,),
    equivalents={"cfn_nag": "W64"},
)
def api_without_throttling(app: App, facts: Facts) -> Iterator[Finding]:
    throttled_routes = {r.api for r in app.routes
                        if r.throttling is not None and r.throttling.enforced_rate is not None}
    apis_with_routes = {r.api for r in app.routes}
    unlimited_routes: dict[str, list[Route]] = {}  # a route's own "no limit" (-1, disabled)
    for r in app.routes:
        if r.throttling is not None and r.throttling.overrides_stage() and \
                r.throttling.enforced_rate is None:
            unlimited_routes.setdefault(r.api, []).append(r)
    for api in app.apis.values():
        if api.id not in apis_with_routes or api.usage_plan or owned_elsewhere(api):
            continue
        if api.id in throttled_routes or \
                api.throttling is not None and api.throttling.enforced_rate is not None:
            # throttled, but a route of its own may switch that off
            for route in unlimited_routes.get(api.id, ()):
                yield make_finding(
                    "FG-WALLET-002",
                    f"Route {route.method} {route.path} of API '{logical_id(api.id)}' has "
                    "its throttling disabled (a method limit of -1 overrides the stage's): "
                    "one client can send up to the account's 10,000 requests per second "
                    "there.", route.location,
                    f"api:{logical_id(api.id)}:{route.method} {route.path}")
            continue
        kind = {"rest": "REST", "http": "HTTP", "websocket": "Websocket"}[api.kind]
        plan = " and no usage plan" if api.kind == "rest" else ""  # REST APIs only have plans
        yield make_finding(
            "FG-WALLET-002",
            f"{kind} API '{logical_id(api.id)}' has no stage or route throttling{plan}: one "
            "client can send up to the account's 10,000 requests per second.",
            api.location, f"api:{logical_id(api.id)}",
            remediation=remediation_for(app, facts, api.location.file,
                                        _http_api_fixes(logical_id(api.id)))
            if api.kind == "http" else None)


def _http_api_fixes(api: str) -> dict[str, str]:
    """FG-WALLET-002's fix for HTTP API `api` (its logical id): HTTP APIs (API Gateway v2)
    have no usage plans nor method settings, so the throttle is the stage's
    `DefaultRouteSettings` (or a route's), in each format's words."""
    limits = "DefaultRouteSettings:\n{0}  ThrottlingRateLimit: 50\n" \
             "{0}  ThrottlingBurstLimit: 100"
    sam = "Globals:\n  HttpApi:  # the API SAM creates for HttpApi events\n    " + \
        limits.format("    ") if api == "ServerlessHttpApi" else \
        f"{api}:\n  Type: AWS::Serverless::HttpApi\n  Properties:\n    " + \
        limits.format("    ")
    return {
        "serverless": "# provider.httpApi has no throttling setting: set it on the stage the "
                      "framework\n# generates for httpApi events\nresources:\n"
                      "  extensions:\n    HttpApiStage:\n      Properties:\n        " +
                      limits.format("        ") +
                      "\n# (or the serverless-api-gateway-throttling plugin's "
                      "custom.apiGatewayThrottling);\n# reservedConcurrency on its "
                      "functions caps what a flood costs",
        "sam": sam,
        "cloudformation": "Stage:\n  Type: AWS::ApiGatewayV2::Stage\n  Properties:\n    " +
                          limits.format("    "),
        "terraform": 'resource "aws_apigatewayv2_stage" "default" {  # the API\'s stage\n'
                     f"  api_id = {api if '.' in api else 'aws_apigatewayv2_api.api'}.id\n"
                     "  default_route_settings {\n    throttling_rate_limit  = 50\n"
                     "    throttling_burst_limit = 100\n  }\n}",
    }


@rule(
    "FG-WALLET-003",
    "HTTP function timeout far above need",
    threat="wallet",
    severity="low",
    description="""
A function behind an HTTP entry point with a timeout far above what a web request needs
(default threshold 60 s; `thresholds: http-timeout` in the configuration) lets a slow or
hostile request keep an environment busy — and billed — for the whole timeout. API Gateway
gives up on the integration after 29 s by default (an HTTP API after 30 s at most), so
the caller never sees the answer while you keep paying for the run. A request that hangs
on a slow dependency should fail fast.
""",
    remediation={
        "serverless": "functions:\n  api:\n    timeout: 10",
        "sam": "Globals:\n  Function:\n    Timeout: 10",
        "terraform": 'resource "aws_lambda_function" "api" {\n  timeout = 10\n}',
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"lambda_timeout": 10  # or per function, under lambda_functions',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"timeout_seconds": 10',
        "cloudformation": "# the AWS::Lambda::Function's Properties\n"
                          "Timeout: 10",
        "cdk": "# CDK: lambda.Function's timeout: Duration.seconds(10)",
    },
    references=(OWASP_DOW,
                "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"),
    cwe=(400,),
)
def http_timeout_too_long(app: App, facts: Facts) -> Iterator[Finding]:
    threshold = facts.options.http_timeout_threshold_s
    api_functions = {r.function for r in app.routes if r.function}
    for function in app.functions.values():
        if function.timeout_s is None or function.timeout_s <= threshold:
            continue
        via_api = function.id in api_functions
        if not via_api and function.url is None and \
                not any(t.kind in HTTP_TRIGGERS for t in function.triggers):
            continue
        cut = " (API Gateway stops waiting after 29 s)" if via_api else ""
        yield make_finding(
            "FG-WALLET-003",
            f"Function '{logical_id(function.id)}' serves HTTP requests with a "
            f"{function.timeout_s} s timeout{cut}: a hostile request can keep it billed for "
            f"{function.timeout_s} s; the threshold is {threshold} s.",
            function.location, f"function:{logical_id(function.id)}")


#: The write that re-triggers a function, per trigger kind: the IAM action (which also
#: authorises the batch and copy/multipart operations) and the SDK operations.
LOOP_ACTIONS: dict[str, tuple[str, ...]] = {
    "s3": ("s3:PutObject",),
    "sqs": ("sqs:SendMessage",),
    "sns": ("sns:Publish",),
}
LOOP_OPERATIONS: dict[str, tuple[str, ...]] = {
    "s3": ("putobject", "put_object", "copyobject", "copy_object", "upload_file",
           "upload_fileobj", "completemultipartupload", "complete_multipart_upload"),
    "sqs": ("sendmessage", "send_message", "sendmessagebatch", "send_message_batch"),
    "sns": ("publish", "publishbatch", "publish_batch"),
}


def _names_of(app: App, source: Value) -> set[str]:
    """Strings that denote the trigger's resource: its logical id forms, name and ARN."""
    names: set[str] = set()
    if isinstance(source, Ref):
        logical = logical_id(source.target)
        names |= {f"${{{logical}}}", f"${{{logical}.", source.target}
        resource = app.resources.get(source.target)
        if resource is not None and isinstance(resource.name, str):
            names.add(resource.name)
    elif isinstance(source, str):
        names.add(source)
        names.add(source.rsplit(":", 1)[-1])  # queue/topic name from its ARN
    return {n for n in names if n}


def _refers_to(app: App, resource: Value, source: Value) -> bool:
    """Does an IAM resource entry (or SDK call target) name the trigger's resource?"""
    if isinstance(resource, Ref) and isinstance(source, Ref):
        return resource.target == source.target
    if not isinstance(resource, str) or resource == "*":
        return False
    for name in _names_of(app, source):
        if resource == name or (name.startswith("${") and name in resource):
            return True
        if resource.endswith((f":{name}", f":::{name}", f":::{name}/*")) or \
                resource.startswith(f"arn:aws:s3:::{name}/"):
            return True
        if resource.startswith("https://") and resource.rstrip("/").endswith(f"/{name}"):
            return True  # a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`)
    return False


def _role_writes(app: App, function: Function, trigger: Trigger) -> int | None:
    """The line of a statement of the function's role that writes to the trigger's source."""
    role = app.roles.get(function.role) if function.role else None
    if role is None:
        return None
    wanted = LOOP_ACTIONS[trigger.kind]
    key_filter = trigger.key_filter
    for statement in role.statements:
        if statement.effect != "Allow":
            continue
        if not any(action_matches(a, w) for w in wanted for a in statement.actions
                   if isinstance(a, str) and a != "*"):
            continue
        if any(_refers_to(app, r, trigger.source) and _may_trigger(r, key_filter)
               for r in statement.resources):
            return statement.location.line if statement.location else role.location.line
    return None


def _may_trigger(resource: Value, key_filter: tuple[str, str]) -> bool:
    """Can an object written under an IAM resource naming the trigger's bucket
    (`arn:aws:s3:::bucket/key-pattern`, `${Bucket.Arn}/key-pattern`) have a key the
    trigger's filter lets through? Yes unless the pattern's literal head or tail rules it
    out; yes for anything not read as a key pattern."""
    if not any(key_filter) or not isinstance(resource, str) or "/" not in resource:
        return True
    return _key_may_trigger(resource.split("/", 1)[1], key_filter)


def _key_may_trigger(pattern: str, key_filter: tuple[str, str]) -> bool:
    """Can a key matching an IAM-style pattern (`*`, `?`) pass the trigger's filter?"""
    prefix, suffix = key_filter
    if "${" in pattern:
        return True  # a variable not resolved: any key
    parts = pattern.replace("?", "*").split("*")
    if len(parts) == 1:
        return pattern.startswith(prefix) and pattern.endswith(suffix)
    head, tail = parts[0], parts[-1]
    return (head.startswith(prefix) or prefix.startswith(head)) and \
        (tail.endswith(suffix) or suffix.endswith(tail))


def _fires_on_writes(trigger: Trigger) -> bool:
    """Can a write to the trigger's source fire it? Always for queues and topics; for an
    S3 trigger, unless all its event types are other than object creation
    (`s3:ObjectRemoved:*`, `s3:ObjectRestore:*`, ...): the event types as written
    (SAM `Events`, Chalice/Zappa `events`, serverless.yml/Terraform `event`), any value
    not read as a type counting as creation."""
    if trigger.kind != "s3":
        return True
    props = trigger.properties
    # SAM keeps the event's logical name under `event`: its types are `Events`
    types = props.get("Events", props.get("events", props.get("event")))
    if not isinstance(types, (list, tuple)):
        types = [types]
    return not types or any(
        not isinstance(t, str) or not t.startswith("s3:")
        or t.startswith(("s3:ObjectCreated", "s3:*")) for t in types)


#: The bucket/queue/topic of a code call read from the triggering event itself
#: (`record["s3"]["bucket"]["name"]`, the record's `eventSourceARN`, `Sns.TopicArn`).
_EVENT_SOURCE_PATHS = ("s3.bucket.name", "eventSourceARN", "Sns.TopicArn")


def _code_writes(app: App, facts: Facts, function: Function, trigger: Trigger,
                 unresolved: bool = False) -> Any:
    """An AWS call of the handler code (facts.aws_calls, `AwsCall`s) that writes to the
    trigger's source (a target resolved to that resource, or read from the event itself)
    where the trigger's key filter lets the written key through; with `unresolved`, also
    one whose target the analysis could not resolve (it may be that resource)."""
    for call in facts.aws_calls.get(function.id, []):
        operation = call.operation.lower()
        if call.service != trigger.kind or operation not in LOOP_OPERATIONS[trigger.kind]:
            continue
        if unresolved and not call.targets:
            return call
        for target in call.targets:
            from_event = target.name.event is not None and \
                target.name.event.endswith(_EVENT_SOURCE_PATHS)
            if not (from_event or _refers_to(app, target.resolved, trigger.source)
                    or (unresolved and not is_known(target.resolved))):
                continue
            key = target.key
            if key is None or not any(trigger.key_filter) or _key_may_trigger(
                    f"{key.prefix}*{key.suffix}" if key.literal is None else key.literal,
                    trigger.key_filter):
                return call
    return None


def _code_cannot_write(app: App, facts: Facts, function: Function, trigger: Trigger) -> bool:
    """Was the handler's code analysed in full (every AWS call identified) with no call
    that writes, or may write, to the trigger's source (a target not resolved counts)?"""
    calls = facts.aws_calls.get(function.id)
    return calls is not None and all(call.known for call in calls) and \
        _code_writes(app, facts, function, trigger, unresolved=True) is None


@rule(
    "FG-WALLET-004",
    "Recursive invocation loop",
    threat="wallet",
    severity="high",
    description="""
A function that writes to the bucket, queue or topic that triggers it re-invokes itself:
one event becomes an endless loop of invocations, each billed, until someone notices.
Lambda's recursive loop detection stops some SQS/SNS/S3 loops after about 16 rounds, but
not all paths (an S3 key prefix filter, a copy through another service) and only once the
loop has run. The finding comes from the function's role (a statement granting
s3:PutObject / sqs:SendMessage / sns:Publish on the triggering resource; for an S3 trigger
with a key filter, on keys the filter lets through) and, when the handler code analysis is
available, from the code's own calls. A role's grant is left alone when the function's
code was analysed in full (every AWS call identified) and makes no call that could write
to the trigger's source (none to it or to a target the analysis cannot name, none on keys
its filter lets through): the loop needs a write, and an unused grant is FG-PERM-101's finding
(a producer and the consumer of its queue on one role, or a framework's blanket grant
such as serverless-lift's, are not loops). S3 triggers on other events than object creation
(`s3:ObjectRemoved:*` alone) are not loops of writes; several triggers of one function on
one source make one finding.
""",
    remediation={
        "serverless": "functions:\n  resize:\n    events:\n      - s3:\n"
                      "          bucket: uploads\n          rules:\n"
                      "            - prefix: incoming/\n"
                      "# and write the output to another bucket (or another prefix)",
        "sam": "Events:\n  Upload:\n    Type: S3\n    Properties:\n      Bucket: !Ref Uploads\n"
               "      Events: s3:ObjectCreated:*\n      Filter:\n        S3Key:\n"
               "          Rules: [{Name: prefix, Value: incoming/}]\n"
               "# write results to a different bucket; keep RecursiveLoop: Terminate",
        "python": "# write to a different bucket than the one that triggered the function\n"
                  "s3.put_object(Bucket=os.environ['OUTPUT_BUCKET'], Key=key, Body=data)",
        "chalice": "# app.py: only the input prefix triggers the function; write elsewhere\n"
                   '@app.on_s3_event(bucket="uploads", prefix="incoming/")',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"event_source": {\n'
                 '  "arn": "arn:aws:s3:::uploads",\n'
                 '  "key_filters": [{"type": "prefix", "value": "incoming/"}],\n'
                 '  "events": ["s3:ObjectCreated:*"]\n'
                 "}\n"
                 "# and write the output to another bucket (or another prefix)",
        "cloudformation": "# the AWS::S3::Bucket's Properties\n"
                          "NotificationConfiguration:\n"
                          "  LambdaConfigurations:\n"
                          "    - Event: s3:ObjectCreated:*\n"
                          "      Function: !GetAtt Function.Arn\n"
                          "      Filter:\n"
                          "        S3Key:\n"
                          "          Rules: [{Name: prefix, Value: incoming/}]\n"
                          "# write results to a different bucket; keep RecursiveLoop: Terminate",
        "cdk": "# CDK: bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { "
               "prefix: 'incoming/' })",
    },
    references=(OWASP_DOW,
                "https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html"),
    cwe=(674, 835),
)
def recursive_loop(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        reported: set[str] = set()
        for trigger in function.triggers:
            if trigger.kind not in LOOP_ACTIONS or trigger.source is None or \
                    not _fires_on_writes(trigger):
                continue
            source = logical_id(str(getattr(trigger.source, "target", trigger.source)))
            subject = f"loop:{logical_id(function.id)}:{trigger.kind}:{source}"
            if subject in reported:  # two triggers on one source: one loop finding
                continue  # (a trigger whose filter lets no write through leaves it to the next)
            call = _code_writes(app, facts, function, trigger)
            if call is not None:
                reported.add(subject)
                yield make_finding(
                    "FG-WALLET-004",
                    f"Function '{logical_id(function.id)}' is triggered by {trigger.kind} "
                    f"'{source}' and its code writes back to it: each invocation can "
                    "trigger the next.", trigger.location, subject,
                    related=[(Location(call.file, call.line),
                              f"{call.service}:{call.operation} writes to the trigger's source")])
                continue
            if _code_cannot_write(app, facts, function, trigger):
                continue  # the grant alone is no loop: FG-PERM-101 reports it unused
            line = _role_writes(app, function, trigger)
            if line is not None:
                reported.add(subject)
                yield make_finding(
                    "FG-WALLET-004",
                    f"Function '{logical_id(function.id)}' is triggered by {trigger.kind} "
                    f"'{source}' and its role may write to it (statement at line {line}): "
                    "a write from the handler re-triggers the function.",
                    trigger.location, subject, confidence="medium")


@rule(
    "FG-WALLET-005",
    "SQS trigger without maximum concurrency",
    threat="wallet",
    severity="low",
    description="""
Lambda scales SQS pollers up to 1,250 concurrent invocations per queue (standard queues).
Anyone able to send to the queue — or a producer bug — then drives the function to the
account's concurrency at your expense. `ScalingConfig.MaximumConcurrency` caps the event
source (2 to 1,000) without throttling errors; it is not reported when the function already
has reserved concurrency, which bounds the spend.
""",
    remediation={
        "serverless": "functions:\n  worker:\n    events:\n      - sqs:\n"
                      "          arn: !GetAtt Jobs.Arn\n          maximumConcurrency: 10",
        "sam": "Events:\n  Jobs:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Jobs.Arn\n"
               "      ScalingConfig:\n        MaximumConcurrency: 10",
        "terraform": 'resource "aws_lambda_event_source_mapping" "jobs" {\n'
                     '  scaling_config {\n    maximum_concurrency = 10\n  }\n}',
        "chalice": "# app.py\n"
                   '@app.on_sqs_message(queue="jobs", maximum_concurrency=10)',
        "zappa": "Zappa's SQS event source has no maximum concurrency setting: set it on the "
                 "event source mapping after deploying (aws lambda "
                 "update-event-source-mapping --uuid UUID --scaling-config "
                 "MaximumConcurrency=10).",
        "cloudformation": "Type: AWS::Lambda::EventSourceMapping\n"
                          "Properties:\n"
                          "  EventSourceArn: !GetAtt Jobs.Arn\n"
                          "  FunctionName: !Ref Function\n"
                          "  ScalingConfig:\n"
                          "    MaximumConcurrency: 10",
        "cdk": "# CDK: new SqsEventSource(queue, { maxConcurrency: 10 })",
    },
    references=(OWASP_DOW,
                "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"),
    cwe=(770,),
)
def sqs_without_max_concurrency(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        if function.reserved_concurrency is not None:
            continue
        for trigger in function.triggers:
            if trigger.kind == "sqs" and trigger.max_concurrency is None:
                source = logical_id(str(getattr(trigger.source, "target", trigger.source)))
                yield make_finding(
                    "FG-WALLET-005",
                    f"SQS trigger '{source}' of function '{logical_id(function.id)}' has no "
                    "maximum concurrency (and the function no reserved concurrency): a full "
                    "queue scales it to the account's limit.",
                    trigger.location, f"sqs-trigger:{logical_id(function.id)}:{source}")


BILLING_NAMESPACE = "AWS/Billing"


@rule(
    "FG-WALLET-006",
    "Account baseline without a budget or billing alarm",
    threat="wallet",
    severity="medium",
    description="""
A template that sets up the account's baseline — criterion: it declares a CloudTrail trail,
which is account-level plumbing — is where spending guard rails belong. With no AWS Budgets
budget and no CloudWatch alarm on the `AWS/Billing` EstimatedCharges metric anywhere in the
scanned app, a Denial of Wallet attack (or a runaway loop) is discovered on the monthly
invoice. Application templates without account-level resources are not reported.
""",
    remediation={
        "serverless": "resources:\n  Resources:\n    MonthlyBudget:\n"
                      "      Type: AWS::Budgets::Budget\n      Properties:\n        Budget:\n"
                      "          BudgetType: COST\n          TimeUnit: MONTHLY\n"
                      "          BudgetLimit: {Amount: 100, Unit: USD}\n"
                      "        NotificationsWithSubscribers:\n"
                      "          - Notification: {NotificationType: ACTUAL, "
                      "ComparisonOperator: GREATER_THAN, Threshold: 80}\n"
                      "            Subscribers: [{SubscriptionType: EMAIL, "
                      "Address: ops@example.com}]",
        "sam": "MonthlyBudget:\n  Type: AWS::Budgets::Budget\n  Properties:\n    Budget:\n"
               "      BudgetType: COST\n      TimeUnit: MONTHLY\n"
               "      BudgetLimit: {Amount: 100, Unit: USD}",
        "terraform": 'resource "aws_budgets_budget" "monthly" {\n  budget_type  = "COST"\n'
                     '  limit_amount = "100"\n  limit_unit   = "USD"\n'
                     '  time_unit    = "MONTHLY"\n}',
    },
    references=(OWASP_DOW,
                "https://docs.aws.amazon.com/cost-management/latest/userguide/"
                "budgets-managing-costs.html"),
    cwe=(778,),
)
def no_budget(app: App, facts: Facts) -> Iterator[Finding]:
    if app.budgets or any(a.namespace == BILLING_NAMESPACE for a in app.alarms):
        return
    seen: set[str] = set()
    for trail in app.trails:
        file = template_file(trail.id, trail.location)
        if file in seen:
            continue
        seen.add(file)
        yield make_finding(
            "FG-WALLET-006",
            f"This template sets up account-level resources (trail '{logical_id(trail.id)}') "
            "but the app has no budget and no billing alarm: runaway spend goes unnoticed "
            "until the invoice.", trail.location, f"baseline:{file}")


@rule(
    "FG-WALLET-007",
    "Worst-case cost above the budget",
    threat="wallet",
    severity="high",
    description="""
With `--budget USD_PER_DAY`, the worst-case cost model (`faasguard cost`) is compared with
your budget: the most an outsider can make you spend per day — requests priced by entry
point (REST, HTTP, websocket, ALB, function URL) plus GB-seconds (memory x timeout x
architecture), bounded by reserved concurrency, API throttling and the account's
concurrency. Above the budget, the finding proposes, per exposed function, the reserved
concurrency (and API throttle where one environment is already too costly) that fit an
equal share of the budget. It is reported at the first line of the first template (by
path) declaring an exposed function, the costliest function a related location: editing
a function does not move it, and a baseline keeps it.
""",
    remediation={
        "serverless": "functions:\n  api:\n    reservedConcurrency: 5   # the proposed value",
        "sam": "ApiFunction:\n  Properties:\n    ReservedConcurrentExecutions: 5  # proposed",
        "terraform": 'resource "aws_lambda_function" "api" {\n'
                     '  reserved_concurrent_executions = 5 # proposed\n}',
    },
    references=(OWASP_DOW, "https://aws.amazon.com/lambda/pricing/",
                "https://aws.amazon.com/api-gateway/pricing/"),
    cwe=(770,),
)
def cost_above_budget(app: App, facts: Facts) -> Iterator[Finding]:
    budget = facts.options.budget_usd_per_day
    model = facts.cost
    if budget is None or not isinstance(model, CostModel) or model.total_usd_per_day <= budget:
        return
    proposals = propose_caps(model, budget)
    exposed = [c for c in model.functions.values() if c.exposed]
    costliest = max(exposed, key=lambda c: c.usd_per_day)
    # the app's finding sits at the top of the first template declaring an exposed
    # function, where no edit of a function (its memory, its timeout) moves it: a baseline
    # keeps it; the costliest function is a related location
    anchor = Location(min(template_file(c.function, c.location) for c in exposed), 1)
    parts = []
    clashing = clashing_names(p.function for p in proposals)
    for p in proposals[:5]:
        caps = f"reserved concurrency {p.reserved_concurrency}"
        if p.throttle_rps is not None:
            caps += f" and a throttle of {p.throttle_rps:g} rps"
        if not p.fits:
            caps += " (still above its share: lower the timeout or memory)"
        name = located_name(p.function, model.functions[p.function].location, clashing)
        parts.append(f"{name}: {caps}")
    more = f" (+{len(proposals) - 5} more)" if len(proposals) > 5 else ""
    yield make_finding(
        "FG-WALLET-007",
        f"Worst-case spend an attacker can force is ${model.total_usd_per_day:,.2f}/day "
        f"(${model.total_usd_per_hour:,.2f}/hour), above the budget of ${budget:,.2f}/day. "
        f"Caps that fit: {'; '.join(parts)}{more}.",
        anchor, "app-cost",
        related=[(costliest.location,
                  f"costliest function {logical_id(costliest.function)}")],
        properties={"worst_case_usd_per_day": round(model.total_usd_per_day, 2),
                    "budget_usd_per_day": budget,
                    "proposals": [{"function": logical_id(p.function),
                                   "reserved_concurrency": p.reserved_concurrency,
                                   "throttle_rps": p.throttle_rps,
                                   "usd_per_day": round(p.usd_per_day, 2), "fits": p.fits}
                                  for p in proposals]})
