"""The AWS API calls each Python handler can make, with the IAM actions and resources.

Analysis step (after handler resolution): for every Python function whose handler was
resolved, `facts.aws_calls[function.id]` lists the `AwsCall`s reachable from the handler
(its module's top level included: clients made at import time run at cold start). The
resources each call names are resolved for that function: environment variables through
`Function.environment` (a `Ref` to a resource, or a name matched to the resources the app
declares), literals matched the same way, S3 bucket names read from an S3 event to the
bucket of the function's S3 trigger. What cannot be known stays an explicit `Unknown`.

Also usable on its own: `calls_in_handler(cache, file, handler)`.
"""

from __future__ import annotations

from faasguard.analysis.aws_values import AwsCall, Name, Target
from faasguard.analysis.facts import Facts
from faasguard.analysis.taint.frameworks import app_entries
from faasguard.analysis.taint.modules import ModuleCache, early_work, module_cache
from faasguard.collector import paused_then_frozen
from faasguard.model import App, Diagnostic, Function, Ref, Unknown, Value, logical_id

__all__ = ["AwsCall", "Name", "Target", "analyse_aws_calls", "analyse_handler_calls",
           "calls_in_handler", "resolve_target", "resolved_calls"]

_NAMES = "awscalls.names"  # Facts.memo key of the NameIndex the calls of a step share
#: DataResource kinds per target kind (a function target is looked up in App.functions).
_RESOURCE_KINDS = {"bucket": "bucket", "table": "table", "queue": "queue", "topic": "topic",
                   "secret": "secret", "stream": "stream", "state-machine": "state-machine",
                   "parameter": "parameter", "kms-key": "kms-key"}


def calls_in_handler(cache: ModuleCache, file: str, handler: str,
                     base: str = "") -> list[AwsCall] | None:
    """The AWS calls of one handler (`handler` a top-level function of `file`); None when
    the file does not parse or defines no such function."""
    module = cache.try_get(file)
    if module is None or handler not in module.functions:
        return None
    from faasguard.analysis.aws_interp import Interpreter  # its engine, on first need

    return Interpreter(cache, base).run_handler(module, module.functions[handler])


def analyse_aws_calls(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.aws_calls` for every Python function with a resolved
    handler (an empty list: analysed, no AWS call). A handler that is not a plain function
    (`handler = Mangum(app)`) or code nested too deeply is a diagnostic, never a silence.
    Functions analysed during handler resolution (`analyse_handler_calls`) are not redone."""
    cache = module_cache(app.root, facts)
    done = early_work(facts, "awscalls").take(app)
    facts.memo.pop(_NAMES, None)  # indexed afresh from the app as it is now
    with paused_then_frozen():
        for function in app.functions.values():
            if function.id in done or not function.source_file or not function.handler_name:
                continue
            cache.release()  # between two handlers: no tree is in use
            analyse_handler_calls(app, facts, function)
    facts.memo.pop(_NAMES, None)


def analyse_handler_calls(app: App, facts: Facts, function: Function) -> None:
    """The AWS calls of one function into `facts.aws_calls` (also a per-handler step of
    analysis.handlers, run while the handler's module is parsed)."""
    if not function.source_file or not function.handler_name:
        return
    cache = module_cache(app.root, facts)
    names = facts.memo.get(_NAMES)
    if not isinstance(names, NameIndex):
        names = facts.memo[_NAMES] = NameIndex(app)
    try:
        calls = calls_in_handler(cache, function.source_file, function.handler_name,
                                 function.code_dir or "")
    except RecursionError:
        app.diagnostics.append(Diagnostic(
            function.source_file, f"function '{logical_id(function.id)}': code nested too "
            "deeply to find its AWS calls", None, "warning", "awscalls"))
        return
    if calls is None:
        calls = _app_calls(function, app, cache)
    if calls is None:
        if cache.try_get(function.source_file) is not None:  # parses: not a def
            app.diagnostics.append(Diagnostic(
                function.source_file, f"function '{logical_id(function.id)}': handler "
                f"'{function.handler_name}' is not a plain function; its AWS calls "
                "were not analysed (least-privilege rules skip it)", None, "note",
                "awscalls"))
        return
    facts.aws_calls[function.id] = resolved_calls(calls, function, app, names)


def resolved_calls(calls: list[AwsCall], function: Function, app: App,
                   names: NameIndex | None = None) -> list[AwsCall]:
    """These calls with each target resolved for this function (`resolve_target`); the
    Node.js analysis resolves its calls with it too."""
    return [c.with_targets(tuple([Target(t.kind, t.name, t.key,
                                         resolve_target(t, function, app, names))
                                  for t in c.targets]))
            for c in calls]


def _app_calls(function: Function, app: App, cache: ModuleCache) -> list[AwsCall] | None:
    """The AWS calls of the views of a Chalice/Flask app object a handler names (its
    route views and Zappa event functions are its entry points); None when there are none."""
    views = app_entries(function, app, cache)
    if not views:
        return None
    from faasguard.analysis.aws_interp import Interpreter  # its engine, on first need

    out: list[AwsCall] = []
    for view in views:
        for call in Interpreter(cache, function.code_dir or "").run_handler(view.module,
                                                                           view.node):
            if call not in out:
                out.append(call)
    return out


class NameIndex:
    """The App's functions and resources by name (and kind), in the App's order, so that
    matching a literal is a look-up rather than a pass over every resource."""

    def __init__(self, app: App):
        self.functions: dict[str, tuple[int, str]] = {}
        self.resources: dict[tuple[str | None, str], tuple[int, str]] = {}
        for position, function in enumerate(app.functions.values()):
            if isinstance(function.name, str):
                self.functions.setdefault(function.name, (position, function.id))
        for position, resource in enumerate(app.resources.values()):
            if isinstance(resource.name, str):
                self.resources.setdefault((resource.kind, resource.name),
                                          (position, resource.id))

    def match(self, kind: str, literal: str, tail: str) -> Ref | None:
        """The first function or resource (in App order) named `literal` or `tail`."""
        if kind == "function":
            found = [self.functions.get(literal), self.functions.get(tail)]
        else:
            wanted = _RESOURCE_KINDS.get(kind)
            found = [self.resources.get((wanted, literal)), self.resources.get((wanted, tail))]
        hits = [hit for hit in found if hit is not None]
        return Ref(min(hits)[1]) if hits else None


def resolve_target(target: Target, function: Function, app: App,
                   names: NameIndex | None = None) -> Value:
    """What a target names for this function: a Ref to an App resource, a literal name or
    ARN, or an Unknown placeholder. `names`: an index of `app` (faster for many targets)."""
    name = target.name
    literal = name.literal
    if name.env is not None:
        var = function.environment.get(name.env)
        if var is None:
            return Unknown(f"environment variable {name.env} (not set on the function)")
        if isinstance(var.value, Ref):
            return Ref(var.value.target)
        if not isinstance(var.value, str):
            return Unknown(f"environment variable {name.env}")
        literal = var.value
    if literal is not None:
        return _match_resource(target.kind, literal, app, names) or literal
    if name.event is not None:
        return _from_event(target.kind, name.event, function) or \
            Unknown(f"{target.kind} named by the event ({name.event})")
    return Unknown(f"{target.kind} named by `{name.text}`")


def _match_resource(kind: str, literal: str, app: App,
                    names: NameIndex | None = None) -> Ref | None:
    """The App resource a literal names (by its name, or the end of a URL/ARN)."""
    tail = literal.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    if names is not None:
        return names.match(kind, literal, tail)
    if kind == "function":
        for function in app.functions.values():
            if function.name in (literal, tail):
                return Ref(function.id)
        return None
    wanted = _RESOURCE_KINDS.get(kind)
    for resource in app.resources.values():
        if resource.kind == wanted and resource.name is not None and \
                resource.name in (literal, tail):
            return Ref(resource.id)
    return None


def _from_event(kind: str, path: str, function: Function) -> Value:
    """A bucket named by an S3 event is the bucket of the function's S3 trigger."""
    if kind == "bucket" and "bucket" in path.split("."):
        sources = {str(t.source): t.source for t in function.triggers
                   if t.kind == "s3" and t.source is not None}
        if len(sources) == 1:
            return next(iter(sources.values()))
    return None
