"""Terraform resources that configure another resource, folded into it.

Terraform splits some settings into resources of their own (an S3 bucket's encryption,
public access block, object ownership and notifications; an API Gateway method's
integration; a stage's method settings; a REST API's resource policy; a role's policy
attachments; an event rule's targets; a secret's value). CloudFormation keeps them on the
resource they configure, where the template readers look for them: `fold` moves each
into the Properties of its target.
"""

from __future__ import annotations

from collections.abc import Callable

from faasguard.loaders.documents import LDict, LList
from faasguard.loaders.terraform.module import Resource
from faasguard.loaders.terraform.resources import as_policy, target_logical
from faasguard.model import Ref, Value

Props = dict[str, LDict]  # synthetic logical id -> Properties


def fold(resources: list[Resource], props: Props, types: dict[str, str]) -> None:
    """Fold every folding resource into its target's Properties (in place)."""
    for resource in resources:
        folder = FOLDERS.get(resource.type) if resource.mode == "resource" else None
        if folder is not None:
            with resource.module.within(resource):
                folder(resource, props, types)


def _target(resource: Resource, attribute: str, props: Props, types: dict[str, str],
            kind: str, by_name: str | None = None) -> LDict | None:
    value = resource.module.attr(resource.block, attribute)
    logical = target_logical(value)
    if logical is not None and types.get(logical) == kind:
        return props[logical]
    if by_name is not None and isinstance(value, str):
        for other, other_kind in types.items():
            if other_kind == kind and props[other].get(by_name) == value:
                return props[other]
    return None


def _line(resource: Resource) -> int:
    return resource.block.line


def _set(target: LDict, key: str, value: Value, line: int) -> None:
    target[key] = value
    target.key_lines[key] = line


def _append(target: LDict, key: str, value: Value, line: int) -> None:
    seq = target.get(key)
    if not isinstance(seq, LList):
        seq = LList(seq if isinstance(seq, list) else [])
        seq.line = line
        _set(target, key, seq, line)
    seq.append(value)
    seq.item_lines.append(line)


def _public_access_block(resource: Resource, props: Props, types: dict[str, str]) -> None:
    bucket = _target(resource, "bucket", props, types, "AWS::S3::Bucket", "BucketName")
    if bucket is None:
        return
    config = LDict()
    for tf, cfn in (("block_public_acls", "BlockPublicAcls"),
                    ("block_public_policy", "BlockPublicPolicy"),
                    ("ignore_public_acls", "IgnorePublicAcls"),
                    ("restrict_public_buckets", "RestrictPublicBuckets")):
        config[cfn] = resource.module.attr(resource.block, tf) or False
    _set(bucket, "PublicAccessBlockConfiguration", config, _line(resource))


def _bucket_acl(resource: Resource, props: Props, types: dict[str, str]) -> None:
    """aws_s3_bucket_acl's canned `acl` -> the bucket's AccessControl (as written:
    `public-read`)."""
    bucket = _target(resource, "bucket", props, types, "AWS::S3::Bucket", "BucketName")
    acl = resource.module.attr(resource.block, "acl")
    if bucket is not None and acl is not None:
        _set(bucket, "AccessControl", acl, _line(resource))


def _ownership_controls(resource: Resource, props: Props, types: dict[str, str]) -> None:
    """aws_s3_bucket_ownership_controls' rule -> the bucket's OwnershipControls."""
    bucket = _target(resource, "bucket", props, types, "AWS::S3::Bucket", "BucketName")
    if bucket is None:
        return
    rules = LList()
    for rule in resource.module.nested(resource.block, "rule"):
        rules.append(LDict(ObjectOwnership=resource.module.attr(rule, "object_ownership")))
        rules.item_lines.append(rule.line)
    _set(bucket, "OwnershipControls", LDict(Rules=rules), _line(resource))


def _bucket_encryption(resource: Resource, props: Props, types: dict[str, str]) -> None:
    bucket = _target(resource, "bucket", props, types, "AWS::S3::Bucket", "BucketName")
    if bucket is None:
        return
    rules = LList()
    for rule in resource.module.nested(resource.block, "rule"):
        for default in resource.module.nested(rule, "apply_server_side_encryption_by_default"):
            rules.append(LDict(ServerSideEncryptionByDefault=LDict(
                SSEAlgorithm=resource.module.attr(default, "sse_algorithm"),
                KMSMasterKeyID=resource.module.attr(default, "kms_master_key_id"))))
            rules.item_lines.append(default.line)
    _set(bucket, "BucketEncryption", LDict(ServerSideEncryptionConfiguration=rules),
         _line(resource))


def _bucket_notification(resource: Resource, props: Props, types: dict[str, str]) -> None:
    bucket = _target(resource, "bucket", props, types, "AWS::S3::Bucket", "BucketName")
    if bucket is None:
        return
    notification = bucket.setdefault("NotificationConfiguration", LDict())
    for config in resource.module.nested(resource.block, "lambda_function"):
        events = resource.module.attr(config, "events")
        for event in events if isinstance(events, list) else [events]:
            entry = LDict(Function=resource.module.attr(config, "lambda_function_arn"),
                          Event=event)
            rules = LList(LDict(Name=name, Value=resource.module.attr(config, f"filter_{name}"))
                          for name in ("prefix", "suffix") if f"filter_{name}" in config.attrs)
            if rules:
                entry["Filter"] = LDict(S3Key=LDict(Rules=rules))
            entry.line = config.line
            _append(notification, "LambdaConfigurations", entry, config.line)


def _integration(resource: Resource, props: Props, types: dict[str, str]) -> None:
    module, block = resource.module, resource.block
    method_value = module.attr(block, "http_method")
    logical = target_logical(method_value)
    method = props.get(logical) if logical and types.get(logical) == \
        "AWS::ApiGateway::Method" else None
    if method is None:
        api, path = module.attr(block, "rest_api_id"), module.attr(block, "resource_id")
        method = next((p for key, p in props.items()
                       if types[key] == "AWS::ApiGateway::Method" and p.get("RestApiId") == api
                       and p.get("ResourceId") == path and p.get("HttpMethod") == method_value),
                      None)
    if method is not None:
        _set(method, "Integration", LDict(Uri=module.attr(block, "uri"),
                                          Type=module.attr(block, "type")), _line(resource))


def _method_settings(resource: Resource, props: Props, types: dict[str, str]) -> None:
    module, block = resource.module, resource.block
    stage = _target(resource, "stage_name", props, types, "AWS::ApiGateway::Stage",
                    "StageName")
    if stage is None:
        return
    path = module.attr(block, "method_path")
    resource_path, method = "/*", "*"
    if isinstance(path, str) and path != "*/*":
        head, _, method = path.rpartition("/")
        resource_path = "/" + head.lstrip("/")
    for settings in module.nested(block, "settings"):
        entry = LDict(ResourcePath=resource_path, HttpMethod=method,
                      ThrottlingRateLimit=module.attr(settings, "throttling_rate_limit"),
                      ThrottlingBurstLimit=module.attr(settings, "throttling_burst_limit"),
                      LoggingLevel=module.attr(settings, "logging_level"),
                      DataTraceEnabled=module.attr(settings, "data_trace_enabled"))
        entry.key_lines["DataTraceEnabled"] = settings.attrs["data_trace_enabled"].line \
            if "data_trace_enabled" in settings.attrs else settings.line
        _append(stage, "MethodSettings", entry, settings.line)


def _policy_attachment(resource: Resource, props: Props, types: dict[str, str]) -> None:
    role = _target(resource, "role", props, types, "AWS::IAM::Role", "RoleName")
    if role is not None:
        _append(role, "ManagedPolicyArns",
                resource.module.attr(resource.block, "policy_arn"), _line(resource))


def _policy_attachment_many(resource: Resource, props: Props, types: dict[str, str]) -> None:
    roles = resource.module.attr(resource.block, "roles")
    arn = resource.module.attr(resource.block, "policy_arn")
    for value in roles if isinstance(roles, list) else []:
        logical = target_logical(value)
        if logical is not None and types.get(logical) == "AWS::IAM::Role":
            _append(props[logical], "ManagedPolicyArns", arn, _line(resource))


def _event_target(resource: Resource, props: Props, types: dict[str, str]) -> None:
    rule = _target(resource, "rule", props, types, "AWS::Events::Rule")
    if rule is not None:
        entry = LDict(Arn=resource.module.attr(resource.block, "arn"))
        for attribute, key in (("input", "Input"), ("input_path", "InputPath")):
            if attribute in resource.block.attrs:
                entry[key] = resource.module.attr(resource.block, attribute)
        if resource.block.nested("input_transformer"):
            entry["InputTransformer"] = True  # its content is not read: that it is there
        entry.line = _line(resource)
        _append(rule, "Targets", entry, _line(resource))


def _target_group_attachment(resource: Resource, props: Props, types: dict[str, str]) -> None:
    group = _target(resource, "target_group_arn", props, types,
                    "AWS::ElasticLoadBalancingV2::TargetGroup")
    if group is not None:
        entry = LDict(Id=resource.module.attr(resource.block, "target_id"))
        entry.line = _line(resource)
        _append(group, "Targets", entry, _line(resource))


def _rest_api_policy(resource: Resource, props: Props, types: dict[str, str]) -> None:
    api = _target(resource, "rest_api_id", props, types, "AWS::ApiGateway::RestApi")
    if api is not None and "policy" in resource.block.attrs:
        attr = resource.block.attrs["policy"]
        _set(api, "Policy", as_policy(resource.module.attr(resource.block, "policy"), attr),
             attr.line)


def _secret_version(resource: Resource, props: Props, types: dict[str, str]) -> None:
    secret = _target(resource, "secret_id", props, types, "AWS::SecretsManager::Secret")
    value = resource.module.attr(resource.block, "secret_string")
    if secret is not None and value is not None:
        line = resource.block.attrs["secret_string"].line
        _set(secret, "SecretString", value if not isinstance(value, Ref) else str(value), line)


FOLDERS: dict[str, Callable[[Resource, Props, dict[str, str]], None]] = {
    "aws_s3_bucket_public_access_block": _public_access_block,
    "aws_s3_bucket_acl": _bucket_acl,
    "aws_s3_bucket_ownership_controls": _ownership_controls,
    "aws_s3_bucket_server_side_encryption_configuration": _bucket_encryption,
    "aws_s3_bucket_notification": _bucket_notification,
    "aws_api_gateway_integration": _integration,
    "aws_api_gateway_method_settings": _method_settings,
    "aws_iam_role_policy_attachment": _policy_attachment,
    "aws_iam_policy_attachment": _policy_attachment_many,
    "aws_cloudwatch_event_target": _event_target,
    "aws_lb_target_group_attachment": _target_group_attachment,
    "aws_alb_target_group_attachment": _target_group_attachment,
    "aws_secretsmanager_secret_version": _secret_version,
    "aws_api_gateway_rest_api_policy": _rest_api_policy,
}
