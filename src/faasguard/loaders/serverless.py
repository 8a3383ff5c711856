"""Serverless Framework (v3 and v4) `serverless.yml` / `.yaml` / `.json` -> the App model.

`load(doc, ctx)` resolves the file's `${...}` variables (loaders.variables), then its
CloudFormation intrinsics (`!GetAtt Table.Arn` -> `Ref("serverless.yml#Table", "Arn")`),
and builds:

- one `Function` per `functions:` key, with the provider settings it inherits
  (runtime, memory, timeout, architecture, environment, tracing, log retention, VPC, KMS,
  layers, tags) and the framework's defaults (1024 MB, 6 s);
- the roles: the shared provider role `IamRoleLambdaExecution` (`provider.iam.role`, or the
  legacy `iamRoleStatements` / `iamManagedPolicies`), an external role given by name or
  ARN, a function's own `role:`, and per-function roles (`<Name>IamRoleLambdaExecution`):
  the framework's own (v4: `functions.<name>.iam.role`, `provider.iam.role.mode:
  perFunction`) and those of the serverless-iam-roles-per-function plugin;
- triggers, routes and the implicit APIs from `events:` (loaders.serverless_events), and
  function URLs from `url:`;
- the `resources:` section, read by the CloudFormation loader, with `extensions:` applied.

The state machines of `stepFunctions:` and the routes of their `http` events
(loaders.serverless_step_functions). Plugins that change what is deployed, when listed in
`plugins:`: serverless-lift's queue workers, the resources of its other constructs
(webhooks, storage, single-table databases, websites) and the permissions it gives every
function on them (loaders.serverless_lift), serverless-plugin-aws-alerts' alarms
(loaders.serverless_alerts),
serverless-api-gateway-throttling (loaders.serverless_throttling),
serverless-plugin-log-retention, serverless-plugin-tracing,
serverless-functions-base-path (the folder it puts before every handler) and
serverless-associate-waf (the web ACL of the REST API). The params a
`serverless-compose.yml` passes to the service are its `${param:...}` values
(loaders.serverless_compose). The files `${file(...)}` read are listed after the service's
own (they are part of it, not templates of their own: scan.load_app), and what they
declare is located in them (loaders.serverless_included).

Anything malformed is a warning diagnostic at its line; the load goes on.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.loaders import LoadContext
from faasguard.loaders.documents import Document, LDict, LList, deep_merge, line_of
from faasguard.loaders.functions import layer_folder, undecided_reserved_concurrency
from faasguard.loaders.iam import statements_from_document, statements_from_list
from faasguard.loaders.intrinsics import Scope, conditional_items, resolve
from faasguard.loaders.lambda_resources import layer_permission
from faasguard.loaders.policies import managed_statements
from faasguard.loaders.serverless_alerts import ALERTS_PLUGIN, alert_alarms
from faasguard.loaders.serverless_compose import compose_params
from faasguard.loaders.serverless_events import IMPLICIT_APIS, EventEnv, add_events
from faasguard.loaders.serverless_included import declared_at, relocate
from faasguard.loaders.serverless_lift import (
    LIFT_PLUGIN,
    construct_permissions,
    construct_resources,
    construct_variables,
    link_webhook_buses,
    queue_arn,
    webhook_authorizers,
)
from faasguard.loaders.serverless_step_functions import (
    STATE_MACHINE_TYPE,
    STEP_FUNCTIONS_KEY,
    add_state_machines,
    state_machine_logical_ids,
)
from faasguard.loaders.serverless_throttling import THROTTLING_PLUGIN, apply_throttling
from faasguard.loaders.template import as_int, int_or_unknown, items, mapping, throttle
from faasguard.loaders.variables import (
    INCLUDED_LINES,
    StageValues,
    VariableResolver,
    VariableSettings,
)
from faasguard.loaders.wsgi_plugin import serve_wsgi_apps
from faasguard.model import (
    CODE_ELSEWHERE,
    POETRY_MAIN,
    Api,
    App,
    Branches,
    BuildInstall,
    BuildManifest,
    EnvVar,
    Function,
    FunctionUrl,
    Layer,
    Location,
    Ref,
    Role,
    SourceFile,
    Statement,
    Unknown,
    Value,
    logical_id,
    qualify,
)

DEFAULT_MEMORY_MB = 1024
DEFAULT_TIMEOUT_S = 6
PROVIDER_ROLE = "IamRoleLambdaExecution"
LAMBDA_SERVICE = "lambda.amazonaws.com"
PER_FUNCTION_PLUGIN = "serverless-iam-roles-per-function"
LOG_RETENTION_PLUGIN = "serverless-plugin-log-retention"
FUNCTIONS_BASE_PATH_PLUGIN = "serverless-functions-base-path"
WAF_PLUGINS = ("serverless-associate-waf", "serverless-associate-waf-v3")
#: `provider.tracing: true` turns X-Ray on for every function (the framework's own setting
#: is `provider.tracing.lambda`).
TRACING_PLUGIN = "serverless-plugin-tracing"
#: serverless-python-requirements: `Function.build` says what it installs for a function
#: (analysis.dependencies applies it).
PYTHON_REQUIREMENTS_PLUGIN = "serverless-python-requirements"
#: The type of placeholders for generated resources (no reader: never read as a resource).
PLACEHOLDER_TYPE = "Custom::FaasguardServerlessGenerated"


#: The AuthTypes a function URL's `authorizer` can give (`_url_auth_type`).
URL_AUTH_TYPES: tuple[str, ...] = ("AWS_IAM", "NONE")


def _unresolved_url_auth(authorizer: Unknown) -> Unknown:
    """The AuthType of a function URL whose `authorizer` is a variable with no value for
    the stage (`${param:authType}` it does not define): the deployment's, aws_iam or not,
    none written; its text the variable as written (FG-AUTH-001 names it)."""
    return Unknown(f"${{{authorizer.text}}}", URL_AUTH_TYPES, URL_AUTH_TYPES)


def _url_auth_type(authorizer: Any) -> str:
    """The AuthType of a function URL whose `url: authorizer:` is this value: AWS_IAM
    for `aws_iam` (any case), else NONE (the framework knows no other)."""
    return "AWS_IAM" if isinstance(authorizer, str) and authorizer.lower() == "aws_iam" \
        else "NONE"


def normalize_name(name: str) -> str:
    """A function key as the framework writes it in logical ids (`my-fn` -> `MyDashfn`)."""
    text = name.replace("-", "Dash").replace("_", "Underscore")
    return text[:1].upper() + text[1:]


def load(doc: Document, ctx: LoadContext) -> App:
    """Build the App model of one serverless.yml (never raises for bad content)."""
    app = App(root=ctx.root)
    app.files.append(SourceFile(ctx.file, "serverless"))
    if not isinstance(doc.data, dict):
        app.diagnostics.append(ctx.diagnostic(
            "a serverless file must be a mapping (service, provider, functions, ...)",
            line_of(doc.data), "error"))
        return app
    base_dir = os.path.dirname(os.path.abspath(ctx.abs_path))
    params = {**compose_params(base_dir, ctx.root, ctx.max_bytes), **ctx.params}
    resolver = VariableResolver(doc.data, VariableSettings(
        root=os.path.abspath(ctx.root), base_dir=base_dir, stage=ctx.stage, region=ctx.region,
        env=ctx.env, params=params, max_bytes=ctx.max_bytes), doc.text,
        construct_variables(doc.data, ctx.file))
    config = resolver.resolve()
    for problem in resolver.problems:
        app.diagnostics.append(ctx.diagnostic(problem.message, problem.line, problem.level,
                                              code="variables"))
    app.stage = resolver.stage
    app.declared_parameters |= resolver.params_read
    for path in resolver.files_read:  # part of this file's configuration (scan.load_app)
        app.files.append(SourceFile(os.path.relpath(path, os.path.realpath(ctx.root))
                                    .replace(os.sep, "/"), "serverless"))
    if not isinstance(config, LDict):  # variables could not be resolved (too deep to walk)
        config = LDict(config)
    # the stage assumed when none is given is no fact: a deployment picks another
    stages = StageValues(doc.data, resolver) if ctx.stage is None else None
    loader = _Loader(ctx, app, config, resolver.stage, resolver.region,
                     stages.at if stages is not None else None,
                     _staged_conditions(doc.data, stages),
                     _stack_parameters(config, doc.data, stages))
    loader.run()
    if resolver.files_read:  # elements declared in an included file are located there
        relocate(app, resolver.place, ctx.root, INCLUDED_LINES)
    return app


@dataclass
class _Loader:
    """The state of one load: the resolved config, its scope and the App being built."""

    ctx: LoadContext
    app: App
    config: LDict
    stage: str
    region: str
    scope: Scope = field(init=False)
    provider: LDict = field(init=False)
    resources: LDict = field(init=False)
    #: `variables.StageValues.at` when the user gave no stage (see `EventEnv.per_stage`)
    per_stage: Any = None
    #: the Conditions of `resources:` written with the stage the user did not give
    #: (`_staged_conditions`): left undecided in the functions' settings, as those on a
    #: parameter's default are (`resources:` itself is read for the stage assumed)
    staged_conditions: frozenset[str] = frozenset()
    #: the values `provider.stackParameters` passes to `resources.Parameters`
    #: (`_stack_parameters`): facts, as `--param` values are
    stack_parameters: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.file = self.ctx.file
        self.service_dir = posixpath.dirname(self.file) or "."
        self._warned: set[tuple[str, int | None]] = set()
        service = self.config.get("service")
        if isinstance(service, dict):  # the v1 form `service: {name: x}`
            service = service.get("name")
        self.service = service if isinstance(service, str) else "service"
        self.resources = self._resources_section(self.config.get("resources"))
        self.scope = self._scope()
        self.provider = self._mapping(self._resolve(self.config.get("provider")), "provider",
                                      self.config.line_of("provider"))
        self.provider_role: str | None = None
        self._provider_grants: tuple[list[Statement], list[Value], list[Statement]] | None = \
            None
        self._configs: list[tuple[Function, LDict]] = []  # each function's resolved settings
        #: what serverless-python-requirements installs, by the folder it installs from
        self._builds: dict[str, BuildInstall] = {}

    # ------------------------------------------------------------------ helpers

    def warn(self, message: str, line: int | None, level: str = "warning") -> None:
        """Record a diagnostic about this file (once: inherited settings are met often)."""
        if (message, line) in self._warned:
            return
        self._warned.add((message, line))
        self.app.diagnostics.append(self.ctx.diagnostic(message, line, level))

    def unknown(self, value: Any, what: str, line: int | None) -> bool:
        """Is `value` a variable left unknown? If so, and the resolver did not already say
        why at that line, say once that `what` is not modelled (it needs deploy-time data)."""
        if not isinstance(value, Unknown):
            return False
        if not any(d.code == "variables" and d.line == line for d in self.app.diagnostics):
            self.warn(f"{what}: its value comes from ${{{value.text}}}, known only at deploy "
                      "time; not modelled", line, "note")
        return True

    def loc(self, container: Any, key: Any = None) -> Location:
        """The location of `container[key]` (or of the container)."""
        return Location(self.file, line_of(container, key, default=line_of(container)))

    def _resolve(self, value: Any) -> Any:
        return resolve(value, self.scope)

    def _ours(self, element_id: str) -> bool:
        """Was the element declared in this file (rather than by another loaded file)?"""
        return element_id.startswith(self.file + "#")

    def _mapping(self, value: Any, what: str, line: int | None) -> LDict:
        if value is None:
            return LDict()
        if isinstance(value, LDict):
            return value
        if isinstance(value, dict):
            return LDict(value)
        self.warn(f"'{what}' should be a mapping, not {_kind(value)}; ignored", line)
        return LDict()

    # ------------------------------------------------------------------ sections

    def _resources_section(self, raw: Any) -> LDict:
        """`resources:` as one CloudFormation mapping (a list of them is merged, in order)."""
        merged = LDict()
        parts = raw if isinstance(raw, list) else [raw] if raw is not None else []
        for index, part in enumerate(parts):
            if not isinstance(part, dict):
                line = raw.line_of(index) if isinstance(raw, LList) else \
                    self.config.line_of("resources")
                self.warn(f"'resources' should be a mapping, not {_kind(part)}; ignored", line)
                continue
            for key, value in part.items():
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    target = merged[key]
                    for sub_key, sub_value in value.items():
                        target[sub_key] = sub_value
                        target.key_lines[sub_key] = line_of(value, sub_key)
                else:
                    copy = value
                    if isinstance(value, dict) and not isinstance(value, LDict):
                        copy = LDict(value)
                    elif isinstance(value, LDict):
                        copy = LDict(value)
                        copy.line, copy.end_line = value.line, value.end_line
                        copy.key_lines = dict(value.key_lines)
                    merged[key] = copy
                    merged.key_lines[key] = line_of(part, key)
        return merged

    def _scope(self) -> Scope:
        """What `Ref`/`GetAtt` may name: resources of `resources:` and generated ones."""
        types: dict[str, str] = {}
        declared = self.resources.get("Resources")
        if isinstance(declared, dict):
            for logical, body in declared.items():
                kind = body.get("Type") if isinstance(body, dict) else None
                types[str(logical)] = kind if isinstance(kind, str) else "Unknown"
        functions = self.config.get("functions")
        for key in _function_keys(functions):
            types.setdefault(f"{normalize_name(key)}LambdaFunction", "AWS::Lambda::Function")
        layers = self.config.get("layers")
        if isinstance(layers, dict):
            for layer in layers:  # (any key: YAML's `1:` is an int)
                types.setdefault(f"{normalize_name(str(layer))}LambdaLayer",
                                 "AWS::Lambda::LayerVersion")
        self.state_machines = state_machine_logical_ids(self.config.get(STEP_FUNCTIONS_KEY),
                                                        normalize_name)
        for logical in self.state_machines.values():
            types.setdefault(logical, STATE_MACHINE_TYPE)
        types.setdefault(PROVIDER_ROLE, "AWS::IAM::Role")
        types.setdefault("ApiGatewayRestApi", "AWS::ApiGateway::RestApi")
        types.setdefault("HttpApi", "AWS::ApiGatewayV2::Api")
        types.setdefault("WebsocketsApi", "AWS::ApiGatewayV2::Api")
        types.setdefault("ServerlessDeploymentBucket", "AWS::S3::Bucket")
        pseudo: dict[str, Value] = {
            "AWS::Region": self.region,
            "AWS::StackName": f"{self.service}-{self.stage}",
            "AWS::AccountId": Unknown("AWS::AccountId"),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        mappings = self.resources.get("Mappings")
        scope = Scope(file=self.file, resources=types, pseudo=pseudo,
                      mappings=dict(mappings) if isinstance(mappings, dict) else {})
        if "Parameters" in self.resources or "Conditions" in self.resources:
            # the parameters' values and the conditions decided with them, as the
            # CloudFormation loader reads them for `resources:` (its diagnostics are
            # that load's: this reading keeps none, only the parameters it declares)
            from faasguard.loaders.cloudformation import read_conditions
            from faasguard.loaders.template import Template

            reading = App(root=self.ctx.root)
            read_conditions(Template(self._stack_ctx(), "serverless", reading, scope),
                            self.resources, self.staged_conditions)
            self.app.declared_parameters |= reading.declared_parameters
        return scope

    def _stack_ctx(self) -> LoadContext:
        """The context `resources:` is read in: with the values `provider.stackParameters`
        passes to its Parameters (cfn_parameters reads and checks them) and the conditions
        written with the stage the user did not give (`staged_conditions`)."""
        if not self.stack_parameters and not self.staged_conditions:
            return self.ctx
        return replace(self.ctx, stack_parameters=self.stack_parameters,
                       staged_conditions=self.staged_conditions)

    # ------------------------------------------------------------------ run

    def run(self) -> None:
        """Build layers, then functions (with their roles, events and APIs), then read
        `resources:` (which may refer to what the framework generates for functions)."""
        provider_name = self.provider.get("name", "aws")
        if provider_name != "aws":
            self.warn(f"provider '{provider_name}' is not supported (only aws); "
                      "file skipped", self.config.line_of("provider"), "note")
            return
        self._layers()
        events = EventEnv(self.file, self.app, self.provider, self.stage, self.scope,
                          self.warn, self.per_stage)
        self.events: EventEnv | None = events
        try:
            self._functions()
            self._lift_workers()
            self._lift_authorizers()
            add_state_machines(self.config.get(STEP_FUNCTIONS_KEY), events,
                               self.state_machines, self._resolve)
            if self._uses_plugin(THROTTLING_PLUGIN):
                apply_throttling(self.app, _get(self.config, "custom", "apiGatewayThrottling"),
                                 self.file)
            self._associate_waf()
            if self._uses_plugin(ALERTS_PLUGIN):
                self.app.alarms += alert_alarms(_get(self.config, "custom", "alerts"),
                                                self._configs, self.stage, self.file)
            self._cloudformation()
            if self._uses_plugin(LIFT_PLUGIN):
                link_webhook_buses(self.app, self.config, self.file)
            serve_wsgi_apps(self.ctx, self.app, self.config, self.warn)  # serverless-wsgi
        finally:
            # the events' `warn` is this loader's: a reference cycle that kept the whole
            # document (and the loader) alive until the next collection of the cyclic
            # garbage collector, which then had to walk it (None, not `del`: mypyc's
            # __deletable__ does not work on a dataclass)
            self.events = None

    def _layers(self) -> None:
        layers = self.config.get("layers")
        if layers is None:
            return
        if not isinstance(layers, dict):
            self.warn(f"'layers' should be a mapping, not {_kind(layers)}; ignored",
                      self.config.line_of("layers"))
            return
        for key in layers:
            layer_id = qualify(self.file, f"{normalize_name(str(key))}LambdaLayer")
            spec = layers[key]
            path = spec.get("path") if isinstance(spec, dict) else None
            self.app.layers[layer_id] = Layer(layer_id, self.loc(layers, key),
                                              layer_folder(self.file, path))
            # allowedAccounts: a LayerVersionPermission per account ('*': every account)
            allowed = spec.get("allowedAccounts") if isinstance(spec, LDict) else None
            if not isinstance(allowed, LList):
                continue
            for index, account in enumerate(allowed):
                self.app.resource_policies.append(layer_permission(
                    f"{layer_id}:allowed:{index}", Ref(layer_id), account, None,
                    Location(self.file, allowed.line_of(index) or allowed.line)))

    # ------------------------------------------------------------------ functions

    def _functions(self) -> None:
        raw = self.config.get("functions")
        if raw is None:
            return
        sections = raw if isinstance(raw, list) else [raw]
        for index, section in enumerate(sections):
            if not isinstance(section, dict):
                line = raw.line_of(index) if isinstance(raw, LList) else \
                    self.config.line_of("functions")
                self.warn(f"'functions' should be a mapping of function names, not "
                          f"{_kind(section)}; ignored", line)
                continue
            for key, body in section.items():
                cfg = self._resolve(body) if isinstance(body, dict) else body
                if not isinstance(cfg, dict):
                    self.warn(f"function '{key}' should be a mapping (handler, events, ...), "
                              f"not {_kind(cfg)}; skipped", line_of(section, key))
                    continue
                self._function(str(key), self._mapping(cfg, key, None),
                               Location(self.file, declared_at(section, key)), body)

    def _uses_plugin(self, name: str) -> bool:
        """Is the plugin listed in `plugins:` (a list, or `modules:` of the long form)?"""
        plugins = self.config.get("plugins")
        names = plugins.get("modules") if isinstance(plugins, dict) else plugins
        return isinstance(names, list) and name in names

    def _associate_waf(self) -> None:
        """serverless-associate-waf (and its -v3 fork): the regional web ACL named by
        `custom.associateWaf.name` protects the stage of the service's REST API."""
        name = _get(self.config, "custom", "associateWaf", "name")
        api = self.app.apis.get(qualify(self.file, "ApiGatewayRestApi"))
        if api is not None and name is not None and \
                any(self._uses_plugin(plugin) for plugin in WAF_PLUGINS):
            api.properties["waf_web_acl"] = name

    def _functions_base_path(self) -> str | None:
        """The folder serverless-functions-base-path puts before every handler
        (`custom.functionsBasePath`), as the deployed handler says (`src/fns` + `users.get`
        -> `src/fns/users.get`)."""
        base = _get(self.config, "custom", "functionsBasePath")
        if not isinstance(base, str) or not base.strip() or \
                not self._uses_plugin(FUNCTIONS_BASE_PATH_PLUGIN):
            return None
        return base.strip()

    def _log_retention(self, cfg: LDict) -> int | Unknown | None:
        """Days the function's log group is kept: its own `logRetentionInDays`, the
        provider's, else (serverless-plugin-log-retention) `custom.logRetentionInDays`."""
        days = cfg.get("logRetentionInDays", self.provider.get("logRetentionInDays"))
        if days is None and self._uses_plugin(LOG_RETENTION_PLUGIN):
            days = _get(self.config, "custom", "logRetentionInDays")
        return int_or_unknown(days)

    def _lift_workers(self) -> None:
        """The worker function of each `queue` construct of the serverless-lift plugin:
        `<construct>Worker` (or the function of `functions:` its `worker` names), triggered
        by the construct's SQS queue (deployed by Lift)."""
        constructs = self.config.get("constructs")
        if not isinstance(constructs, dict) or not self._uses_plugin(LIFT_PLUGIN):
            return
        for name, body in constructs.items():
            if not isinstance(body, dict) or body.get("type") != "queue":
                continue
            worker = self._resolve(body.get("worker"))
            line = line_of(body, "worker", default=line_of(constructs, name))
            events = self._lift_queue_events(str(name), body, line)
            named = self.app.functions.get(qualify(self.file, worker)) \
                if isinstance(worker, str) else None
            if named is not None:
                assert self.events is not None  # set while `run` builds the App
                add_events(named, events, line, self.events)
                continue
            if not isinstance(worker, dict):
                self.warn(f"queue construct '{name}' has no worker mapping (handler, ...) "
                          "nor names a function of 'functions:'; its worker is not modelled",
                          line)
                continue
            cfg = LDict(worker)
            if isinstance(worker, LDict):
                cfg.line, cfg.key_lines = worker.line, dict(worker.key_lines)
            cfg["events"] = events
            cfg.key_lines["events"] = line
            self._function(f"{name}Worker", cfg, Location(self.file, line),
                           body.get("worker"))

    def _lift_queue_events(self, name: str, body: dict[str, Any], line: int) -> LList:
        """The SQS event Lift gives a queue construct's worker (batch of 1 by default,
        partial batch failures reported)."""
        sqs = LDict({"arn": queue_arn(self.file, name), "batchSize": body.get("batchSize", 1),
                     "maximumBatchingWindow": body.get("maxBatchingWindow", 0),
                     "functionResponseType": "ReportBatchItemFailures"})
        if body.get("maxConcurrency") is not None:
            sqs["maximumConcurrency"] = body["maxConcurrency"]
        events = LList([LDict({"sqs": sqs})])
        events.line, events.item_lines = line, [line]
        return events

    def _lift_permissions(self) -> list[Statement]:
        """What serverless-lift adds to the provider's statements (its automatic
        permissions, unless `lift.automaticPermissions: false`): every function of the
        service may use each construct's queue, bucket or table (loaders.serverless_lift)."""
        if not self._uses_plugin(LIFT_PLUGIN) or \
                _get(self.config, "lift", "automaticPermissions") is False:
            return []
        return construct_permissions(self.config, self.file)

    def _lift_authorizers(self) -> None:
        """The authoriser function Lift adds for each webhook construct (`<name>Authorizer`,
        from its `authorizer:` settings): API Gateway calls it on every request."""
        if not self._uses_plugin(LIFT_PLUGIN):
            return
        for key, settings, line in webhook_authorizers(self.config, self.warn):
            self._function(key, self._mapping(self._resolve(settings), key, line),
                           Location(self.file, line), settings)

    def _function(self, key: str, cfg: LDict, location: Location, raw: Any) -> None:
        """Read a function's settings (`cfg`, intrinsics resolved; `raw`: as written)."""
        provider = self.provider
        fn_id = qualify(self.file, key)
        handler = cfg.get("handler")
        if handler is None and cfg.get("image") is None:
            self.warn(f"function '{key}' has no handler (nor image)", location.line)
        base_path = self._functions_base_path()
        if base_path and isinstance(handler, str) and cfg.get("image") is None:
            handler = posixpath.normpath(f"{base_path}/{handler}")
        layers = self._layer_list(cfg.get("layers", provider.get("layers")),
                                  raw.get("layers") if "layers" in cfg and
                                  isinstance(raw, dict) else
                                  _get(self.config, "provider", "layers"))
        function = Function(
            id=fn_id,
            location=location,
            format="serverless",
            name=cfg.get("name", f"{self.service}-{self.stage}-{key}"),
            # a container image has no runtime (the provider's is not applied to it)
            runtime=cfg.get("runtime", provider.get("runtime") if cfg.get("image") is None
                            else None),
            handler=handler,
            code_dir=self._code_dir(cfg),
            memory_mb=as_int(cfg.get("memorySize", provider.get("memorySize",
                                                              DEFAULT_MEMORY_MB))),
            timeout_s=as_int(cfg.get("timeout", provider.get("timeout", DEFAULT_TIMEOUT_S))),
            architecture=str(cfg.get("architecture", provider.get("architecture", "x86_64"))),
            reserved_concurrency=as_int(cfg.get("reservedConcurrency")),
            provisioned_concurrency=as_int(cfg.get("provisionedConcurrency")),
            environment=self._environment(provider.get("environment"), cfg.get("environment"),
                                          key),
            kms_key=cfg.get("kmsKeyArn", provider.get("kmsKeyArn")),
            tracing=self._tracing(cfg),
            log_retention_days=self._log_retention(cfg),
            log_level=self._log_level(cfg),
            vpc=_has_vpc(cfg.get("vpc", provider.get("vpc"))),
            dlq=cfg.get("onError"),
            on_failure=self._on_failure(cfg.get("destinations")),
            layers=[layer for layer, _condition in layers],
            conditional_layers=[pair for pair in layers if pair[1]],
            tags=self._tags(cfg),
            properties=self._properties(key, cfg),
        )
        if "layers" not in cfg and layers:
            function.properties["shared_layers"] = self._provider_layers()
        if "runtime" not in cfg and function.runtime is not None:
            # the provider's runtime: FG-TP-005 reports it once, where it is written
            function.properties["shared_runtime"] = Location(
                self.file, self.provider.line_of("runtime") or self.config.line_of("provider"))
        if isinstance(cfg.get("reservedConcurrency"), Unknown):
            undecided_reserved_concurrency(
                function, raw.get("reservedConcurrency") if isinstance(raw, dict) else None,
                self.scope)
        if self._uses_plugin(PYTHON_REQUIREMENTS_PLUGIN):
            function.build = self._python_requirements(
                cfg, "package_individually" in function.properties)
        self._role_of(function, key, cfg)
        image = cfg.get("image")
        if handler is None and image is not None:
            name = image.get("name", image.get("uri")) if isinstance(image, dict) else image
            function.properties[CODE_ELSEWHERE] = "in a container image" + (
                f" ({name})" if isinstance(name, str) else "")
        function.url = self._url(cfg)
        self.app.functions[fn_id] = function
        self._configs.append((function, cfg))
        assert self.events is not None  # set while `run` builds the App
        add_events(function, cfg.get("events"), cfg.line_of("events") if "events" in cfg
                   else location.line, self.events)

    def _code_dir(self, cfg: LDict) -> str:
        service_dir = self.service_dir
        module = cfg.get("module")
        if isinstance(module, str) and module.strip():
            return posixpath.normpath(posixpath.join(service_dir, module.strip()))
        return service_dir

    def _properties(self, key: str, cfg: LDict) -> dict[str, Any]:
        props: dict[str, Any] = {"logical_id": f"{normalize_name(key)}LambdaFunction"}
        defaulted = [name for name in ("memorySize", "timeout")
                     if name not in cfg and name not in self.provider]
        if defaulted:
            props["defaulted"] = defaulted
        package = self.config.get("package")
        if isinstance(package, dict) and package.get("individually") is True:
            props["package_individually"] = True
        for name in ("image", "description", "condition", "disableLogs", "maximumRetryAttempts",
                     "maximumEventAge", "snapStart", "ephemeralStorageSize"):
            if name in cfg:
                props[name] = cfg[name]
        return props

    def _python_requirements(self, cfg: LDict, individually: bool) -> BuildInstall:
        """What serverless-python-requirements installs for a function, in its order (its
        lib/pip.js): with `usePoetry` a Poetry project in the function's folder (its
        poetry.lock, else the pyproject.toml: the main group, or the groups its `poetry
        export` gets from `poetryWithGroups`, `poetryWithoutGroups`, `poetryOnlyGroups`:
        `--only` those, else main and `--with` less `--without`; any when a value the
        deploy gives names them), with `usePipenv` the service's Pipfile (its
        lock when there is one), with `usePyProject` a pyproject.toml in the function's
        folder listing `[project] dependencies` (with the `[project.optional-dependencies]`
        groups `pyprojectWithGroups` names; any group when a value the deploy gives, as
        `${env:GROUPS}`, names them), then `fileName` (default requirements.txt)
        there; each switch is on unless set false. The function's folder is its `module`
        when packaged individually, else the service's. `noDeploy`: the packages it
        leaves out of the bundle (names as written; the plugin compares them with a
        requirement's line up to its first `=`, `<`, `>`, space or tab)."""
        folder = posixpath.normpath(self._code_dir(cfg) if individually else self.service_dir)
        known = self._builds.get(folder)
        if known is not None:  # the functions of a service share theirs
            return known
        options = _get(self.config, "custom", "pythonRequirements")
        options = options if isinstance(options, dict) else {}
        service = posixpath.normpath(self.service_dir)

        def on(name: str) -> bool:
            return options.get(name) not in (False, "false")

        def path(where: str, name: str) -> str:
            return name if where in (".", "") else f"{where}/{name}"

        def named(setting: str) -> tuple[list[str], str]:
            """The groups a setting lists, and what gives it when a value the deploy
            gives (`${env:GROUPS}`, or an item so given) may name any."""
            groups = options.get(setting)
            listed = groups if isinstance(groups, list) else ()
            unknown = groups if isinstance(groups, Unknown) else \
                next((g for g in listed if isinstance(g, Unknown)), None)
            return [g for g in listed if isinstance(g, str)], \
                f"custom.pythonRequirements.{setting}: {unknown.text}" if unknown else ""

        manifests: list[BuildManifest] = []
        if on("usePoetry"):
            # `poetry export --with/--without/--only`: the main group, else those listed
            (with_, with_unknown), (without, without_unknown), (only, only_unknown) = (
                named(setting) for setting in
                ("poetryWithGroups", "poetryWithoutGroups", "poetryOnlyGroups"))
            active = set(only) if only else {POETRY_MAIN, *with_} - set(without)
            unknown = "; ".join(u for u in (with_unknown, without_unknown, only_unknown) if u)
            manifests.append(BuildManifest(
                path(folder, "pyproject.toml"), path(folder, "poetry.lock"), "poetry",
                groups=tuple(sorted(active - {POETRY_MAIN})), groups_unknown=unknown,
                main=POETRY_MAIN in active or bool(unknown)))
        if on("usePipenv"):
            manifests.append(BuildManifest(path(service, "Pipfile"),
                                           path(service, "Pipfile.lock")))
        if on("usePyProject"):
            groups, unknown = named("pyprojectWithGroups")
            manifests.append(BuildManifest(
                path(folder, "pyproject.toml"), needs="project-dependencies",
                groups=tuple(groups), groups_unknown=unknown))
        name, left_out = options.get("fileName"), options.get("noDeploy")
        manifests.append(BuildManifest(posixpath.normpath(path(
            folder, name.strip() if isinstance(name, str) and name.strip()
            else "requirements.txt"))))
        built = self._builds[folder] = BuildInstall(tuple(manifests), frozenset(
            n for n in left_out if isinstance(n, str)) if isinstance(left_out, list)
            else frozenset(), "custom.pythonRequirements.noDeploy")
        return built

    def _environment(self, provider_env: Any, function_env: Any, key: str) -> dict[str, EnvVar]:
        result: dict[str, EnvVar] = {}
        for where, env in (("provider", provider_env), (f"function '{key}'", function_env)):
            if env is None:
                continue
            if not isinstance(env, dict):
                self.warn(f"environment of {where} should be a mapping, not {_kind(env)}; "
                          "ignored", line_of(env, default=line_of(self.config)))
                continue
            for name, value in env.items():
                result[str(name)] = EnvVar(str(name), value, self.loc(env, name))
        return result

    def _tracing(self, cfg: LDict) -> Value:
        value = cfg.get("tracing")
        if value is None:
            tracing = self.provider.get("tracing")
            value = tracing.get("lambda") if isinstance(tracing, dict) else \
                tracing if tracing is True and self._uses_plugin(TRACING_PLUGIN) else None
        if value is True:
            return "Active"
        if value is False or value is None:
            return None
        if isinstance(value, str):
            return {"active": "Active", "passthrough": "PassThrough"}.get(value.lower(), value)
        return value

    def _log_level(self, cfg: LDict) -> Value:
        for logs in (cfg.get("logs"), _get(self.provider, "logs", "lambda")):
            if isinstance(logs, dict):
                level = logs.get("applicationLogLevel")
                if level is not None:
                    return level
        return None

    def _on_failure(self, destinations: Any) -> Value:
        if not isinstance(destinations, dict):
            return None
        target = destinations.get("onFailure")
        if isinstance(target, dict):
            return target.get("arn")
        return target

    def _layer_list(self, layers: Any, raw: Any) -> list[tuple[Value, Branches]]:
        """A function's layers (`layers`, resolved; `raw`, as written), each with the
        branches of the conditions a deployment attaches it under (`model.Branches`; ()
        for none): a layer listed under a condition (`Fn::If: [C, {Ref: XLambdaLayer},
        {Ref: AWS::NoValue}]`) is one a deployment may attach, each branch's layer a
        possible one."""
        if layers is None:
            return []
        found = list(layers) if isinstance(layers, list) else [layers]
        if any(isinstance(layer, Unknown) for layer in found):
            return conditional_items(raw, self.scope)
        return [(layer, ()) for layer in found]

    def _provider_layers(self) -> tuple[tuple[Value, Location], ...]:
        """The layers `provider.layers` gives every function that lists none of its own,
        each where that list names it."""
        raw = _get(self.config, "provider", "layers")
        return tuple((layer, Location(self.file, line or self.config.line_of("provider")))
                     for line, item in items(raw)
                     for layer, _branches in self._layer_list(self._resolve(item), item))

    def _tags(self, cfg: LDict) -> dict[str, Any]:
        tags: dict[str, Any] = {}
        for source in (self.provider.get("tags"), cfg.get("tags")):
            if isinstance(source, dict):
                tags.update(source)
        return tags

    def _url(self, cfg: LDict) -> FunctionUrl | None:
        url = cfg.get("url")
        if url is None or url is False:
            return None
        location = self.loc(cfg, "url")
        if url is True:
            return FunctionUrl("NONE", location)
        if not isinstance(url, dict):
            self.warn(f"'url' should be true or a mapping, not {_kind(url)}; ignored",
                      location.line)
            return None
        authorizer = url.get("authorizer")
        auth_type: Value = _url_auth_type(authorizer)
        if isinstance(authorizer, Unknown):
            auth_type = _unresolved_url_auth(authorizer)
        elif authorizer is not None and auth_type == "NONE":
            self.warn(f"url authorizer '{authorizer}' is not understood (only aws_iam); "
                      "the URL is taken as public", line_of(url, "authorizer"))
        # an authorizer the stage picks (`${self:custom.urlAuth.${sls:stage}}`), with no
        # --stage given: the deployment's choice, as for an API route's (StageValues)
        stages = self.per_stage(line_of(url, "authorizer"), "authorizer") \
            if self.per_stage is not None and "authorizer" in url else None
        if stages is not None:
            types = tuple(dict.fromkeys(_url_auth_type(v) for v in stages[1]))
            unresolved = [v for v in stages[1] if isinstance(v, Unknown)]
            written = [_url_auth_type(v) for v in stages[1] if not isinstance(v, Unknown)]
            if unresolved and "NONE" not in written:  # only a stage's missing value opens
                auth_type = _unresolved_url_auth(unresolved[0])
            elif len(types) > 1:
                auth_type = Unknown(stages[0].text, types)
        cors = url.get("cors")
        return FunctionUrl(auth_type, location,
                           cors=dict(cors) if isinstance(cors, dict) else
                           ({"allowedOrigins": ["*"]} if cors is True else None),
                           invoke_mode=url.get("invokeMode"))

    # ------------------------------------------------------------------ IAM

    def _role_of(self, function: Function, key: str, cfg: LDict) -> None:
        """Set Function.role / role_arn: the function's `role:`, else a role of its own
        (`iam.role.statements` / `managedPolicies`, `provider.iam.role.mode: perFunction`, or
        the per-function plugin's `iamRoleStatements`), else the provider's role."""
        role = cfg.get("role")
        if role is not None:
            function.role, function.role_arn = self._named_role(role, line_of(cfg, "role"))
            return
        if self._own_role(cfg):
            function.role = self._function_role(key, cfg)
            return
        function.role = self._provider_role()
        role_obj = self.app.roles.get(function.role) if function.role else None
        if role_obj is not None and role_obj.external:
            function.role_arn = role_obj.arn

    def _own_role(self, cfg: LDict) -> bool:
        """Does the function get a role of its own? Per the framework (v4): when it sets
        `iam.role.statements` or `managedPolicies`, or the provider's role is in
        `mode: perFunction`, unless the provider names an existing role; and with the
        per-function plugin, when it sets `iamRoleStatements`."""
        if cfg.get("iamRoleStatements") is not None:
            return True
        if self._given_provider_role() is not None:
            return False
        own = _get(cfg, "iam", "role")
        return self._per_function_mode() or isinstance(own, dict) and (
            own.get("statements") is not None or own.get("managedPolicies") is not None)

    def _per_function_mode(self) -> bool:
        role = _get(self.provider, "iam", "role")
        return isinstance(role, dict) and role.get("mode") == "perFunction"

    def _given_provider_role(self) -> Any:
        """The existing role the provider names (`iam.role: <arn or id>`, `role:`), if any."""
        role = _get(self.provider, "iam", "role")
        return role if role is not None and not isinstance(role, dict) else \
            self.provider.get("role")

    def _named_role(self, role: Any, line: int) -> tuple[str | None, Value]:
        """A role given by logical id, `!GetAtt X.Arn`, or ARN: (role id, role ARN)."""
        if isinstance(role, Ref):
            return role.target, None
        if isinstance(role, str):
            if role in self.scope.resources:
                return qualify(self.file, role), None
            if role.startswith("arn:"):
                return None, role
            self.warn(f"role '{role}' is neither an ARN nor a resource of 'resources:'",
                      line)
            return None, role
        if isinstance(role, Unknown):
            return None, role
        self.warn("role is not understood (expected a logical id, an ARN or Fn::GetAtt)", line)
        return None, Unknown("role")

    def _provider_role(self) -> str | None:
        """The id of the role functions share (created once, on first use)."""
        if self.provider_role is not None:
            return self.provider_role
        iam = self.provider.get("iam")
        role = _get(self.provider, "iam", "role")
        given = self._given_provider_role()
        role_id = qualify(self.file, PROVIDER_ROLE)
        if given is not None:
            line = line_of(iam, "role") if role is not None else line_of(self.provider, "role")
            target, arn = self._named_role(given, line)
            if target is not None:
                self.provider_role = target
                return target
            self.app.roles[role_id] = Role(role_id, Location(self.file, line), external=True,
                                           arn=arn, assume_services=(LAMBDA_SERVICE,))
            self.provider_role = role_id
            return role_id
        if isinstance(role, dict):
            line = line_of(iam, "role")
        elif "iamRoleStatements" in self.provider:
            line = line_of(self.provider, "iamRoleStatements")
        else:
            line = line_of(self.provider, "iam", default=line_of(self.config, "provider"))
        statements, managed, from_managed = self._provider_permissions()
        self.app.roles[role_id] = Role(role_id, Location(self.file, line),
                                       statements + from_managed, managed,
                                       assume_services=(LAMBDA_SERVICE,))
        self.provider_role = role_id
        return role_id

    def _provider_permissions(self) -> tuple[list[Statement], list[Value], list[Statement]]:
        """What the provider's role settings grant: its statements, its managed policies and
        the statements of those that AWS manages (read once: the shared role and the
        per-function roles that inherit them get copies)."""
        if self._provider_grants is None:
            role = _get(self.provider, "iam", "role")
            role_cfg = role if isinstance(role, dict) else LDict()
            statements = self._statements(role_cfg, "statements", "serverless:provider")
            statements += self._statements(self.provider, "iamRoleStatements",
                                           "serverless:provider")
            statements += self._lift_permissions()
            from_managed: list[Statement] = []
            managed = self._managed(role_cfg.get("managedPolicies"), from_managed)
            managed += self._managed(self.provider.get("iamManagedPolicies"), from_managed)
            self._provider_grants = (statements, managed, from_managed)
        statements, managed, from_managed = self._provider_grants
        return list(statements), list(managed), list(from_managed)

    def _function_role(self, key: str, cfg: LDict) -> str:
        """A role of the function's own: `iam.role` (framework v4) and/or the per-function
        plugin's `iamRoleStatements`, with the provider's statements when inherited
        (`iam.inheritStatements`, `iamRoleStatementsInherit`; by default only in
        `mode: perFunction`, where the provider's managed policies always apply)."""
        role_id = qualify(self.file, f"{normalize_name(key)}{PROVIDER_ROLE}")
        own = _get(cfg, "iam", "role")
        own = own if isinstance(own, dict) else LDict()
        if own:
            line = line_of(cfg.get("iam"), "role")
        elif "iamRoleStatements" in cfg:
            line = line_of(cfg, "iamRoleStatements")
        else:
            line = line_of(cfg, default=line_of(self.config, "functions"))
        statements = self._statements(own, "statements", "serverless:function")
        statements += self._statements(cfg, "iamRoleStatements", "serverless:function")
        managed = self._managed(own.get("managedPolicies"), statements)
        managed += self._managed(cfg.get("iamManagedPolicies"), statements)
        per_function = self._per_function_mode()
        inherit = _get(cfg, "iam", "inheritStatements")
        if inherit is None:
            inherit = cfg.get("iamRoleStatementsInherit")
        if inherit is None:
            inherit = per_function or \
                _get(self.config, "custom", PER_FUNCTION_PLUGIN, "defaultInherit")
        provider_statements, provider_managed, from_managed = self._provider_permissions()
        if per_function:
            managed = provider_managed + managed
            statements = from_managed + statements
        if inherit is True:
            statements = provider_statements + statements
        self.app.roles[role_id] = Role(role_id, Location(self.file, line), statements, managed,
                                       assume_services=(LAMBDA_SERVICE,))
        return role_id

    def _statements(self, container: dict[str, Any], key: str, source: str) -> list[Statement]:
        """The IAM statements listed under `container[key]` (a warning if not a list)."""
        raw = container.get(key)
        if self.unknown(raw, key, line_of(container, key)):
            return []
        if raw is not None and not isinstance(raw, (list, dict)):
            self.warn(f"{key} should be a list of statements, not {_kind(raw)}; ignored",
                      line_of(container, key))
        return statements_from_list(raw, self.file, source)

    def _managed(self, arns: Any, statements: list[Statement]) -> list[Value]:
        """Managed policy ARNs as given; AWS managed ones also add their statements."""
        found = self._list(arns)
        for index, arn in enumerate(found):
            if isinstance(arn, str):
                line = line_of(arns, index) if isinstance(arns, LList) else line_of(arns)
                statements += managed_statements(arn, self.file, line)
        return found

    @staticmethod
    def _list(value: Any) -> list[Value]:
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    # ------------------------------------------------------------------ resources

    def _cloudformation(self) -> None:
        """Read `resources:` with the CloudFormation loader; apply `extensions:`."""
        extensions = self.resources.get("extensions")
        self._add_construct_resources()
        declared = self.resources.get("Resources")
        if isinstance(declared, dict):  # a resource whose body is a variable left unknown
            for logical in [k for k, v in declared.items() if isinstance(v, Unknown)]:
                self.unknown(declared[logical], f"resource {logical}",
                             line_of(declared, logical))
                del declared[logical]
        template = LDict({k: v for k, v in self.resources.items() if k != "extensions"})
        template.line, template.key_lines = self.resources.line, dict(self.resources.key_lines)
        leftover = self._extend(declared, extensions)
        if isinstance(declared, dict) and declared or "Outputs" in template:
            from faasguard.loaders.cloudformation import load_template

            template["Resources"], aliases = self._with_placeholders(declared)
            try:
                load_template(template, self._stack_ctx(), "cloudformation", self.app)
            finally:
                for alias in aliases:
                    del self.app.functions[alias]
            self._attach_policies(declared)
        self._extend_generated(leftover)

    def _add_construct_resources(self) -> None:
        """The resources serverless-lift deploys for the constructs (loaders.serverless_lift),
        beside those of `resources:` (a resource of the same logical id written there wins)."""
        if not self._uses_plugin(LIFT_PLUGIN):
            return
        made = construct_resources(
            self.config, lambda key: f"{normalize_name(key)}LambdaFunction", self.warn)
        if not made:
            return
        declared = self.resources.get("Resources")
        if declared is None:
            declared = self.resources["Resources"] = LDict()
        if not isinstance(declared, LDict):
            return  # not a mapping: the CloudFormation loader reports it
        for logical, resource in made.items():
            if logical not in declared:
                declared[logical] = resource
                declared.key_lines[logical] = resource.line

    def _attach_policies(self, declared: Any) -> None:
        """AWS::IAM::Policy / ::ManagedPolicy resources whose `Roles` name a role this loader
        generated (the provider role, a per-function role) add their statements to it."""
        if not isinstance(declared, dict):
            return
        mine = {role.id: role for role in self._generated_roles()
                if logical_id(role.id) not in declared}
        for logical, body in declared.items() if mine else ():
            kind = body.get("Type") if isinstance(body, dict) else None
            if kind not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                continue
            props = self._resolve(body.get("Properties"))
            if not isinstance(props, dict):
                continue
            roles = props.get("Roles")
            for target in roles if isinstance(roles, list) else [roles]:
                role = mine.get(target.target) if isinstance(target, Ref) else None
                if role is not None:
                    source = "inline" if kind == "AWS::IAM::Policy" else \
                        f"customer-managed:{logical}"
                    role.statements += statements_from_document(
                        props.get("PolicyDocument"), self.file, source)

    def _with_placeholders(self, declared: Any) -> tuple[Any, list[str]]:
        """`Resources` plus placeholders for what the framework generates, so that
        resources referring to `<Name>LambdaFunction` or `ApiGatewayRestApi` link to the
        functions, APIs and layers of this file; returns them with the function aliases added to
        the App for the time of the read (to remove afterwards)."""
        if not isinstance(declared, dict):
            return declared, []
        resources = LDict(declared)
        if isinstance(declared, LDict):
            resources.line, resources.end_line = declared.line, declared.end_line
            resources.key_lines = dict(declared.key_lines)
        aliases: list[str] = []
        generated: dict[str, Any] = {
            str(f.properties.get("logical_id")): f for f in self.app.functions.values()
            if self._ours(f.id) and f.format == "serverless"}
        generated.update({logical_id(api_id): None for api_id in self.app.apis
                          if self._ours(api_id)})
        generated.update({logical: None for logical in self.state_machines.values()})
        generated.update({logical_id(layer_id): None for layer_id in self.app.layers
                          if self._ours(layer_id)})
        for logical, function in generated.items():
            if logical in resources:
                continue
            resources[logical] = LDict({"Type": PLACEHOLDER_TYPE})
            alias = qualify(self.file, logical)
            if function is not None and alias not in self.app.functions:
                self.app.functions[alias] = function
                aliases.append(alias)
        return resources, aliases

    def _extend(self, declared: Any, extensions: Any) -> dict[str, Any]:
        """Merge extensions onto declared resources; return those meant for generated ones."""
        if extensions is None:
            return {}
        if not isinstance(extensions, dict):
            self.warn("'resources.extensions' should be a mapping; ignored",
                      line_of(self.resources, "extensions"))
            return {}
        leftover: dict[str, Any] = {}
        for logical, body in extensions.items():
            if isinstance(declared, dict) and isinstance(declared.get(logical), dict) and \
                    isinstance(body, dict):
                deep_merge(declared[logical], body)
            else:
                leftover[str(logical)] = (body, line_of(extensions, logical))
        return leftover

    def _extend_generated(self, leftover: dict[str, Any]) -> None:
        by_logical = {f.properties.get("logical_id"): f for f in self.app.functions.values()
                      if f.format == "serverless" and self._ours(f.id)}
        log_groups = {str(k)[:-len("LambdaFunction")] + "LogGroup": f
                      for k, f in by_logical.items() if k}
        roles = {logical_id(role.id): role for role in self._generated_roles()}
        http_api = self.app.apis.get(qualify(self.file, IMPLICIT_APIS["http"]))
        for logical, (body, line) in leftover.items():
            props = self._resolve(body.get("Properties")) if isinstance(body, dict) else None
            if logical in by_logical and isinstance(props, dict):
                _apply_function_extension(by_logical[logical], props)
            elif logical in log_groups and isinstance(props, dict):
                days = int_or_unknown(props.get("RetentionInDays"))
                if days is not None:
                    log_groups[logical].log_retention_days = days
            elif logical in roles and isinstance(props, dict):
                self._extend_role(roles[logical], props)
            elif logical == _HTTP_API_STAGE and http_api is not None and \
                    isinstance(props, dict):
                _apply_stage_extension(http_api, props)
            else:
                self.warn(f"extension of '{logical}': not a resource of this file that "
                          "faasguard models; ignored", line, "note")

    def _generated_roles(self) -> list[Role]:
        """The roles the framework (or the per-function plugin) generates for this file."""
        return [role for role_id, role in self.app.roles.items()
                if self._ours(role_id) and not role.external and
                logical_id(role_id).endswith(PROVIDER_ROLE)]

    def _extend_role(self, role: Role, props: dict[str, Any]) -> None:
        policies = props.get("Policies")
        for policy in policies if isinstance(policies, list) else []:
            if isinstance(policy, dict):
                role.statements += statements_from_document(policy.get("PolicyDocument"),
                                                            self.file, "inline")
        role.managed_policy_arns += self._managed(props.get("ManagedPolicyArns"), role.statements)


#: The stage the framework generates for the service's HTTP API (`httpApi` events).
_HTTP_API_STAGE = "HttpApiStage"


def _apply_stage_extension(api: Api, props: dict[str, Any]) -> None:
    """Overrides of the generated HTTP API stage's properties that the model keeps: its
    throttling (`DefaultRouteSettings`, which the framework has no setting for) and its
    access logging (`AccessLogSettings`)."""
    route = mapping(props.get("DefaultRouteSettings"))
    limits = throttle(route.get("ThrottlingRateLimit"), route.get("ThrottlingBurstLimit"))
    if limits is not None:
        api.throttling = limits
    if props.get("AccessLogSettings") is not None:
        api.access_logging = True


def _apply_function_extension(function: Function, props: dict[str, Any]) -> None:
    """Overrides of the generated AWS::Lambda::Function's properties that the model keeps."""
    if "MemorySize" in props:
        function.memory_mb = as_int(props["MemorySize"])
    if "Timeout" in props:
        function.timeout_s = as_int(props["Timeout"])
    if "ReservedConcurrentExecutions" in props:
        function.reserved_concurrency = as_int(props["ReservedConcurrentExecutions"])
    if "KmsKeyArn" in props:
        function.kms_key = props["KmsKeyArn"]
    tracing = props.get("TracingConfig")
    if isinstance(tracing, dict) and "Mode" in tracing:
        function.tracing = tracing["Mode"]
    variables = _get(props, "Environment", "Variables")
    if isinstance(variables, dict):
        for name, value in variables.items():
            function.environment[str(name)] = EnvVar(
                str(name), value, Location(function.location.file, line_of(variables, name)))


def _staged_conditions(config: Any, stages: StageValues | None) -> frozenset[str]:
    """The Conditions of `resources:` (`config` as written, variables unresolved) whose
    value depends on the stage when the user gave none (`stages`): a string in them names
    the stage (`!Equals ['${sls:stage}', prod]`: the stage the scan assumes is no fact) or
    takes another value on another stage the file names (`${param:vendor}` of per-stage
    `params:`; `StageValues.values_of`)."""
    if stages is None or not isinstance(config, dict):
        return frozenset()
    raw = config.get("resources")
    found: set[str] = set()
    for part in raw if isinstance(raw, list) else [raw]:
        conditions = part.get("Conditions") if isinstance(part, dict) else None
        for name, body in conditions.items() if isinstance(conditions, dict) else ():
            pending: list[tuple[Any, int]] = [(body, line_of(conditions, name))]
            while pending:
                value, line = pending.pop()
                if isinstance(value, dict):
                    pending.extend((v, line_of(value, k, default=line))
                                   for k, v in value.items())
                elif isinstance(value, list):
                    pending.extend((v, line_of(value, i, default=line))
                                   for i, v in enumerate(value))
                elif _varies_by_stage(value, line, stages):
                    found.add(str(name))
                    break
    return frozenset(found)


def _varies_by_stage(written: Any, line: int | None, stages: StageValues) -> bool:
    """Does a value as the file writes it depend on the stage the user did not give (it
    names the stage, or takes another value on another stage the file names)?"""
    return isinstance(written, str) and "${" in written and (
        stages.names_stage(written) or stages.values_of(written, line) is not None)


def _stack_parameters(config: Any, written: Any, stages: StageValues | None
                      ) -> dict[str, Any]:
    """The values `provider.stackParameters` (`[{ParameterKey, ParameterValue}]`) passes
    to the stack's `resources.Parameters` on every deployment, by parameter name: facts
    for the Conditions decided with them. A value as written (`written`: the file,
    variables unresolved) that depends on the stage the user did not give is left out
    (the parameter's default is read, which a deployment may change); so is an item of
    another shape."""
    listed = _get(config, "provider", "stackParameters")
    raw = _get(written, "provider", "stackParameters")
    found = LDict()
    for index, item in enumerate(listed if isinstance(listed, list) else ()):
        key = _get(item, "ParameterKey")
        value = _get(item, "ParameterValue")
        if not isinstance(key, str) or not isinstance(value, (str, int, float)):
            continue
        as_written = _get(raw[index], "ParameterValue") \
            if isinstance(raw, list) and index < len(raw) else raw
        if stages is not None and _varies_by_stage(as_written, line_of(item), stages):
            continue
        found[key] = value
        found.key_lines[key] = line_of(item)
    return found


def _function_keys(functions: Any) -> list[str]:
    sections = functions if isinstance(functions, list) else [functions]
    return [str(k) for section in sections if isinstance(section, dict) for k in section]


def _get(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _has_vpc(vpc: Any) -> bool:
    if not isinstance(vpc, dict):
        return isinstance(vpc, (Ref, Unknown))
    subnets = vpc.get("subnetIds")
    return bool(subnets) or bool(vpc.get("securityGroupIds"))


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, Unknown):
        return f"an unknown value ({value.text})"
    return f"the {type(value).__name__} {value!r}"
