"""Stores and channels: DynamoDB, S3, SQS, SNS, Kinesis, Secrets Manager, CloudWatch Logs,
KMS and Step Functions resources, and the resource policies of buckets, queues, topics,
secrets, keys and EventBridge buses.

`DataResource.encryption` records what the template sets explicitly; where AWS encrypts
anyway (S3 SSE-S3, SQS SSE-SQS on new queues, DynamoDB with an AWS owned key, Secrets
Manager with aws/secretsmanager) the default is noted in `properties["default_encryption"]`
and `encryption` stays None, so rules can tell "left at the default" from "chosen".
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders.documents import LDict
from faasguard.loaders.iam import statements_from_document
from faasguard.loaders.template import Template, as_bool, int_or_unknown, items, mapping
from faasguard.model import DataKind, DataResource, Ref, ResourcePolicy, Trigger, Value, logical_id

#: The property under which a Terraform queue, topic or bucket brings the policy its
#: `policy` argument writes (CloudFormation writes it as a policy resource of its own).
INLINE_POLICY = "__InlinePolicy"


def _inline_policy(t: Template, logical: str, service: str, props: Any) -> None:
    """The statements of the policy a resource writes itself (`INLINE_POLICY`) protect
    that resource, as those of a policy resource naming it do."""
    if INLINE_POLICY in props:
        _policies(t, logical, service, [Ref(t.qualify(logical))], props[INLINE_POLICY])


def _resource(t: Template, logical: str, kind: DataKind, name: Value) -> DataResource:
    resource = DataResource(id=t.qualify(logical), kind=kind, location=t.loc(t.line(logical)),
                            name=name)
    t.app.resources[resource.id] = resource
    return resource


def kms(key: Value) -> str:
    """The `encryption` text for a customer-chosen KMS key."""
    if isinstance(key, Ref):
        return f"kms:{logical_id(key.target)}"
    if isinstance(key, str) and key.startswith("alias/aws/"):
        return "aws-managed"
    return f"kms:{key}"


def table_encryption(resource: DataResource, props: Any) -> None:
    """DynamoDB SSESpecification -> encryption (else the AWS owned key default)."""
    sse = mapping(props.get("SSESpecification"))
    if as_bool(sse.get("SSEEnabled")):
        key = sse.get("KMSMasterKeyId")
        resource.encryption = kms(key) if key is not None else "aws-managed"
    else:
        resource.properties["default_encryption"] = "aws-owned-key"


def read_table(t: Template, logical: str, props: Any) -> None:
    """AWS::DynamoDB::Table."""
    resource = _resource(t, logical, "table", props.get("TableName"))
    table_encryption(resource, props)
    stream = mapping(props.get("StreamSpecification"))
    if stream:
        resource.properties["stream_view_type"] = stream.get("StreamViewType")
    pitr = mapping(props.get("PointInTimeRecoverySpecification"))
    resource.properties["point_in_time_recovery"] = \
        as_bool(pitr.get("PointInTimeRecoveryEnabled")) is True


def read_bucket(t: Template, logical: str, props: Any) -> None:
    """AWS::S3::Bucket (phase 1): encryption and public access block."""
    resource = _resource(t, logical, "bucket", props.get("BucketName"))
    rules = mapping(props.get("BucketEncryption")).get("ServerSideEncryptionConfiguration")
    for _line, rule in items(rules):
        default = mapping(mapping(rule).get("ServerSideEncryptionByDefault"))
        algorithm = default.get("SSEAlgorithm")
        if algorithm == "AES256":
            resource.encryption = "sse-s3"
        elif isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
            key = default.get("KMSMasterKeyID")
            resource.encryption = kms(key) if key is not None else "aws-managed"
    if resource.encryption is None:
        resource.properties["default_encryption"] = "sse-s3"
    block = props.get("PublicAccessBlockConfiguration")
    if isinstance(block, dict):
        off = tuple(key for key in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                    "RestrictPublicBuckets")
                    if as_bool(block.get(key)) is not True)
        resource.public_access_block = not off
        if off:  # the settings the template leaves off (FG-DATA-009 names them)
            resource.properties["public_access_off"] = off
    for key in ("AccessControl", "WebsiteConfiguration", "VersioningConfiguration"):
        if key in props:
            resource.properties[key] = props[key]
    _object_ownership(t, logical, resource, props)
    _inline_policy(t, logical, "s3", props)


#: The Object Ownership S3 gives a bucket created since April 2023 when none is written:
#: ACLs disabled.
ACLS_DISABLED = "BucketOwnerEnforced"


def _object_ownership(t: Template, logical: str, resource: DataResource, props: Any) -> None:
    """OwnershipControls.Rules[].ObjectOwnership -> properties["ObjectOwnership"] (as
    written: a parameter stays a Ref), and the warning cfn-lint gives for a canned ACL
    (other than Private) on a bucket whose ACLs the template disables: S3 refuses it, so
    the deploy fails (InvalidBucketAclWithObjectOwnership). With no ownership written that
    depends on the bucket's age, as an unwritten public access block does: FG-DATA-009
    says so."""
    for _line, rule in items(mapping(props.get("OwnershipControls")).get("Rules")):
        if isinstance(rule, dict) and "ObjectOwnership" in rule:
            resource.properties["ObjectOwnership"] = rule["ObjectOwnership"]
    acl = props.get("AccessControl")
    if isinstance(acl, str) and acl.lower() != "private" and \
            resource.properties.get("ObjectOwnership") == ACLS_DISABLED:
        t.warn(f"{logical}: the canned ACL {acl} cannot be set: its ObjectOwnership "
               f"{ACLS_DISABLED} disables ACLs, so S3 refuses it and the deploy fails; "
               "enable ACLs with ObjectOwnership ObjectWriter or BucketOwnerPreferred, or "
               "grant access with a bucket policy", t.line(logical))


def link_bucket(t: Template, logical: str, props: Any) -> None:
    """AWS::S3::Bucket (phase 2): NotificationConfiguration.LambdaConfigurations -> s3
    triggers on the functions they name."""
    configs = mapping(props.get("NotificationConfiguration")).get("LambdaConfigurations")
    for line, config in items(configs):
        if not isinstance(config, dict):
            continue
        fn = t.function_for(config.get("Function"))
        if fn is None:
            t.note_unlinked(logical, "bucket notification")
            continue
        fn.triggers.append(Trigger(
            kind="s3", function=fn.id, location=t.loc(line or t.line(logical)),
            source=Ref(t.qualify(logical)), asynchronous=True,
            properties={"event": config.get("Event"), "filter": config.get("Filter")}))


def read_queue(t: Template, logical: str, props: Any) -> None:
    """AWS::SQS::Queue: KMS key or SSE-SQS (the default for new queues)."""
    resource = _resource(t, logical, "queue", props.get("QueueName"))
    key = props.get("KmsMasterKeyId")
    managed = as_bool(props.get("SqsManagedSseEnabled"))
    if key is not None:
        resource.encryption = kms(key)
    elif managed:
        resource.encryption = "sse-sqs"
    elif managed is None:
        resource.properties["default_encryption"] = "sse-sqs"
    resource.properties["sqs_managed_sse"] = managed
    if "RedrivePolicy" in props:
        resource.properties["redrive_policy"] = props["RedrivePolicy"]
    _inline_policy(t, logical, "sqs", props)


def read_topic(t: Template, logical: str, props: Any) -> None:
    """AWS::SNS::Topic (phase 1)."""
    resource = _resource(t, logical, "topic", props.get("TopicName"))
    if props.get("KmsMasterKeyId") is not None:
        resource.encryption = kms(props["KmsMasterKeyId"])
    _inline_policy(t, logical, "sns", props)


def link_topic(t: Template, logical: str, props: Any) -> None:
    """AWS::SNS::Topic (phase 2): lambda subscriptions -> sns triggers."""
    for line, subscription in items(props.get("Subscription")):
        if isinstance(subscription, dict):
            _subscribe(t, logical, Ref(t.qualify(logical)), subscription,
                       line or t.line(logical))


def read_subscription(t: Template, logical: str, props: Any) -> None:
    """AWS::SNS::Subscription (phase 2) with protocol lambda -> an sns trigger."""
    _subscribe(t, logical, props.get("TopicArn"), props, t.line(logical))


def _subscribe(t: Template, logical: str, topic: Value, subscription: Any, line: int) -> None:
    protocol = str(subscription.get("Protocol", "")).lower()
    if protocol == "http":
        _http_subscription(t, logical, topic, subscription, line)
    if protocol != "lambda":
        return
    fn = t.function_for(subscription.get("Endpoint"))
    if fn is None:
        t.note_unlinked(logical, "SNS subscription")
        return
    source = Ref(target) if (target := t.target_of(topic, "AWS::SNS::Topic")) else topic
    fn.triggers.append(Trigger(
        kind="sns", function=fn.id, location=t.loc(line), source=source, asynchronous=True,
        properties={"filter_policy": subscription.get("FilterPolicy")}))


def _http_subscription(t: Template, logical: str, topic: Value, subscription: Any,
                       line: int) -> None:
    """A subscription delivering a topic's messages over plain HTTP -> a DataResource of
    kind "other" (`properties`: type AWS::SNS::Subscription, protocol, endpoint, topic),
    at its Endpoint's line."""
    at = subscription.line_of("Endpoint", line) if isinstance(subscription, LDict) else line
    resource = DataResource(id=t.qualify(logical) if line == t.line(logical) else
                            f"{t.qualify(logical)}:{line}", kind="other", location=t.loc(at))
    target = t.target_of(topic, "AWS::SNS::Topic")
    resource.properties.update({"type": "AWS::SNS::Subscription", "protocol": "http",
                                "endpoint": subscription.get("Endpoint"),
                                "topic": Ref(target) if target else topic})
    t.app.resources[resource.id] = resource


def read_stream(t: Template, logical: str, props: Any) -> None:
    """AWS::Kinesis::Stream: StreamEncryption."""
    resource = _resource(t, logical, "stream", props.get("Name"))
    encryption = mapping(props.get("StreamEncryption"))
    if str(encryption.get("EncryptionType", "")).upper() == "KMS":
        resource.encryption = kms(encryption.get("KeyId"))


def read_secret(t: Template, logical: str, props: Any) -> None:
    """AWS::SecretsManager::Secret (rotation is set by a RotationSchedule)."""
    resource = _resource(t, logical, "secret", props.get("Name"))
    if props.get("KmsKeyId") is not None:
        resource.encryption = kms(props["KmsKeyId"])
    else:
        resource.properties["default_encryption"] = "aws/secretsmanager"
    resource.rotation = False


def read_rotation(t: Template, logical: str, props: Any) -> None:
    """AWS::SecretsManager::RotationSchedule (phase 2): its secret rotates."""
    target = t.target_of(props.get("SecretId"), "AWS::SecretsManager::Secret")
    if target is not None and target in t.app.resources:
        t.app.resources[target].rotation = True


def read_log_group(t: Template, logical: str, props: Any) -> None:
    """AWS::Logs::LogGroup (linked to its function when the template is finished)."""
    resource = _resource(t, logical, "log-group", props.get("LogGroupName"))
    resource.retention_days = int_or_unknown(props.get("RetentionInDays"))
    if props.get("KmsKeyId") is not None:
        resource.encryption = kms(props["KmsKeyId"])


def read_key(t: Template, logical: str, props: Any) -> None:
    """AWS::KMS::Key: rotation and key policy."""
    resource = _resource(t, logical, "kms-key", props.get("Description"))
    resource.rotation = as_bool(props.get("EnableKeyRotation")) is True
    _policies(t, logical, "kms", [Ref(resource.id)], props.get("KeyPolicy"))


def read_parameter(t: Template, logical: str, props: Any) -> None:
    """AWS::SSM::Parameter (CloudFormation creates String and StringList, never
    SecureString: the value is stored unencrypted)."""
    resource = _resource(t, logical, "parameter", props.get("Name"))
    resource.properties["type"] = props.get("Type")
    resource.properties["value"] = props.get("Value")
    if props.get("Value") is not None:
        resource.properties["value_line"] = props.line_of("Value")


def read_state_machine(t: Template, logical: str, props: Any) -> None:
    """AWS::StepFunctions::StateMachine: tracing and logging level."""
    resource = _resource(t, logical, "state-machine", props.get("StateMachineName"))
    resource.tracing = as_bool(mapping(props.get("TracingConfiguration")).get("Enabled"))
    resource.properties["logging_level"] = \
        mapping(props.get("LoggingConfiguration")).get("Level")
    resource.properties["type"] = props.get("StateMachineType", "STANDARD")


#: Policy resource type -> (service, property listing the protected resources, policy key).
_POLICY_TYPES = {
    "AWS::S3::BucketPolicy": ("s3", "Bucket", "PolicyDocument"),
    "AWS::SQS::QueuePolicy": ("sqs", "Queues", "PolicyDocument"),
    "AWS::SNS::TopicPolicy": ("sns", "Topics", "PolicyDocument"),
    "AWS::SecretsManager::ResourcePolicy": ("secretsmanager", "SecretId", "ResourcePolicy"),
}


def read_resource_policy(t: Template, logical: str, props: Any) -> None:
    """Bucket, queue, topic and secret policies -> one ResourcePolicy per statement and
    protected resource."""
    service, targets_key, document_key = _POLICY_TYPES[t.type_of(logical) or ""]
    targets = [Ref(target) if (target := t.target_of(value)) else value
               for _line, value in items(props.get(targets_key))]
    _policies(t, logical, service, targets, props.get(document_key))


def _policies(t: Template, logical: str, service: str, targets: list[Value],
              document: Any) -> None:
    statements = statements_from_document(document, t.file, f"{service}-policy")
    for target in targets:
        for index, statement in enumerate(statements):
            t.app.resource_policies.append(ResourcePolicy(
                id=f"{t.qualify(logical)}:{index}", service=service, target=target,
                statement=statement, location=statement.location or t.loc(t.line(logical))))


def read_event_bus(t: Template, logical: str, props: Any) -> None:
    """AWS::Events::EventBus (phase 2): the policy it writes itself (`Policy`)."""
    if props.get("Policy") is not None:
        _policies(t, logical, "events", [Ref(t.qualify(logical))], props["Policy"])


def read_event_bus_policy(t: Template, logical: str, props: Any) -> None:
    """AWS::Events::EventBusPolicy (phase 2): its `Statement` (one statement), or the
    older `Principal`/`Action`/`Condition` form, protecting the bus `EventBusName` names
    (the account's default bus when it names none); from Terraform, the whole policy
    document (`INLINE_POLICY`)."""
    bus = props.get("EventBusName", "default")
    target = t.target_of(bus, "AWS::Events::EventBus")
    if INLINE_POLICY in props:
        _policies(t, logical, "events", [Ref(target) if target else bus],
                  props[INLINE_POLICY])
        return
    statement = props.get("Statement")
    if statement is None and props.get("Action") is not None:
        condition = mapping(props.get("Condition"))
        statement = {"Effect": "Allow", "Principal": {"AWS": props.get("Principal")},
                     "Action": props.get("Action"),
                     **({"Condition": {"StringEquals": {
                         str(condition.get("Key")): condition.get("Value")}}}
                        if condition.get("Key") is not None else {})}
        statement = LDict(statement)
        statement.line = t.line(logical)
    _policies(t, logical, "events", [Ref(target) if target else bus],
              {"Statement": statement})


def link_log_groups(t: Template) -> None:
    """Point each function at the `/aws/lambda/<name>` log group the template declares
    (or at the LoggingConfig.LogGroup it names) with its retention."""
    groups = [r for r in t.app.resources.values()
              if r.kind == "log-group" and r.id.startswith(t.file + "#")]
    for group in groups:
        name = group.name
        if not isinstance(name, str) or not name.startswith("/aws/lambda/"):
            continue
        suffix = name[len("/aws/lambda/"):]
        fn = t.function_for(suffix) if "${" in suffix else next(
            (f for f in t.app.functions.values() if f.name == suffix), None)
        if fn is not None:
            fn.log_group = group.id
    by_name = {g.name: g for g in groups if isinstance(g.name, str)}
    for fn in t.app.functions.values():
        named = fn.properties.get("log_group_name")
        if fn.log_group is None and isinstance(named, str) and named in by_name:
            fn.log_group = by_name[named].id
        linked = t.app.resources.get(fn.log_group or "")
        if linked is not None and linked.retention_days is not None:
            fn.log_retention_days = linked.retention_days

