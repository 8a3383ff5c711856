"""The Node.js analysis step: taint flows, AWS SDK calls and JWT handling per handler.

For every function on a `nodejs*` runtime whose handler was resolved (analysis.handlers,
which defers to analysis.js.handlers), the exported handler's first parameter is the
source. Flows land in `facts.flows[function.id]` as the Python analysis's `Flow`s (same
rule ids, same source naming from the shared event shapes, same severity by trigger
exposure); AWS SDK v2/v3 calls in `facts.aws_calls[function.id]`; decoded-but-unverified
tokens in `facts.jwt_decodes`.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from faasguard.analysis.aws_values import AwsCall
from faasguard.analysis.awscalls import UNSEEN, note_unseen, resolved_calls
from faasguard.analysis.code_facts import FileFacts
from faasguard.analysis.facts import Facts
from faasguard.analysis.js.awssdk import calls_in_modules
from faasguard.analysis.js.code_facts import KEPT_JS_CODE, file_facts, header_files
from faasguard.analysis.js.demand import clear_of_other_words, loads_dynamically
from faasguard.analysis.js.demand import may_report as source_may_report
from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.frameworks import bootstraps_nest, file_nest_routes
from faasguard.analysis.js.handlers import exported_function, is_express_handler
from faasguard.analysis.js.jwt import js_decodes
from faasguard.analysis.js.parallel import analyse_handlers
from faasguard.analysis.js.parse import (
    JsModule,
    JsModuleCache,
    js_module_cache,
    line,
)
from faasguard.analysis.js.reach import Reach
from faasguard.analysis.js.spots import local_specifiers, specifiers, specifiers_unless
from faasguard.analysis.js.table import js_table
from faasguard.analysis.js.values import FN
from faasguard.analysis.jwt_python import python_decodes
from faasguard.analysis.nodejs import EXTENSIONS, is_node
from faasguard.analysis.taint.flows import Flow
from faasguard.analysis.taint.project import _Describer, _flow, _unique
from faasguard.analysis.taint.table import builtin_table
from faasguard.collector import paused_then_frozen
from faasguard.loaders.documents import InputError, read_text
from faasguard.model import App, Diagnostic, Function, logical_id


def analyse_js(app: App, facts: Facts) -> None:
    """Analysis step: flows, AWS calls and token decoding of every Node.js handler;
    token decoding of the Python sources too (rules/jwt.py reads `facts.jwt_decodes`).
    The handlers are shared with forked workers when there are enough handler files
    (analysis.js.parallel); those processes also find their handler files' code facts,
    left in `facts.memo[KEPT_JS_CODE]` for `analyse_js_code`."""
    cache = js_module_cache(app.root, facts, app.layers)
    describe = _Describer(builtin_table())
    visited: set[tuple[str, int]] = set()
    reported: set[tuple[str, str, int]] = set()
    with paused_then_frozen():
        functions = [function for function in app.functions.values()
                     if is_node(function) and function.source_file and function.handler_name]
        if functions:
            _handlers_in(app, facts)  # (once, before any worker forks)

        def analyse_one(app: App, facts: Facts, function: Function,
                        visited: set[tuple[str, int]]) -> None:
            _analyse_function(app, facts, cache.for_function(function), describe, function,
                              visited)

        http_files = header_files(app)

        def code_facts(path: str) -> FileFacts | None:  # (analyse_js_code takes them)
            module = cache.try_get(path)
            return None if module is None else file_facts(module, path in http_files)

        kept = analyse_handlers(app, facts, functions, analyse_one, visited, code_facts)
        if kept:
            facts.memo[KEPT_JS_CODE] = kept
        for flows in facts.flows.values():
            reported.update((f.category, f.location.file, f.location.line) for f in flows
                            if f.location.file.endswith(EXTENSIONS))
        _analyse_unreached(app, facts, cache, describe, visited, reported)
        facts.jwt_decodes.extend(python_decodes(app, facts))
    note_unseen(app, facts, is_node)


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
    False when none holds a sink's name or a reported key, nor loads a module chosen at
    run time: no analysis needed, its flows are empty (worked out once per file; a file
    holding one of `holds_other_words`' words may report, and is not searched for them a
    second time)."""
    for file in files:  # (a loop: an `any` over generators closes each one it leaves)
        module = cache.try_get(file)
        if module is not None and module.summary("may-report", _file_may_report):
            return True
    return False


def _file_may_report(module: JsModule) -> bool:
    """`may_report`'s answer for one file."""
    return not clear_of_other_words(module) or \
        source_may_report(module.source, file_clear=True) or loads_dynamically(module.source)


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
    describe = describe or _Describer(builtin_table())
    if ref is not None:
        validated = cache.validated.get(f"{ref.module.file}:{ref.node.start_byte}",
                                        frozenset()) if cache.validated else frozenset()
        analyzer.analyse(ref.module, ref.node, name, prune_tail=True, validated=validated)
    else:
        for graph_file in module_graph(cache, file):
            for label, route, validated in list(cache.routes.get(graph_file, ())):
                analyzer.analyse(route.module, route.node, f"route {label}", request=True,
                                 validated=validated)
    # the NestJS controllers of a handler bootstrapping a Nest app (NestFactory.create)
    nest = ref is not None and bootstraps_nest(ref.module)
    for graph_file in module_graph(cache, file) if nest else ():
        module = cache.try_get(graph_file)
        if module is None:
            continue
        for route in file_nest_routes(module):
            routes = JsAnalyzer(js_table(), cache)  # (the handler's analyzer pruned its tail)
            routes.analyse_filled(module, route.node, f"route {route.label}", route.params)
            analyzer.hits.extend(routes.hits)
            analyzer.visited.update(routes.visited)
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
    cache = js_module_cache(app.root, facts, app.layers)
    for function in app.functions.values():
        own = cache.for_function(function)
        if is_node(function) and function.source_file and function.handler_name and \
                own.try_get(function.source_file) is not None:
            _aws_calls(app, facts, own, function, module_graph(own, function.source_file))
    note_unseen(app, facts, is_node)


def _aws_calls(app: App, facts: Facts, cache: JsModuleCache, function: Function,
               files: list[str]) -> None:
    calls = calls_in_modules(cache, files)
    file, name = function.source_file, function.handler_name
    unseen = unseen_code(cache, function, files, facts.memo)
    split = bool(calls) and (any(call.file != file for call in calls) or
                             _handlers_in(app, facts).get(file or "", 0) > 1)
    if file and name and (split or unseen) and not is_express_handler(cache, file, name):
        reach = Reach(cache).from_export(file, name)
        if split:
            # only the calls the handler's code can run, not every function of every file
            # its module graph holds (a barrel file's other exports, another handler of
            # its file); the calls of a file that is its graph's only one with calls and
            # holds no other handler are all kept (no need to tell them apart)
            calls = [call for call in calls if reach.runs(call.file, call.line)]
        if unseen:  # code not read that only a barrel's other module imports: not run
            unseen = unseen_code(cache, function, files, facts.memo, reach.imports_run)
    facts.aws_calls[function.id] = resolved_calls(calls, function, app) + unseen


def _handlers_in(app: App, facts: Facts) -> dict[str, int]:
    """How many functions of the app have their handler in each file (once per scan)."""
    found: dict[str, int] | None = facts.memo.get(_HANDLERS_IN)
    if found is None:
        found = facts.memo[_HANDLERS_IN] = {}
        for function in app.functions.values():
            if function.source_file:
                found[function.source_file] = found.get(function.source_file, 0) + 1
    return found


_HANDLERS_IN = "js.handlers_in"  # Facts.memo key: functions per handler file


#: Node.js's built-in modules (also written `node:<name>`; `fs/promises` is `fs`'s).
NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http",
    "http2", "https", "inspector", "module", "net", "os", "path", "perf_hooks", "process",
    "punycode", "querystring", "readline", "repl", "stream", "string_decoder", "sys",
    "test", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
    "worker_threads", "zlib"})
#: Packages a Node.js Lambda runtime provides or that only carry types: the AWS SDK (v2
#: up to nodejs16.x, v3 since), which the analysis models, and `aws-lambda`'s types.
_RUNTIME_PACKAGES = frozenset({"aws-sdk", "aws-lambda"})
#: Well-known packages that make no AWS call with the function's credentials, wherever
#: they come from (awscalls.KNOWN_PACKAGES' counterpart; Middy's and Powertools' AWS
#: utilities, such as `@middy/ssm`, are not among them).
KNOWN_PACKAGES = frozenset({
    "axios", "node-fetch", "got", "undici", "superagent", "lodash", "underscore", "ramda",
    "uuid", "nanoid", "jsonwebtoken", "jose", "jwks-rsa", "jwt-decode", "ajv", "joi", "zod",
    "yup", "validator", "express", "koa", "fastify", "serverless-http",
    "@vendia/serverless-express", "@codegenie/serverless-express", "@koa/router",
    "koa-router", "koa-bodyparser", "@koa/bodyparser", "@fastify/aws-lambda", "lambda-api",
    "@hapi/hapi", "@nestjs/core", "@nestjs/common", "@nestjs/platform-express",
    "@middy/core", "@middy/http-json-body-parser", "@middy/http-error-handler",
    "@middy/http-header-normalizer",
    "@middy/http-cors", "@middy/validator", "@middy/input-output-logger", "moment",
    "dayjs", "date-fns", "luxon", "pg", "mysql", "mysql2", "mongoose", "mongodb", "redis",
    "ioredis", "stripe", "twilio", "@slack/web-api", "@sendgrid/mail", "winston", "pino",
    "bcrypt", "bcryptjs", "crypto-js", "cheerio", "handlebars", "ejs", "mustache", "sharp",
    "jimp", "xml2js", "fast-xml-parser", "js-yaml", "yaml", "qs", "dotenv", "http-errors",
    "cors", "helmet", "body-parser", "@sentry/node", "@sentry/serverless",
    "aws-xray-sdk-core", "aws-jwt-verify", "source-map-support", "tslib"})
_NPM_DECLARED = "js.npm-declared"  # Facts.memo key: declared packages by folder


def unseen_code(cache: JsModuleCache, function: Function, files: list[str],
                memo: dict[str, Any], runs: Callable[[str, int, str], bool] | None = None
                ) -> list[AwsCall]:
    """What the handler may run that the scan cannot read (as awscalls.unseen_code for
    Python): one unidentified call per specifier of its module graph's files that names
    a layer's path (`/opt/...`), a project file not in the scanned files, or a package
    that is neither built in, nor the AWS SDK, nor a well-known package that makes no
    AWS call (KNOWN_PACKAGES), nor declared by the nearest package.json
    (any of its dependency lists: a bundler packs the development ones too).
    `runs(file, line, specifier)`: whether the handler's code can run what an import
    there brings in (`Reach.imports_run`)."""
    declared: frozenset[str] | None = None
    out: dict[str, AwsCall] = {}
    for file in files:
        module = cache.try_get(file)
        if module is None:
            continue
        candidates: list[tuple[str, int, str | None, str]] = module.summary(
            "unseen-candidates", lambda found: _candidates(cache, found))
        for spec, at, package, what in candidates:
            if runs is not None and not runs(file, at, spec):
                continue
            if package is not None:  # a package: unless the function's manifest has it
                if declared is None:
                    declared = _npm_declared(cache.root, function, memo)
                if package in declared:
                    continue
                what = what or f"'{package}', which is neither in the scanned files nor a " \
                    "declared dependency" + (" (a layer's?)" if function.layers else "")
            if what not in out:
                out[what] = AwsCall("*", "*", f"imports {what}: the AWS calls of its code "
                                    "are not known", (), (), file, at, UNSEEN)
    return list(out.values())


def _candidates(cache: JsModuleCache,
                module: JsModule) -> list[tuple[str, int, str | None, str]]:
    """The specifiers of a file `unseen_code` must judge, once per file (of a cache that
    reads the in-project layers of the functions that use it: `for_function`):
    (specifier, offset, the package when it depends on the function's manifest else
    None, what it is for a message). Built-in modules, the AWS SDK, known packages,
    project files, those layers' files and data files are left out."""
    found: list[tuple[str, int, str | None, str]] = []
    file = module.file
    for spec, at in specifiers_unless(module, _modelled_bare):
        if spec.startswith("/opt/"):
            if not cache.layer_folders or cache.resolve_local(file, spec) is None:
                found.append((spec, at, None, f"'{spec}', a layer's code"))
        elif spec.startswith((".", "/")):
            if cache.resolve_local(file, spec) is None and not _data_file(cache, file, spec):
                found.append((spec, at, None, f"'{spec}', which is not in the scanned files"))
        elif (cache.layer_folders or cache.aliased(file, spec)) and \
                cache.resolve_local(file, spec) is not None:
            continue  # a tsconfig.json path alias to a project file, or a layer's package
        else:  # (an alias that maps to no file is a package, as tsc falls back: "*")
            if modelled_package(spec):
                continue
            found.append((spec, at, _package_of(spec),
                          f"'{spec}', a path alias to a file not in the scanned files"
                          if cache.aliased(file, spec) else ""))
    return found


def _modelled_bare(spec: str) -> bool:
    """Is this a bare specifier of a modelled package (which `_candidates` leaves out
    whatever else it is: a layer's package or an alias's file, or a package)?"""
    return not spec.startswith((".", "/")) and modelled_package(spec)


@lru_cache(maxsize=4096)
def modelled_package(spec: str) -> bool:
    """Does a bare specifier name a package the analysis models or knows makes no AWS
    call (a built-in module, the AWS SDK, a runtime or types-only package, a known
    package, one the taint table names)?"""
    package = _package_of(spec)
    return package in NODE_BUILTINS or package in _RUNTIME_PACKAGES or \
        package in KNOWN_PACKAGES or package.startswith("@aws-sdk/") or \
        spec.startswith(("node:", "@types/")) or package in _table_packages()


def _data_file(cache: JsModuleCache, importer: str, spec: str) -> bool:
    """Does a relative specifier name a file of the scan that is no code (`require(
    "./config.json")`, a bundler's `import schema from "./schema.graphql"`)? It runs
    nothing."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    return not path.startswith("../") and posixpath.splitext(path)[1] not in EXTENSIONS \
        and cache.exists(path)


@lru_cache(maxsize=1)
def _table_packages() -> frozenset[str]:
    """The packages the Node.js taint table models (sinks, sanitisers, kinds, token and
    schema libraries): known packages, none of which makes AWS calls."""
    table = js_table()
    return frozenset(_package_of(name.split(".")[0]) for name in (
        *table.calls, *table.kinds, *table.jwt, *table.schema_packages, *table.full,
        *table.partial, *table.guards))


def _package_of(spec: str) -> str:
    """The package a bare specifier names (`lodash/get` -> `lodash`, `@scope/a/b` ->
    `@scope/a`, `fs/promises` -> `fs`)."""
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def _npm_declared(root: str, function: Function, memo: dict[str, Any]) -> frozenset[str]:
    """The packages the package.json nearest to the function's code declares (in
    dependencies, devDependencies, peerDependencies or optionalDependencies)."""
    folder = (function.code_dir or "").strip("/") or \
        posixpath.dirname(function.source_file or "")
    known: dict[str, frozenset[str]] = memo.setdefault(_NPM_DECLARED, {})
    walked: list[str] = []
    found: frozenset[str] = frozenset()
    while True:
        folder = posixpath.normpath(folder) if folder else "."
        if folder in known:
            found = known[folder]
            break
        walked.append(folder)
        try:
            data = json.loads(read_text(os.path.join(root, folder, "package.json")))
        except (InputError, ValueError):
            data = None
        if isinstance(data, dict):
            found = frozenset(name for section in ("dependencies", "devDependencies",
                                                   "peerDependencies", "optionalDependencies")
                              if isinstance(data.get(section), dict)
                              for name in data[section])
            break
        if folder == "." or folder.startswith(".."):
            break
        folder = posixpath.dirname(folder)
    for each in walked:
        known[each] = found
    return found


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
        if cache.aliases(module.file) or cache.layer_folders:
            # tsconfig.json path aliases (`@libs/db`), a layer's packages: bare ones too
            specs += [spec for spec, _ in specifiers(module) if not spec.startswith((".", "/"))]
        for spec in specs:
            target = cache.resolve_local(module.file, spec)
            if target is not None and target not in seen:
                seen.append(target)
    return seen
