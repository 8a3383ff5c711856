"""The light face of the Node.js analysis: what a scan needs to know before it imports it.

The Node.js analysis (analysis/js/: tree-sitter, its grammars, the abstract interpreter)
is imported only when an application has Node.js code: a function on a `nodejs*` runtime
or a JS/TS source. A Python-only scan never loads it. The steps here are the ones
scan.ANALYSES and analysis.handlers name; each defers to analysis/js/ when there is work.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from faasguard.analysis.facts import Facts
from faasguard.collector import paused_then_frozen
from faasguard.model import App, Diagnostic, Function
from faasguard.package_data import own_data

#: File extensions of handler code, in the order a bare specifier is tried.
EXTENSIONS = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
JS_FORMATS = ("javascript", "typescript")


def is_node(function: Function) -> bool:
    """Does the function run on a Node.js runtime?"""
    runtime = function.runtime
    return isinstance(runtime, str) and runtime.lower().startswith("nodejs")


def has_js(app: App) -> bool:
    """Is there anything for the Node.js analysis: a `nodejs*` function, a JS/TS source
    or a function whose source file is one?"""
    return any(source.format in JS_FORMATS for source in app.files) or any(
        is_node(f) or (f.source_file or "").endswith(EXTENSIONS)
        for f in app.functions.values())


@lru_cache(maxsize=1)
def builtin_data() -> dict[str, Any]:
    """data/taint_js.json as shipped (parsed once per process): the Node.js taint table,
    AWS SDK names, and the token-decoding names of both languages."""
    data: dict[str, Any] = json.loads(own_data("taint_js.json"))
    return data


def resolve_node(function: Function, app: App, facts: Facts) -> Diagnostic | None:
    """Fill `source_file` and `handler_name` of a Node.js function; a problem, if any
    (analysis.js.handlers.resolve_node, imported on the first Node.js function)."""
    from faasguard.analysis.js.handlers import resolve_node as resolve

    return resolve(function, app, facts)


def analyse_js(app: App, facts: Facts) -> None:
    """Analysis step: the Node.js handlers' flows, AWS calls and token decoding
    (analysis.js.analyse_js) when the app has Node.js code; the Python sources' token
    decoding in any case (rules/jwt.py reads `facts.jwt_decodes`)."""
    if has_js(app):
        from faasguard.analysis.js.project import analyse_js as analyse

        analyse(app, facts)
        return
    from faasguard.analysis.jwt_python import python_decodes

    with paused_then_frozen():  # as in analysis.js.project.analyse_js (it may parse)
        facts.jwt_decodes.extend(python_decodes(app, facts))


def analyse_js_code(app: App, facts: Facts) -> None:
    """Analysis step: the code facts of every JS/TS file (analysis.js.code_facts), when
    the app has any."""
    if has_js(app):
        from faasguard.analysis.js.code_facts import analyse_js_code as analyse

        analyse(app, facts)
