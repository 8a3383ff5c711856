"""Zappa projects (`zappa_settings.json` / `.yml`) -> the App model.

Zappa deploys a WSGI app (Flask, Django, ...) as one Lambda function per stage behind a
REST API whose only routes are `ANY /` and `ANY /{proxy+}`: every path of the app is
reachable through the catch-all. The settings of the stage being scanned (`--stage`;
else every stage, each a deployment of its own; `extends` is followed) give:

- the function: `app_function` (module.object), or a Django project's
  `django_settings` (its `WSGI_APPLICATION` the handler), memory, timeout, runtime,
  environment (and its KMS key, `aws_kms_key_arn`), X-Ray, VPC, layers,
  `lambda_concurrency`;
- the API: `apigateway_enabled`, `endpoint_configuration`, `api_key_required`, and its
  authoriser (`iam_authorization`, `authorizer` with a function or ARN, `cognito`);
- the role: `role_arn` (external), else Zappa's own role (`manage_roles`), with
  `extra_permissions` statements and the `attach_policy` file;
- triggers: `events` (S3, SQS, SNS, DynamoDB, Kinesis ARNs, schedule `expression`s; an S3
  source's `key_filters`) and `keep_warm` (on by default: a schedule every 4 minutes).

The app's own routes (Flask `@app.route`, `@app.get`, ..., `app.add_url_rule(...)`, its
blueprints' under their `url_prefix`: `loaders.flask_routes`; Django's `urlpatterns` from
`ROOT_URLCONF`: `loaders.django_routes`) are the API's `app_routes`, since API Gateway
itself only knows the catch-all.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any

from faasguard.loaders import LoadContext
from faasguard.loaders.django_routes import DjangoProject, django_project
from faasguard.loaders.documents import Document, InputError, LDict, LList
from faasguard.loaders.flask_routes import flask_routes
from faasguard.loaders.iam import statements_from_document
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

_ARN_KINDS: dict[str, TriggerKind] = {"s3": "s3", "sqs": "sqs", "sns": "sns",
                                      "dynamodb": "dynamodb-stream",
                                      "kinesis": "kinesis-stream"}
MAX_EXTENDS = 8


def load(doc: Document, ctx: LoadContext) -> App:
    """Load every (or the scanned) stage of a Zappa settings file."""
    app = App(root=ctx.root)
    app.files.append(SourceFile(ctx.file, "zappa"))
    if not isinstance(doc.data, dict) or not doc.data:
        raise InputError("Zappa settings must map stage names to their settings")
    stages = [ctx.stage] if ctx.stage in doc.data else list(doc.data)
    for stage in stages:
        settings = _stage(doc.data, str(stage), ctx)
        if settings is None:
            app.diagnostics.append(ctx.diagnostic(f"stage {stage}: settings should be a "
                                                  "mapping; ignored", _line(doc.data, stage),
                                                  "warning"))
            continue
        _Stage(ctx, app, str(stage), settings, _line(doc.data, stage)).read()
    return app


def _line(data: Any, key: Any) -> int:
    return data.line_of(key, 1) if isinstance(data, LDict) else 1


def _stage(data: dict[str, Any], stage: str, ctx: LoadContext) -> dict[str, Any] | None:
    """A stage's settings with `extends` applied (the stage's own keys win)."""
    chain: list[dict[str, Any]] = []
    current: Any = stage
    for _ in range(MAX_EXTENDS):
        settings = data.get(current)
        if not isinstance(settings, dict):
            return None if not chain else _merge(chain)
        chain.append(settings)
        current = settings.get("extends")
        if not isinstance(current, str):
            return _merge(chain)
    return _merge(chain)


def _merge(chain: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = LDict()
    for settings in chain[::-1]:
        merged.update(settings)
        if isinstance(settings, LDict):
            merged.key_lines.update(settings.key_lines)  # type: ignore[attr-defined]
    return merged


class _Stage:
    """One deployed stage: its function, API, role and triggers."""

    def __init__(self, ctx: LoadContext, app: App, stage: str, settings: dict[str, Any],
                 line: int) -> None:
        self.ctx, self.app, self.stage, self.s, self.line = ctx, app, stage, settings, line
        self.django: DjangoProject | None = None  # read when the stage deploys Django

    def at(self, key: str) -> Location:
        return Location(self.ctx.file, _line(self.s, key) if key in self.s else self.line)

    def read(self) -> None:
        fn = self._function()
        self._role(fn)
        if self.s.get("apigateway_enabled", True) is not False:
            self._api(fn)
        self._events(fn)

    def _function(self) -> Function:
        s = self.s
        folder = posixpath.dirname(self.ctx.file) or "."
        project = s.get("project_name") or posixpath.basename(os.path.abspath(
            os.path.join(self.ctx.root, folder)))
        fn = Function(qualify(self.ctx.file, self.stage), Location(self.ctx.file, self.line),
                      "zappa", name=f"{project}-{self.stage}",
                      runtime=s.get("runtime", "python3.12"), handler=s.get("app_function"),
                      code_dir=folder)
        settings = s.get("django_settings")
        if isinstance(settings, str) and settings:  # Zappa serves Django when it is set
            self.django = django_project(self.ctx.root, folder, settings)
            fn.handler = self.django.wsgi  # the WSGI application Zappa wraps
            fn.properties["django_settings"] = settings
            fn.properties["django_views"] = tuple(self.django.views)  # the taint entries
            for problem in self.django.problems:
                self.app.diagnostics.append(self.ctx.diagnostic(
                    f"stage {self.stage}: django_settings {settings}: {problem}; the app's "
                    "URL routes are not all known", self.at("django_settings").line,
                    "warning", "zappa"))
        fn.memory_mb = _int(s.get("memory_size"), 512)
        fn.timeout_s = _int(s.get("timeout_seconds"), 30)
        fn.reserved_concurrency = _int(s.get("lambda_concurrency"), None)
        fn.tracing = "Active" if s.get("xray_tracing") is True else None
        fn.dlq = s.get("dead_letter_arn") or None
        fn.kms_key = s.get("aws_kms_key_arn") or None  # encrypts the environment
        vpc = s.get("vpc_config")
        fn.vpc = isinstance(vpc, dict) and bool(vpc.get("SubnetIds"))
        layers = s.get("layers")
        fn.layers = list(layers) if isinstance(layers, list) else []
        if layers is not None and not isinstance(layers, list):
            self.app.diagnostics.append(self.ctx.diagnostic(
                f"stage {self.stage}: layers should be a list of layer ARNs; ignored",
                self.at("layers").line, "warning", "zappa"))
        for key in ("environment_variables", "aws_environment_variables"):
            variables = s.get(key)
            for name, value in (variables.items() if isinstance(variables, dict) else ()):
                line = variables.line_of(name) if isinstance(variables, LDict) else self.line
                fn.environment[str(name)] = EnvVar(str(name), value,
                                                   Location(self.ctx.file, line))
        self.app.functions[fn.id] = fn
        return fn

    def _role(self, fn: Function) -> None:
        s = self.s
        if s.get("role_arn"):
            fn.role_arn = s["role_arn"]
            return
        named = next((key for key in ("role_name", "attach_policy", "extra_permissions")
                      if key in s), "role_name")  # where the role is given its name or policy
        role = Role(qualify(self.ctx.file, f"{self.stage}:role"), self.at(named),
                    assume_services=("lambda.amazonaws.com",))
        if s.get("manage_roles", True) is not False:
            # Zappa's default role policy allows broad access (logs, S3, SQS, ...); the
            # exact statements depend on the Zappa version and are not known here.
            self.app.diagnostics.append(self.ctx.diagnostic(
                f"stage {self.stage}: Zappa manages the role; its built-in policy is not "
                "known statically (set role_arn or attach_policy to review it)", self.line,
                "note", "zappa"))
        extra = s.get("extra_permissions")
        if isinstance(extra, list):
            role.statements.extend(statements_from_document(
                {"Statement": extra}, self.ctx.file))
        policy = s.get("attach_policy")
        if isinstance(policy, str):
            self._attach(role, policy)
        fn.role = role.id
        self.app.roles[role.id] = role

    def _attach(self, role: Role, policy: str) -> None:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(self.ctx.file), policy))
        if rel.startswith("../") or posixpath.isabs(policy):
            return
        try:
            role.statements.extend(policy_file_statements(self.ctx, rel))
        except InputError as exc:
            self.app.diagnostics.append(self.ctx.diagnostic(
                f"attach_policy {policy} cannot be read ({exc.reason}); its permissions are "
                "not known", self.at("attach_policy").line, "warning", "zappa"))
            return
        self.app.files.append(SourceFile(rel, "zappa"))

    def _api(self, fn: Function) -> None:
        s = self.s
        endpoint = s.get("endpoint_configuration")
        api = Api(qualify(self.ctx.file, f"{self.stage}:api"), "rest", self.at(
            "apigateway_enabled"), implicit=True, stage=self.stage,
            endpoint_type=endpoint[0] if isinstance(endpoint, list) and endpoint else "EDGE",
            api_key_required=s.get("api_key_required") is True,
            default_authorizer=self._authorizer(fn))
        # Zappa's `xray_tracing` turns tracing on for the API stage as well.
        api.tracing = True if s.get("xray_tracing") is True else None
        self.app.apis[api.id] = api
        root, proxy = (Route(api.id, "rest", "ANY", path, api.location, function=fn.id,
                             authorizer=api.default_authorizer,
                             api_key_required=api.api_key_required)
                       for path in ("/", "/{proxy+}"))
        for route in (root, proxy):
            self.app.routes.append(route)
            fn.triggers.append(Trigger("http", fn.id, route.location, source=Ref(api.id),
                                       route=route))
        handler = fn.handler if isinstance(fn.handler, str) else ""
        routes = self.django.routes if self.django is not None else \
            flask_routes(self.ctx.root, fn.code_dir or ".", handler)
        api.app_routes = [r.behind(proxy, fn.id) for r in routes]

    def _authorizer(self, fn: Function) -> Authorizer | None:
        """The API's authoriser; a Lambda one (`authorizer`) is the stage's own function
        when it names a Python function of the app (Zappa's handler hands the authoriser's
        event to it), else the function its `arn` names."""
        s = self.s
        if s.get("iam_authorization") is True:
            return Authorizer("iam", location=self.at("iam_authorization"))
        cognito = s.get("cognito")
        if isinstance(cognito, dict) and cognito.get("user_pool"):
            return Authorizer("cognito", location=self.at("cognito"))
        written = s.get("authorizer")
        authorizer: dict[str, Any] = written if isinstance(written, dict) else {}
        handler, arn = authorizer.get("function"), authorizer.get("arn")
        if handler or arn:
            header = authorizer.get("token_header", "Authorization")
            if isinstance(handler, str):
                # the module function Zappa's handler hands the authoriser's event to
                fn.properties["authorizer_function"] = handler
            return Authorizer("lambda-token", handler or "authorizer",
                              identity_sources=(f"method.request.header.{header}",),
                              location=self.at("authorizer"),
                              function=fn.id if handler else
                              arn if isinstance(arn, str) else None)
        return Authorizer("none", location=self.at("apigateway_enabled"))

    def _events(self, fn: Function) -> None:
        s = self.s
        if s.get("keep_warm", True) is not False:
            fn.triggers.append(Trigger(
                "schedule", fn.id, self.at("keep_warm"),
                source=s.get("keep_warm_expression", "rate(4 minutes)"),
                properties={"keep_warm": True}))
        events = s.get("events")
        for index, event in enumerate(events if isinstance(events, list) else []):
            if not isinstance(event, dict):
                continue
            line = events.line_of(index) if isinstance(events, LList) else self.line
            where = Location(self.ctx.file, line)
            if event.get("expression"):
                fn.triggers.append(Trigger("schedule", fn.id, where, source=event["expression"],
                                           properties={"function": event.get("function")}))
                continue
            raw = event.get("event_source")
            source: dict[str, Any] = raw if isinstance(raw, dict) else {}
            arn = source.get("arn")
            service = arn.split(":")[2] if isinstance(arn, str) and arn.count(":") >= 2 else ""
            if service == "s3" and isinstance(arn, str) and ":::" in arn:
                arn = arn.split(":::", 1)[1]  # a bucket is named, as in the other formats
            trigger = Trigger(_ARN_KINDS.get(service, "other"), fn.id, where, source=arn,
                              properties={"function": event.get("function"),
                                          "events": source.get("events")})
            rules = _key_rules(source.get("key_filters"))
            if trigger.kind == "s3" and rules:
                trigger.properties["rules"] = rules
            fn.triggers.append(trigger)


def _key_rules(filters: Any) -> list[dict[str, str]]:
    """An S3 event source's `key_filters` (`[{"type": "prefix", "value": "in/"}]`) in the
    serverless.yml form the rules read (`[{"prefix": "in/"}]`)."""
    return [{f["type"]: f["value"]} for f in (filters if isinstance(filters, list) else [])
            if isinstance(f, dict) and f.get("type") in ("prefix", "suffix")
            and isinstance(f.get("value"), str) and f["value"]]


def _int(value: Any, default: int | None) -> int | None:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    return default

