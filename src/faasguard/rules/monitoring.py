"""Poor logging and monitoring: tracing, log retention, access logs, alarms, lost events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from faasguard.analysis.endpoints import decided_by
from faasguard.analysis.facts import Facts
from faasguard.findings import RULES, Finding, make_finding, rule
from faasguard.model import (
    DATA_TRACE,
    SCHEDULE_INPUT,
    Alarm,
    App,
    EnvVar,
    Function,
    Location,
    Ref,
    Trigger,
    Unknown,
    logical_id,
)
from faasguard.rules.envvars import env_definitions
from faasguard.rules.util import owned_elsewhere, remediation_for, template_file

_OWASP = "OWASP Serverless Top 10: SAS-5 Inadequate Function Monitoring and Logging"

#: Event sources that invoke a function asynchronously: a failed event is retried twice,
#: then dropped unless a DLQ or on-failure destination catches it.
ASYNC_KINDS = {"s3", "sns", "eventbridge", "schedule", "iot", "cloudwatch-logs"}
PRODUCTION_STAGES = {"prod", "production", "prd", "live"}
_STAGE_VARS = ("STAGE", "ENV", "ENVIRONMENT", "NODE_ENV", "APP_ENV", "DEPLOY_ENV")
_LEVEL_VARS = ("LOG_LEVEL", "LOGLEVEL", "POWERTOOLS_LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL")
_DEBUG_LEVELS = {"DEBUG", "TRACE", "ALL"}


@rule(
    "FG-MON-001",
    "Lambda function without X-Ray tracing",
    threat="monitoring",
    severity="low",
    description="""
Without active tracing, a request cannot be followed across API Gateway, the function and
the services it calls: an attack path (a slow injection, an unexpected call to another
service) leaves no trace to investigate, and latency spikes used for Denial of Wallet go
unexplained.
""",
    remediation={
        "serverless": "provider:\n  tracing:\n    lambda: true",
        "sam": "Globals:\n  Function:\n    Tracing: Active",
        "terraform": 'tracing_config {\n  mode = "Active"\n}',
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"xray": true',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"xray_tracing": true',
        "cloudformation": "# the AWS::Lambda::Function's Properties\n"
                          "TracingConfig:\n"
                          "  Mode: Active",
        "cdk": "# CDK: lambda.Function's tracing: lambda.Tracing.ACTIVE",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html"),
    cwe=(778,),
    equivalents={"Checkov": "CKV_AWS_50"},
)
def function_tracing(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        if function.tracing != "Active":
            yield make_finding(
                "FG-MON-001",
                f"Function '{logical_id(function.id)}' has no active X-Ray tracing.",
                function.location, f"tracing:{logical_id(function.id)}",
            )


@rule(
    "FG-MON-002",
    "REST API stage without X-Ray tracing",
    threat="monitoring",
    severity="low",
    description="""
A REST API stage without `TracingEnabled` does not trace requests: the path of a request
from the gateway to the function and on cannot be reconstructed during an investigation.
(HTTP APIs do not support X-Ray; they are not reported.)
APIs the app only adds routes to (serverless.yml `provider.apiGateway.restApiId`,
`provider.httpApi.id`) are left to the stack that creates them, where their stage is
configured.
""",
    remediation={
        "serverless": "provider:\n  tracing:\n    apiGateway: true",
        "sam": "Globals:\n  Api:\n    TracingEnabled: true",
        "terraform": "xray_tracing_enabled = true  # aws_api_gateway_stage",
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"xray": true  # the functions and the API stage',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"xray_tracing": true  # the function and the API stage',
        "cloudformation": "# the AWS::ApiGateway::Stage's Properties\n"
                          "TracingEnabled: true",
        "cdk": "# CDK: apigateway.RestApi's deployOptions: { tracingEnabled: true }",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                        "apigateway-xray.html"),
    cwe=(778,),
    equivalents={"Checkov": "CKV_AWS_73"},
)
def api_tracing(app: App, facts: Facts) -> Iterator[Finding]:
    for api in app.apis.values():
        if api.kind == "rest" and not api.tracing and not owned_elsewhere(api):
            yield make_finding(
                "FG-MON-002",
                f"REST API '{logical_id(api.id)}' does not trace requests with X-Ray.",
                api.location, f"api-tracing:{logical_id(api.id)}",
            )


@rule(
    "FG-MON-003",
    "State machine without X-Ray tracing",
    threat="monitoring",
    severity="low",
    description="""
A Step Functions state machine without `TracingConfiguration.Enabled` does not trace its
executions: the functions it calls cannot be tied back to the workflow run that called
them.
""",
    remediation={
        "sam": "Type: AWS::Serverless::StateMachine\nProperties:\n  Tracing:\n"
               "    Enabled: true",
        "serverless": "stepFunctions:\n  stateMachines:\n    flow:\n      tracingConfig:\n"
                      "        enabled: true",
        "terraform": "tracing_configuration {\n  enabled = true\n}",
        "cloudformation": "Type: AWS::StepFunctions::StateMachine\n"
                          "Properties:\n"
                          "  TracingConfiguration:\n"
                          "    Enabled: true",
        "cdk": "# CDK: sfn.StateMachine's tracingEnabled: true",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/step-functions/latest/dg/"
                        "concepts-xray-tracing.html"),
    cwe=(778,),
)
def state_machine_tracing(app: App, facts: Facts) -> Iterator[Finding]:
    for machine in app.resources.values():
        if machine.kind == "state-machine" and not machine.tracing:
            yield make_finding(
                "FG-MON-003",
                f"State machine '{logical_id(machine.id)}' does not trace executions.",
                machine.location, f"sfn-tracing:{logical_id(machine.id)}",
            )


@rule(
    "FG-MON-010",
    "Express state machine without logging",
    threat="monitoring",
    severity="medium",
    description="""
An Express workflow keeps no execution history: Step Functions records a Standard
workflow's every run and step for 90 days, an Express one's only in the CloudWatch Logs
its logging configuration names. Without logging (no `LoggingConfiguration`, or level
`OFF`) nothing tells which events started it, which functions it called with what, or why
a run failed: an abuse of the workflow (an API or EventBridge rule starting it) leaves no
trace. Standard workflows are not reported.
""",
    remediation={
        "sam": "Type: AWS::Serverless::StateMachine\nProperties:\n  Type: EXPRESS\n"
               "  Logging:\n    Level: ERROR\n    IncludeExecutionData: false\n"
               "    Destinations:\n      - CloudWatchLogsLogGroup:\n"
               "          LogGroupArn: !GetAtt CheckoutLogs.Arn",
        "serverless": "stepFunctions:\n  stateMachines:\n    checkout:\n      type: EXPRESS\n"
                      "      loggingConfig:\n        level: ERROR\n"
                      "        includeExecutionData: false\n        destinations:\n"
                      "          - Fn::GetAtt: [CheckoutLogs, Arn]",
        "terraform": "logging_configuration {\n"
                     '  log_destination        = "${aws_cloudwatch_log_group.checkout.arn}:*"\n'
                     "  include_execution_data = false\n"
                     '  level                  = "ERROR"\n}',
        "cloudformation": "Type: AWS::StepFunctions::StateMachine\n"
                          "Properties:\n"
                          "  StateMachineType: EXPRESS\n"
                          "  LoggingConfiguration:\n"
                          "    Level: ERROR\n"
                          "    IncludeExecutionData: false\n"
                          "    Destinations:\n"
                          "      - CloudWatchLogsLogGroup:\n"
                          "          LogGroupArn: !GetAtt CheckoutLogs.Arn",
        "cdk": "# CDK: sfn.StateMachine's logs: { destination: logGroup, level: "
               "sfn.LogLevel.ERROR }",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/step-functions/latest/dg/"
                        "cw-logs.html"),
    cwe=(778,),
    equivalents={"Checkov": "CKV_AWS_285 (every state machine)"},
)
def express_without_logging(app: App, facts: Facts) -> Iterator[Finding]:
    for machine in app.resources.values():
        if machine.kind != "state-machine" or \
                str(machine.properties.get("type", "")).upper() != "EXPRESS":
            continue
        level = machine.properties.get("logging_level")
        if level is None or (isinstance(level, str) and level.upper() == "OFF"):
            how = "no logging configuration" if level is None else "logging level OFF"
            yield make_finding(
                "FG-MON-010",
                f"Express state machine '{logical_id(machine.id)}' has {how}: Step "
                "Functions keeps no history of Express executions, so its runs leave no "
                "record.",
                machine.location, f"sfn-logging:{logical_id(machine.id)}",
            )


def _retention_problem(days: int | Unknown | None, facts: Facts) -> str | None:
    low, high = facts.options.log_retention_min_days, facts.options.log_retention_max_days
    if isinstance(days, Unknown):
        return _undecided_retention(days, low, high)
    if days is None:
        return "keeps logs forever (no retention set)" if high is not None else \
            "has no retention set: logs are kept forever and billed forever"
    if days < low:
        return f"keeps logs {days} days, less than the {low} days required"
    if high is not None and days > high:
        return f"keeps logs {days} days, more than the {high} days allowed"
    return None


def _undecided_retention(days: Unknown, low: int, high: int | None) -> str | None:
    """A retention a deployment gives (a parameter or variable with no default, a
    serverless.yml variable left without a value) is set: judged only when every value the
    template lists for it (`AllowedValues`, a validation's list, a condition's branches) is
    outside the range; nothing listed, or one value inside, is not reported."""
    listed = [n for c in days.choices if (n := _whole_number(c)) is not None]
    if not listed or days.unlisted or len(listed) != len(days.choices):
        return None
    values = f"{' or '.join(map(str, sorted(set(listed))))} days, as {decided_by(days)} " \
        "decides"
    if all(n < low for n in listed):
        return f"keeps logs {values}, less than the {low} days required"
    if high is not None and all(n > high for n in listed):
        return f"keeps logs {values}, more than the {high} days allowed"
    return None


def _whole_number(value: str | int | float | bool) -> int | None:
    """A choice as a number of days (`AllowedValues` may write "30"); None for any other."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


@rule(
    "FG-MON-004",
    "Log retention missing or outside the configured range",
    threat="monitoring",
    severity="low",
    description="""
A log group without retention keeps every line forever, including any personal data or
secret logged by mistake, and bills its storage forever; one with a very short retention
loses the evidence before an incident is noticed (attacks are often found weeks later).
The range is configurable (`thresholds:` `log-retention-min-days`, default 7;
`log-retention-max-days`, no maximum unless given).
A retention a deployment gives (a parameter or Terraform variable with no default, a
serverless.yml `${param:...}` / `${opt:...}` with no value) is set, its value unknown: it
is reported only when every value the template allows it (`AllowedValues`, a validation's
`contains([...])`, a condition's branches) is outside the range. One with a default is
judged by its default, as a deployment that passes nothing gets it.
""",
    remediation={
        "serverless": "provider:\n  logRetentionInDays: 90",
        "sam": "FunctionLogGroup:\n  Type: AWS::Logs::LogGroup\n  Properties:\n"
               "    LogGroupName: !Sub /aws/lambda/${Function}\n    RetentionInDays: 90",
        "terraform": "retention_in_days = 90  # aws_cloudwatch_log_group",
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"log_retention_in_days": 90',
        "zappa": "Zappa has no log retention setting: set it on the function's log group, e.g.\n"
                 "aws logs put-retention-policy --log-group-name /aws/lambda/PROJECT-STAGE "
                 "--retention-in-days 90",
        "cdk": "# CDK: lambda.Function's logRetention (or a logs.LogGroup with retention as its "
               "logGroup)",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
                        "Working-with-log-groups-and-streams.html"),
    cwe=(778,),
    equivalents={"Checkov": "CKV_AWS_66"},
)
def log_retention(app: App, facts: Facts) -> Iterator[Finding]:
    linked = set()
    for function in app.functions.values():
        group = app.resources.get(function.log_group) if function.log_group else None
        if group is not None:
            linked.add(group.id)
            continue  # judged below, on the log group itself
        problem = _retention_problem(function.log_retention_days, facts)
        if problem:
            yield make_finding(
                "FG-MON-004", f"The log group of function '{logical_id(function.id)}' {problem}.",
                function.location, f"retention:{logical_id(function.id)}",
            )
    for group in app.resources.values():
        if group.kind != "log-group":
            continue
        problem = _retention_problem(group.retention_days, facts)
        if problem:
            yield make_finding(
                "FG-MON-004", f"Log group '{logical_id(group.id)}' {problem}.",
                group.location, f"retention:{logical_id(group.id)}",
            )


#: The SAM/CloudFormation access log setting of a REST API (AWS::Serverless::Api,
#: AWS::ApiGateway::Stage) and of an HTTP or WebSocket API (AWS::Serverless::HttpApi,
#: AWS::ApiGatewayV2::Stage): another property name, other $context variables.
_SAM_ACCESS_LOG = {
    "rest": "AccessLogSetting:\n  DestinationArn: !GetAtt ApiAccessLogs.Arn\n"
            "  Format: '$context.requestId $context.identity.sourceIp "
            "$context.httpMethod $context.resourcePath $context.status'",
    "v2": "AccessLogSettings:\n  DestinationArn: !GetAtt ApiAccessLogs.Arn\n"
          "  Format: '$context.requestId $context.identity.sourceIp "
          "$context.routeKey $context.status'",
}


@rule(
    "FG-MON-005",
    "API stage without access logging",
    threat="monitoring",
    severity="medium",
    description="""
Without access logs, an API keeps no record of who called which route, from which IP,
with which result: credential stuffing, enumeration of IDs or a Denial of Wallet flood
cannot be seen or investigated, and requests refused by the gateway (authoriser, throttle,
WAF) never reach the function's logs at all.
APIs the app only adds routes to (serverless.yml `provider.apiGateway.restApiId`,
`provider.httpApi.id`) are left to the stack that creates them, where their stage is
configured.
""",
    remediation={
        "serverless": "provider:\n  logs:\n    restApi: true   # httpApi: true, websocket: true",
        "sam": _SAM_ACCESS_LOG["rest"] + "\n# HTTP and WebSocket APIs:\n"
               + _SAM_ACCESS_LOG["v2"],
        "terraform": "access_log_settings {\n"
                     "  destination_arn = aws_cloudwatch_log_group.api.arn\n"
                     '  format          = "$context.requestId $context.status"\n}',
        "chalice": "Chalice has no setting for API access logging: turn it on for the stage "
                   "(AccessLogSetting on the stage of the template `chalice package` writes, "
                   "or aws apigateway update-stage with an accessLogSettings patch).",
        "zappa": 'Zappa has no setting for API access logging ("cloudwatch_log_level" turns '
                 "on execution logs only): turn it on for the stage with aws apigateway "
                 "update-stage and an accessLogSettings patch.",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                        "set-up-logging.html"),
    cwe=(778,),
    equivalents={"Checkov": "CKV_AWS_76"},
)
def api_access_logging(app: App, facts: Facts) -> Iterator[Finding]:
    fixes = RULES["FG-MON-005"].meta.remediation
    for api in app.apis.values():
        if not api.access_logging and not owned_elsewhere(api):
            kind = "rest" if api.kind == "rest" else "v2"
            yield make_finding(
                "FG-MON-005",
                f"{api.kind.upper() if api.kind != 'websocket' else 'WebSocket'} API "
                f"'{logical_id(api.id)}' has no access logging.",
                api.location, f"access-log:{logical_id(api.id)}",
                remediation=remediation_for(app, facts, api.location.file,
                                            {**fixes, "sam": _SAM_ACCESS_LOG[kind]}),
            )


class _Watched:
    """Which functions the Lambda alarms of an app watch on one metric, indexed once (each
    alarm looked at for each function cost alarms x functions): an account-wide alarm (no
    dimension) watches them all; a `FunctionName` dimension names one by a Ref (the
    function, or in serverless.yml the `<Name>LambdaFunction` it generates) or by text
    (its name or logical id)."""

    def __init__(self, alarms: Iterable[Alarm], metric: str) -> None:
        self.everything = False
        self.ids: set[str] = set()  # Ref targets
        self.logical: set[str] = set()  # their logical ids
        self.names: set[str] = set()  # FunctionName values written as text
        for alarm in alarms:
            if str(alarm.metric) != metric or alarm.namespace not in (None, "AWS/Lambda"):
                continue
            target = alarm.dimensions.get("FunctionName")
            if target is None:
                self.everything = self.everything or not alarm.dimensions
            elif isinstance(target, Ref):
                self.ids.add(target.target)
                self.logical.add(logical_id(target.target))
            elif isinstance(target, str):
                self.names.add(target)

    def watches(self, function: Function) -> bool:
        """Does an alarm on this metric watch `function`?"""
        if self.everything or function.id in self.ids:
            return True
        if self.logical:
            own = function.properties.get("logical_id")
            if isinstance(own, str) and own in self.logical:
                return True
        if self.names:
            name = function.name
            return (isinstance(name, str) and name in self.names) or \
                logical_id(function.id) in self.names
        return False


@rule(
    "FG-MON-006",
    "No alarm on function errors and throttles",
    threat="monitoring",
    severity="low",
    description="""
Nobody is told when functions start failing or being throttled: an attack that makes the
handler crash (fuzzing, injection attempts) or exhausts its concurrency goes unnoticed
until users complain. Reported once per template, listing the functions no CloudWatch
alarm on `Errors` and `Throttles` (per function or account-wide) watches; the alarms
serverless-plugin-aws-alerts makes from `custom.alerts` (on the stages it lists) count.
Alarms created outside the scanned files (another stack) are not seen.
""",
    remediation={
        "sam": "ErrorsAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n"
               "    Namespace: AWS/Lambda\n    MetricName: Errors\n"
               "    Dimensions:\n      - Name: FunctionName\n        Value: !Ref Function\n"
               "    Statistic: Sum\n    Period: 300\n    EvaluationPeriods: 1\n"
               "    Threshold: 1\n    ComparisonOperator: GreaterThanOrEqualToThreshold\n"
               "# and the same for MetricName: Throttles",
        "serverless": "resources:\n  Resources:\n    ErrorsAlarm:\n"
                      "      Type: AWS::CloudWatch::Alarm\n      Properties:\n"
                      "        Namespace: AWS/Lambda\n        MetricName: Errors\n"
                      "        # ... as in SAM; and one for Throttles",
        "terraform": 'resource "aws_cloudwatch_metric_alarm" "errors" {\n'
                     '  namespace   = "AWS/Lambda"\n  metric_name = "Errors"\n'
                     "  dimensions  = { FunctionName = aws_lambda_function.fn.function_name }\n}",
        "chalice": "Chalice declares no CloudWatch alarms: add alarms on the AWS/Lambda "
                   "Errors and Throttles metrics of each function in the template `chalice "
                   "package` writes, or in the stack that holds your account's monitoring.",
        "zappa": "Zappa declares no CloudWatch alarms: add alarms on the AWS/Lambda Errors "
                 "and Throttles metrics of the function in the stack that holds your "
                 "account's monitoring.",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/lambda/latest/dg/"
                        "monitoring-metrics-types.html"),
    cwe=(778,),
)
def no_alarms(app: App, facts: Facts) -> Iterator[Finding]:
    by_file: dict[str, list[Function]] = {}
    errors, throttles = _Watched(app.alarms, "Errors"), _Watched(app.alarms, "Throttles")
    for function in app.functions.values():
        if not (errors.watches(function) and throttles.watches(function)):
            by_file.setdefault(template_file(function.id, function.location), []).append(
                function)
    for file, functions in sorted(by_file.items()):
        # the template's own functions first, then those of the files it includes
        functions.sort(key=lambda f: (f.location.file != file, f.location.file, f.location.line))
        names = [logical_id(f.id) for f in functions]
        yield make_finding(
            "FG-MON-006",
            f"No CloudWatch alarm on Errors and Throttles for {len(names)} function(s): "
            f"{', '.join(names[:8])}{' ...' if len(names) > 8 else ''}.",
            functions[0].location, f"alarms:{file}", properties={"functions": names},
        )


def _is_async(trigger: Trigger) -> bool:
    return trigger.asynchronous or trigger.kind in ASYNC_KINDS


#: Asynchronous sources whose events carry no data of their own (a schedule's tick): a
#: dead-letter queue would keep nothing worth replaying or inspecting...
_NO_PAYLOAD_KINDS = {"schedule"}
#: ...unless the schedule is given an input of its own (`model.SCHEDULE_INPUT`): a job's
#: parameters (a tenant, a period), lost with the event when the runs fail.


def _carries_payload(trigger: Trigger) -> bool:
    return trigger.kind not in _NO_PAYLOAD_KINDS or \
        trigger.properties.get(SCHEDULE_INPUT) is True


@rule(
    "FG-MON-007",
    "Asynchronous trigger without a dead-letter queue or on-failure destination",
    threat="monitoring",
    severity="medium",
    description="""
S3, SNS and EventBridge events (and `InvocationType: Event` calls) invoke the function
asynchronously: when the handler fails, Lambda retries twice and then drops the event
silently. Without a dead-letter queue or an on-failure destination, failed events are
lost, and failures caused by malicious input leave nothing to inspect. (Synchronous HTTP
calls and poll-based sources such as SQS and streams are not concerned: their failures go
back to the caller or the queue. Schedules are not either: their events carry nothing but
the time, so a failed run is the Errors alarm's to report, FG-MON-006, not a queue's to
keep; a schedule given an input of its own, the job's parameters, is.)
""",
    remediation={
        "serverless": "functions:\n  fn:\n    destinations:\n"
                      "      onFailure: arn:aws:sqs:${aws:region}:${aws:accountId}:failed-events",
        "sam": "EventInvokeConfig:\n  DestinationConfig:\n    OnFailure:\n      Type: SQS\n"
               "      Destination: !GetAtt FailedEvents.Arn",
        "terraform": 'resource "aws_lambda_function_event_invoke_config" "fn" {\n'
                     "  destination_config {\n    on_failure {\n"
                     "      destination = aws_sqs_queue.failed.arn\n    }\n  }\n}",
        "chalice": "Chalice has no dead-letter queue or on-failure destination setting: add "
                   "one to the function after deploying (aws lambda "
                   "put-function-event-invoke-config --destination-config '{\"OnFailure\": "
                   "{\"Destination\": QUEUE_ARN}}') or in the template `chalice package` writes.",
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"dead_letter_arn": "arn:aws:sqs:us-east-1:123456789012:failed-events"',
        "cloudformation": "Type: AWS::Lambda::EventInvokeConfig\n"
                          "Properties:\n"
                          "  FunctionName: !Ref Function\n"
                          "  Qualifier: $LATEST\n"
                          "  DestinationConfig:\n"
                          "    OnFailure:\n"
                          "      Destination: !GetAtt FailedEvents.Arn",
        "cdk": "# CDK: lambda.Function's onFailure: new destinations.SqsDestination(queue)",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/lambda/latest/dg/"
                        "invocation-async-retain-records.html"),
    cwe=(778, 755),
    equivalents={"Checkov": "CKV_AWS_116"},
)
def async_without_dlq(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        if function.dlq is not None or function.on_failure is not None:
            continue
        triggers = sorted((t for t in function.triggers
                           if _is_async(t) and _carries_payload(t)),
                          key=lambda t: t.location.line)
        if triggers:
            kinds = sorted({t.kind for t in triggers})
            yield make_finding(
                "FG-MON-007",
                f"Function '{logical_id(function.id)}' is invoked asynchronously "
                f"({', '.join(kinds)}) with no DLQ or on-failure destination: failed events "
                "are dropped after two retries.",
                triggers[0].location, f"async-dlq:{logical_id(function.id)}",
            )


def _scan_stages(app: App, facts: Facts) -> set[str]:
    """The scanned stage (`--stage`) and the app's own (`provider.stage`), lower case."""
    return {str(facts.options.stage).lower(), str(app.stage).lower()}


def _is_production(app: App, function: Function, facts: Facts) -> bool:
    stages = _scan_stages(app, facts)
    for name in _STAGE_VARS:
        var = function.environment.get(name)
        if var is not None and isinstance(var.value, str):
            stages.add(var.value.lower())
    return bool(stages & PRODUCTION_STAGES)


def _debug_value(var: EnvVar) -> bool:
    """Does this environment variable turn on debug logging (or full-event logging)?"""
    value = str(var.value).strip()
    if var.name in _LEVEL_VARS:
        return value.upper() in _DEBUG_LEVELS
    if var.name in ("DEBUG", "POWERTOOLS_LOGGER_LOG_EVENT"):
        return value.lower() in ("true", "1", "yes")
    return False


#: FG-MON-008's fix for an API stage's data tracing, per format (`remediation_for`).
_DATA_TRACE_FIXES = {
    "serverless": "provider:\n  logs:\n    restApi:\n      level: ERROR\n"
                  "      fullExecutionData: false",
    "sam": "MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
           "    LoggingLevel: ERROR\n    DataTraceEnabled: false",
    "terraform": 'resource "aws_api_gateway_method_settings" "all" {\n'
                 '  method_path = "*/*"\n  settings {\n'
                 '    logging_level      = "ERROR"\n    data_trace_enabled = false\n  }\n}',
}


@rule(
    "FG-MON-008",
    "Debug logging in a production stage",
    threat="monitoring",
    severity="low",
    description="""
Debug log levels (and `POWERTOOLS_LOGGER_LOG_EVENT=true`, which logs every event in full)
write request bodies, headers with tokens and intermediate values to CloudWatch Logs.
In production this leaks personal data and credentials into the logs and buries the
signals monitoring should catch. A debug level is DEBUG, TRACE or ALL in the function's
logging configuration (`ApplicationLogLevel`) or in `LOG_LEVEL`, `LOGLEVEL`,
`POWERTOOLS_LOG_LEVEL` or `AWS_LAMBDA_LOG_LEVEL`, or `DEBUG=true`. Production is
recognised from the scanned stage (`--stage prod`, `provider.stage`) or the function's
`STAGE`, `ENV`, `ENVIRONMENT`, `NODE_ENV`, `APP_ENV` or `DEPLOY_ENV` variable (prod,
production, prd or live).

API Gateway's data tracing (`DataTraceEnabled` in a REST stage's method settings,
Terraform's `data_trace_enabled`, serverless.yml `logs.restApi.fullExecutionData: true`)
is the same at the gateway: every request and response payload, personal data and
passwords posted in bodies included, goes to the stage's execution logs. It is reported
`medium` on a production stage (its own name, or the scanned stage).
""",
    remediation={
        "serverless": "provider:\n  environment:\n    LOG_LEVEL: ${param:logLevel, 'INFO'}",
        "sam": "LoggingConfig:\n  LogFormat: JSON\n  ApplicationLogLevel: INFO",
        "terraform": 'logging_config {\n  log_format            = "JSON"\n'
                     '  application_log_level = "INFO"\n}',
        "chalice": "# .chalice/config.json: the production stage's own level\n"
                   '"stages": {\n'
                   '  "prod": {\n'
                   '    "environment_variables": {"LOG_LEVEL": "INFO"}\n'
                   "  }\n"
                   "}",
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"environment_variables": {"LOG_LEVEL": "INFO"}',
    },
    references=(_OWASP, "https://docs.aws.amazon.com/lambda/latest/dg/"
                        "monitoring-cloudwatchlogs-advanced.html"),
    cwe=(532, 215),
)
def debug_in_production(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        level = function.log_level
        if isinstance(level, str) and level.upper() in _DEBUG_LEVELS and \
                _is_production(app, function, facts):
            yield make_finding(
                "FG-MON-008",
                f"Function '{logical_id(function.id)}' logs at debug level in production "
                f"(log level {level}).",
                function.location, f"debug:{logical_id(function.id)}:log-level",
            )
    scan_stages = _scan_stages(app, facts)
    for api in app.apis.values():
        traced = api.properties.get(DATA_TRACE)
        stage = api.stage.lower() if isinstance(api.stage, str) else None
        if isinstance(traced, Location) and \
                (stage in PRODUCTION_STAGES or scan_stages & PRODUCTION_STAGES):
            yield make_finding(
                "FG-MON-008",
                f"API '{logical_id(api.id)}' logs full request and response data in "
                f"production (data tracing on stage {api.stage}): every payload its "
                "callers send or receive is written to CloudWatch Logs.",
                traced, f"debug:{logical_id(api.id)}:data-trace", severity="medium",
                remediation=remediation_for(app, facts, traced.file, _DATA_TRACE_FIXES))
    for definition in env_definitions(app, facts):
        var = definition.var
        if _debug_value(var) and any(_is_production(app, f, facts)
                                     for f in definition.functions):
            yield make_finding(
                "FG-MON-008",
                f"{definition.owner} {definition.verb('logs', 'log')} at debug level in "
                "production "
                f"({var.name}={var.value}).",
                var.location, definition.subject("debug"),
            )


@rule(
    "FG-MON-009",
    "CloudTrail trail off, single-region or without log file validation",
    threat="monitoring",
    severity="medium",
    description="""
The audit trail is how an intrusion is reconstructed: who changed the function's code or
role, who read the secrets. A trail that is not logging records nothing; a single-region
trail misses whatever an attacker does in another region (where nobody looks); without
log file validation, an attacker who reaches the log bucket can edit or delete the
records of what they did without it being detectable. Reported for trails the templates
declare.
""",
    remediation={
        "sam": "Type: AWS::CloudTrail::Trail\nProperties:\n  IsLogging: true\n"
               "  IsMultiRegionTrail: true\n  EnableLogFileValidation: true",
        "serverless": "resources:\n  Resources:\n    Trail:\n      Type: AWS::CloudTrail::Trail\n"
                      "      Properties:\n        IsLogging: true\n"
                      "        IsMultiRegionTrail: true\n        EnableLogFileValidation: true",
        "terraform": "enable_logging             = true\nis_multi_region_trail      = true\n"
                     "enable_log_file_validation = true",
    },
    references=(_OWASP, "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
                        "cloudtrail-log-file-validation-intro.html"),
    cwe=(778, 354),
    equivalents={"Checkov": "CKV_AWS_67 (all regions), CKV_AWS_36 (log file validation)"},
)
def trail_gaps(app: App, facts: Facts) -> Iterator[Finding]:
    for trail in app.trails:
        gaps = [text for missing, text in (
            (not trail.logging, "is not logging"),
            (not trail.multi_region, "covers one region only"),
            (not trail.log_validation, "has no log file validation"),
        ) if missing]
        if gaps:
            yield make_finding(
                "FG-MON-009", f"CloudTrail trail '{logical_id(trail.id)}' {', '.join(gaps)}.",
                trail.location, f"trail:{logical_id(trail.id)}",
                severity="high" if not trail.logging else None,
            )
