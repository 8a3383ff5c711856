"""Terraform AWS resources -> the CloudFormation resources the template readers know.

Every resource type faasguard understands is translated into the CloudFormation resource
that configures the same thing (`aws_lambda_function` -> `AWS::Lambda::Function`,
`aws_sqs_queue` -> `AWS::SQS::Queue`, ...) with its settings renamed, so one set of
readers fills the App model for both formats. Settings Terraform keeps in separate
resources (an S3 bucket's encryption and public access block, API Gateway integrations
and method settings, role policy attachments, event rule targets, secret versions) are
folded into the resource they configure.

`SPECS` maps a type to (CloudFormation type, attribute specs). An attribute spec is
`"Name"` (copy the value), or `("Name", {sub-specs})` for a nested block (or object),
or `("Name", {sub-specs}, True)` for a list of nested blocks.
"""

from __future__ import annotations

import json
from typing import Any

from faasguard.loaders.apigateway import REST_AUTH_TYPES, V2_AUTH_TYPES
from faasguard.loaders.data_resources import INLINE_POLICY
from faasguard.loaders.documents import InputError, LDict, LList, parse
from faasguard.loaders.functions import URL_AUTH_TYPES
from faasguard.loaders.terraform.hcl import Attr, Block
from faasguard.loaders.terraform.module import Resource
from faasguard.loaders.terraform.variables import deployment_choice
from faasguard.model import Ref, Unknown, Value

Spec = str | tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], bool]

_POLICY = "__policy__"  # marker: a JSON policy string or object -> a policy mapping

SPECS: dict[str, tuple[str, dict[str, Spec]]] = {
    "aws_lambda_function": ("AWS::Lambda::Function", {
        "function_name": "FunctionName", "handler": "Handler", "runtime": "Runtime",
        "memory_size": "MemorySize", "timeout": "Timeout", "role": "Role",
        "architectures": "Architectures", "kms_key_arn": "KmsKeyArn", "layers": "Layers",
        "reserved_concurrent_executions": "ReservedConcurrentExecutions", "tags": "Tags",
        "environment": ("Environment", {"variables": "Variables"}),
        "vpc_config": ("VpcConfig", {"subnet_ids": "SubnetIds",
                                     "security_group_ids": "SecurityGroupIds"}),
        "tracing_config": ("TracingConfig", {"mode": "Mode"}),
        "dead_letter_config": ("DeadLetterConfig", {"target_arn": "TargetArn"}),
        "logging_config": ("LoggingConfig", {
            "log_group": "LogGroup", "application_log_level": "ApplicationLogLevel",
            "log_format": "LogFormat"}),
        "image_uri": "__image_uri", "s3_bucket": "__s3_bucket", "s3_key": "__s3_key"}),
    "aws_lambda_function_url": ("AWS::Lambda::Url", {
        "function_name": "TargetFunctionArn", "authorization_type": "AuthType",
        "invoke_mode": "InvokeMode",
        "cors": ("Cors", {"allow_origins": "AllowOrigins", "allow_methods": "AllowMethods",
                          "allow_headers": "AllowHeaders",
                          "allow_credentials": "AllowCredentials"})}),
    "aws_lambda_permission": ("AWS::Lambda::Permission", {
        "action": "Action", "function_name": "FunctionName", "principal": "Principal",
        "source_arn": "SourceArn", "source_account": "SourceAccount",
        "function_url_auth_type": "FunctionUrlAuthType"}),
    "aws_lambda_event_source_mapping": ("AWS::Lambda::EventSourceMapping", {
        "event_source_arn": "EventSourceArn", "function_name": "FunctionName",
        "batch_size": "BatchSize", "enabled": "Enabled",
        "scaling_config": ("ScalingConfig", {"maximum_concurrency": "MaximumConcurrency"}),
        "self_managed_event_source": ("SelfManagedEventSource", {"endpoints": "Endpoints"})}),
    "aws_lambda_function_event_invoke_config": ("AWS::Lambda::EventInvokeConfig", {
        "function_name": "FunctionName", "maximum_retry_attempts": "MaximumRetryAttempts",
        "maximum_event_age_in_seconds": "MaximumEventAgeInSeconds",
        "destination_config": ("DestinationConfig", {
            "on_failure": ("OnFailure", {"destination": "Destination"})})}),
    "aws_lambda_provisioned_concurrency_config": ("AWS::Lambda::Alias", {
        "function_name": "FunctionName",
        "provisioned_concurrent_executions": "ProvisionedConcurrentExecutions"}),
    "aws_lambda_layer_version": ("AWS::Lambda::LayerVersion", {"layer_name": "LayerName"}),
    "aws_lambda_layer_version_permission": ("AWS::Lambda::LayerVersionPermission", {
        "layer_name": "LayerVersionArn", "action": "Action", "principal": "Principal",
        "organization_id": "OrganizationId"}),
    "aws_lb_target_group": ("AWS::ElasticLoadBalancingV2::TargetGroup", {
        "name": "Name", "target_type": "TargetType"}),
    "aws_alb_target_group": ("AWS::ElasticLoadBalancingV2::TargetGroup", {
        "name": "Name", "target_type": "TargetType"}),  # the older name of the same
    "aws_lb_listener_rule": ("AWS::ElasticLoadBalancingV2::ListenerRule", {
        "listener_arn": "ListenerArn", "priority": "Priority"}),  # + Actions, Conditions
    "aws_alb_listener_rule": ("AWS::ElasticLoadBalancingV2::ListenerRule", {
        "listener_arn": "ListenerArn", "priority": "Priority"}),
    "aws_lb_listener": ("AWS::ElasticLoadBalancingV2::Listener", {
        "load_balancer_arn": "LoadBalancerArn", "port": "Port", "protocol": "Protocol"}),
    "aws_alb_listener": ("AWS::ElasticLoadBalancingV2::Listener", {  # + DefaultActions
        "load_balancer_arn": "LoadBalancerArn", "port": "Port", "protocol": "Protocol"}),
    "aws_lb": ("AWS::ElasticLoadBalancingV2::LoadBalancer", {
        "name": "Name", "internal": "__internal", "load_balancer_type": "Type"}),
    "aws_alb": ("AWS::ElasticLoadBalancingV2::LoadBalancer", {  # + Scheme
        "name": "Name", "internal": "__internal", "load_balancer_type": "Type"}),
    "aws_iam_role": ("AWS::IAM::Role", {
        "name": "RoleName", "assume_role_policy": ("AssumeRolePolicyDocument", {_POLICY: ""}),
        "managed_policy_arns": "ManagedPolicyArns",
        "inline_policy": ("Policies", {"name": "PolicyName",
                                       "policy": ("PolicyDocument", {_POLICY: ""})}, True)}),
    "aws_iam_role_policy": ("AWS::IAM::Policy", {
        "name": "PolicyName", "role": "__role", "policy": ("PolicyDocument", {_POLICY: ""})}),
    "aws_iam_policy": ("AWS::IAM::ManagedPolicy", {
        "name": "ManagedPolicyName", "policy": ("PolicyDocument", {_POLICY: ""})}),
    "aws_dynamodb_table": ("AWS::DynamoDB::Table", {
        "name": "TableName", "billing_mode": "BillingMode",
        "stream_view_type": "__stream_view_type",
        "server_side_encryption": ("SSESpecification", {"enabled": "SSEEnabled",
                                                        "kms_key_arn": "KMSMasterKeyId"}),
        "point_in_time_recovery": ("PointInTimeRecoverySpecification",
                                   {"enabled": "PointInTimeRecoveryEnabled"})}),
    "aws_s3_bucket": ("AWS::S3::Bucket", {
        "bucket": "BucketName", "policy": (INLINE_POLICY, {_POLICY: ""}), "acl": "AccessControl",
        "server_side_encryption_configuration": ("BucketEncryption", {
            "rule": ("ServerSideEncryptionConfiguration", {
                "apply_server_side_encryption_by_default": (
                    "ServerSideEncryptionByDefault", {
                        "sse_algorithm": "SSEAlgorithm",
                        "kms_master_key_id": "KMSMasterKeyID"})}, True)})}),
    "aws_s3_bucket_policy": ("AWS::S3::BucketPolicy", {
        "bucket": "Bucket", "policy": ("PolicyDocument", {_POLICY: ""})}),
    "aws_sqs_queue": ("AWS::SQS::Queue", {
        "name": "QueueName", "kms_master_key_id": "KmsMasterKeyId",
        "sqs_managed_sse_enabled": "SqsManagedSseEnabled",
        "redrive_policy": "RedrivePolicy", "policy": (INLINE_POLICY, {_POLICY: ""})}),
    "aws_sqs_queue_policy": ("AWS::SQS::QueuePolicy", {
        "queue_url": "__queue", "policy": ("PolicyDocument", {_POLICY: ""})}),
    "aws_sns_topic": ("AWS::SNS::Topic", {
        "name": "TopicName", "kms_master_key_id": "KmsMasterKeyId",
        "policy": (INLINE_POLICY, {_POLICY: ""})}),
    "aws_sns_topic_policy": ("AWS::SNS::TopicPolicy", {
        "arn": "__topic", "policy": ("PolicyDocument", {_POLICY: ""})}),
    "aws_sns_topic_subscription": ("AWS::SNS::Subscription", {
        "topic_arn": "TopicArn", "protocol": "Protocol", "endpoint": "Endpoint",
        "filter_policy": "FilterPolicy"}),
    "aws_kinesis_stream": ("AWS::Kinesis::Stream", {
        "name": "Name", "encryption_type": "__encryption_type", "kms_key_id": "__key"}),
    "aws_secretsmanager_secret": ("AWS::SecretsManager::Secret", {
        "name": "Name", "kms_key_id": "KmsKeyId"}),
    "aws_secretsmanager_secret_rotation": ("AWS::SecretsManager::RotationSchedule", {
        "secret_id": "SecretId"}),
    "aws_secretsmanager_secret_policy": ("AWS::SecretsManager::ResourcePolicy", {
        "secret_arn": "SecretId", "policy": ("ResourcePolicy", {_POLICY: ""})}),
    "aws_cloudwatch_event_bus": ("AWS::Events::EventBus", {"name": "Name"}),
    "aws_cloudwatch_event_bus_policy": ("AWS::Events::EventBusPolicy", {
        "event_bus_name": "EventBusName", "policy": (INLINE_POLICY, {_POLICY: ""})}),
    "aws_ssm_parameter": ("AWS::SSM::Parameter", {"name": "Name", "type": "Type",
                                                  "value": "Value"}),
    "aws_cloudwatch_log_group": ("AWS::Logs::LogGroup", {
        "name": "LogGroupName", "retention_in_days": "RetentionInDays",
        "kms_key_id": "KmsKeyId"}),
    "aws_kms_key": ("AWS::KMS::Key", {
        "description": "Description", "enable_key_rotation": "EnableKeyRotation",
        "policy": ("KeyPolicy", {_POLICY: ""})}),
    "aws_sfn_state_machine": ("AWS::StepFunctions::StateMachine", {
        "name": "StateMachineName", "type": "StateMachineType",
        "tracing_configuration": ("TracingConfiguration", {"enabled": "Enabled"}),
        "logging_configuration": ("LoggingConfiguration", {"level": "Level"})}),
    "aws_cloudwatch_metric_alarm": ("AWS::CloudWatch::Alarm", {
        "metric_name": "MetricName", "namespace": "Namespace", "dimensions": "__dimensions"}),
    "aws_budgets_budget": ("AWS::Budgets::Budget", {
        "limit_amount": "__amount", "limit_unit": "__unit", "time_unit": "__time_unit"}),
    "aws_cloudtrail": ("AWS::CloudTrail::Trail", {
        "enable_logging": "IsLogging", "is_multi_region_trail": "IsMultiRegionTrail",
        "enable_log_file_validation": "EnableLogFileValidation"}),
    "aws_cloudwatch_event_rule": ("AWS::Events::Rule", {
        "schedule_expression": "ScheduleExpression", "event_pattern": "EventPattern",
        "event_bus_name": "EventBusName", "state": "State"}),
    "aws_scheduler_schedule": ("AWS::Scheduler::Schedule", {
        "schedule_expression": "ScheduleExpression", "state": "State",
        "target": ("Target", {"arn": "Arn", "input": "Input"})}),
    "aws_cloudwatch_log_subscription_filter": ("AWS::Logs::SubscriptionFilter", {
        "destination_arn": "DestinationArn", "log_group_name": "LogGroupName",
        "filter_pattern": "FilterPattern"}),
    "aws_cognito_user_pool": ("AWS::Cognito::UserPool", {"name": "UserPoolName"}),
    "aws_cognito_identity_pool": ("AWS::Cognito::IdentityPool", {
        "identity_pool_name": "IdentityPoolName",
        "allow_unauthenticated_identities": "AllowUnauthenticatedIdentities"}),
    "aws_cognito_identity_pool_roles_attachment": (
        "AWS::Cognito::IdentityPoolRoleAttachment", {
            "identity_pool_id": "IdentityPoolId", "roles": "Roles"}),
    "aws_wafv2_web_acl_association": ("AWS::WAFv2::WebACLAssociation", {
        "resource_arn": "ResourceArn", "web_acl_arn": "WebACLArn"}),
    "aws_api_gateway_rest_api": ("AWS::ApiGateway::RestApi", {
        "name": "Name", "policy": ("Policy", {_POLICY: ""}), "body": "Body",
        "disable_execute_api_endpoint": "DisableExecuteApiEndpoint",
        "endpoint_configuration": ("EndpointConfiguration", {"types": "Types"})}),
    "aws_api_gateway_resource": ("AWS::ApiGateway::Resource", {
        "rest_api_id": "RestApiId", "parent_id": "ParentId", "path_part": "PathPart"}),
    "aws_api_gateway_method": ("AWS::ApiGateway::Method", {
        "rest_api_id": "RestApiId", "resource_id": "ResourceId", "http_method": "HttpMethod",
        "authorization": "AuthorizationType", "authorizer_id": "AuthorizerId",
        "authorization_scopes": "AuthorizationScopes", "api_key_required": "ApiKeyRequired"}),
    "aws_api_gateway_authorizer": ("AWS::ApiGateway::Authorizer", {
        "name": "Name", "type": "Type", "identity_source": "IdentitySource",
        "provider_arns": "ProviderARNs", "authorizer_uri": "AuthorizerUri",
        "rest_api_id": "RestApiId"}),
    "aws_api_gateway_stage": ("AWS::ApiGateway::Stage", {
        "rest_api_id": "RestApiId", "stage_name": "StageName",
        "xray_tracing_enabled": "TracingEnabled",
        "access_log_settings": ("AccessLogSetting", {"destination_arn": "DestinationArn",
                                                     "format": "Format"})}),
    "aws_api_gateway_usage_plan": ("AWS::ApiGateway::UsagePlan", {
        "name": "UsagePlanName",
        "api_stages": ("ApiStages", {"api_id": "ApiId", "stage": "Stage"}, True),
        "throttle_settings": ("Throttle", {"rate_limit": "RateLimit",
                                           "burst_limit": "BurstLimit"})}),
    "aws_apigatewayv2_api": ("AWS::ApiGatewayV2::Api", {
        "name": "Name", "protocol_type": "ProtocolType", "target": "Target", "body": "Body",
        "disable_execute_api_endpoint": "DisableExecuteApiEndpoint"}),
    "aws_apigatewayv2_route": ("AWS::ApiGatewayV2::Route", {
        "api_id": "ApiId", "route_key": "RouteKey", "target": "Target",
        "authorization_type": "AuthorizationType", "authorizer_id": "AuthorizerId",
        "authorization_scopes": "AuthorizationScopes", "api_key_required": "ApiKeyRequired"}),
    "aws_apigatewayv2_integration": ("AWS::ApiGatewayV2::Integration", {
        "api_id": "ApiId", "integration_uri": "IntegrationUri",
        "integration_type": "IntegrationType"}),
    "aws_apigatewayv2_authorizer": ("AWS::ApiGatewayV2::Authorizer", {
        "api_id": "ApiId", "name": "Name", "authorizer_type": "AuthorizerType",
        "identity_sources": "IdentitySource", "authorizer_uri": "AuthorizerUri",
        "jwt_configuration": ("JwtConfiguration", {"audience": "Audience",
                                                   "issuer": "Issuer"})}),
    "aws_apigatewayv2_stage": ("AWS::ApiGatewayV2::Stage", {
        "api_id": "ApiId", "name": "StageName",
        "access_log_settings": ("AccessLogSettings", {"destination_arn": "DestinationArn",
                                                      "format": "Format"}),
        "default_route_settings": ("DefaultRouteSettings", {
            "throttling_rate_limit": "ThrottlingRateLimit",
            "throttling_burst_limit": "ThrottlingBurstLimit"}),
        # route_settings blocks: a map by route key in CloudFormation (`_adjust`)
        "route_settings": ("RouteSettings", {
            "route_key": "__route_key", "throttling_rate_limit": "ThrottlingRateLimit",
            "throttling_burst_limit": "ThrottlingBurstLimit"}, True)}),
}


def translate(resource: Resource) -> tuple[str, LDict] | None:
    """The CloudFormation type and Properties of a resource (None: not a type we read)."""
    spec = SPECS.get(resource.type)
    if spec is None or resource.mode != "resource":
        return None
    kind, attributes = spec
    props = _convert(resource, resource.block, attributes)
    _adjust(resource, props)
    return kind, props


def _convert(resource: Resource, block: Block, specs: dict[str, Spec]) -> LDict:
    module = resource.module
    out = LDict()
    out.line = block.line
    out.end_line = block.end_line
    for tf, spec in specs.items():
        if tf == _POLICY:
            continue
        name = spec if isinstance(spec, str) else spec[0]
        if tf in block.attrs:
            value = module.attr(block, tf)
            if not isinstance(spec, str) and _POLICY in spec[1]:
                value = as_policy(value, block.attrs[tf])
                if isinstance(value, Unknown):
                    module.tree.note(block.file, block.attrs[tf].line,
                                     f"{resource.address}: {tf} cannot be read statically "
                                     f"({value.text}); its statements are not known")
            elif not isinstance(spec, str) and isinstance(value, dict):
                value = _rename(value, spec[1])
            if value is None:
                continue
            out[name] = value
            out.key_lines[name] = block.attrs[tf].line
        elif isinstance(spec, str) and module.nested(block, tf):  # 0.11: a map as a block
            nested_map = module.nested(block, tf)[0]
            values = LDict()
            values.line = nested_map.line
            for key, attr in nested_map.attrs.items():
                values[key] = module.evaluator.value(attr.expr)
                values.key_lines[key] = attr.line
            out[name] = values
            out.key_lines[name] = nested_map.line
        elif not isinstance(spec, str):
            nested = module.nested(block, tf)
            if not nested:
                continue
            converted = [_convert(resource, b, spec[1]) for b in nested]
            if len(spec) == 3:
                seq = LList(converted)
                seq.line = nested[0].line
                seq.item_lines = [b.line for b in nested]
                out[name] = seq
            else:
                out[name] = converted[0]
            out.key_lines[name] = nested[0].line
    return out


def _rename(value: dict[str, Any], specs: dict[str, Spec]) -> LDict:
    out = LDict()
    if isinstance(value, LDict):
        out.line, out.end_line = value.line, value.end_line
    for key, item in value.items():
        spec = specs.get(key)
        name = key if spec is None else spec if isinstance(spec, str) else spec[0]
        out[name] = item
        if isinstance(value, LDict):
            out.key_lines[name] = value.line_of(key)
    return out


def as_policy(value: Value, attr: Attr | None = None) -> Value:
    """A policy attribute (a JSON string, `jsonencode({...})`, a policy document's json)
    as a policy mapping; Unknown when it cannot be read statically. A JSON string read for
    `attr` carries the .tf lines its statements are written on: a heredoc's own lines, else
    the attribute's line."""
    if isinstance(value, str):
        try:
            plain = json.loads(value)
        except ValueError:
            return Unknown("policy text that is not JSON")
        return plain if attr is None else _placed(value, plain, attr)
    return value


def _placed(text: str, plain: Any, attr: Attr) -> Any:
    heredoc = any(t.data.startswith("heredoc") for t in attr.expr.iter_subtrees())
    try:  # JSON is YAML: the document reader gives each mapping and item its line
        data = parse(text if heredoc else text.replace("\n", " ")).data
    except InputError:
        data = None
    if data is None or data != plain:
        return _shifted(plain, 0, attr.line)
    return _shifted(data, attr.line if heredoc else attr.line - 1, attr.line)


#: A listener rule's condition blocks -> their CloudFormation Field and config key.
_RULE_CONDITIONS = {"path_pattern": ("path-pattern", "PathPatternConfig"),
                    "http_request_method": ("http-request-method",
                                            "HttpRequestMethodConfig")}


def _listener_rule(resource: Resource, props: LDict) -> None:
    """A listener rule's `action` and `condition` blocks as the ListenerRule's Actions
    (their target groups, `forward { target_group { arn } }` included) and Conditions
    (paths and methods)."""
    module, block = resource.module, resource.block
    actions, conditions = _actions(resource, "action"), LList()
    conditions.line = block.line
    for condition in module.nested(block, "condition"):
        for name, (field, config) in _RULE_CONDITIONS.items():
            for inner in module.nested(condition, name):
                conditions.append(_located(inner, Field=field, **{
                    config: _located(inner, Values=module.attr(inner, "values"))}))
                conditions.item_lines.append(inner.line)
    props["Actions"], props["Conditions"] = actions, conditions
    props.key_lines["Actions"] = props.key_lines["Conditions"] = block.line


def _actions(resource: Resource, name: str) -> LList:
    """A listener rule's `action` blocks, or a listener's `default_action` blocks, as
    CloudFormation's Actions: their type and target groups (`forward { target_group { arn }
    }` included)."""
    module, block = resource.module, resource.block
    actions = LList()
    actions.line = block.line
    for action in module.nested(block, name):
        entry = _located(action, Type=module.attr(action, "type"),
                         TargetGroupArn=module.attr(action, "target_group_arn"))
        groups = [_located(g, TargetGroupArn=module.attr(g, "arn"))
                  for forward in module.nested(action, "forward")
                  for g in module.nested(forward, "target_group")]
        if groups:
            entry["ForwardConfig"] = _located(action, TargetGroups=LList(groups))
        actions.append(entry)
        actions.item_lines.append(action.line)
    return actions


def _located(block: Block, **values: Any) -> LDict:
    out = LDict(values)
    out.line, out.end_line = block.line, block.end_line
    return out


def _definition(text: str, line: int) -> Any:
    """An API's OpenAPI body given as YAML or JSON text (`file()`, `templatefile()`) as a
    mapping placed on the `body` line (its own lines are those of another file); the text
    itself when it is not a readable mapping."""
    try:
        data = parse(text).data
    except InputError:
        return text
    return _shifted(data, 0, line, flat=True) if isinstance(data, dict) else text


def _shifted(value: Any, shift: int, line: int, flat: bool = False) -> Any:
    """`value` with its lines moved by `shift` (mappings and lists without lines, or all
    when `flat`, get `line`)."""
    if isinstance(value, dict):
        out = LDict((k, _shifted(v, shift, line, flat)) for k, v in value.items())
        if isinstance(value, LDict) and value.line and not flat:
            out.line, out.end_line = value.line + shift, value.end_line + shift
            out.key_lines = {k: n + shift for k, n in value.key_lines.items()}
        else:
            out.line = out.end_line = line
            out.key_lines = dict.fromkeys(out, line)
        return out
    if isinstance(value, list):
        items = LList(_shifted(v, shift, line, flat) for v in value)
        if isinstance(value, LList) and value.line and not flat:
            items.line, items.end_line = value.line + shift, value.end_line + shift
            items.item_lines = [n + shift for n in value.item_lines]
        else:
            items.line = items.end_line = line
            items.item_lines = [line] * len(items)
        return items
    return value


#: The attributes that say whether an endpoint authenticates, which a root module's
#: variables may leave to the deployment: (attribute, property, the values it takes).
_AUTH_CHOICES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "aws_lambda_function_url": ("authorization_type", "AuthType", URL_AUTH_TYPES),
    "aws_api_gateway_method": ("authorization", "AuthorizationType", REST_AUTH_TYPES),
    "aws_apigatewayv2_route": ("authorization_type", "AuthorizationType", V2_AUTH_TYPES),
}


#: What aws_api_gateway_authorizer gives an attribute left out: a TOKEN authoriser
#: reading the Authorization header (whatever its type: a REQUEST one too).
_REST_AUTHORIZER_DEFAULTS = (("Type", "TOKEN"),
                             ("IdentitySource", "method.request.header.Authorization"))


def _adjust(resource: Resource, props: LDict) -> None:
    """Settings whose shape differs between Terraform and CloudFormation."""
    kind = resource.type
    if kind == "aws_lambda_function":
        if props.get("ReservedConcurrentExecutions") in (-1, "-1"):
            del props["ReservedConcurrentExecutions"]  # -1 is Terraform's "unreserved"
        code = LDict({cfn: props.pop(tf) for tf, cfn in (
            ("__image_uri", "ImageUri"), ("__s3_bucket", "S3Bucket"), ("__s3_key", "S3Key"))
            if tf in props})
        if code:
            props["Code"] = code
    elif kind in _AUTH_CHOICES and _AUTH_CHOICES[kind][0] in resource.block.attrs:
        attribute, prop, domain = _AUTH_CHOICES[kind]
        choice = deployment_choice(resource.module, resource.block.attrs[attribute].expr,
                                   domain)
        if choice is not None:
            props[prop] = choice
    elif kind == "aws_api_gateway_authorizer":
        # the provider's defaults (CloudFormation has none: Type is required there)
        for key, default in _REST_AUTHORIZER_DEFAULTS:
            if key not in props:
                props[key] = default
    elif kind in ("aws_api_gateway_rest_api", "aws_apigatewayv2_api") and \
            isinstance(props.get("Body"), str):
        props["Body"] = _definition(props["Body"], props.line_of("Body"))
    elif kind in ("aws_lb_listener_rule", "aws_alb_listener_rule"):
        _listener_rule(resource, props)
    elif kind in ("aws_lb_listener", "aws_alb_listener"):
        props["DefaultActions"] = _actions(resource, "default_action")
        props.key_lines["DefaultActions"] = resource.block.line
    elif kind in ("aws_lb", "aws_alb"):
        internal = props.pop("__internal", False)
        props["Scheme"] = internal if isinstance(internal, Unknown) else \
            "internal" if internal is True else "internet-facing"
    elif kind == "aws_apigatewayv2_stage" and isinstance(props.get("RouteSettings"), list):
        by_route = LDict()
        by_route.line = props.line_of("RouteSettings")
        for entry in props["RouteSettings"]:
            route_key = entry.pop("__route_key", None)
            if isinstance(route_key, str):
                by_route[route_key] = entry
                by_route.key_lines[route_key] = entry.line
        props["RouteSettings"] = by_route
    elif kind == "aws_dynamodb_table" and "__stream_view_type" in props:
        props["StreamSpecification"] = LDict(StreamViewType=props.pop("__stream_view_type"))
    elif kind == "aws_iam_role_policy":
        props["Roles"] = LList([props.pop("__role", None)])
    elif kind == "aws_sqs_queue_policy":
        props["Queues"] = LList([props.pop("__queue", None)])
    elif kind == "aws_sns_topic_policy":
        props["Topics"] = LList([props.pop("__topic", None)])
    elif kind == "aws_kinesis_stream":
        props["StreamEncryption"] = LDict(EncryptionType=props.pop("__encryption_type", None),
                                          KeyId=props.pop("__key", None))
    elif kind == "aws_cloudwatch_metric_alarm":
        dimensions = props.pop("__dimensions", None)
        props["Dimensions"] = LList(LDict(Name=k, Value=v) for k, v in
                                    (dimensions.items() if isinstance(dimensions, dict)
                                     else ()))
    elif kind == "aws_budgets_budget":
        props["Budget"] = LDict(
            BudgetLimit=LDict(Amount=props.pop("__amount", None),
                              Unit=props.pop("__unit", None)),
            TimeUnit=props.pop("__time_unit", None))
    elif kind == "aws_lambda_provisioned_concurrency_config":
        count = props.pop("ProvisionedConcurrentExecutions", None)
        props["ProvisionedConcurrencyConfig"] = LDict(ProvisionedConcurrentExecutions=count)


def target_logical(value: Value) -> str | None:
    """The synthetic logical id a reference points to (None for anything else)."""
    if isinstance(value, Ref):
        return value.target.rpartition("#")[2]
    return None
