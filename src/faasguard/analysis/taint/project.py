"""The taint analysis step: analyse every handler, then the code no handler reaches.

For each Python function of the App whose handler was resolved (analysis.handlers), the
handler's first parameter is the source. Then every other function of every Python file
under the root whose parameters are named like input (`event`, `payload`, `body`, ...)
is analysed with those parameters as sources, so shared libraries are not blind spots;
those flows are marked not reachable (the rules report them with low confidence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faasguard.analysis.endpoints import (
    api_exposure,
    domain_none,
    effective_authorizer,
    may_be_none,
    may_be_open,
    none_unlisted,
)
from faasguard.analysis.facts import Facts
from faasguard.analysis.taint.flows import Flow, new_flow
from faasguard.analysis.taint.frameworks import (
    View,
    adapter_views,
    app_entries,
    module_views,
    resolver_views,
)
from faasguard.analysis.taint.modules import (
    ClassInfo,
    FunctionNode,
    Module,
    ModuleCache,
    early_work,
    module_cache,
)
from faasguard.analysis.taint.sources import SourceInfo, describe_source, path_text
from faasguard.analysis.taint.table import CATEGORIES, TableError, TaintTable, build_table
from faasguard.collector import paused_then_frozen
from faasguard.findings import FlowStep
from faasguard.model import (
    App,
    Diagnostic,
    Function,
    Location,
    Route,
    Trigger,
    Unknown,
    logical_id,
)
from faasguard.workers import register_state

if TYPE_CHECKING:  # the engine is imported where code is analysed: a scan of templates
    # without Python code never imports it (tests/test_lazy_imports.py)
    from faasguard.analysis.taint.engine import Analyzer
    from faasguard.analysis.taint.state import Hit, Step

#: Trigger kinds that make an HTTP request the event.
HTTP_KINDS = {"http", "websocket", "alb"}
_RUN = "taint.run"  # Facts.memo key of the scan's _TaintRun (handlers analysed early)


def analyse_taint(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.flows` (function id -> flows) for every Python handler.

    Flows of code no handler reaches are stored under `code:<file>:<function>`. Handlers
    already analysed during handler resolution (`analyse_handler`) are not redone.
    """
    with paused_then_frozen():
        run = _TaintRun.of(app, facts)
        del facts.memo[_RUN]  # this step ends the run: a later call starts afresh
        done = early_work(facts, "taint").take(app)
        for function in app.functions.values():
            if function.id not in done:
                run.cache.release()  # between two handlers: no tree is in use
                run.handler(function)
        _analyse_unreached(app, facts, run)
        run.cache.before_drop.remove(run.remember_entries)


def analyse_handler(app: App, facts: Facts, function: Function) -> None:
    """The flows of one function's handler (a per-handler step of analysis.handlers)."""
    _TaintRun.of(app, facts).handler(function)


class _TaintRun:
    """The taint analysis of one scan: its table, what the handlers reached, the flows
    reported, and what files dropped from the module cache offer the unreached pass."""

    def __init__(self, app: App, facts: Facts):
        self.app = app
        self.facts = facts
        self.cache = module_cache(app, facts)
        self.table = _table(app, facts)
        self.describe = _Describer(self.table)
        self.visited: set[tuple[str, int]] = set()
        self.reported: set[tuple[str, str, int]] = set()
        #: file -> lines of the entries the unreached pass would analyse, for files whose
        #: tree was dropped (all of them reached by a handler: nothing to parse again)
        self.entry_lines: dict[str, tuple[int, ...]] = {}
        self.unreached_done: set[str] = set()  # files the unreached pass is through with
        self.cache.before_drop.append(self.remember_entries)
        self._analyzer: type[Analyzer] | None = None  # the engine's, once code is analysed

    @classmethod
    def of(cls, app: App, facts: Facts) -> _TaintRun:
        """The scan's run (created on first use)."""
        run = facts.memo.get(_RUN)
        if not isinstance(run, _TaintRun) or run.app is not app \
                or run.cache is not module_cache(app, facts):
            run = facts.memo[_RUN] = cls(app, facts)
        return run

    def handler(self, function: Function) -> None:
        """Analyse a function's handler (or the views of the app object it names), with
        the layers it uses."""
        with self.cache.for_function(function):
            entry = _entry(function, self.cache)
            if entry is None:
                for view in app_entries(function, self.app, self.cache):  # Chalice/Flask
                    _analyse_entry(self, function, view.module, view.node, list(view.params),
                                   view)
                return
            module, node = entry
            positional = node.args.posonlyargs or node.args.args
            if positional:  # the event: the first positional parameter
                _analyse_entry(self, function, module, node, [positional[0].arg], None)
            for view in resolver_views(module, self.cache, function.code_dir or "", node):
                _analyse_entry(self, function, view.module, view.node, [], view)  # resolve
            for view in adapter_views(function, module, node, self.cache):  # handle_request
                _analyse_entry(self, function, view.module, view.node, list(view.params),
                               view)

    def analyzer(self, base: str | None = None) -> Analyzer:
        """A new analyser of one entry point, sharing the run's table, cache and reached
        functions. The engine is imported on first use (a scan of templates without
        Python code never imports it), once per run: an import statement run again costs
        as much as a small function's analysis step (a module look-up and the failing
        search for a non-package module's `__path__`)."""
        make = self._analyzer
        if make is None:
            from faasguard.analysis.taint.engine import Analyzer

            make = self._analyzer = Analyzer
        return make(self.table, self.cache, self.visited, base)

    def remember_entries(self, module: Module) -> bool:
        """(before_drop) Note the lines of what the unreached pass would analyse in a
        module, and ask to keep its tree while one of them is not reached yet."""
        rel = module.file
        if rel in self.unreached_done:
            return False
        lines = [view.node.lineno for view in module_views(module, self.cache)]
        for node, _, _ in _input_entries(module, self.table.source_params):
            lines.append(node.lineno)
        self.entry_lines[rel] = entries = tuple(lines)
        return not _all_visited(rel, entries, self.visited)

    def shard_state(self) -> tuple[set[tuple[str, int]], set[tuple[str, str, int]],
                                   dict[str, tuple[int, ...]], set[str]]:
        """What a forked worker's run found (faasguard.workers): the functions reached, the
        flows reported, the entries of the trees it dropped."""
        return self.visited, self.reported, self.entry_lines, self.unreached_done

    def merge_shard(self, state: tuple[set[tuple[str, int]], set[tuple[str, str, int]],
                                       dict[str, tuple[int, ...]], set[str]]) -> None:
        """Add what a forked worker's run found (`shard_state`)."""
        visited, reported, entry_lines, unreached_done = state
        self.visited |= visited  # in place: the analysers share the set
        self.reported |= reported
        for rel, lines in entry_lines.items():
            self.entry_lines.setdefault(rel, lines)
        self.unreached_done |= unreached_done


register_state(_RUN, _TaintRun.shard_state,
               lambda app, facts, state: _TaintRun.of(app, facts).merge_shard(state))


def _analyse_entry(run: _TaintRun, function: Function, module: Module, node: FunctionNode,
                   params: list[str], view: View | None) -> None:
    """Analyse one entry point of a function and store its flows under the function."""
    analyzer = run.analyzer(function.code_dir or "")
    labels = view.labels if view is not None else None
    _run(run.app, analyzer, module, node, [*params, *(labels or ())],
         view.owner if view is not None else None, labels,
         view.objects if view is not None else None)
    flows = [_flow(hit, run.describe, run.app, function, f"{module.file}:{node.name}", view)
             for hit in _unique(analyzer.hits)]
    run.reported.update((f.category, f.location.file, f.location.line) for f in flows)
    run.facts.flows.setdefault(function.id, []).extend(flows)


def _run(app: App, analyzer: Analyzer, module: Module, node: FunctionNode, params: list[str],
         owner: ClassInfo | None, labels: dict[str, str] | None = None,
         objects: dict[str, str] | None = None) -> None:
    """Analyse one entry; code nested too deeply for the analyser is a warning, not a crash."""
    try:
        analyzer.analyse(module, node, params, owner, labels, objects)
    except RecursionError:
        analyzer.hits.clear()
        app.diagnostics.append(Diagnostic(
            module.file, f"{node.name}() is nested too deeply for the taint analysis; its "
            "flows were not analysed", node.lineno, "warning", "taint"))


def _table(app: App, facts: Facts) -> TaintTable:
    try:
        return build_table(facts.options.extra.get("taint") or None)
    except (TableError, TypeError, ValueError) as exc:
        app.diagnostics.append(Diagnostic("", f"taint configuration ignored: {exc}",
                                          level="error", code="config"))
        return build_table()


def _entry(function: Function, cache: ModuleCache) -> tuple[Module, FunctionNode] | None:
    if not function.source_file or not function.handler_name \
            or not function.source_file.endswith(".py"):  # Node.js: analysis.js
        return None
    module = cache.try_get(function.source_file)
    if module is None:
        return None
    node = module.functions.get(function.handler_name)
    return (module, node) if node is not None else None


def _unique(hits: list[Hit]) -> list[Hit]:
    """The hits, each once; of the hits of one source at one sink whose access paths are
    one the other read further (`headers.authorization` and, after a `split`, its
    `headers.authorization.*`), the shortest only: one piece of the event, one flow."""
    seen: set[tuple[str, str, int, tuple[str, ...], str]] = set()
    out = []
    sinks: set[tuple[str, str, int, str]] = set()
    shared = False
    for hit in hits:
        key = (hit.category, hit.file, hit.line, hit.taint.path, hit.taint.origin)
        if key not in seen:
            seen.add(key)
            out.append(hit)
            sink = (hit.category, hit.file, hit.line, hit.taint.origin)
            shared = shared or sink in sinks
            sinks.add(sink)
    return _shortest_paths(out) if shared else out


def _shortest_paths(hits: list[Hit]) -> list[Hit]:
    groups: dict[tuple[str, str, int, str], list[tuple[int, int, tuple[str, ...], int]]] = {}
    for index, hit in enumerate(hits):
        path = hit.taint.path
        core = tuple([part for part in path if part != "*"]) if "*" in path else path
        groups.setdefault((hit.category, hit.file, hit.line, hit.taint.origin),
                          []).append((len(core), len(path), core, index))
    dropped: set[int] = set()
    for group in groups.values():
        kept: list[tuple[str, ...]] = []
        for _, _, core, index in sorted(group):
            for shorter in kept:
                if core[:len(shorter)] == shorter:
                    dropped.add(index)
                    break
            else:
                kept.append(core)
    return [hit for index, hit in enumerate(hits) if index not in dropped]


#: FlowStep (a frozen, slotted dataclass) made by setting its slots: the steps of a flow
#: are new in each handler, and a frozen `__init__` sets each field through
#: `object.__setattr__` (tests/test_taint_fastpaths.py pins them to the class). The
#: class's own `__new__`: object's in the pure build, the native one compiled (mypyc's
#: classes refuse object.__new__). Location is made by its `__init__` (model.FIELD_INITS:
#: native in the compiled build, whose `__new__` calls it)
_new_step = FlowStep.__new__
_set_step_location = vars(FlowStep)["location"].__set__
_set_step_message = vars(FlowStep)["message"].__set__


class _Describer:
    """describe_source and path_text, remembered per (origin, path, trigger kinds)."""

    def __init__(self, table: TaintTable):
        self.table = table
        self.known: dict[tuple[str, tuple[str, ...], frozenset[str], bool, bool],
                         tuple[SourceInfo, str]] = {}
        self.locations: dict[tuple[str, int], Location] = {}
        self.steps: dict[tuple[str, int, str], FlowStep] = {}
        self.trigger_kinds: dict[str, frozenset[str]] = {}
        self.exposures: dict[tuple[str, frozenset[str], str | None],
                             tuple[tuple[tuple[Location, str], ...], bool]] = {}

    def kinds(self, function: Function | None) -> frozenset[str]:
        """The trigger kinds of a function (a function URL counts as "url")."""
        if function is None:
            return frozenset()
        found = self.trigger_kinds.get(function.id)
        if found is None:
            kinds: set[str] = {t.kind for t in function.triggers}
            kinds |= {"chalice:" + t.kind for t in function.triggers
                      if function.format == "chalice" and "decorator" in t.properties}
            if function.url is not None:
                kinds.add("url")
            found = self.trigger_kinds[function.id] = frozenset(kinds)
        return found

    def exposure(self, app: App, function: Function | None, related_kinds: frozenset[str],
                 view: str | None = None) -> tuple[tuple[tuple[Location, str], ...], bool]:
        """`_exposure`, once per function, set of trigger kinds and route view."""
        if function is None:
            return (), False
        key = (function.id, related_kinds, view)
        found = self.exposures.get(key)
        if found is None:
            found = self.exposures[key] = _exposure(app, function, related_kinds, view)
        return found

    def step(self, file: str, line: int, message: str) -> FlowStep:
        """One shared FlowStep per place and message (flows of a handler share steps)."""
        key = (file, line, message)
        found = self.steps.get(key)
        if found is None:
            found = self.steps[key] = _new_step(FlowStep)  # FlowStep(location, message)
            _set_step_location(found, self.location(file, line))
            _set_step_message(found, message)
        return found

    def chain(self, source: str, file: str, line: int, steps: tuple[Step, ...],
              sink: Step) -> tuple[FlowStep, ...]:
        """A flow's steps: `source` at (file, line), then each engine step (file, line,
        message) that is not before the source in its file, then the `sink` step; each
        shared (`step`: an engine step is its own key)."""
        known = self.steps
        out = [self.step(file, line, source)]
        for key in steps:
            if key[1] >= line or key[0] != file:
                found = known.get(key)
                if found is None:  # `step`, inlined: the key is the engine's step itself
                    found = known[key] = _new_step(FlowStep)
                    _set_step_location(found, self.location(key[0], key[1]))
                    _set_step_message(found, key[2])
                out.append(found)
        out.append(self.step(*sink))
        return tuple(out)

    def location(self, file: str, line: int) -> Location:
        """One shared Location per file and line."""
        key = (file, line)
        found = self.locations.get(key)
        if found is None:
            found = self.locations[key] = Location(file, line)
        return found

    def __call__(self, origin: str, path: tuple[str, ...], kinds: frozenset[str],
                 from_event: bool, reachable: bool) -> tuple[SourceInfo, str]:
        key = (origin, path, kinds, from_event, reachable)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = (
                describe_source(self.table, origin, path, kinds, from_event, reachable),
                path_text(origin, path))
        return found


def _flow(hit: Hit, describe: _Describer, app: App, function: Function | None,
          entry: str, view: View | None = None) -> Flow:
    """A hit as a Flow; `view` the app entry point it was found from (its trigger kinds
    and route view decide which triggers the flow is exposed through)."""
    taint = hit.taint
    from_event = not taint.steps or "(declared source)" not in taint.steps[0][2]
    kinds = describe.kinds(function) if view is None else view.kinds
    info, source_path = describe(taint.origin, taint.path, kinds, from_event,
                                 function is not None)
    if view is not None and not from_event \
            and taint.origin in view.labels:  # a parameter of the view (`body.name`: a field)
        info = SourceInfo(view.labels[taint.origin], True, None)
    related_kinds = info.shape.triggers if info.shape is not None else kinds
    related, public = describe.exposure(app, function, related_kinds,
                                        view.view if view is not None else None)
    steps = _steps(hit, info.label, source_path, describe)
    return new_flow(  # Flow(...), its fields in order
        hit.category, CATEGORIES[hit.category], hit.sink, describe.location(hit.file, hit.line),
        info.label, source_path, steps, function.id if function is not None else None,
        hit.function, entry, function is not None, info.attacker_controlled, public, related)


def _exposure(app: App, function: Function | None, related_kinds: frozenset[str],
              view: str | None = None) -> tuple[tuple[tuple[Location, str], ...], bool]:
    """The triggers of `function` a flow's source belongs to, and whether one is public.

    With a route `view`, only the HTTP triggers of that view (Chalice names the view of
    each route; a Zappa catch-all names none and serves every view); every HTTP trigger
    when none names it (a blueprint the loader did not read as registered).
    """
    if function is None:
        return (), False
    related: list[tuple[Location, str]] = []
    public = False
    if view is not None and all(t.properties.get("view") != view for t in function.triggers):
        view = None
    for trigger in function.triggers:
        if trigger.kind not in related_kinds and "chalice:" + trigger.kind not in related_kinds:
            continue
        if view is not None and trigger.properties.get("view") not in (None, view):
            continue
        text, open_route = _describe_trigger(trigger, app)
        related.append((trigger.location, text))
        public = public or open_route
    if function.url is not None and "url" in related_kinds:
        auth_type = function.url.auth_type
        # an AuthType the deployment picks, NONE among its values, is NONE there (unless
        # only the property's domain offers NONE: the template writes AWS_IAM alone)
        undecided = isinstance(auth_type, Unknown) and may_be_none(auth_type)
        unlisted = undecided and none_unlisted(auth_type)
        related.append((function.url.location, "function URL (AuthType " + (
            f"{'/'.join(str(c) for c in auth_type.choices if c not in auth_type.unlisted)}; "
            "NONE only if a deployment passes it)" if unlisted else
            f"{' or '.join(map(str, auth_type.choices))}: the deployment's choice)"
            if isinstance(auth_type, Unknown) and undecided else f"{auth_type})")))
        public = public or auth_type == "NONE" or (undecided and not unlisted)
    return tuple(related), public


def _steps(hit: Hit, label: str, path: str, describe: _Describer) -> tuple[FlowStep, ...]:
    """Source (where the value was read out of the event), what happened, the sink."""
    taint = hit.taint
    steps = taint.steps
    file, line = taint.read_at or (steps[0][:2] if steps else (hit.file, hit.line))
    return describe.chain(f"source: {label} ({path})", file, line, steps[1:],
                          (hit.file, hit.line, f"reaches {hit.sink} ({hit.category})"))


def _describe_trigger(trigger: Trigger, app: App) -> tuple[str, bool]:
    """A trigger in words, and whether anyone on the internet can fire it unauthenticated.

    The authoriser is the one a request meets (the route's own, else the API's default,
    as the auth rules see it); a private REST API is not public.
    """
    if trigger.kind in HTTP_KINDS:
        route = trigger.route or _route_of(trigger, app)
        if route is None:
            return f"{trigger.kind} trigger", trigger.kind == "alb"
        authorizer = effective_authorizer(app, route)
        internet = api_exposure(app.apis.get(route.api)) == "internet"
        # an authoriser the deployment may leave out (NONE among its values) is none there,
        # unless only the setting's domain offers NONE (`domain_none`)
        undecided = may_be_open(authorizer)
        if undecided and authorizer is not None and domain_none(authorizer) is not None:
            return f"{route.method} {route.path} (authoriser: {authorizer.kind}; none only " \
                "if a deployment passes NONE)", False
        auth = "no authoriser" if authorizer is None else \
            f"authoriser: {authorizer.kind}, or none on some deployments" if undecided else \
            f"authoriser: {authorizer.kind}"
        return f"{route.method} {route.path} ({auth})", \
            (authorizer is None or undecided) and internet
    source = trigger.source
    name = getattr(source, "target", source)
    what = f" from {logical_id(name)}" if isinstance(name, str) and name else ""
    return f"{trigger.kind} trigger{what}", False


def _route_of(trigger: Trigger, app: App) -> Route | None:
    for route in app.routes:
        if route.function == trigger.function and route.location == trigger.location:
            return route
    return next((r for r in app.routes if r.function == trigger.function), None)


def _python_files(app: App, facts: Facts, table: TaintTable) -> list[str]:
    listed = [s.path for s in app.files if s.format == "python"]
    if not listed:
        from faasguard.scan import python_sources

        listed = python_sources(app.root, [*facts.options.excludes, *table.excludes])
    elif table.excludes:
        import fnmatch

        listed = [p for p in listed if not any(fnmatch.fnmatch(p, g) for g in table.excludes)]
    return listed


def _input_entries(module: Module, names: set[str]
                   ) -> list[tuple[FunctionNode, ClassInfo | None, list[str]]]:
    """The functions and methods of a module with parameters named like input (those
    parameters listed), for the unreached pass."""
    found = []
    groups: list[tuple[ClassInfo | None, dict[str, FunctionNode]]] = [(None, module.functions)]
    for cls in module.classes.values():
        groups.append((cls, cls.methods))
    for owner, functions in groups:  # (no list of candidates: once per tree dropped)
        for node in functions.values():
            args = node.args
            params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
                      if a.arg in names]
            if params:
                found.append((node, owner, params))
    return found


def _analyse_unreached(app: App, facts: Facts, run: _TaintRun) -> None:
    """Functions no handler reached, whose parameters look like input, analysed too."""
    names = run.table.source_params
    cache, visited = run.cache, run.visited
    for rel in _python_files(app, facts, run.table):
        lines = run.entry_lines.get(rel)
        if lines is not None and cache.parsed(rel) is None and _all_visited(rel, lines, visited):
            run.unreached_done.add(rel)  # dropped, and everything in it was reached: no
            cache.done_with(rel)  # need to parse it again (nor to release trees: none was
            continue  # parsed, no analysis left garbage since the last release)
        cache.release()  # between two files analysed: what the last one parsed may go
        run.unreached_done.add(rel)
        cache.done_with(rel)  # dropped at the next release
        module = cache.try_get(rel)
        if module is None:
            continue
        for view in module_views(module, cache):  # route views of apps no function serves
            if (rel, view.node.lineno) not in visited:
                analyzer = run.analyzer()
                _run(app, analyzer, module, view.node, list(view.labels), None, view.labels,
                     view.objects)
                _store_unreached(run, analyzer, rel, view.node.name, view)
        for node, owner, params in _input_entries(module, names):
            if (rel, node.lineno) in visited:
                continue
            analyzer = run.analyzer()
            _run(app, analyzer, module, node, params, owner)
            qual = f"{owner.name}.{node.name}" if owner else node.name
            _store_unreached(run, analyzer, rel, qual)


def _all_visited(rel: str, lines: tuple[int, ...], visited: set[tuple[str, int]]) -> bool:
    """Were all these entries of the file `rel` analysed already? (a loop, not all() of a
    generator: once per file)"""
    for line in lines:
        if (rel, line) not in visited:
            return False
    return True


def _store_unreached(run: _TaintRun, analyzer: Analyzer, rel: str, qual: str,
                     view: View | None = None) -> None:
    """The flows of one unreached entry not already reported, under `code:<file>:<qual>`."""
    flows = []
    for hit in _unique(analyzer.hits):
        if (hit.category, hit.file, hit.line) in run.reported:
            continue
        run.reported.add((hit.category, hit.file, hit.line))
        flows.append(_flow(hit, run.describe, run.app, None, f"{rel}:{qual}", view))
    if flows:
        run.facts.flows.setdefault(f"code:{rel}:{qual}", []).extend(flows)
