"""SAM, CloudFormation and CDK output (cdk.out/*.template.json) -> the App model.

`load` is what `loaders.load_path` calls for those formats; `load_template` reads any
CloudFormation mapping (also serverless.yml's `resources:` section) into an App.

Reading happens in three passes over `Resources`, so that the order of resources in the
file does not matter:

1. elements that stand alone: functions, roles, APIs, authorisers, stores, alarms, ...
2. what attaches to them: events and triggers, permissions, routes, stages, policies;
3. what needs everything: WAF associations, OpenAPI definitions, log groups linked to
   functions, routes of an OpenAPI body that SAM events redefine.

A malformed resource is a warning diagnostic at its line, and the load goes on.

Conventions of the model this loader builds (other loaders mirror them):

- ids are `qualify(file, LogicalId)`; SAM's generated elements use SAM's logical ids
  (`<Function>Role`, `ServerlessRestApi`, `ServerlessHttpApi`);
- `Statement.source`: "inline" (role policies, AWS::IAM::Policy, SAM inline documents),
  "managed:<arn>" (AWS managed, expanded), "customer-managed:<LogicalId>",
  "sam-template:<Name>", "sam-connector:<LogicalId>", "sam:dead-letter-queue";
  resource policies use "lambda-permission" and "<service>-policy";
- `Route.authorizer` is None when nothing protects the route and `Authorizer("none")`
  when the template says NONE explicitly; API-key-only is `api_key_required`;
- `DataResource.encryption` is what the template sets; AWS's default encryption is noted
  in `properties["default_encryption"]`;
- inside strings, a resource of the template reads `${LogicalId.Attr}` (intrinsics).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from faasguard.loaders import (
    LoadContext,
    apigateway,
    data_resources,
    for_each,
    iam_resources,
    nested_stacks,
    sam,
    sam_connectors,
)
from faasguard.loaders import event_sources as events
from faasguard.loaders import lambda_resources as lam
from faasguard.loaders import ops_resources as ops
from faasguard.loaders.cfn_parameters import read_parameters
from faasguard.loaders.documents import Document, InputError, LDict
from faasguard.loaders.intrinsics import Scope, names_any
from faasguard.loaders.template import Template, mapping
from faasguard.model import CDK_PATH, App, Format, SourceFile

Reader = Callable[[Template, str, Any], None]

#: Resource type -> its reader in each pass (1, 2, 3). Other types are ignored quietly.
READERS: dict[str, dict[int, Reader]] = {
    "AWS::Serverless::Function": {1: sam.read_function, 2: sam.link_function},
    "AWS::Serverless::Api": {1: sam.read_api},
    "AWS::Serverless::HttpApi": {1: sam.read_api},
    "AWS::Serverless::SimpleTable": {1: sam.read_simple_table},
    "AWS::Serverless::LayerVersion": {1: sam.read_layer},
    "AWS::Serverless::StateMachine": {1: sam.read_state_machine, 2: sam.link_state_machine},
    "AWS::Serverless::Connector": {3: sam_connectors.read_connector},
    "AWS::Lambda::Function": {1: lam.read_function, 2: lam.link_function},
    "AWS::Lambda::Url": {2: lam.read_url_resource},
    "AWS::Lambda::Permission": {2: lam.read_permission, 3: lam.link_url_permission},
    "AWS::Lambda::EventSourceMapping": {2: lam.read_event_source_mapping},
    "AWS::Lambda::EventInvokeConfig": {2: lam.read_event_invoke_config},
    "AWS::Lambda::LayerVersion": {1: sam.read_layer},
    "AWS::Lambda::LayerVersionPermission": {2: lam.read_layer_permission},
    "AWS::Lambda::Alias": {2: lam.read_provisioned},
    "AWS::ElasticLoadBalancingV2::TargetGroup": {2: events.read_target_group},
    "AWS::ElasticLoadBalancingV2::Listener": {2: events.read_listener},
    "AWS::Lambda::Version": {2: lam.read_provisioned},
    "AWS::ApiGateway::RestApi": {1: apigateway.read_rest_api},
    "AWS::ApiGateway::Authorizer": {1: apigateway.read_authorizer},
    "AWS::ApiGateway::Method": {2: apigateway.read_method},
    "AWS::ApiGateway::Stage": {2: apigateway.read_stage},
    "AWS::ApiGateway::Deployment": {2: apigateway.read_stage},
    "AWS::ApiGateway::UsagePlan": {2: apigateway.read_usage_plan},
    "AWS::ApiGatewayV2::Api": {1: apigateway.read_v2_api},
    "AWS::ApiGatewayV2::Authorizer": {1: apigateway.read_authorizer},
    "AWS::ApiGatewayV2::Route": {2: apigateway.read_v2_route},
    "AWS::ApiGatewayV2::Stage": {2: apigateway.read_stage},
    "AWS::IAM::Role": {1: iam_resources.read_role, 2: iam_resources.link_role},
    "AWS::IAM::Policy": {2: iam_resources.read_policy},
    "AWS::IAM::ManagedPolicy": {2: iam_resources.read_policy},
    "AWS::DynamoDB::Table": {1: data_resources.read_table},
    "AWS::DynamoDB::GlobalTable": {1: data_resources.read_table},
    "AWS::S3::Bucket": {1: data_resources.read_bucket, 2: data_resources.link_bucket},
    "AWS::S3::BucketPolicy": {2: data_resources.read_resource_policy},
    "AWS::SQS::Queue": {1: data_resources.read_queue},
    "AWS::SQS::QueuePolicy": {2: data_resources.read_resource_policy},
    "AWS::SNS::Topic": {1: data_resources.read_topic, 2: data_resources.link_topic},
    "AWS::SNS::Subscription": {2: data_resources.read_subscription},
    "AWS::SNS::TopicPolicy": {2: data_resources.read_resource_policy},
    "AWS::Kinesis::Stream": {1: data_resources.read_stream},
    "AWS::SecretsManager::Secret": {1: data_resources.read_secret},
    "AWS::SecretsManager::RotationSchedule": {2: data_resources.read_rotation},
    "AWS::SecretsManager::ResourcePolicy": {2: data_resources.read_resource_policy},
    "AWS::Logs::LogGroup": {1: data_resources.read_log_group},
    "AWS::KMS::Key": {1: data_resources.read_key},
    "AWS::SSM::Parameter": {1: data_resources.read_parameter},
    "AWS::StepFunctions::StateMachine": {1: data_resources.read_state_machine},
    "AWS::CloudWatch::Alarm": {1: ops.read_alarm},
    "AWS::Budgets::Budget": {1: ops.read_budget},
    "AWS::CloudTrail::Trail": {1: ops.read_trail},
    "AWS::Events::Rule": {2: events.read_rule},
    "AWS::Events::EventBus": {2: data_resources.read_event_bus},
    "AWS::Events::EventBusPolicy": {2: data_resources.read_event_bus_policy},
    "AWS::Scheduler::Schedule": {2: events.read_schedule},
    "AWS::Logs::SubscriptionFilter": {2: events.read_subscription_filter},
    "AWS::Cognito::UserPool": {2: events.read_user_pool},
    "AWS::Cognito::IdentityPool": {1: iam_resources.read_identity_pool},
    "AWS::Cognito::IdentityPoolRoleAttachment": {2: iam_resources.read_identity_pool_roles},
    "AWS::IoT::TopicRule": {2: events.read_topic_rule},
    "AWS::WAFv2::WebACLAssociation": {3: ops.read_waf_association},
    "AWS::CloudFormation::Stack": {1: nested_stacks.read_stack},
    "AWS::Serverless::Application": {1: nested_stacks.read_stack},
}

_SAM_TYPES = {"AWS::Serverless::Function", "AWS::Serverless::Api",
                         "AWS::Serverless::HttpApi", "AWS::Serverless::SimpleTable",
                         "AWS::Serverless::LayerVersion", "AWS::Serverless::StateMachine"}


#: Resource type -> the Globals section that applies to it.
_GLOBALS_SECTION_OF = {kind: section for section, kind in sam.GLOBAL_SECTIONS.items()}


def load(doc: Document, ctx: LoadContext, fmt: Format) -> App:
    """Load a SAM / CloudFormation / CDK output template into an App fragment."""
    app = App(root=ctx.root)
    app.files.append(SourceFile(ctx.file, fmt))
    if not isinstance(doc.data, dict):
        raise InputError("a template must be a mapping")
    return load_template(doc.data, ctx, fmt, app)


def load_template(data: Any, ctx: LoadContext, fmt: Format, app: App | None = None) -> App:
    """Read a CloudFormation mapping (Resources, Parameters, Mappings, Conditions, Globals)
    into `app` (or a new App). Refs to logical ids the mapping does not declare resolve to
    Unknown. Never raises on bad content: problems become diagnostics."""
    app = app if app is not None else App(root=ctx.root)
    if not isinstance(data, dict):
        app.diagnostics.append(ctx.diagnostic("a template must be a mapping", None, "warning"))
        return app
    t = Template(ctx=ctx, fmt=fmt, app=app, scope=Scope(file=ctx.file))
    _read_sections(t, data)
    resources = data.get("Resources")
    if resources is None:
        return app
    if not isinstance(resources, dict):
        t.warn("Resources should be a mapping; nothing read", _line(data, "Resources"))
        return app
    if for_each.has_loops(resources):  # AWS::LanguageExtensions
        resources = for_each.expand(resources if isinstance(resources, LDict)
                                    else LDict(resources), t.scope, t.warn)
    _declare(t, resources)
    # only resources with a reader (serverless.yml's placeholders and types faasguard
    # does not model have none); `_declare` alone sets what is read and its type
    readable = [(logical, kind, phases) for logical in t.raw
                if (phases := READERS.get(kind := t.type_of(logical) or "")) is not None]
    for phase in (1, 2, 3):
        for logical, kind, phases in readable:
            reader = phases.get(phase)
            if reader is not None:
                _read(t, logical, kind, phase, reader)
        if phase == 2:
            _run_finalizers(t)
    sam_connectors.read_embedded_connectors(t)
    data_resources.link_log_groups(t)
    _drop_redefined_openapi_routes(t)
    _apply_route_limits(t)
    return app


def _line(container: Any, key: str) -> int | None:
    return container.line_of(key) if isinstance(container, LDict) else None


def read_conditions(t: Template, data: dict[str, Any], undecided: Collection[str] = ()
                    ) -> None:
    """Fill `t.scope` from a template's Parameters (`read_parameters`: their values, and
    which a deployment may change), Mappings and Conditions, as `Fn::If` and a resource's
    `Condition` are decided with them (`intrinsics.condition`). A condition on a parameter
    the deployment may set is left undecided, and so is one named in `undecided` (decided
    otherwise at deploy time: in serverless.yml, one written with the stage when the scan
    was given none)."""
    parameters = data.get("Parameters")
    # A condition on a parameter the deployment may set (a default, not a fact: `sam deploy
    # --parameter-overrides Stage=prod` takes the other branch) is left undecided, so a risky
    # non-default branch is not hidden behind the default's safe one.
    settable = t.scope.settable = read_parameters(t, parameters, data.get("Conditions"))
    if parameters is not None and not isinstance(parameters, dict):
        t.warn("Parameters should be a mapping; ignored", _line(data, "Parameters"))
    t.scope.mappings = dict(mapping(data.get("Mappings")))
    t.scope.conditions = {str(name): value for name, value in
                          mapping(data.get("Conditions")).items()
                          if str(name) not in undecided and not names_any(value, settable)}


def _read_sections(t: Template, data: dict[str, Any]) -> None:
    read_conditions(t, data)
    if t.ctx.region:
        t.scope.pseudo["AWS::Region"] = t.ctx.region
    globals_ = data.get("Globals")
    if globals_ is not None and not isinstance(globals_, dict):
        t.warn("Globals should be a mapping; ignored", _line(data, "Globals"))
    sections = mapping(globals_)
    for section, value in sections.items():
        if section not in sam.GLOBAL_SECTIONS:
            t.warn(f"Globals.{section} is not a SAM globals section; ignored",
                   sections.line_of(section))
        elif isinstance(value, dict):
            t.globals[str(section)] = mapping(value)
        else:
            t.warn(f"Globals.{section} should be a mapping; ignored", sections.line_of(section))


def _declare(t: Template, resources: dict[str, Any]) -> None:
    """Register every well-formed resource in the scope before any is read."""
    for logical, resource in resources.items():
        line = resources.line_of(logical) if isinstance(resources, LDict) else 1
        logical = str(logical)
        t.resource_lines[logical] = line
        if not isinstance(resource, dict):
            t.warn(f"resource {logical} should be a mapping; ignored", line)
            continue
        kind = resource.get("Type")
        if not isinstance(kind, str):
            t.warn(f"resource {logical} has no Type; ignored", line)
            continue
        props = resource["Properties"] if "Properties" in resource else LDict()
        if not isinstance(props, dict):
            t.warn(f"resource {logical}: Properties should be a mapping; ignored",
                   _line(resource, "Properties") or line)
            continue
        t.scope.resources[logical] = kind
        t.raw[logical] = mapping(resource)
        section = _GLOBALS_SECTION_OF.get(kind)
        if section is not None and section in t.globals:
            shared = sam.without_ignored_globals(t.globals[section], resource.get("IgnoreGlobals"))
            props = sam.merge_globals(shared, props)
        t.props[logical] = mapping(props)
        if kind == "AWS::Serverless::Function" and "Role" not in props:
            t.scope.resources.setdefault(f"{logical}Role", "AWS::IAM::Role")
    if any(kind in _SAM_TYPES for kind in t.scope.resources.values()):
        t.scope.resources.setdefault("ServerlessRestApi", "AWS::ApiGateway::RestApi")
        t.scope.resources.setdefault("ServerlessHttpApi", "AWS::ApiGatewayV2::Api")


def _read(t: Template, logical: str, kind: str, phase: int, reader: Reader) -> None:
    """Read a resource of type `kind` in one phase with that phase's reader."""
    try:
        reader(t, logical, t.resolved_props(logical))
        condition = t.raw[logical].get("Condition")
        if phase == 1 and condition is not None:
            _note_condition(t, logical, condition)
        if phase == 1:
            _note_cdk_path(t, logical)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        t.warn(f"resource {logical} ({kind}) could not be read: {exc}", t.line(logical))


def _element(t: Template, logical: str) -> Any:
    qualified = t.qualify(logical)
    for table in (t.app.functions, t.app.resources, t.app.apis):
        if qualified in table:
            return table[qualified]
    return None


def _note_condition(t: Template, logical: str, condition: Any) -> None:
    element = _element(t, logical)
    if element is not None:
        element.properties["condition"] = condition


def _note_cdk_path(t: Template, logical: str) -> None:
    metadata = t.raw[logical].get("Metadata")
    path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
    element = _element(t, logical) if isinstance(path, str) else None
    if element is not None:
        element.properties[CDK_PATH] = path


def _run_finalizers(t: Template) -> None:
    while t.finalizers:
        finalizer = t.finalizers.pop(0)
        try:
            finalizer()
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            t.warn(f"part of the template could not be read: {exc}")


def _drop_redefined_openapi_routes(t: Template) -> None:
    """SAM writes event routes into the API's OpenAPI body: keep the event's route."""
    from_events = {(r.api, r.method, r.path) for r in t.app.routes if not r.from_openapi}
    dropped = [r for r in t.app.routes
               if r.from_openapi and (r.api, r.method, r.path) in from_events]
    if not dropped:
        return
    gone = {id(route) for route in dropped}
    t.app.routes[:] = [r for r in t.app.routes if id(r) not in gone]
    for fn in t.app.functions.values():
        fn.triggers[:] = [tr for tr in fn.triggers if id(tr.route) not in gone]


def _apply_route_limits(t: Template) -> None:
    """Give each route the throttle its API's stage settings name for it."""
    if not t.route_limits:  # most templates name no per-route throttle
        return
    for route in t.app.routes:
        limits = t.route_limits.get(route.api, {})
        found = limits.get((route.method, route.path)) or limits.get(("*", route.path))
        if found is not None and route.throttling is None:
            route.throttling = found
