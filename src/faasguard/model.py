"""The App model: one format-free picture of a serverless application.

Loaders (one per file format) build it; analyses and rules read it. Nothing after the
loaders sees YAML, HCL or JSON templates. Every element carries the exact `Location` it
was declared at (file relative to the scanned root, 1-based line).

Values that cannot be known statically (an SSM parameter, an unresolved `${env:X}`, a
CloudFormation condition) are kept as `Unknown`; references to another logical resource
of the same application are kept as `Ref` so rules can follow them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from operator import attrgetter
from typing import Any, Literal, TypeVar

# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True, init=False)
class Location:
    """Where an element was declared: file relative to the scanned root, 1-based lines."""

    file: str
    line: int
    end_line: int | None = None

    # Written out (the fields in order, as @dataclass writes it): the compiled build makes
    # a class's own __init__ native, where the one dataclasses writes stays interpreted,
    # called through the type's slot (about 14x the instructions; see FIELD_INITS).
    def __init__(self, file: str, line: int, end_line: int | None = None) -> None:
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "end_line", end_line)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


#: How the loaders start `Unknown.text` for a value an undecided condition's branches
#: give: `If C` for an `Fn::If` on condition C, `conditional on X` for a Terraform
#: conditional expression on X (`Unknown.branched_on` reads them back).
IF_PREFIX = "If "
CONDITIONAL_PREFIX = "conditional on "


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the scanner cannot know without deploying or calling AWS (never guessed).

    `text` says where it comes from (`parameter Stage`, `If IsProd`, `var.auth`);
    `choices` holds the values a deployment may pick among, where the template lists them
    (a parameter's `AllowedValues`, the branches of an undecided `Fn::If` or Terraform
    conditional, a variable's `contains([...], var.x)` validation): scalars only, and only
    those known (a branch that is itself unknown adds none). Empty: nothing is listed.
    `unlisted`: the choices nothing the template writes names, taken from the values the
    property itself accepts (its domain: AuthorizationType's NONE, AWS_IAM, CUSTOM...) for
    a parameter or variable that lists none (no `AllowedValues`, no validation); a choice
    not in it is written (a default, an `AllowedValues` entry, a branch, a map's value)."""

    text: str
    choices: tuple[str | int | float | bool, ...] = ()
    unlisted: tuple[str | int | float | bool, ...] = ()

    def __str__(self) -> str:
        return f"<unknown: {self.text}>"

    def branched_on(self) -> tuple[str, str] | None:
        """For a value the branches of an undecided condition give: the kind of condition
        ("Fn::If", "conditional": Terraform's `?:`) and what it is on (the `text` after
        IF_PREFIX or CONDITIONAL_PREFIX); None for any other origin."""
        for prefix, kind in ((IF_PREFIX, "Fn::If"), (CONDITIONAL_PREFIX, "conditional")):
            if self.text.startswith(prefix):
                return kind, self.text[len(prefix):]
        return None


@dataclass(frozen=True, slots=True, init=False)
class Ref:
    """A reference to a logical resource of the app (`!Ref X`, `!GetAtt X.Arn`, TF address).

    `target` is the logical id (CloudFormation) or resource address (Terraform);
    `attribute` is None for a plain Ref, else the attribute name (for example "Arn").
    """

    target: str
    attribute: str | None = None

    def __init__(self, target: str, attribute: str | None = None) -> None:
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "attribute", attribute)

    def __str__(self) -> str:
        return f"${{{self.target}{'.' + self.attribute if self.attribute else ''}}}"

    def as_written(self) -> str:
        """The reference as a template writes it (`${Jobs.Arn}`, `${Jobs}`): by the
        logical id, not the qualified one `__str__` shows."""
        target = logical_id(self.target)
        return f"${{{target}.{self.attribute}}}" if self.attribute else f"${{{target}}}"


#: A scalar or structure from a template after variable resolution.
Value = Any

Format = Literal["serverless", "sam", "cloudformation", "cdk", "terraform", "chalice", "zappa"]
Severity = Literal["critical", "high", "medium", "low", "info"]



def qualify(file: str, logical_id: str) -> str:
    """The app-wide id of an element: its file and its logical id (`template.yaml#Fn`).

    Element ids, `Ref.target`s, `Function.role` and `Route.function` all use this form,
    so two templates may both declare `HelloFunction` without clashing.
    """
    return f"{file}#{logical_id}"


def logical_id(element_id: str) -> str:
    """The logical id part of a qualified id (what the user wrote in the template)."""
    return element_id.split("#", 1)[-1]


def clashing_names(element_ids: Iterable[str]) -> set[str]:
    """The logical ids more than one of these elements has (two Terraform roots each
    declaring `aws_lambda_function.api`, two templates each a `HelloFunction`)."""
    seen: set[str] = set()
    clashing: set[str] = set()
    for element_id in element_ids:
        name = logical_id(element_id)
        (clashing if name in seen else seen).add(name)
    return clashing


def located_name(element_id: str, location: Location, clashing: Container[str]) -> str:
    """An element's name in a report: its logical id, followed by where it is declared
    (`aws_lambda_function.api (orders/main.tf:1)`, as a finding's location is written)
    when it is one of `clashing` (`clashing_names`); a name no other element has alone."""
    name = logical_id(element_id)
    return f"{name} ({location})" if name in clashing else name


def display_names(functions: Iterable[Function]) -> dict[str, str]:
    """Each function's name in a list a report prints, by function id: `located_name`
    among `functions` (a name no other function of the list has is printed alone)."""
    listed = list(functions)
    clashing = clashing_names(f.id for f in listed)
    return {f.id: located_name(f.id, f.location, clashing) for f in listed}


# --------------------------------------------------------------------------- IAM


@dataclass(slots=True, init=False)
class Statement:
    """One normalised IAM policy statement.

    Actions and resources are always tuples (a single string in the source becomes a
    1-tuple). Resource entries are strings (ARNs, `*`), `Ref`s or `Unknown`s; action
    entries are strings, or what else the template writes there (an `Unknown` for a
    parameter): readers test for str.
    `source` names where the statement came from: "inline", "managed:<arn>",
    "sam-template:<Name>", "serverless:provider", "serverless:function".
    `wildcard_parameters`: for a statement expanded from a SAM policy template, the
    template's parameters given `*` (alone or in a wildcard such as `orders-*`) that its
    resources are built from, in the order the template uses them.
    """

    effect: Literal["Allow", "Deny"]
    actions: tuple[Value, ...] = ()
    not_actions: tuple[Value, ...] = ()
    resources: tuple[Value, ...] = ()
    not_resources: tuple[Value, ...] = ()
    conditions: dict[str, Any] = field(default_factory=dict)
    principals: tuple[Value, ...] = ()
    location: Location | None = None
    source: str = "inline"
    sid: str | None = None
    wildcard_parameters: tuple[str, ...] = ()

    def __init__(self, effect: Literal["Allow", "Deny"], actions: tuple[Value, ...] = (),
                 not_actions: tuple[Value, ...] = (), resources: tuple[Value, ...] = (),
                 not_resources: tuple[Value, ...] = (),
                 conditions: dict[str, Any] | None = None, principals: tuple[Value, ...] = (),
                 location: Location | None = None, source: str = "inline",
                 sid: str | None = None, wildcard_parameters: tuple[str, ...] = ()) -> None:
        self.effect = effect
        self.actions = actions
        self.not_actions = not_actions
        self.resources = resources
        self.not_resources = not_resources
        self.conditions = {} if conditions is None else conditions
        self.principals = principals
        self.location = location
        self.source = source
        self.sid = sid
        self.wildcard_parameters = wildcard_parameters


@dataclass(slots=True, init=False)
class Role:
    """An IAM role an app defines (or names) for its functions.

    `id` is the logical id (CloudFormation/Terraform) or a synthetic id such as
    "serverless:provider" or "serverless:function:<name>". `external` is True for a role
    given only by ARN (its permissions are not known).
    """

    id: str
    location: Location
    statements: list[Statement] = field(default_factory=list)
    managed_policy_arns: list[Value] = field(default_factory=list)
    external: bool = False
    arn: Value = None
    assume_services: tuple[str, ...] = ()

    def __init__(self, id: str, location: Location, statements: list[Statement] | None = None,
                 managed_policy_arns: list[Value] | None = None, external: bool = False,
                 arn: Value = None, assume_services: tuple[str, ...] = ()) -> None:
        self.id = id
        self.location = location
        self.statements = [] if statements is None else statements
        self.managed_policy_arns = [] if managed_policy_arns is None else managed_policy_arns
        self.external = external
        self.arn = arn
        self.assume_services = assume_services


@dataclass(slots=True)
class ResourcePolicy:
    """A resource-based permission: Lambda permission, bucket/queue/topic policy statement.

    `target` is the resource it protects (logical id or Ref); `service` is one of
    lambda, s3, sqs, sns, secretsmanager, kms. `function_url_auth_type`: a Lambda
    permission's FunctionUrlAuthType as written (a string, or an `Unknown` for a parameter).
    """

    id: str
    service: str
    target: Value
    statement: Statement
    location: Location
    source_arn: Value = None
    source_account: Value = None
    function_url_auth_type: Value = None


# --------------------------------------------------------------------------- HTTP


@dataclass(slots=True)
class Authorizer:
    """How a route is protected. kind: none, iam, cognito, jwt, lambda-token, lambda-request,
    api-key-only is not an authoriser (see Route.api_key_required)."""

    kind: str
    name: str | None = None
    identity_sources: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    location: Location | None = None
    #: Set when the deployment decides whether a request meets this authoriser or none
    #: (`Authorizer: !If [IsProd, MyAuth, NONE]`, `authorization = var.open ? "NONE" :
    #: "CUSTOM"`): what decides it (`Unknown.text`) and the values it may take, NONE (no
    #: authentication) among them. The other fields describe the authoriser a deployment
    #: picking another value gets.
    undecided: Unknown | None = None
    #: A Lambda authoriser's function (lambda-token, lambda-request): the id of the App's
    #: `Function` API Gateway calls with the request's identity sources (its headers, a
    #: token) once `link_authorizers` has run after loading. Loaders write what the
    #: template names: the id of a function element, or an ARN or name. None: another
    #: kind, or a function that is none of the app's (another account's authoriser).
    function: str | None = None


@dataclass(slots=True)
class Throttle:
    """Rate (requests per second) and burst limits; None where not set.

    API Gateway reads a limit of -1 as "no throttle"; a route's `Throttle()` (neither
    set) is a route setting that disables the stage's throttle for that route (the
    serverless-api-gateway-throttling plugin's `disabled: true`).
    """

    rate: float | None = None
    burst: int | None = None

    @property
    def enforced_rate(self) -> float | None:
        """The rate this throttle holds requests to; None when it holds them to none."""
        return self.rate if self.rate is not None and self.rate >= 0 else None

    def overrides_stage(self) -> bool:
        """As a route's (method's) setting, does it replace the stage's rate? Yes when it
        sets a rate (-1 included) or disables throttling; one setting only a burst leaves
        the stage's rate in force."""
        return self.rate is not None or self.burst is None


@dataclass(slots=True)
class Api:
    """An API Gateway (REST, HTTP or websocket API), explicit or implicit.

    kind: rest, http, websocket. `implicit` is True for SAM's ServerlessRestApi /
    ServerlessHttpApi and for the Serverless Framework's generated API. `properties` keeps
    other settings as written (resource_policy, waf_web_acl, usage_plan_throttle, Cors...).
    """

    id: str
    kind: Literal["rest", "http", "websocket"]
    location: Location
    implicit: bool = False
    stage: Value = None
    endpoint_type: Value = None  # EDGE, REGIONAL, PRIVATE
    throttling: Throttle | None = None
    usage_plan: bool = False
    access_logging: bool | None = None
    tracing: bool | None = None
    default_authorizer: Authorizer | None = None
    api_key_required: bool = False
    openapi: dict[str, Any] | None = None
    openapi_location: Location | None = None
    disable_execute_api_endpoint: bool = False
    properties: dict[str, Any] = field(default_factory=dict)
    #: Routes of the app's own router that the API reaches through its catch-all proxy
    #: (a Zappa app's Flask routes). API Gateway does not know them: not in `App.routes`.
    app_routes: list[Route] = field(default_factory=list)


#: `Api.properties` key the SAM loader sets on an API whose inline DefinitionBody names no
#: paths (settings only): SAM writes the path and method of each of the API's events into
#: it, so it describes no route of its own and is no API description to compare with.
DEFINITION_FROM_EVENTS = "definition_from_events"
#: `Api.properties` key: the `Location` of the stage setting that turns on data tracing
#: (API Gateway logging every request's and response's full payload), where one does.
DATA_TRACE = "data_trace"
#: `DataResource.properties["type"]` of a Cognito identity pool (kind "other"), whose
#: properties say whether it lets unauthenticated identities in ("unauthenticated") and
#: the id of the role it gives them ("guest_role").
IDENTITY_POOL = "AWS::Cognito::IdentityPool"
#: `Statement.source` of a Lambda layer version permission's statement (a ResourcePolicy of
#: service lambda whose target is the layer version: who may download it).
LAYER_PERMISSION = "layer-permission"
#: Key of an element's `properties` holding its template's `aws:cdk:path`
#: ('ApiStack/Fn/Resource'), noted by the CloudFormation loader for finding_origins.
CDK_PATH = "cdk_path"


@dataclass(slots=True, init=False)
class Route:
    """One HTTP or websocket entry point: method + path on an API, bound to a function."""

    api: str
    api_kind: Literal["rest", "http", "websocket"]
    method: str  # upper-case; ANY for any method; "$connect" etc. for websocket routes
    path: str
    location: Location
    function: str | None = None
    authorizer: Authorizer | None = None
    api_key_required: bool = False
    throttling: Throttle | None = None
    from_openapi: bool = False
    #: The route as the app's router writes it when `path` only approximates it (a
    #: Django regex route, an include not read): None when `path` is exact.
    pattern: str | None = None
    #: When no function serves the route: the id of the resource of the app its service
    #: integration hands the request to (a queue, stream, topic, table, bucket or state
    #: machine), if one is named.
    target: str | None = None

    def __init__(self, api: str, api_kind: Literal["rest", "http", "websocket"], method: str,
                 path: str, location: Location, function: str | None = None,
                 authorizer: Authorizer | None = None, api_key_required: bool = False,
                 throttling: Throttle | None = None, from_openapi: bool = False,
                 pattern: str | None = None, target: str | None = None) -> None:
        self.api = api
        self.api_kind = api_kind
        self.method = method
        self.path = path
        self.location = location
        self.function = function
        self.authorizer = authorizer
        self.api_key_required = api_key_required
        self.throttling = throttling
        self.from_openapi = from_openapi
        self.pattern = pattern
        self.target = target

    @property
    def catch_all(self) -> bool:
        """Whether the route hands every path below it to its function: a greedy path
        (`/{proxy+}`) or an HTTP API's `*` / `$default`."""
        return "+}" in self.path or self.path in ("*", "$default")


# --------------------------------------------------------------------------- functions


@dataclass(slots=True)
class FunctionUrl:
    """A Lambda function URL. auth_type: NONE or AWS_IAM. `own_resource`: written as a
    resource of its own (AWS::Lambda::Url, Terraform's aws_lambda_function_url), whose
    AuthType NONE lets callers in only with a permission letting everyone call
    lambda:InvokeFunctionUrl, which nothing adds for it (SAM's FunctionUrlConfig and
    serverless.yml's `url` add one)."""

    auth_type: Value
    location: Location
    cors: dict[str, Any] | None = None
    invoke_mode: Value = None
    own_resource: bool = False


TriggerKind = Literal[
    "http", "websocket", "url", "alb", "s3", "sqs", "sns", "dynamodb-stream",
    "kinesis-stream", "eventbridge", "schedule", "cognito", "iot", "cloudwatch-logs",
    "msk", "mq", "other",
]


@dataclass(slots=True, init=False)
class Trigger:
    """An event source that invokes a function.

    `source` names the resource the events come from (a Ref to a bucket/queue/topic/table
    logical id, an ARN string or an Unknown). `route` is set for http/websocket triggers.
    `properties` keeps the remaining settings (batch size, filter patterns, ...).
    """

    kind: TriggerKind
    function: str
    location: Location
    source: Value = None
    route: Route | None = None
    max_concurrency: int | None = None
    asynchronous: bool = False
    properties: dict[str, Any] = field(default_factory=dict)
    #: S3 triggers: the (prefix, suffix) object keys must have to fire ("" for none).
    key_filter: tuple[str, str] = ("", "")

    def __init__(self, kind: TriggerKind, function: str, location: Location,
                 source: Value = None, route: Route | None = None,
                 max_concurrency: int | None = None, asynchronous: bool = False,
                 properties: dict[str, Any] | None = None,
                 key_filter: tuple[str, str] = ("", "")) -> None:
        self.kind = kind
        self.function = function
        self.location = location
        self.source = source
        self.route = route
        self.max_concurrency = max_concurrency
        self.asynchronous = asynchronous
        self.properties = {} if properties is None else properties
        self.key_filter = key_filter


@dataclass(slots=True, init=False)
class EnvVar:
    """One environment variable of a function: its value after resolution, and where."""

    name: str
    value: Value
    location: Location

    def __init__(self, name: str, value: Value, location: Location) -> None:
        self.name = name
        self.value = value
        self.location = location


#: `Function.properties` key a loader sets when the function's code is not source in the
#: scanned folder (inline in the template, in S3, a built archive, a container image, a
#: folder outside the root): a phrase saying where it is. Handler look-ups then report that
#: instead of searching the root for a file that cannot be there (or, worse, finding another).
CODE_ELSEWHERE = "code_elsewhere"
#: `Api.properties` key a loader sets (True) on an API another stack creates, to which this
#: app only adds routes (serverless.yml `provider.apiGateway.restApiId`,
#: `provider.httpApi.id`): its stage settings belong to that stack.
OWNED_ELSEWHERE = "owned_elsewhere"
#: `Trigger.properties` key a loader sets (True) on a schedule given an input of its own
#: (the job's parameters, sent with each event), not only the time.
SCHEDULE_INPUT = "schedule_input"
#: Key of `Function.properties` for the entry points a bundler builds the handler from
#: (SAM's esbuild `Metadata.BuildProperties.EntryPoints`: source paths under the code
#: folder): the deployed file is named after its entry point, which names the source.
BUILD_ENTRY_POINTS = "build_entry_points"


@dataclass(frozen=True, slots=True)
class BuildManifest:
    """A manifest a function's build may install its packages from (`BuildInstall`).

    `file` is relative to the scanned root. `lock`: a lock file the build reads in its
    place when there is one. `needs`: what the file must declare to be the one read:
    "" (being there is enough), "poetry" (a Poetry project: its `[build-system] requires`
    names poetry) or "project-dependencies" (a pyproject.toml listing `[project]
    dependencies`). `groups`: the groups the build installs with it beside its main
    dependencies: `[project.optional-dependencies]` groups, or a Poetry project's
    dependency groups (`[tool.poetry.group.<name>.dependencies]`) other than main.
    `groups_unknown`: when which groups it installs is not known at scan time (a setting
    the deploy gives, `${env:GROUPS}`), the setting and what gives it, as a message names
    them: any group may be installed. `main`: whether it installs the main dependencies
    (`poetry export --only` / `--without main` leave them out: POETRY_MAIN).
    """

    file: str
    lock: str = ""
    needs: str = ""
    groups: tuple[str, ...] = ()
    groups_unknown: str = ""
    main: bool = True


#: The name of a Poetry project's main dependency group (`[tool.poetry.dependencies]`).
POETRY_MAIN = "main"


@dataclass(frozen=True, slots=True)
class BuildInstall:
    """What a function's build installs into its bundle, where a loader knows the build
    tool (serverless-python-requirements): the first of `manifests` present (and
    declaring what it `needs`), else the manifests nearest the code, less `left_out`:
    package names the build leaves out, a requirement being left out when its line up to
    its first `=`, `<`, `>`, space or tab is one of them (a lock's entry read as
    `name==version`). `left_out_setting` names the setting listing them, for messages."""

    manifests: tuple[BuildManifest, ...]
    left_out: frozenset[str] = frozenset()
    left_out_setting: str = ""


#: The branches of undecided conditions a value is listed under, outermost first: each
#: (condition name, True where the value is in the branch the condition holds for, False
#: where it is in the other); () for a value every deployment has.
Branches = tuple[tuple[str, bool], ...]


@dataclass(slots=True, init=False)
class Function:
    """A Lambda function.

    `id` is the logical id (SAM/CloudFormation), the function key (serverless.yml) or the
    resource address (Terraform). `source_file` is the handler's file relative to the
    scanned root once resolved (None if not found); `handler_name` the function inside it.
    `role` is the id of a `Role` in the same App (or None when the role is only an ARN,
    see `role_arn`).
    """

    id: str
    location: Location
    format: Format
    name: Value = None
    runtime: Value = None
    handler: Value = None
    code_dir: str | None = None  # relative to the scanned root
    source_file: str | None = None
    handler_name: str | None = None
    memory_mb: int | None = None
    timeout_s: int | None = None
    architecture: str = "x86_64"
    reserved_concurrency: int | None = None
    provisioned_concurrency: int | None = None
    environment: dict[str, EnvVar] = field(default_factory=dict)
    kms_key: Value = None
    role: str | None = None
    role_arn: Value = None
    tracing: Value = None  # Active / PassThrough / None
    log_retention_days: int | Unknown | None = None  # Unknown: a deployment gives it
    log_group: str | None = None  # id of a LogGroup resource, when one is declared
    log_level: Value = None
    vpc: bool = False
    dlq: Value = None
    on_failure: Value = None
    url: FunctionUrl | None = None
    layers: list[Value] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    tags: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    #: what its build installs, where a loader knows the build tool (None: the manifests
    #: nearest its code)
    build: BuildInstall | None = None
    #: the `layers` a deployment may attach or not (listed under an `Fn::If` the template
    #: leaves to the deployment), each with the branches it is under
    #: (`intrinsics.conditional_items`)
    conditional_layers: list[tuple[Value, Branches]] = field(default_factory=list)

    def __init__(self, id: str, location: Location, format: Format, name: Value = None,
                 runtime: Value = None, handler: Value = None, code_dir: str | None = None,
                 source_file: str | None = None, handler_name: str | None = None,
                 memory_mb: int | None = None, timeout_s: int | None = None,
                 architecture: str = "x86_64", reserved_concurrency: int | None = None,
                 provisioned_concurrency: int | None = None,
                 environment: dict[str, EnvVar] | None = None, kms_key: Value = None,
                 role: str | None = None, role_arn: Value = None, tracing: Value = None,
                 log_retention_days: int | Unknown | None = None, log_group: str | None = None,
                 log_level: Value = None, vpc: bool = False, dlq: Value = None,
                 on_failure: Value = None, url: FunctionUrl | None = None,
                 layers: list[Value] | None = None, triggers: list[Trigger] | None = None,
                 tags: dict[str, Any] | None = None, properties: dict[str, Any] | None = None,
                 build: BuildInstall | None = None,
                 conditional_layers: list[tuple[Value, Branches]] | None = None) -> None:
        self.id = id
        self.location = location
        self.format = format
        self.name = name
        self.runtime = runtime
        self.handler = handler
        self.code_dir = code_dir
        self.source_file = source_file
        self.handler_name = handler_name
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s
        self.architecture = architecture
        self.reserved_concurrency = reserved_concurrency
        self.provisioned_concurrency = provisioned_concurrency
        self.environment = {} if environment is None else environment
        self.kms_key = kms_key
        self.role = role
        self.role_arn = role_arn
        self.tracing = tracing
        self.log_retention_days = log_retention_days
        self.log_group = log_group
        self.log_level = log_level
        self.vpc = vpc
        self.dlq = dlq
        self.on_failure = on_failure
        self.url = url
        self.layers = [] if layers is None else layers
        self.triggers = [] if triggers is None else triggers
        self.tags = {} if tags is None else tags
        self.properties = {} if properties is None else properties
        self.build = build
        self.conditional_layers = [] if conditional_layers is None else conditional_layers


# --------------------------------------------------------------------------- data & ops


DataKind = Literal[
    "table", "bucket", "queue", "topic", "secret", "log-group", "kms-key", "stream",
    "state-machine", "parameter", "other",
]


@dataclass(slots=True)
class DataResource:
    """A store or channel the app declares: table, bucket, queue, topic, secret, log group,
    KMS key, Kinesis stream, state machine.

    encryption: None when not encrypted / not configured, else a short description such as
    "aws-managed", "kms:<key>" or "sse-s3". public_access_block: for buckets, True when all
    four settings are on. retention_days: log groups (an `Unknown` when a deployment gives
    it: a parameter or variable with no default). rotation: secrets.
    """

    id: str
    kind: DataKind
    location: Location
    name: Value = None
    encryption: str | None = None
    public_access_block: bool | None = None
    retention_days: int | Unknown | None = None
    rotation: bool | None = None
    tracing: bool | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Alarm:
    """A CloudWatch alarm: metric name and namespace, and the dimension it watches."""

    id: str
    location: Location
    metric: Value = None
    namespace: Value = None
    dimensions: dict[str, Value] = field(default_factory=dict)


@dataclass(slots=True)
class Budget:
    """An AWS Budgets budget (cost or usage)."""

    id: str
    location: Location
    amount: float | None = None
    unit: Value = None
    time_unit: Value = None


@dataclass(slots=True)
class Trail:
    """A CloudTrail trail."""

    id: str
    location: Location
    logging: bool = True
    multi_region: bool = False
    log_validation: bool = False


@dataclass(slots=True)
class Layer:
    """A Lambda layer version the app declares. `content`: the folder its content is
    built from, relative to the scanned root, when the project holds it (serverless.yml
    `layers: x: path:`, SAM `ContentUri`); None for a layer built elsewhere. `built_into`:
    the folder of /opt a build puts that content in (`python`, `nodejs`: `sam build` of a
    layer whose Metadata BuildMethod names a runtime); None when the content is laid out
    as Lambda extracts it (its own python/ and nodejs/ folders)."""

    id: str
    location: Location
    content: str | None = None
    built_into: str | None = None

    def opt_folder(self, name: str) -> str | None:
        """The project folder whose files Lambda extracts to /opt/`name` (`python`,
        `nodejs`); None when the project holds none of it."""
        if self.content is None or self.built_into not in (None, name):
            return None
        return self.content if self.built_into == name else \
            posixpath.normpath(posixpath.join(self.content, name))


def opt_order(folders: Mapping[str, str], refs: Iterable[Value] | None = None
              ) -> tuple[str, ...]:
    """The folders of in-project layers (`folders`: layer id -> its `opt_folder`) in the
    order their files are found under /opt: Lambda extracts a function's layers in the
    order it lists them, a later layer's file replacing an earlier one's, so the last
    listed comes first, each once. `refs`: a function's `layers` (its Refs to layers of
    `folders` only); None: every layer, as declared."""
    listed = list(folders.values()) if refs is None else \
        [folders[ref.target] for ref in refs if isinstance(ref, Ref) and ref.target in folders]
    return tuple(dict.fromkeys(reversed(listed)))


@dataclass(slots=True)
class Diagnostic:
    """A problem with the input (not a finding): broken file, unresolved handler, ...

    level: error (the file or element could not be read), warning (read, with a gap).
    """

    file: str
    message: str
    line: int | None = None
    level: Literal["error", "warning", "note"] = "error"
    code: str = "input"


@dataclass(slots=True)
class SourceFile:
    """A file that was read, with the format it was recognised as."""

    path: str
    format: Format | Literal["python", "javascript", "typescript", "openapi"]
    #: What the loader worked out from the parsed document for an analysis, so the file
    #: is not read again (the template's secrets: analysis.template_secrets); None: not done.
    facts: Any = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class NestedStack:
    """A stack a template deploys from a local template file (`AWS::CloudFormation::Stack`
    `TemplateURL`, `AWS::Serverless::Application` `Location`), and the parameter values
    it passes: `given` are facts (a literal, a value the user gave, a reference to a
    resource of the parent, or Unknown), `defaults` come from the parent's own defaults
    (another deployment of the parent passes other values)."""

    template: str  # the child template, relative to the scanned root
    parent: str  # the template that declares the stack
    logical: str  # the stack's logical id in the parent
    given: dict[str, Value] = field(default_factory=dict)
    defaults: dict[str, Value] = field(default_factory=dict)


@dataclass(slots=True)
class App:
    """Everything the loaders found under the scanned root(s)."""

    root: str = "."
    functions: dict[str, Function] = field(default_factory=dict)
    apis: dict[str, Api] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    resource_policies: list[ResourcePolicy] = field(default_factory=list)
    resources: dict[str, DataResource] = field(default_factory=dict)
    alarms: list[Alarm] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    layers: dict[str, Layer] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stage: str | None = None  # the user's --stage, else the first file's own default
    stacks: list[NestedStack] = field(default_factory=list)  # nested stacks of local templates
    #: The names a deployment parameter value (`--param`, the configuration's
    #: `parameters:`) may set in the files read: CloudFormation `Parameters`, a root
    #: module's variables, the `${param:NAME}` a serverless.yml reads.
    declared_parameters: set[str] = field(default_factory=set)

    def merge(self, other: App) -> None:
        """Add another App's elements to this one (ids are already file-unique)."""
        if self.stage is None:
            self.stage = other.stage
        self.functions.update(other.functions)
        self.apis.update(other.apis)
        self.routes.extend(other.routes)
        self.roles.update(other.roles)
        self.resource_policies.extend(other.resource_policies)
        self.resources.update(other.resources)
        self.alarms.extend(other.alarms)
        self.budgets.extend(other.budgets)
        self.trails.extend(other.trails)
        self.layers.update(other.layers)
        self.files.extend(other.files)
        self.diagnostics.extend(other.diagnostics)
        self.stacks.extend(other.stacks)
        self.declared_parameters |= other.declared_parameters

    def resolve(self, value: Value) -> Function | Role | Api | DataResource | None:
        """The element a `Ref` (or a qualified id string) points to, if the app has it."""
        key = value.target if isinstance(value, Ref) else value
        if not isinstance(key, str):
            return None
        for table in (self.resources, self.functions, self.roles, self.apis):
            if key in table:
                return table[key]
        return None

    def triggers(self) -> list[Trigger]:
        """All triggers of all functions."""
        return [t for f in self.functions.values() for t in f.triggers]

    def functions_of_role(self, role_id: str) -> list[Function]:
        """The functions that run with the given role."""
        return [f for f in self.functions.values() if f.role == role_id]

    def function_named(self, value: str) -> Function | None:
        """The function of the app a function's name, its ARN (`...:function:NAME`, with
        a version or alias after it) or an API Gateway invocation URI holding that ARN
        names (`Function.name`)."""
        name = value.split(":function:", 1)[-1].split(":", 1)[0].split("/", 1)[0]
        return next((f for f in self.functions.values() if f.name == name), None)

    def authorizers(self) -> Iterator[Authorizer]:
        """The authorisers protecting the app's routes (an API's default one included, and
        those of the routes an app's own router serves behind a proxy), as many times as
        routes share one."""
        for route in self.routes:
            if route.authorizer is not None:
                yield route.authorizer
        for api in self.apis.values():
            if api.default_authorizer is not None:
                yield api.default_authorizer
            for route in api.app_routes:
                if route.authorizer is not None:
                    yield route.authorizer

    def authorizer_functions(self) -> frozenset[str]:
        """The ids of the functions API Gateway calls as the Lambda authorisers of the
        app's routes (`Authorizer.function`, once `link_authorizers` has run)."""
        return frozenset(a.function for a in self.authorizers() if a.function is not None)


def link_authorizers(app: App) -> None:
    """Resolve what each Lambda authoriser's `function` names (the id of a function
    element, an ARN or a name, as its loader read it) to the id of the App's `Function`,
    once every file is loaded (a template may name a function it declares after the API,
    a serverless.yml one it reads later); None when the app has no such function."""
    found: dict[str, str | None] = {}
    for authorizer in app.authorizers():
        named = authorizer.function
        if named is None or named in app.functions:
            continue
        if named not in found:
            function = app.function_named(named)
            found[named] = function.id if function is not None else None
        authorizer.function = found[named]


_T = TypeVar("_T")


def pickle_by_fields(cls: type[_T], written_init: bool = False) -> type[_T]:
    """Make instances of the dataclass `cls` pickle (and copy) as a call `cls(*fields)`.

    The default for a slotted dataclass is a dict of its slots per instance, set back one
    by one, and a frozen one goes through Python-level `__getstate__`/`__setstate__`: a
    forked worker's App fragments pickle in about half the instructions this way (and
    unpickle in half). Left as it is when the call would not rebuild the same object:
    `__init__` does not take exactly the fields, in order, as positional arguments (a
    field outside it or keyword-only, an InitVar, the class's own `__init__` taking
    others), a `__post_init__`, no field. An instance of a subclass pickles as by default
    (its own class and fields). Not for a class whose instances can hold themselves (a
    reference cycle would recurse). `written_init`: the class's own `__init__` is written
    in its source to take the fields in order (FIELD_INITS): checked as above where it is
    a Python function, taken as it is where compiled (no code object to read; the pure
    build's check stands for the same source: tests/test_model_inits.py)."""
    if not is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    names = [f.name for f in fields(cls)]
    init = getattr(cls.__init__, "__code__", None)
    if init is None:  # object's (`init=False`), or a written one compiled
        takes_fields = written_init and "__init__" in vars(cls)
    else:
        takes_fields = not init.co_kwonlyargcount and \
            init.co_varnames[1:init.co_argcount] == tuple(names)
    if not names or hasattr(cls, "__post_init__") or not takes_fields:
        return cls
    values = attrgetter(*names)  # one name: the value itself, not a tuple
    default = object.__reduce_ex__  # a subclass: its own fields, pickled as by default
    if len(names) == 1:
        def __reduce_ex__(self: _T, protocol: int) -> Any:
            if type(self) is not cls:
                return default(self, protocol)
            return cls, (values(self),)
    else:
        def __reduce_ex__(self: _T, protocol: int) -> Any:
            if type(self) is not cls:
                return default(self, protocol)
            return cls, values(self)
    __reduce_ex__.__qualname__ = f"{cls.__qualname__}.__reduce_ex__"
    setattr(cls, "__reduce_ex__", __reduce_ex__)  # noqa: B010 (mypy: no assigning to a method)
    return cls


#: The model classes whose `__init__` is written in their source, taking their fields in
#: order with the defaults @dataclass gives them (a fresh empty dict or list where it
#: gives a `default_factory`'s): the compiled build makes such an `__init__` native, where
#: dataclasses' own runs interpreted (a Location about 5,500 instructions -> about 400):
#: the classes the loaders make per function. tests/test_model_inits.py compares each with
#: the `__init__` dataclasses writes for its fields.
FIELD_INITS: tuple[type, ...] = (Location, Ref, Statement, Role, Route, Trigger, EnvVar, Function)

# the model is what forked loading workers send back (faasguard.workers)
for _model_class in [value for value in list(globals().values()) if isinstance(value, type)
                     and is_dataclass(value) and value.__module__ == __name__]:
    pickle_by_fields(_model_class, _model_class in FIELD_INITS)
del _model_class
