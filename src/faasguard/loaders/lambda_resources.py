"""Plain CloudFormation Lambda resources: Function, Url, Permission, EventSourceMapping,
EventInvokeConfig, LayerVersionPermission (LayerVersion shares the SAM reader).

CDK output names each function's code folder in its metadata (`aws:asset:path`); that
folder, relative to the template, becomes the function's `code_dir`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from faasguard.loaders.functions import (
    apply_common,
    code_elsewhere,
    link_role,
    local_code,
    read_url,
    s3_code,
)
from faasguard.loaders.intrinsics import condition
from faasguard.loaders.template import Template, as_int, mapping
from faasguard.model import (
    CODE_ELSEWHERE,
    LAYER_PERMISSION,
    Function,
    Location,
    Ref,
    ResourcePolicy,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
    Value,
)

#: Event source resource type / ARN service -> trigger kind.
_SOURCE_KINDS: dict[str, TriggerKind] = {
    "AWS::SQS::Queue": "sqs", "AWS::DynamoDB::Table": "dynamodb-stream",
    "AWS::Kinesis::Stream": "kinesis-stream", "AWS::MSK::Cluster": "msk",
    "AWS::AmazonMQ::Broker": "mq", "sqs": "sqs", "dynamodb": "dynamodb-stream",
    "kinesis": "kinesis-stream", "kafka": "msk", "mq": "mq",
}


def read_function(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::Function (phase 1)."""
    fn = Function(id=t.qualify(logical), location=t.loc(t.line(logical)), format=t.fmt)
    apply_common(t, fn, props)
    raw_code = props.get("Code")
    if isinstance(raw_code, str) and not raw_code.startswith("s3://"):
        # a local folder or archive, as `aws cloudformation package` takes it
        local_code(t, fn, raw_code, props.line_of("Code"))
    elif isinstance(raw_code, str):
        code_elsewhere(fn, f"in S3 ({raw_code})")
    code = mapping(raw_code)
    if "ZipFile" in code:
        fn.properties["inline_code"] = code["ZipFile"]
        code_elsewhere(fn, "inline in the template (Code.ZipFile)")
    for key in ("S3Bucket", "S3Key", "ImageUri"):
        if key in code:
            fn.properties[f"code_{key}"] = code[key]
    if "ImageUri" in code:
        code_elsewhere(fn, "a container image (Code.ImageUri)")
    elif "S3Bucket" in code:
        code_elsewhere(fn, s3_code(code.get("S3Bucket"), code.get("S3Key")))
    metadata = mapping(t.raw_resource(logical).get("Metadata"))
    asset = metadata.get("aws:asset:path")
    if isinstance(asset, str) and metadata.get("aws:asset:property") == "Code":
        fn.properties.pop(CODE_ELSEWHERE, None)  # CDK staged the source: its asset folder
        local_code(t, fn, asset, t.line(logical))
    fn.tracing = mapping(props.get("TracingConfig")).get("Mode")
    fn.dlq = mapping(props.get("DeadLetterConfig")).get("TargetArn")
    t.app.functions[fn.id] = fn


def link_function(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::Function (phase 2): its role."""
    fn = t.app.functions.get(t.qualify(logical))
    if fn is not None and props.get("Role") is not None:
        link_role(t, fn, props["Role"])


def _function(t: Template, logical: str, value: Value, what: str) -> Function | None:
    fn = t.function_for(value)
    if fn is None:
        t.note_unlinked(logical, what)
    return fn


def read_url_resource(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::Url -> the target function's `url`; none when the resource's
    `Condition` is decided false (CloudFormation does not create it), unless the condition
    is written with a stage the user did not give (`LoadContext.staged_conditions`)."""
    named = t.raw[logical].get("Condition")
    if isinstance(named, str) and named not in t.ctx.staged_conditions and \
            condition(named, t.scope) is False:
        return
    fn = _function(t, logical, props.get("TargetFunctionArn"), "function URL")
    if fn is not None:
        read_url(t, fn, props, t.line(logical), t.props[logical])
        if fn.url is not None:
            fn.url.own_resource = True


def read_permission(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::Permission -> a ResourcePolicy on the function it names."""
    name = props.get("FunctionName")
    fn = t.function_for(name)
    target: Value = Ref(fn.id) if fn is not None else name
    conditions: dict[str, Any] = {}
    if props.get("SourceArn") is not None:
        conditions.setdefault("ArnLike", {})["AWS:SourceArn"] = props["SourceArn"]
    if props.get("SourceAccount") is not None:
        conditions.setdefault("StringEquals", {})["AWS:SourceAccount"] = props["SourceAccount"]
    if props.get("FunctionUrlAuthType") is not None:
        conditions.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = \
            props["FunctionUrlAuthType"]
    location = t.loc(t.line(logical))
    statement = Statement("Allow", actions=(props.get("Action", "lambda:InvokeFunction"),),
                          resources=(target,), conditions=conditions,
                          principals=(props.get("Principal"),), location=location,
                          source="lambda-permission")
    t.app.resource_policies.append(ResourcePolicy(
        id=t.qualify(logical), service="lambda", target=target, statement=statement,
        location=location, source_arn=props.get("SourceArn"),
        source_account=props.get("SourceAccount"),
        function_url_auth_type=props.get("FunctionUrlAuthType")))


def read_layer_permission(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::LayerVersionPermission -> the layer version's resource policy
    (`layer_permission`), on the layer Ref'd when it is one of the template's."""
    version = props.get("LayerVersionArn")
    layer = t.target_of(version)
    t.app.resource_policies.append(layer_permission(
        t.qualify(logical), Ref(layer) if layer is not None else version,
        props.get("Principal"), props.get("OrganizationId"), t.loc(t.line(logical)),
        props.get("Action", "lambda:GetLayerVersion")))


def layer_permission(permission_id: str, layer: Value, principal: Value,
                     organization: Value, location: Location,
                     action: Value = "lambda:GetLayerVersion") -> ResourcePolicy:
    """A layer version permission as a ResourcePolicy (service lambda, statement source
    `LAYER_PERMISSION`): who may download the layer (`lambda:GetLayerVersion`); an
    organisation id is the condition `aws:PrincipalOrgID` it stands for."""
    conditions: dict[str, Any] = {}
    if organization is not None:
        conditions["StringEquals"] = {"aws:PrincipalOrgID": organization}
    statement = Statement("Allow", actions=(action,), resources=(layer,),
                          conditions=conditions, principals=(principal,), location=location,
                          source=LAYER_PERMISSION)
    return ResourcePolicy(id=permission_id, service="lambda", target=layer,
                          statement=statement, location=location)


def link_url_permission(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::Permission, after the function URLs (phase 3): a permission letting
    anyone (`Principal: "*"`) invoke a function's URL with `FunctionUrlAuthType: NONE` is
    the template writing NONE for that URL. A URL whose AuthType a parameter decides, with
    NONE only among what the setting accepts (`Unknown.unlisted`), then has NONE among the
    values the template writes: such a permission is only of use when a deployment passes
    NONE."""
    if props.get("Principal") != "*" or props.get("FunctionUrlAuthType") != "NONE" or \
            props.get("Action") != "lambda:InvokeFunctionUrl":
        return
    fn = t.function_for(props.get("FunctionName"))
    url = fn.url if fn is not None else None
    auth = url.auth_type if url is not None else None
    if url is not None and isinstance(auth, Unknown) and "NONE" in auth.unlisted:
        url.auth_type = replace(auth, unlisted=tuple(v for v in auth.unlisted if v != "NONE"))


def read_event_source_mapping(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::EventSourceMapping -> a Trigger on its function."""
    fn = _function(t, logical, props.get("FunctionName"), "event source mapping")
    if fn is None:
        return
    source = props.get("EventSourceArn")
    kind: TriggerKind = "other"
    target = t.target_of(source)
    if target is not None:
        kind = _SOURCE_KINDS.get(t.type_of(target.split("#")[-1]) or "", "other")
    elif isinstance(source, str) and source.startswith("arn:"):
        kind = _SOURCE_KINDS.get(source.split(":")[2], "other")
    elif "SelfManagedEventSource" in props:
        kind = "msk"
    scaling = mapping(props.get("ScalingConfig"))
    fn.triggers.append(Trigger(
        kind=kind, function=fn.id, location=t.loc(t.line(logical)), source=source,
        max_concurrency=as_int(scaling.get("MaximumConcurrency")),
        properties={"resource": t.qualify(logical), **dict(props)}))


def read_event_invoke_config(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::EventInvokeConfig -> the function's on-failure destination."""
    fn = _function(t, logical, props.get("FunctionName"), "event invoke config")
    if fn is None:
        return
    on_failure = mapping(mapping(props.get("DestinationConfig")).get("OnFailure"))
    if on_failure.get("Destination") is not None:
        fn.on_failure = on_failure["Destination"]
    for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if key in props:
            fn.properties[key] = props[key]


def read_provisioned(t: Template, logical: str, props: Any) -> None:
    """AWS::Lambda::Alias / ::Version (phase 2): provisioned concurrency of the function."""
    config = mapping(props.get("ProvisionedConcurrencyConfig"))
    count = as_int(config.get("ProvisionedConcurrentExecutions"))
    if count is None:
        return
    fn = _function(t, logical, props.get("FunctionName"), "alias or version")
    if fn is not None:
        fn.provisioned_concurrency = max(count, fn.provisioned_concurrency or 0)

