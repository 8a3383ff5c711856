"""The state of one CloudFormation template while it is read into the App model.

`Template` holds what every resource reader needs: the load context, the App being
filled, the intrinsics `Scope`, the raw resources, and helpers that turn template values
into model values (locations, warnings, references to functions, APIs and roles).
Resource readers (sam.py, lambda_resources.py, apigateway.py, ...) are functions
`reader(t, logical_id, props)` where `props` is the resource's Properties after
intrinsic resolution (LDict, so every key keeps its line).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.loaders import LoadContext
from faasguard.loaders.documents import Document, InputError, LDict, LList, load_file
from faasguard.loaders.intrinsics import Scope, resolve
from faasguard.loaders.policies import ExpansionMemo
from faasguard.model import (
    SCHEDULE_INPUT,
    Api,
    App,
    Authorizer,
    Format,
    Function,
    Location,
    Ref,
    Route,
    Throttle,
    Trigger,
    TriggerKind,
    Unknown,
    Value,
    qualify,
)

#: The resource types of a Lambda function.
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
#: `${X}`, `${X.Attr}` and `${file#X.Attr}` as rendered by intrinsics for Sub/Join.
#: Resource types an API Gateway service integration can write to that can in turn
#: trigger a function (or run a workflow).
SERVICE_TARGETS = ("AWS::SQS::Queue", "AWS::Kinesis::Stream", "AWS::SNS::Topic",
                   "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::S3::Bucket",
                   "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
_EMBEDDED_REF = re.compile(r"\$\{(?:[^}#]*#)?([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")


@dataclass
class ApiAuth:
    """An API's authorisation settings, as event and route readers need them."""

    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    default: Authorizer | None = None
    api_key_required: bool = False
    default_on_preflight: bool = True


@dataclass
class Template:
    """One template being loaded: context, App, scope, raw resources and helpers."""

    ctx: LoadContext
    fmt: Format
    app: App
    scope: Scope
    raw: dict[str, LDict] = field(default_factory=dict)  # logical id -> resource
    props: dict[str, LDict] = field(default_factory=dict)  # Properties, Globals merged
    resource_lines: dict[str, int] = field(default_factory=dict)
    globals: dict[str, LDict] = field(default_factory=dict)
    api_auth: dict[str, ApiAuth] = field(default_factory=dict)
    authorizers: dict[str, Authorizer] = field(default_factory=dict)  # CFN Authorizer ids
    attached: set[tuple[str, str]] = field(default_factory=set)  # (role id, policy id)
    #: API id -> (METHOD or "*", path) -> the throttle stage settings give that route.
    route_limits: dict[str, dict[tuple[str, str], Throttle]] = field(default_factory=dict)
    finalizers: list[Callable[[], None]] = field(default_factory=list)
    #: SAM policy templates expanded so far (policies.expand_template's memo).
    expansions: ExpansionMemo = field(default_factory=dict, repr=False)
    _resolved: dict[str, LDict] = field(default_factory=dict, repr=False)
    _local_dirs: dict[str, str] = field(default_factory=dict, repr=False)  # local_dir's

    # ------------------------------------------------------------------ basics

    @property
    def file(self) -> str:
        """The template's path relative to the scanned root."""
        return self.ctx.file

    def qualify(self, logical: str) -> str:
        """The app-wide id of a logical id of this template."""
        return qualify(self.ctx.file, logical)

    def loc(self, line: int | None) -> Location:
        """A Location in this template."""
        return Location(self.ctx.file, line or 1)

    def line(self, logical: str) -> int:
        """The line a resource's logical id was written on."""
        return self.resource_lines.get(logical, 1)

    def warn(self, message: str, line: int | None = None) -> None:
        """Record a warning diagnostic about this template."""
        self.app.diagnostics.append(self.ctx.diagnostic(message, line, "warning"))

    def note_unlinked(self, logical: str, what: str) -> None:
        """Note a resource whose function is not declared in this template."""
        self.app.diagnostics.append(self.ctx.diagnostic(
            f"{logical}: the function of this {what} is not declared in this template",
            self.line(logical), "note", "unlinked"))

    def resolve(self, value: Any) -> Value:
        """Resolve intrinsic functions in a template value."""
        return resolve(value, self.scope)

    def resolved_props(self, logical: str) -> LDict:
        """A resource's Properties with intrinsics resolved (computed once)."""
        cached = self._resolved.get(logical)
        if cached is None:
            cached = mapping(self.resolve(self.raw_props(logical)))
            self._resolved[logical] = cached
        return cached

    def raw_resource(self, logical: str) -> LDict:
        """A resource as written (Type, Properties, Metadata, Condition, ...)."""
        found = self.raw.get(logical)
        return found if found is not None else LDict()

    def raw_props(self, logical: str) -> LDict:
        """A resource's Properties as written (Globals merged, intrinsics unresolved)."""
        found = self.props.get(logical)
        return found if found is not None else LDict()

    def type_of(self, logical: str) -> str | None:
        """The resource type of a logical id of this template (None if not declared)."""
        return self.scope.resources.get(logical)

    # ------------------------------------------------------------------ references

    def logicals_in(self, value: Value) -> Iterator[tuple[str, str | None]]:
        """The (logical id, attribute) pairs of this template a value refers to."""
        if isinstance(value, Ref):
            file, _, logical = value.target.rpartition("#")
            if file == self.ctx.file and logical in self.scope.resources:
                yield logical, value.attribute
        elif isinstance(value, str) and "${" in value:
            for match in _EMBEDDED_REF.finditer(value):
                if match.group(1) in self.scope.resources:
                    yield match.group(1), match.group(2)

    def target_of(self, value: Value, *types: str) -> str | None:
        """The qualified id of the first resource `value` refers to (of one of `types`)."""
        for logical, _attribute in self.logicals_in(value):
            if not types or self.type_of(logical) in types:
                return self.qualify(logical)
        return None

    def service_target(self, integration: Value) -> str | None:
        """The resource of this template an API Gateway service integration hands requests
        to: the first queue, stream, topic, table, bucket or state machine named in its URI
        or request parameters (its credentials role aside)."""
        pending: list[Any] = [integration]
        while pending:
            value = pending.pop(0)
            if isinstance(value, dict):
                pending.extend(v for k, v in value.items() if str(k).lower() != "credentials")
            elif isinstance(value, list):
                pending.extend(value)
            else:
                found = self.target_of(value, *SERVICE_TARGETS)
                if found is not None:
                    return found
        return None

    def function_for(self, value: Value) -> Function | None:
        """The function a value names: a Ref/GetAtt, an embedded `${Fn.Arn}`, an ARN or
        a function name declared in this App."""
        for logical, _attribute in self.logicals_in(value):
            function = self.app.functions.get(self.qualify(logical))
            if function is not None:
                return function
        if isinstance(value, str) and value:
            return self.app.function_named(value)
        return None

    def function_named_by(self, value: Value) -> str | None:
        """What a value names a function by, for a link resolved once every file is read
        (`Authorizer.function`): the id of the function resource of this template it
        refers to, read yet or not; else the value itself, an ARN or a name (None: not a
        string)."""
        found = self.target_of(value, *FUNCTION_TYPES)
        if found is not None:
            return found
        return value if isinstance(value, str) and value else None

    def api_for(self, value: Value) -> Api | None:
        """The API a value (RestApiId/ApiId, an execute-api ARN) refers to."""
        for logical, _attribute in self.logicals_in(value):
            api = self.app.apis.get(self.qualify(logical))
            if api is not None:
                return api
        return None

    # ------------------------------------------------------------------ model helpers

    def add_route(self, route: Route, function: Function | None,
                  properties: dict[str, Any] | None = None) -> None:
        """Add a route to the App, and an http/websocket trigger to its function."""
        self.app.routes.append(route)
        if function is None:
            return
        route.function = function.id
        kind: TriggerKind = "websocket" if route.api_kind == "websocket" else "http"
        function.triggers.append(Trigger(
            kind=kind, function=function.id, location=route.location, source=Ref(route.api),
            route=route, properties=dict(properties or {})))

    def read_local(self, path: Value, line: int | None) -> tuple[str, Document] | None:
        """Read a file the template names by a local path, confined to the scanned root.

        Returns (path relative to the root, document), or None with a warning.
        """
        if not isinstance(path, str) or not path or path.startswith("s3://"):
            return None
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), path))
        root = os.path.realpath(self.ctx.root)
        full = os.path.realpath(os.path.join(root, rel))
        if posixpath.isabs(path) or rel.startswith("../") or rel == ".." or not (
                full == root or full.startswith(root + os.sep)):
            self.warn(f"'{path}' is outside the scanned folder; not read", line)
            return None
        try:
            document = load_file(full, self.ctx.max_bytes)
        except InputError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            self.warn(f"'{path}' cannot be read{where}: {exc.reason}", line)
            return None
        return rel, document

    def local_dir(self, path: str, line: int | None) -> str | None:
        """A folder named relative to the template, as a path relative to the root."""
        rel = self._local_dirs.get(path)
        if rel is not None:  # functions of a template often share their code folder
            return rel
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), path))
        if posixpath.isabs(path) or rel == ".." or rel.startswith("../"):
            self.warn(f"code location '{path}' is outside the scanned folder", line)
            return None
        self._local_dirs[path] = rel
        return rel


# ---------------------------------------------------------------------- value helpers


def as_int(value: Value) -> int | None:
    """An integer setting (numbers written as strings too); None when not known."""
    if value is None:  # most optional settings are not set
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def int_or_unknown(value: Value) -> int | Unknown | None:
    """An integer setting a deployment may give (a log group's retention): `as_int`, or
    the Unknown a parameter or variable with no value leaves (it is set; its value is not
    known)."""
    return value if isinstance(value, Unknown) else as_int(value)


def as_float(value: Value) -> float | None:
    """A number setting; None when not known."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def as_bool(value: Value) -> bool | None:
    """A boolean setting (`true`, `"true"`); None when not known."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def mapping(value: Value) -> LDict:
    """The value when it is a mapping, else an empty one (for optional sub-settings)."""
    if value is None:  # an optional sub-setting not written
        return LDict()
    if isinstance(value, LDict):
        return value
    if isinstance(value, dict):
        return LDict(value)
    return LDict()


def undecided_authorizer(decided_by: Unknown,
                         options: Iterable[Authorizer | None]) -> Authorizer | None:
    """The authoriser of a route whose authoriser the deployment picks among `options`
    (None or kind none: no authentication), `decided_by` naming what decides it and the
    values as the template writes them: the first that authenticates, marked `undecided`
    when another leaves the route open; the unauthenticated one when none authenticates."""
    picks = list(options)
    protecting = [a for a in picks if a is not None and a.kind != "none"]
    if not protecting:
        return next((a for a in picks if a is not None), None)
    if len(protecting) == len(picks):
        return protecting[0]
    return replace(protecting[0], undecided=decided_by)


def labelled_choice(decided_by: Unknown, values: Iterable[Value],
                    label: Callable[[Value], str | None]) -> Unknown:
    """What decides a choice among `values` (`decided_by`, as `possible_values` reads
    it), its choices the values' labels as messages name them (`label`: None leaves a
    value out), each once; a label only values of the property's domain give stays
    `unlisted` (NONE from a parameter that lists nothing, not from a branch leaving the
    setting out)."""
    labels: list[str] = []
    listed: set[str] = set()
    unlisted: list[str] = []
    for value in values:
        name = label(value)
        if name is None:
            continue
        if name not in labels:
            labels.append(name)
        if value in decided_by.unlisted:
            unlisted.append(name)
        else:
            listed.add(name)
    return Unknown(decided_by.text, tuple(labels),
                   tuple(dict.fromkeys(n for n in unlisted if n not in listed)))


def items(value: Value) -> list[tuple[int | None, Any]]:
    """(line, item) for each item of a list (a single value is a one-item list)."""
    if isinstance(value, LList):
        return [(value.line_of(i), item) for i, item in enumerate(value)]
    if isinstance(value, list):
        return [(None, item) for item in value]
    if value is None:
        return []
    return [(getattr(value, "line", None), value)]


def strings(value: Value) -> tuple[str, ...]:
    """The string items of a list (or a single string)."""
    return tuple(item for _line, item in items(value) if isinstance(item, str))


def throttle(rate: Value, burst: Value) -> Throttle | None:
    """A Throttle from rate/burst settings; None when neither is set."""
    rate_f, burst_i = as_float(rate), as_int(burst)
    if rate_f is None and burst_i is None:
        return None
    return Throttle(rate_f, burst_i)


def method_settings_throttle(settings: Value) -> Throttle | None:
    """The stage-wide throttle of API Gateway MethodSettings (`/*` + `*`, else the first)."""
    entries = [entry for _line, entry in items(settings) if isinstance(entry, dict)]
    entries.sort(key=lambda e: (e.get("ResourcePath", "/*") != "/*",
                                e.get("HttpMethod", "*") != "*"))
    for entry in entries:
        found = throttle(entry.get("ThrottlingRateLimit"), entry.get("ThrottlingBurstLimit"))
        if found is not None:
            return found
    return None


def route_throttles(settings: Value) -> dict[tuple[str, str], Throttle]:
    """Per-route throttles of REST `MethodSettings` (ResourcePath `/~1a~1b` + HttpMethod)
    or of HTTP API `RouteSettings` (`{"GET /a/b": {...}}`); stage-wide entries left out."""
    found: dict[tuple[str, str], Throttle] = {}
    if isinstance(settings, dict):
        for key, entry in settings.items():
            method, _, path = ("ANY", "", "$default") if key == "$default" else \
                str(key).partition(" ")
            limits = throttle(mapping(entry).get("ThrottlingRateLimit"),
                              mapping(entry).get("ThrottlingBurstLimit"))
            if limits is not None and path:
                found[(method.upper(), path)] = limits
        return found
    for _line, entry in items(settings):
        if not isinstance(entry, dict):
            continue
        written = entry.get("ResourcePath", "/*")  # (any value: a Ref is left out)
        limits = throttle(entry.get("ThrottlingRateLimit"), entry.get("ThrottlingBurstLimit"))
        if isinstance(written, str) and written != "/*" and limits is not None:
            method = str(entry.get("HttpMethod", "*")).upper()
            decoded = written[1:].replace("~1", "/") if written.startswith("/") else written
            found[(method, decoded if decoded.startswith("/") else "/" + decoded)] = limits
    return found



#: The keys that give a schedule an input of its own: serverless.yml `input`, `inputPath`,
#: `inputTransformer`; SAM Schedule/ScheduleV2 `Input`; an AWS::Events::Rule target's
#: `Input`, `InputPath`, `InputTransformer` (Terraform's event target and scheduler
#: `input`, mapped to those).
_SCHEDULE_INPUTS = ("input", "inputPath", "inputTransformer", "Input", "InputPath",
                    "InputTransformer")


def with_schedule_input(properties: dict[str, Any]) -> dict[str, Any]:
    """A schedule trigger's properties, marked `model.SCHEDULE_INPUT` when they give the
    schedule an input of its own (changed in place; returned for the caller's call)."""
    if any(properties.get(key) is not None for key in _SCHEDULE_INPUTS):
        properties[SCHEDULE_INPUT] = True
    return properties
