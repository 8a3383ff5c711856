"""AWS Chalice projects (`.chalice/config.json` + `app.py`) -> the App model.

Chalice declares routes and event handlers in code, so `app.py` is read with `ast` (never
imported) for the decorators of the `Chalice(...)` object:

- `@app.route(path, methods=[...], authorizer=..., api_key_required=...)`: a route of the
  REST API; every route is served by the one API handler function (`api_handler`);
- `@app.authorizer()` (a Lambda token authoriser), `CognitoUserPoolAuthorizer(...)`,
  `IAMAuthorizer()` objects used as `authorizer=`;
- `@app.on_s3_event`, `on_sqs_message`, `on_sns_message`, `schedule`,
  `on_cw_event`/`on_cloudwatch_event`, `on_dynamodb_record`, `on_kinesis_record`,
  `lambda_function`: one function each, with its trigger (the bucket, queue, topic or
  stream it names is the trigger's `source`; `on_sqs_message(maximum_concurrency=...)`
  and `on_s3_event(prefix=..., suffix=...)` as the serverless.yml loader reads them);
- the same decorators on the blueprints the app registers
  (`app.register_blueprint(bp, url_prefix=..., name_prefix=...)`, `loaders.blueprints`):
  routes under the URL prefix, functions named with the name prefix.

`config.json` gives the settings, top level then `stages.<stage>` then
`stages.<stage>.lambda_functions.<name>` (the stage is `--stage`, else `dev`): memory,
timeout, environment, concurrency, X-Ray, VPC subnets, layers, log retention, and the
role: `manage_iam_role: false` + `iam_role_arn`, a policy file (`iam_policy_file`, or
`.chalice/policy-<stage>.json` when `autogen_policy` is false), else Chalice's
generated policy (unknown statically, noted on the role).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Any

from faasguard.loaders import LoadContext
from faasguard.loaders.blueprints import registered_blueprints
from faasguard.loaders.decorators import (
    Decorated,
    app_objects,
    decorated,
    parse_python,
)
from faasguard.loaders.documents import Document, InputError, LDict
from faasguard.loaders.policy_files import policy_file_statements
from faasguard.model import (
    Api,
    App,
    Authorizer,
    EnvVar,
    Function,
    Location,
    Ref,
    Role,
    Route,
    SourceFile,
    Trigger,
    TriggerKind,
    qualify,
)

_EVENT_DECORATORS: dict[str, TriggerKind] = {
    "on_s3_event": "s3", "on_sqs_message": "sqs", "on_sns_message": "sns",
    "schedule": "schedule", "on_cw_event": "eventbridge", "on_cloudwatch_event": "eventbridge",
    "on_dynamodb_record": "dynamodb-stream", "on_kinesis_record": "kinesis-stream",
    "lambda_function": "other", "on_ws_message": "websocket",
}
_SOURCE_ARGS = {"s3": "bucket", "sqs": "queue", "sns": "topic", "schedule": "expression",
                "eventbridge": "event_pattern", "dynamodb-stream": "stream_arn",
                "kinesis-stream": "stream"}


def load(doc: Document, ctx: LoadContext) -> App:
    """Load a Chalice project from its `.chalice/config.json`."""
    app = App(root=ctx.root)
    app.files.append(SourceFile(ctx.file, "chalice"))
    config = doc.data
    if not isinstance(config, dict):
        raise InputError("a Chalice config.json must be a JSON object")
    project = posixpath.dirname(posixpath.dirname(ctx.file))
    app_py = posixpath.join(project, "app.py") if project else "app.py"
    stage = ctx.stage or "dev"
    stages = config.get("stages")
    stage_config: dict[str, Any] = {}
    if isinstance(stages, dict) and isinstance(stages.get(stage), dict):
        stage_config = stages[stage]
    settings = {**config, **stage_config}
    layers = [config, stage_config]
    try:
        tree = parse_python(ctx.root, app_py)
    except InputError as exc:
        app.diagnostics.append(ctx.diagnostic(f"Chalice app {exc.message}",  # names app_py
                                              None, "error"))
        return app
    objects = app_objects(tree, "Chalice")
    if not objects:
        app.diagnostics.append(ctx.diagnostic(f"{app_py} creates no Chalice(...) app; "
                                              "no routes read", None, "warning"))
        return app
    name = str(config.get("app_name") or next(iter(objects.values())))
    reader = _Reader(ctx, app, settings, layers, project, app_py, name, stage)
    origin = _Origin(app_py, "app")
    items = [(deco, origin) for deco in decorated(tree, set(objects))]
    for bp in registered_blueprints(ctx.root, project or ".", tree, app_py, set(objects)):
        url_prefix, name_prefix = bp.options.get("url_prefix"), bp.options.get("name_prefix")
        origin = _Origin(bp.file, bp.module, url_prefix if isinstance(url_prefix, str) else "",
                         name_prefix if isinstance(name_prefix, str) else "")
        items.extend((deco, origin) for deco in decorated(bp.tree, {bp.name}))
    reader.read(items)
    return app


@dataclass(frozen=True)
class _Origin:
    """Where decorators were read: the app's module or a blueprint's, with the prefixes
    `register_blueprint` gives (to route paths and to function names)."""

    file: str  # relative to the scanned root
    module: str  # dotted from the project folder, for handler strings
    url_prefix: str = ""
    name_prefix: str = ""


class _Reader:
    """Fills the App from the decorators of one Chalice app."""

    def __init__(self, ctx: LoadContext, app: App, settings: dict[str, Any],
                 layers: list[dict[str, Any]], project: str, app_py: str, name: str,
                 stage: str) -> None:
        self.ctx, self.app, self.settings, self.layers = ctx, app, settings, layers
        self.project, self.app_py, self.name, self.stage = project, app_py, name, stage
        self._default_role: tuple[Role | None] | None = None  # built when a function uses it
        self.authorizers: dict[str, Authorizer] = {}
        self.origin = _Origin(app_py, "app")  # of the decorator being read

    def loc(self, line: int) -> Location:
        return Location(self.origin.file, line)

    def read(self, items: list[tuple[Decorated, _Origin]]) -> None:
        for deco, self.origin in items:
            if deco.name == "authorizer":
                function = self._handler(deco)
                self.authorizers[deco.function] = Authorizer(
                    "lambda-token", deco.function, location=self.loc(deco.line),
                    function=function.id)
        routes = [(d, o) for d, o in items if d.name == "route"]
        if routes:
            self._routes(routes)
        for deco, self.origin in items:
            kind = _EVENT_DECORATORS.get(deco.name)
            if kind is None:
                continue
            fn = self._handler(deco)
            source = deco.args[0] if deco.args else deco.kwargs.get(_SOURCE_ARGS.get(kind, ""))
            if source is None and kind == "sqs":
                source = deco.kwargs.get("queue_arn")  # on_sqs_message(queue_arn=...)
            if isinstance(source, dict) and (kind == "schedule" or "__name__" in source):
                # Rate(...)/Cron(...) objects, a name not bound to a literal here
                # (`bucket=config.BUCKET`): the value is not known
                source = None
            if kind != "other":
                fn.triggers.append(_trigger(kind, fn.id, self.loc(deco.line), source, deco))

    def _handler(self, deco: Decorated) -> Function:
        """The function of a decorated Python function (an authoriser, an event handler)."""
        return self._function(self.origin.name_prefix + deco.function,
                              f"{self.origin.module}.{deco.function}", deco.line)

    def _routes(self, routes: list[tuple[Decorated, _Origin]]) -> None:
        self.origin = routes[0][1]
        api = Api(qualify(self.ctx.file, "RestAPI"), "rest", self.loc(routes[0][0].line),
                  implicit=True, stage=self.settings.get("api_gateway_stage", "api"),
                  endpoint_type=self.settings.get("api_gateway_endpoint_type", "EDGE"))
        # Chalice's `xray` setting traces the REST API stage as well as the functions.
        api.tracing = True if self.settings.get("xray") is True else None
        self.app.apis[api.id] = api
        handler = self._function("api_handler", "app.app", routes[0][0].line)
        for deco, self.origin in routes:
            path = deco.args[0] if deco.args and isinstance(deco.args[0], str) else "/"
            if self.origin.url_prefix:
                path = self.origin.url_prefix.rstrip("/") + path
            methods = deco.kwargs.get("methods") or ["GET"]
            if isinstance(methods, dict):  # a name not bound to a literal: not known
                methods = ["GET"]
            for method in methods if isinstance(methods, list) else [methods]:
                route = Route(api.id, "rest", str(method).upper(), path, self.loc(deco.line),
                              function=handler.id,
                              authorizer=self._authorizer(deco.kwargs.get("authorizer"),
                                                          deco.line),
                              api_key_required=deco.kwargs.get("api_key_required") is True)
                self.app.routes.append(route)
                handler.triggers.append(Trigger("http", handler.id, route.location,
                                                source=Ref(api.id), route=route,
                                                properties={"view": deco.function}))

    def _authorizer(self, value: Any, line: int) -> Authorizer | None:
        if isinstance(value, dict) and "__name__" in value:
            found = self.authorizers.get(value["__name__"])
            return found or Authorizer("lambda-token", value["__name__"],
                                       location=self.loc(line))
        if isinstance(value, dict) and value.get("__call__") == "with_scopes" and \
                isinstance(value.get("__on__"), dict):
            base = self._authorizer(value["__on__"], line)
            scopes = (value.get("__args__") or [None])[0]
            if base is not None and isinstance(scopes, list):
                return replace(base, scopes=tuple(str(s) for s in scopes))
            return base
        if isinstance(value, dict) and "__call__" in value:
            kind = {"CognitoUserPoolAuthorizer": "cognito", "IAMAuthorizer": "iam",
                    "CustomAuthorizer": "lambda-token"}.get(value["__call__"], "lambda-token")
            return Authorizer(kind, str(value.get("name") or value["__call__"]),
                              location=self.loc(line))
        return None

    def _function(self, python_name: str, handler: str, line: int) -> Function:
        fid = qualify(self.ctx.file, python_name)
        if fid in self.app.functions:
            return self.app.functions[fid]
        per_fn = self.settings.get("lambda_functions", {}).get(python_name, {}) \
            if isinstance(self.settings.get("lambda_functions"), dict) else {}
        merged = {**self.settings, **(per_fn if isinstance(per_fn, dict) else {})}
        fn = Function(fid, self.loc(line), "chalice", name=f"{self.name}-{self.stage}"
                      f"{'' if python_name == 'api_handler' else '-' + python_name}",
                      runtime=merged.get("lambda_runtime", "python3.12"), handler=handler,
                      code_dir=self.project or ".")
        fn.memory_mb = _int(merged.get("lambda_memory_size"), 128)
        fn.timeout_s = _int(merged.get("lambda_timeout"), 60)
        fn.reserved_concurrency = _int(merged.get("reserved_concurrency"), None)
        fn.tracing = "Active" if merged.get("xray") is True else None
        fn.vpc = bool(merged.get("subnet_ids"))
        # a setting of another type than Chalice's is ignored, as _int ignores one
        layers, tags = merged.get("layers"), merged.get("tags")
        fn.layers = list(layers) if isinstance(layers, list) else []
        fn.log_retention_days = _int(merged.get("log_retention_in_days"), None)
        fn.tags = dict(tags) if isinstance(tags, dict) else {}
        for layer in [*self.layers, per_fn if isinstance(per_fn, dict) else {}]:
            variables = layer.get("environment_variables")
            for key, value in (variables.items() if isinstance(variables, dict) else ()):
                line = variables.line_of(key) if isinstance(variables, LDict) else 1
                fn.environment[str(key)] = EnvVar(str(key), value,
                                                  Location(self.ctx.file, line))
        if isinstance(per_fn, dict) and ({"iam_policy_file", "manage_iam_role", "iam_role_arn",
                                          "autogen_policy"} & per_fn.keys()):
            # the function's own role
            role = self._role([*self.layers, per_fn], f"{python_name}Role")
        else:
            if self._default_role is None:
                self._default_role = (self._role(),)
            role = self._default_role[0]
        if role is not None:
            fn.role = role.id
        elif merged.get("iam_role_arn"):
            fn.role_arn = merged["iam_role_arn"]
        self.app.functions[fid] = fn
        return fn

    def _role(self, layers: list[dict[str, Any]] | None = None,
              role_name: str = "DefaultRole") -> Role | None:
        """The role of the settings layers given (the app's by default): None for an
        external role (`manage_iam_role: false`), else Chalice's role with its policy
        file, located at the setting that chose the policy."""
        layers = self.layers if layers is None else layers
        settings = {k: v for layer in layers for k, v in layer.items()}
        if settings.get("manage_iam_role") is False:
            return None
        policy_file = settings.get("iam_policy_file")
        where = _key_line(layers, "iam_policy_file" if policy_file else "autogen_policy")
        role = Role(qualify(self.ctx.file, role_name), Location(self.ctx.file, where),
                    assume_services=("lambda.amazonaws.com",))
        if settings.get("autogen_policy", True) is not False and not policy_file:
            role.arn = None
            self.app.diagnostics.append(self.ctx.diagnostic(
                "autogen_policy: Chalice writes the role's policy from the AWS calls it finds "
                "in app.py at deploy time; its statements are not known here", where, "note",
                "chalice"))
            self.app.roles[role.id] = role
            return role
        name = str(policy_file or f"policy-{self.stage}.json")
        rel = posixpath.join(posixpath.dirname(self.ctx.file), name)
        try:
            role.statements.extend(policy_file_statements(self.ctx, rel))
        except InputError as exc:
            self.app.diagnostics.append(self.ctx.diagnostic(
                f"policy file {rel}: {exc.message}; the role's permissions are not known",
                where, "warning", "chalice"))
        else:
            self.app.files.append(SourceFile(rel, "chalice"))
        self.app.roles[role.id] = role
        return role


def _key_line(layers: list[dict[str, Any]], key: str) -> int:
    """The line of `key` in the last settings layer that sets it (the one that wins);
    1 when none does."""
    for layer in layers[::-1]:
        if key in layer:
            return layer.line_of(key, 1) if isinstance(layer, LDict) else 1
    return 1


def _trigger(kind: TriggerKind, function: str, where: Location, source: Any,
             deco: Decorated) -> Trigger:
    """The trigger of an event decorator, with the settings the serverless.yml loader
    gives the same events: an SQS event source's `maximum_concurrency`, an S3 event's
    key filter (`prefix=`/`suffix=`) as `rules` (`[{"prefix": ...}, {"suffix": ...}]`)."""
    trigger = Trigger(kind, function, where, source=source,
                      properties={"decorator": deco.name, **_plain(deco.kwargs)})
    if kind == "sqs":
        trigger.max_concurrency = _int(deco.kwargs.get("maximum_concurrency"), None)
    elif kind == "s3":
        rules = [{key: deco.kwargs[key]} for key in ("prefix", "suffix")
                 if isinstance(deco.kwargs.get(key), str) and deco.kwargs[key]]
        if rules:
            trigger.properties["rules"] = rules
    return trigger


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if not isinstance(v, dict)}


def _int(value: Any, default: int | None) -> int | None:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default

