"""AWS SAM resources: Function, Api, HttpApi, SimpleTable, LayerVersion, StateMachine.

`Globals` are merged into each resource first (`merge_globals`: the resource's value wins,
mappings merge recursively). A function without `Role` gets the role SAM would generate,
`<LogicalId>Role`, holding its expanded `Policies` (inline statements, SAM policy
templates, managed policies) plus the managed policies SAM adds itself.
"""

from __future__ import annotations

import functools
from typing import Any

from faasguard.loaders import policies
from faasguard.loaders.documents import LDict, LList
from faasguard.loaders.functions import (
    apply_common,
    code_elsewhere,
    layer_folder,
    link_role,
    local_code,
    read_url,
    s3_code,
)
from faasguard.loaders.iam import statements_from_document
from faasguard.loaders.iam_resources import api_policies, attach_policy
from faasguard.loaders.intrinsics import conditional_items
from faasguard.loaders.openapi import read_definition
from faasguard.loaders.ops_resources import note_data_trace
from faasguard.loaders.sam_auth import read_api_auth
from faasguard.loaders.sam_events import read_events, read_state_machine_events
from faasguard.loaders.template import (
    Template,
    as_bool,
    as_int,
    items,
    mapping,
    method_settings_throttle,
    route_throttles,
    throttle,
)
from faasguard.model import (
    BUILD_ENTRY_POINTS,
    DEFINITION_FROM_EVENTS,
    Api,
    DataResource,
    Function,
    Layer,
    Location,
    Ref,
    Role,
    Statement,
    Unknown,
    Value,
    logical_id,
)

#: Globals section -> the SAM resource type it applies to.
GLOBAL_SECTIONS: dict[str, str] = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "LayerVersion": "AWS::Serverless::LayerVersion",
    "StateMachine": "AWS::Serverless::StateMachine",
}

_BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_EVENT_POLICIES = {
    "SQS": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    "Kinesis": "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
    "DynamoDB": "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
    "MSK": "arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole",
}
_DLQ_ACTIONS = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}


def merge_globals(base: Any, local: Any) -> Any:
    """SAM's Globals merge: mappings merge recursively, lists concatenate (Globals first),
    anything else (scalars, intrinsic functions, values of different kinds) is the
    resource's own. Keys and items keep the line they were written on.
    """
    if isinstance(base, list) and isinstance(local, list):
        merged_list = LList([*base, *local])
        merged_list.line = getattr(local, "line", 0)
        merged_list.end_line = getattr(local, "end_line", 0)
        merged_list.item_lines = [*_item_lines(base), *_item_lines(local)]
        return merged_list
    if not (_is_mapping(base) and _is_mapping(local)):
        return local
    merged = LDict(base)
    merged.line = getattr(local, "line", 0)
    merged.end_line = getattr(local, "end_line", 0)
    merged.key_lines = {**getattr(base, "key_lines", {}), **getattr(local, "key_lines", {})}
    for key, value in local.items():
        merged[key] = merge_globals(base[key], value) if key in base else value
    return merged


def without_ignored_globals(section: Any, ignore: Any) -> Any:
    """A Globals section less what a resource's `IgnoreGlobals` names ("*" or keys)."""
    if ignore == "*":
        return LDict()
    if isinstance(ignore, list) and isinstance(section, dict):
        kept = LDict({k: v for k, v in section.items() if k not in ignore})
        kept.line, kept.key_lines = getattr(section, "line", 0), getattr(section, "key_lines", {})
        return kept
    return section


def _is_mapping(value: Any) -> bool:
    """A mapping that is not an intrinsic function (those merge like scalars)."""
    if not isinstance(value, dict):
        return False
    if len(value) != 1:
        return True
    key = next(iter(value))
    return not (isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")))


def _item_lines(value: list[Any]) -> list[int]:
    lines = getattr(value, "item_lines", [])
    return list(lines) if len(lines) == len(value) else [getattr(value, "line", 0)] * len(value)


# ---------------------------------------------------------------------- functions


def read_function(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::Function (phase 1): the function and its generated role."""
    fn = Function(id=t.qualify(logical), location=t.loc(t.line(logical)), format=t.fmt)
    apply_common(t, fn, props)
    shared = _global_layers(t, logical)
    if shared:
        fn.properties["shared_layers"] = shared
    runtime = _global_runtime(t, logical)
    if runtime is not None:
        fn.properties["shared_runtime"] = runtime
    _read_code(t, fn, props)
    fn.tracing = props.get("Tracing")
    provisioned = mapping(props.get("ProvisionedConcurrencyConfig"))
    fn.provisioned_concurrency = as_int(provisioned.get("ProvisionedConcurrentExecutions"))
    dlq = mapping(props.get("DeadLetterQueue"))
    fn.dlq = dlq.get("TargetArn")
    on_failure = mapping(mapping(mapping(props.get("EventInvokeConfig"))
                                 .get("DestinationConfig")).get("OnFailure"))
    if on_failure:
        fn.on_failure = on_failure.get("Destination",
                                       Unknown(f"SAM-generated {on_failure.get('Type')}"))
    if "FunctionUrlConfig" in props:
        read_url(t, fn, props["FunctionUrlConfig"], props.line_of("FunctionUrlConfig"),
                 t.props[logical].get("FunctionUrlConfig"))
    for key in ("AutoPublishAlias", "DeploymentPreference", "PackageType", "SnapStart"):
        if key in props:
            fn.properties[key] = props[key]
    t.app.functions[fn.id] = fn
    if "Role" not in props:
        t.app.roles[f"{fn.id}Role"] = _generated_role(t, fn, props)
        fn.role = f"{fn.id}Role"


def _taken_globals(t: Template, raw: LDict) -> LDict:
    """`Globals.Function` as a function (`raw`, as written) takes it: less what its
    `IgnoreGlobals` leaves out."""
    return mapping(without_ignored_globals(t.globals.get("Function", LDict()),
                                           raw.get("IgnoreGlobals")))


def _global_layers(t: Template, logical: str) -> tuple[tuple[Value, Location], ...]:
    """The layers a function takes from `Globals.Function.Layers`, each where that list
    names it: none when its `IgnoreGlobals` leaves them out, or when its own `Layers` is
    not a list (SAM then keeps the function's value: `merge_globals`)."""
    raw = t.raw_resource(logical)
    listed = _taken_globals(t, raw).get("Layers")
    own = mapping(raw.get("Properties")).get("Layers")
    if listed is None or (own is not None and not (isinstance(own, list) and
                                                    isinstance(listed, list))):
        return ()
    return tuple((layer, t.loc(line)) for line, item in items(listed)
                 for layer, _branches in conditional_items(item, t.scope))


def _global_runtime(t: Template, logical: str) -> Location | None:
    """Where `Globals.Function.Runtime` is written, when the function takes it (sets no
    `Runtime` of its own, and its `IgnoreGlobals` does not leave it out)."""
    raw = t.raw_resource(logical)
    shared = _taken_globals(t, raw)
    own = mapping(raw.get("Properties")).get("Runtime")
    if shared.get("Runtime") is None or own is not None:
        return None
    return t.loc(shared.line_of("Runtime"))


def link_function(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::Function (phase 2): its role and its events."""
    fn = t.app.functions.get(t.qualify(logical))
    if fn is None:
        return
    if "Role" in props:
        link_role(t, fn, props["Role"])
    read_events(t, fn, props)


def _read_code(t: Template, fn: Function, props: LDict) -> None:
    code_uri = props.get("CodeUri")
    if "InlineCode" in props:
        fn.properties["inline_code"] = props["InlineCode"]
        code_elsewhere(fn, "inline in the template (InlineCode)")
    elif "ImageUri" in props or props.get("PackageType") == "Image":
        fn.properties["image_uri"] = props.get("ImageUri")
        context = mapping(t.raw_resource(logical_id(fn.id)).get("Metadata")).get("DockerContext")
        if isinstance(context, str):  # `sam build` builds the image from this folder
            local_code(t, fn, context, fn.location.line)
        else:
            code_elsewhere(fn, "a container image (ImageUri)")
    elif isinstance(code_uri, str) and not code_uri.startswith("s3://"):
        local_code(t, fn, code_uri, props.line_of("CodeUri"))
        metadata = mapping(t.raw_resource(logical_id(fn.id)).get("Metadata"))
        points = mapping(metadata.get("BuildProperties")).get("EntryPoints")
        if str(metadata.get("BuildMethod", "")).lower() == "esbuild" and \
                isinstance(points, list) and all(isinstance(p, str) for p in points):
            fn.properties[BUILD_ENTRY_POINTS] = tuple(points)
    elif code_uri is not None:
        fn.properties["code_uri"] = code_uri
        code_elsewhere(fn, f"in S3 ({code_uri})" if isinstance(code_uri, str) else s3_code(
            mapping(code_uri).get("Bucket"), mapping(code_uri).get("Key")))
    else:
        fn.code_dir = t.local_dir(".", None)


def _generated_role(t: Template, fn: Function, props: LDict) -> Role:
    """The execution role SAM generates for a function that names no Role."""
    line = props.line_of("Policies", fn.location.line)
    role = Role(id=f"{fn.id}Role", location=t.loc(line),
                assume_services=("lambda.amazonaws.com",))
    _add_managed(t, role, _BASIC_EXECUTION, fn.location.line)
    tracing = props.get("Tracing")
    if tracing is not None and tracing != "Disabled":
        _add_managed(t, role, "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
                     props.line_of("Tracing"))
    if props.get("VpcConfig"):
        _add_managed(t, role, "arn:aws:iam::aws:policy/service-role/"
                     "AWSLambdaVPCAccessExecutionRole", props.line_of("VpcConfig"))
    events = mapping(props.get("Events"))
    for name, event in events.items():
        kind = event.get("Type") if isinstance(event, dict) else None
        if isinstance(kind, str) and kind in _EVENT_POLICIES:
            _add_managed(t, role, _EVENT_POLICIES[kind], events.line_of(name))
    read_policies(t, role, props.get("Policies"), line)
    dlq = mapping(props.get("DeadLetterQueue"))
    dlq_type = dlq.get("Type")
    if isinstance(dlq_type, str) and dlq_type in _DLQ_ACTIONS:
        role.statements.append(Statement(
            "Allow", actions=(_DLQ_ACTIONS[dlq_type],), resources=(dlq.get("TargetArn"),),
            location=t.loc(props.line_of("DeadLetterQueue")), source="sam:dead-letter-queue"))
    return role


def _add_managed(t: Template, role: Role, arn: Value, line: int) -> None:
    role.managed_policy_arns.append(arn)
    if isinstance(arn, str):
        role.statements.extend(policies.managed_statements(arn, t.file, line))


def read_policies(t: Template, role: Role, value: Value, line: int) -> None:
    """SAM `Policies`: a managed policy name/ARN, a policy document, or a list of those
    and of SAM policy templates; each statement located at its list item."""
    if value is None:
        return
    if isinstance(value, dict) and "Statement" in value:
        role.statements.extend(statements_from_document(value, t.file))
        return
    entries = value if isinstance(value, list) else [value]
    for index, item in enumerate(entries):
        item_line = entries.line_of(index) if isinstance(entries, LList) else line
        _read_policy_item(t, role, item, item_line)


def _read_policy_item(t: Template, role: Role, item: Value, line: int) -> None:
    if isinstance(item, str):
        arn = policies.managed_policy_arn(item)
        if arn is None and not item.startswith("arn:"):
            t.warn(f"'{item}' is neither an AWS managed policy nor a policy ARN", line)
        _add_managed(t, role, arn or item, line)
        return
    if isinstance(item, (Ref, Unknown)):
        role.managed_policy_arns.append(item)
        policy = t.target_of(item, "AWS::IAM::ManagedPolicy")
        if policy is not None:
            t.finalizers.append(functools.partial(attach_policy, t, role.id, policy))
        return
    template = policies.template_entry(item)
    if template is not None:
        statements, problems = policies.expand_template(
            template[0], template[1], t.scope, t.file, line, t.expansions)
        role.statements.extend(statements)
        for problem in problems:
            t.warn(problem, line)
        return
    if isinstance(item, dict) and "Statement" in item:
        role.statements.extend(statements_from_document(item, t.file))
        return
    if isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item)), str) and \
            next(iter(item)).endswith("Policy"):
        t.warn(f"'{next(iter(item))}' is not a SAM policy template this version of "
               "aws-sam-translator knows (a misspelling, or a newer or retired template); "
               "its permissions are not known", line)
        return
    t.warn("a Policies entry is neither a policy name/ARN, a policy document nor a SAM "
           "policy template; ignored", line)


# ---------------------------------------------------------------------- APIs


def read_api(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::Api (REST) and AWS::Serverless::HttpApi."""
    rest = t.type_of(logical) == "AWS::Serverless::Api"
    api = Api(id=t.qualify(logical), kind="rest" if rest else "http",
              location=t.loc(t.line(logical)))
    configure_api(t, api, props, t.raw_props(logical))
    t.app.apis[api.id] = api
    body = t.raw_props(logical).get("DefinitionBody")
    if isinstance(body, dict) and "Fn::Transform" not in body and not body.get("paths"):
        # SAM writes the path and method of each Api/HttpApi event into an inline
        # definition (aws-sam-translator's add_lambda_integration): one with no paths of
        # its own is filled by the events alone
        api.properties[DEFINITION_FROM_EVENTS] = True
    if props.get("DefinitionBody") is not None or props.get("DefinitionUri") is not None:
        t.finalizers.insert(0, lambda: read_definition(t, api, t.raw_props(logical), props))


def configure_api(t: Template, api: Api, props: LDict, raw: Value = None) -> None:
    """API settings shared by explicit SAM APIs and the implicit ones (from Globals);
    `raw`: the settings as written."""
    api.stage = props.get("StageName", "Prod" if api.kind == "rest" else "$default")
    endpoint = props.get("EndpointConfiguration")
    api.endpoint_type = endpoint.get("Type") if isinstance(endpoint, dict) else endpoint
    api.tracing = as_bool(props.get("TracingEnabled")) if api.kind == "rest" else None
    access = props.get("AccessLogSetting" if api.kind == "rest" else "AccessLogSettings")
    api.access_logging = access is not None
    if api.kind == "rest":
        api.throttling = method_settings_throttle(props.get("MethodSettings"))
        t.route_limits[api.id] = route_throttles(props.get("MethodSettings"))
        note_data_trace(t, api, props)
    else:
        route = mapping(props.get("DefaultRouteSettings"))
        api.throttling = throttle(route.get("ThrottlingRateLimit"),
                                  route.get("ThrottlingBurstLimit"))
        t.route_limits[api.id] = route_throttles(mapping(props.get("RouteSettings")))
    api.disable_execute_api_endpoint = as_bool(props.get("DisableExecuteApiEndpoint")) is True
    auth = read_api_auth(t, api, mapping(props.get("Auth")), mapping(raw).get("Auth"))
    api.default_authorizer = auth.default
    api.api_key_required = auth.api_key_required
    usage_plan = mapping(mapping(props.get("Auth")).get("UsagePlan"))
    if usage_plan and usage_plan.get("CreateUsagePlan", "NONE") != "NONE":
        api.usage_plan = True
        limits = mapping(usage_plan.get("Throttle"))
        if limits:
            api.properties["usage_plan_throttle"] = throttle(limits.get("RateLimit"),
                                                              limits.get("BurstLimit"))
    resource_policy = mapping(props.get("Auth")).get("ResourcePolicy")
    if resource_policy is not None:
        api.properties["resource_policy"] = resource_policy
        t.app.resource_policies.extend(api_policies(api, resource_policy, t.file))
    for key in ("Cors", "CorsConfiguration", "Domain", "Name"):
        if key in props:
            api.properties[key] = props[key]


# ---------------------------------------------------------------------- others


def read_simple_table(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::SimpleTable -> a table (encrypted only with SSESpecification)."""
    from faasguard.loaders.data_resources import table_encryption

    resource = DataResource(id=t.qualify(logical), kind="table",
                            location=t.loc(t.line(logical)), name=props.get("TableName"))
    table_encryption(resource, props)
    t.app.resources[resource.id] = resource


def read_layer(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::LayerVersion / AWS::Lambda::LayerVersion. A layer whose Metadata
    BuildMethod names a Python or Node.js runtime is built by `sam build`, which puts the
    content folder's files under python/ or nodejs/ (`Layer.built_into`)."""
    uri = props.get("ContentUri", props.get("Content"))
    method = mapping(t.raw_resource(logical).get("Metadata")).get("BuildMethod")
    built_into = next((folder for folder in ("python", "nodejs")
                       if isinstance(method, str) and method.lower().startswith(folder)), None)
    t.app.layers[t.qualify(logical)] = Layer(t.qualify(logical), t.loc(t.line(logical)),
                                             layer_folder(t.file, uri), built_into)



def read_state_machine(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::StateMachine: tracing and logging."""
    tracing = as_bool(mapping(props.get("Tracing")).get("Enabled"))
    logging = mapping(props.get("Logging"))
    resource = DataResource(id=t.qualify(logical), kind="state-machine",
                            location=t.loc(t.line(logical)), name=props.get("Name"),
                            tracing=tracing)
    resource.properties["logging_level"] = logging.get("Level")
    resource.properties["type"] = props.get("Type", "STANDARD")
    t.app.resources[resource.id] = resource


def link_state_machine(t: Template, logical: str, props: LDict) -> None:
    """AWS::Serverless::StateMachine (phase 2, once the APIs are known): its Api events."""
    read_state_machine_events(t, t.qualify(logical), props, t.line(logical))
