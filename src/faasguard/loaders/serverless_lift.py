"""serverless-lift constructs (`constructs:`): what they deploy besides a queue's worker.

Lift builds CloudFormation resources for each construct; this module writes the part of
them that matters for security as CloudFormation resources of the service's `resources:`,
so that the CloudFormation loader models them as any other (and a construct's
`extensions:`, which Lift merges into those resources, are merged here too). Resources are
named `<construct><Part>` (Lift's own logical ids add a hash), located at the construct.

- `webhook`: its own HTTP API (`$default` stage, no throttling) with one route,
  `POST <path>`, whose integration puts the request body on an EventBridge bus (a resource
  of kind "other", the route's target: `link_webhook_buses`); the route is protected by a
  request authoriser, the function `<construct>Authorizer` Lift adds from the construct's
  `authorizer:` settings, unless `insecure: true` (no authoriser: anyone may post events).
- `storage`: a versioned S3 bucket, encrypted (SSE-S3, or the AWS-managed KMS key with
  `encryption: kms`), all public access blocked, and a bucket policy that refuses
  requests without TLS; `publicPath` opens the policy levers of the public access block
  (and `allowAcl` the ACL one) and lets anyone read the objects under that prefix (`/` or
  `*`: the whole bucket).
- `database/dynamodb-single-table`: a DynamoDB table (on-demand, point-in-time recovery,
  a stream of new and old images; encrypted with the key DynamoDB owns).
- `static-website`, `single-page-app`: the S3 bucket CloudFront serves the site from (a
  new bucket: S3 blocks public access by default; CloudFront reads it as its origin).
  The distribution itself is public by design and serves files, not functions: it is not
  modelled (no route, no authentication to ask of it).
- `queue`: the SQS queue its worker reads and the dead-letter queue Lift gives it (a
  redrive after `maxRetries` receives, 3 by default; failed messages kept 14 days), both
  encrypted as `encryption:` says (`kmsManaged`: the AWS-managed key; `kms`: a key Lift
  creates, named by `encryptionKey`, without rotation; none: SQS's default, SSE-SQS),
  FIFO with `fifo: true`, the visibility timeout six times the worker's timeout (6 s by
  default) plus `maxBatchingWindow`; with `alarm: <email>`, a CloudWatch alarm on the
  dead-letter queue's visible messages (its SNS topic to the address is left out). The
  worker's SQS event
  (`_lift_queue_events` in the serverless loader) reads the queue in batches of
  `batchSize` (1 by default), reporting partial batch failures.

`construct_variables` are the `${construct:...}` values that name those resources (a
bucket's name and ARN, a table's name, ARN and stream ARN, a webhook's bus), so that a
function's environment, event sources and statements point to them.
`construct_permissions` are the statements Lift adds to every function's role (unless
`lift.automaticPermissions: false`): on queues, storage buckets (the actions its
documentation lists) and single-table databases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from faasguard.loaders.documents import LDict, LList, deep_merge, line_of
from faasguard.model import App, DataResource, Location, Ref, Statement, Value, qualify

LIFT_PLUGIN = "serverless-lift"
#: What Lift grants every function of the service on a `queue` construct's queue.
QUEUE_ACTIONS = ("sqs:SendMessage", "sqs:ChangeMessageVisibility")
#: ... on a `storage` construct's bucket and its objects (Lift's docs/permissions.md).
STORAGE_ACTIONS = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket")
#: ... on a `database/dynamodb-single-table` construct's table and its indexes.
TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
                 "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                 "dynamodb:UpdateItem")
WEBSITE_TYPES = ("static-website", "single-page-app")
#: A construct's `extensions:` key -> the part of it the extension applies to.
EXTENSION_PARTS = {"bucket": "Bucket", "table": "Table", "api": "HttpApi", "bus": "Bus",
                   "queue": "Queue", "dlq": "Dlq", "alarm": "Alarm"}
#: The Serverless Framework's default function timeout (s), from which Lift derives the
#: queue's visibility timeout.
DEFAULT_TIMEOUT = 6

Warn = Callable[..., None]


#: Construct settings whose key reads like a secret's but whose value is a name: a queue's
#: `encryptionKey` is the id of the KMS key the construct creates (the template-secrets
#: walk passes over them, as dotted paths of the document).
NAMED_SETTINGS = re.compile(r"^constructs\.[^.]+\.encryptionKey$")


def constructs_of(config: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], int]]:
    """(name, type, settings, line) of each well-formed construct."""
    constructs = config.get("constructs")
    if not isinstance(constructs, dict):
        return
    for name, body in constructs.items():
        if isinstance(body, dict) and isinstance(body.get("type"), str):
            yield str(name), body["type"], body, line_of(constructs, name)


def construct_variables(raw: Any, file: str) -> dict[str, Value]:
    """The `${construct:<name>.<variable>}` values that name a resource this module models,
    from the configuration as written (before its variables are resolved; none when the
    plugin is not listed): a bucket's or table's name (`Ref`) and ARN."""
    plugins = raw.get("plugins") if isinstance(raw, dict) else None
    names = plugins.get("modules") if isinstance(plugins, dict) else plugins
    if not isinstance(names, list) or LIFT_PLUGIN not in names:
        return {}
    values: dict[str, Value] = {}
    for name, kind, _body, _line in constructs_of(raw):
        if kind == "queue":
            queue, dlq = qualify(file, f"{name}Queue"), qualify(file, f"{name}Dlq")
            values[f"{name}.queueArn"] = Ref(queue, "Arn")
            values[f"{name}.queueUrl"] = Ref(queue)
            values[f"{name}.dlqArn"] = Ref(dlq, "Arn")
            values[f"{name}.dlqUrl"] = Ref(dlq)
        elif kind == "storage":
            bucket = qualify(file, f"{name}Bucket")
            values[f"{name}.bucketName"] = Ref(bucket)
            values[f"{name}.bucketArn"] = Ref(bucket, "Arn")
        elif kind == "webhook":
            values[f"{name}.busName"] = Ref(qualify(file, f"{name}Bus"))
        elif kind == "database/dynamodb-single-table":
            table = qualify(file, f"{name}Table")
            values[f"{name}.tableName"] = Ref(table)
            values[f"{name}.tableArn"] = Ref(table, "Arn")
            values[f"{name}.tableStreamArn"] = Ref(table, "StreamArn")
    return values


def link_webhook_buses(app: App, config: dict[str, Any], file: str) -> None:
    """Each webhook's EventBridge bus as a resource of the app (kind "other"), and as the
    target of the webhook's route: what is posted there reaches the functions the bus
    triggers (`eventBridge: {eventBus: ${construct:<name>.busName}}`)."""
    for name, kind, _body, line in constructs_of(config):
        if kind != "webhook":
            continue
        bus = DataResource(qualify(file, f"{name}Bus"), "other", Location(file, line),
                           name=name, properties={"type": "AWS::Events::EventBus"})
        app.resources.setdefault(bus.id, bus)
        api = qualify(file, f"{name}HttpApi")
        for route in app.routes:
            if route.api == api and route.function is None and route.target is None:
                route.target = bus.id


def webhook_authorizers(config: dict[str, Any],
                        warn: Warn) -> Iterator[tuple[str, dict[str, Any], int]]:
    """(function name, settings, line) of the authoriser function of each webhook that is
    not `insecure` (Lift adds it to the service's functions)."""
    for name, kind, body, line in constructs_of(config):
        if kind != "webhook" or body.get("insecure") is True:
            continue
        authorizer = body.get("authorizer")
        if isinstance(authorizer, dict):
            yield f"{name}Authorizer", authorizer, line_of(body, "authorizer")
        else:
            warn(f"webhook construct '{name}' has no authorizer (and is not insecure: true): "
                 "Lift refuses to deploy it; its route is taken as unprotected", line)


def construct_permissions(config: dict[str, Any], file: str) -> list[Statement]:
    """The statements Lift adds to the functions' roles for the service's constructs."""
    statements: list[Statement] = []
    for name, kind, _body, line in constructs_of(config):
        if kind == "queue":
            granted: tuple[tuple[str, ...], tuple[Value, ...]] | None = (
                QUEUE_ACTIONS, (queue_arn(file, name),))
        elif kind == "storage":
            granted = STORAGE_ACTIONS, _arn_and(file, f"{name}Bucket", "/*")
        elif kind == "database/dynamodb-single-table":
            granted = TABLE_ACTIONS, _arn_and(file, f"{name}Table", "/index/*")
        else:
            granted = None
        if granted is not None:
            statements.append(Statement("Allow", actions=granted[0], resources=granted[1],
                                        location=Location(file, line),
                                        source="serverless:provider"))
    return statements


def queue_arn(file: str, name: str) -> Ref:
    """The ARN of a `queue` construct's SQS queue (`${construct:<name>.queueArn}`)."""
    return Ref(qualify(file, f"{name}Queue"), "Arn")


def _arn_and(file: str, logical: str, suffix: str) -> tuple[Value, ...]:
    """The ARN of a resource of the file and the ARNs below it (`arn/*`), written as the
    intrinsics `!GetAtt X.Arn` and `!Join ['', [!GetAtt X.Arn, '/*']]` resolve."""
    return Ref(qualify(file, logical), "Arn"), f"${{{logical}.Arn}}{suffix}"


def construct_resources(config: dict[str, Any], authorizer_logical_id: Callable[[str], str],
                        warn: Warn) -> dict[str, LDict]:
    """The CloudFormation resources (logical id -> resource) of the service's constructs
    that this module models (see the module docstring), extensions merged."""
    resources: dict[str, LDict] = {}
    for name, kind, body, line in constructs_of(config):
        if kind == "webhook":
            made = _webhook(name, body, authorizer_logical_id(f"{name}Authorizer"))
        elif kind == "queue":
            made = _queue(name, body)
        elif kind == "storage":
            made = _storage(name, body)
        elif kind == "database/dynamodb-single-table":
            made = {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}}}
        elif kind in WEBSITE_TYPES:
            made = {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
                "PublicAccessBlockConfiguration": _block(True, True, True, True)}}}
        else:
            continue
        _extend(name, made, body.get("extensions"), warn, line)
        for part, resource in made.items():
            resources[f"{name}{part}"] = _lined(resource, line)
    return resources


def _webhook(name: str, body: dict[str, Any], authorizer_function: str) -> dict[str, Any]:
    path = body.get("path")
    api = {"Ref": f"{name}HttpApi"}
    made: dict[str, Any] = {
        "HttpApi": {"Type": "AWS::ApiGatewayV2::Api",
                    "Properties": {"Name": name, "ProtocolType": "HTTP"}},
        "HttpApiDefaultStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": api, "StageName": "$default", "AutoDeploy": True}},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": name}},
        "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": api, "IntegrationType": "AWS_PROXY",
            "IntegrationSubtype": "EventBridge-PutEvents",
            "RequestParameters": {"Detail": "$request.body",
                                  "EventBusName": {"Ref": f"{name}Bus"}}}},
        "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": api, "RouteKey": f"POST {path if isinstance(path, str) else '/'}",
            "Target": {"Fn::Join": ["/", ["integrations", {"Ref": f"{name}Integration"}]]},
            "AuthorizationType": "NONE"}},
    }
    if body.get("insecure") is not True and isinstance(body.get("authorizer"), dict):
        made["Authorizer"] = {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {
            "ApiId": api, "AuthorizerType": "REQUEST", "Name": f"{name}-authorizer",
            "IdentitySource": ["$request.header.Authorization"],
            "AuthorizerUri": {"Fn::GetAtt": [authorizer_function, "Arn"]}}}
        made["Route"]["Properties"].update(AuthorizationType="CUSTOM",
                                           AuthorizerId={"Ref": f"{name}Authorizer"})
    return made


def _queue(name: str, body: dict[str, Any]) -> dict[str, Any]:
    worker = body.get("worker")
    timeout = worker.get("timeout") if isinstance(worker, dict) else None
    window = body.get("maxBatchingWindow", 0)
    fifo = body.get("fifo") is True
    made: dict[str, Any] = {}
    encryption: dict[str, Any] = {}
    if body.get("encryption") == "kmsManaged":
        encryption = {"KmsMasterKeyId": "alias/aws/sqs"}
    elif body.get("encryption") == "kms":  # a key of Lift's, `encryptionKey` its name
        made["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": False}}
        encryption = {"KmsMasterKeyId": {"Fn::GetAtt": [f"{name}Key", "Arn"]}}
    made["Dlq"] = {"Type": "AWS::SQS::Queue", "Properties": {
        "MessageRetentionPeriod": 14 * 24 * 3600, **encryption,
        **({"FifoQueue": True} if fifo else {})}}
    queue: dict[str, Any] = {
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [f"{name}Dlq", "Arn"]},
                          "maxReceiveCount": body.get("maxRetries", 3)},
        **encryption, **({"FifoQueue": True, "ContentBasedDeduplication": True}
                         if fifo else {})}
    if isinstance(timeout, (int, float)) or timeout is None:
        if isinstance(window, (int, float)):
            queue["VisibilityTimeout"] = (timeout or DEFAULT_TIMEOUT) * 6 + window
    if body.get("delay") is not None:
        queue["DelaySeconds"] = body["delay"]
    made["Queue"] = {"Type": "AWS::SQS::Queue", "Properties": queue}
    if body.get("alarm") is not None:  # (its SNS topic, which emails `alarm`, left out)
        made["Alarm"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName",
                            "Value": {"Fn::GetAtt": [f"{name}Dlq", "QueueName"]}}],
            "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold"}}
    return made


def _storage(name: str, body: dict[str, Any]) -> dict[str, Any]:
    public = _public_objects(body.get("publicPath"))
    algorithm = "aws:kms" if body.get("encryption") == "kms" else "AES256"
    bucket_arn = {"Fn::GetAtt": [f"{name}Bucket", "Arn"]}
    statements: list[dict[str, Any]] = [{
        "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
        "Resource": [bucket_arn, {"Fn::Join": ["", [bucket_arn, "/*"]]}],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    if public is not None:
        statements.append({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
                           "Resource": {"Fn::Join": ["", [bucket_arn, f"/{public}"]]}})
    block = _block(True, True, True, True) if public is None else \
        _block(body.get("allowAcl") is not True, False, True, False)
    return {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm}}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": block}},
        "BucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": f"{name}Bucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}},
    }


def _public_objects(public_path: Any) -> str | None:
    """The object keys `publicPath` makes public (`public/*`; `*` for the whole bucket)."""
    if public_path is None:
        return None
    prefix = str(public_path).strip("/")
    return "*" if prefix in ("", "*") else f"{prefix}/*"


def _block(acls: bool, policy: bool, ignore_acls: bool, restrict: bool) -> dict[str, bool]:
    return {"BlockPublicAcls": acls, "BlockPublicPolicy": policy,
            "IgnorePublicAcls": ignore_acls, "RestrictPublicBuckets": restrict}


def _extend(name: str, made: dict[str, Any], extensions: Any, warn: Warn, line: int) -> None:
    """Merge the construct's `extensions:` into the resources they name (as Lift does)."""
    if extensions is None:
        return
    if not isinstance(extensions, dict):
        warn(f"extensions of construct '{name}' should be a mapping; ignored", line)
        return
    for key, extension in extensions.items():
        part = EXTENSION_PARTS.get(str(key))
        if part not in made or not isinstance(extension, dict):
            warn(f"extension '{key}' of construct '{name}' is not one faasguard models; "
                 "ignored", line_of(extensions, key), "note")
            continue
        deep_merge(made[part], extension)


def _lined(value: Any, line: int) -> Any:
    """`value` made of LDict/LList whose every line is `line` (the construct's); values
    written by the user (from extensions) keep their own."""
    if isinstance(value, dict):
        lined = LDict({k: _lined(v, line) for k, v in value.items()})
        lined.line = lined.end_line = line_of(value, default=line)
        lined.key_lines = {k: line_of(value, k, default=line) if isinstance(value, LDict)
                           else line for k in value}
        return lined
    if isinstance(value, list):
        items = LList(_lined(v, line) for v in value)
        items.line = items.end_line = line_of(value, default=line)
        items.item_lines = [line_of(value, i, default=line) if isinstance(value, LList)
                            else line for i in range(len(value))]
        return items
    return value
