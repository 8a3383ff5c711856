"""The Node.js analysis step: taint flows, AWS SDK calls and JWT handling per handler.

For every function on a `nodejs*` runtime whose handler was resolved (analysis.handlers,
which defers to analysis.js.handlers), the exported handler's first parameter is the
source. Flows land in `facts.flows[function.id]` as the Python analysis's `Flow`s (same
rule ids, same source naming from the shared event shapes, same severity by trigger
exposure); AWS SDK v2/v3 calls in `facts.aws_calls[function.id]`; decoded-but-unverified
tokens in `facts.jwt_decodes`.
"""

from __future__ import annotations

from faasguard.analysis.awscalls import resolved_calls
from faasguard.analysis.facts import Facts
from faasguard.analysis.js.awssdk import calls_in_modules
from faasguard.analysis.js.demand import clear_of_other_words
from faasguard.analysis.js.demand import may_report as source_may_report
from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.handlers import exported_function, is_express_handler
from faasguard.analysis.js.jwt import js_decodes
from faasguard.analysis.js.parse import (
    JsModuleCache,
    file_summaries,
    js_module_cache,
    line,
)
from faasguard.analysis.js.spots import local_specifiers
from faasguard.analysis.js.table import js_table
from faasguard.analysis.js.values import FN
from faasguard.analysis.jwt_python import python_decodes
from faasguard.analysis.nodejs import EXTENSIONS, is_node
from faasguard.analysis.taint.flows import Flow
from faasguard.analysis.taint.project import _Describer, _flow, _unique
from faasguard.analysis.taint.table import build_table
from faasguard.collector import paused_then_frozen
from faasguard.model import App, Diagnostic, Function, logical_id


def analyse_js(app: App, facts: Facts) -> None:
    """Analysis step: flows, AWS calls and token decoding of every Node.js handler;
    token decoding of the Python sources too (rules/jwt.py reads `facts.jwt_decodes`)."""
    cache = js_module_cache(app.root, facts)
    describe = _Describer(build_table())
    visited: set[tuple[str, int]] = set()
    reported: set[tuple[str, str, int]] = set()
    with paused_then_frozen():
        for function in app.functions.values():
            if is_node(function) and function.source_file and function.handler_name:
                _analyse_function(app, facts, cache, describe, function, visited)
        for flows in facts.flows.values():
            reported.update((f.category, f.location.file, f.location.line) for f in flows
                            if f.location.file.endswith(EXTENSIONS))
        _analyse_unreached(app, facts, cache, describe, visited, reported)
        facts.jwt_decodes.extend(python_decodes(app, facts))


def _analyse_unreached(app: App, facts: Facts, cache: JsModuleCache, describe: _Describer,
                       visited: set[tuple[str, int]],
                       reported: set[tuple[str, str, int]]) -> None:
    """Top-level functions no handler reached, whose first parameter is named like input
    (`event`, `body`, `req`...), analysed too: flows under `code:<file>:<name>`, not
    reachable (the injection rules report them with low confidence)."""
    names = describe.table.source_params
    for source in app.files:
        if source.format not in ("javascript", "typescript"):
            continue
        module = cache.try_get(source.path)
        if module is None or not may_report(cache, module_graph(cache, source.path)):
            continue
        analyzer = JsAnalyzer(js_table(), cache)
        try:
            analyzer.module_exports(module)
        except RecursionError:
            continue
        for name, val in [*module.env.items(), *module.exports.items()]:
            if val.kind is None or not val.kind.startswith(FN):
                continue  # (what func_ref tells apart, without the call)
            ref = analyzer.func_ref(val)
            if ref is None or ref.module is not module or \
                    (module.file, line(ref.node)) in visited:
                continue
            params = analyzer.params(ref.node, module.fid)
            first = analyzer.pattern_names(params[0], module.source) if params else []
            if not first or first[0] not in names or params[0].type != "identifier":
                continue
            entry = JsAnalyzer(js_table(), cache)
            try:
                entry.analyse(module, ref.node, name, prune_tail=True)
            except RecursionError:
                continue
            visited.update(entry.visited)
            flows = []
            for hit in _unique(entry.hits):
                if (hit.category, hit.file, hit.line) not in reported:
                    reported.add((hit.category, hit.file, hit.line))
                    flows.append(_flow(hit, describe, app, None, f"{module.file}:{name}"))
            if flows:
                facts.flows.setdefault(f"code:{module.file}:{name}", []).extend(flows)


def may_report(cache: JsModuleCache, files: list[str]) -> bool:
    """Can the taint engine report a flow in these files (a handler's module graph)?
    False when none holds a sink's name or a reported key: no analysis needed, its flows
    are empty (worked out once per file; a file holding one of `holds_other_words`'
    words may report, and is not searched for them a second time)."""
    return any(known for _, known in file_summaries(
        cache, files, "may-report",
        lambda module: not clear_of_other_words(module) or
        source_may_report(module.source, file_clear=True)))


def handler_flows(app: App, cache: JsModuleCache, function: Function,
                  describe: _Describer | None = None,
                  visited: set[tuple[str, int]] | None = None
                  ) -> tuple[list[Flow], set[str]] | None:
    """The taint flows of one Node.js handler and the files its analysis reached (the
    functions it analysed are added to `visited`)."""
    file, name = function.source_file, function.handler_name
    if not file or not name:
        return None
    ref = exported_function(cache, file, name)
    analyzer = JsAnalyzer(js_table(), cache)
    if ref is None and not is_express_handler(cache, file, name):
        return None
    if not may_report(cache, module_graph(cache, file)):
        return [], {file}
    describe = describe or _Describer(build_table())
    if ref is not None:
        analyzer.analyse(ref.module, ref.node, name, prune_tail=True)
    else:
        for graph_file in module_graph(cache, file):
            for label, route in list(cache.routes.get(graph_file, ())):
                analyzer.analyse(route.module, route.node, f"route {label}", request=True)
    if visited is not None:
        visited.update(analyzer.visited)
    flows = [_flow(hit, describe, app, function, f"{file}:{name}")
             for hit in _unique(analyzer.hits)]
    return flows, {f for f, _ in analyzer.visited} | {file}


def _analyse_function(app: App, facts: Facts, cache: JsModuleCache, describe: _Describer,
                      function: Function, visited: set[tuple[str, int]]) -> None:
    try:
        found = handler_flows(app, cache, function, describe, visited)
    except RecursionError:
        app.diagnostics.append(Diagnostic(
            function.source_file or "", f"function '{logical_id(function.id)}': code nested "
            "too deeply for the analysis; its flows were not analysed", None, "warning", "taint"))
        return
    if found is None:
        return
    flows, _ = found
    facts.flows.setdefault(function.id, []).extend(flows)
    files = module_graph(cache, function.source_file or "")
    _aws_calls(app, facts, cache, function, files)
    facts.jwt_decodes.extend(js_decodes(cache, files, function.id))


def analyse_js_aws_calls(app: App, facts: Facts) -> None:
    """Only the AWS SDK calls of the Node.js handlers (for `faasguard policy`)."""
    cache = js_module_cache(app.root, facts)
    for function in app.functions.values():
        if is_node(function) and function.source_file and function.handler_name and \
                cache.try_get(function.source_file) is not None:
            _aws_calls(app, facts, cache, function, module_graph(cache, function.source_file))


def _aws_calls(app: App, facts: Facts, cache: JsModuleCache, function: Function,
               files: list[str]) -> None:
    facts.aws_calls[function.id] = resolved_calls(calls_in_modules(cache, files), function, app)


def module_graph(cache: JsModuleCache, file: str) -> list[str]:
    """The handler's file and every project file it requires/imports, transitively
    (worked out once per file)."""
    known = cache.graphs.get(file)
    if known is None:
        known = cache.graphs[file] = tuple(_module_graph(cache, file))
    return list(known)


def _module_graph(cache: JsModuleCache, file: str) -> list[str]:
    seen = [file]
    index = 0
    while index < len(seen):
        module = cache.try_get(seen[index])
        index += 1
        if module is None:
            continue
        specs = local_specifiers(module)
        for spec in specs:
            target = cache.resolve_local(module.file, spec)
            if target is not None and target not in seen:
                seen.append(target)
    return seen
