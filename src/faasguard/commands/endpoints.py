"""`faasguard endpoints PATH...`: the inventory of every HTTP entry point, and the spec gaps."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from faasguard.commands.app_options import add_app_arguments

if TYPE_CHECKING:  # the CLI imports every command at start: keep this module light
    from collections.abc import Iterable

    from faasguard.analysis.facts import Facts
    from faasguard.model import App, Diagnostic

HELP = "list every HTTP entry point with its auth and exposure, and compare with OpenAPI specs"
EPILOG = """\
examples:
  faasguard endpoints .
  faasguard endpoints . --openapi docs/openapi.yaml --format json

Specs are also taken from the templates (DefinitionBody, DefinitionUri, AWS::Include)
and from files in the folder named openapi.yaml, swagger.json, *.openapi.json, ...
exit codes: 0 done, 2 usage or configuration error, a --openapi file that cannot be read,
or nothing could be read."""


#: Diagnostic codes of files discovery passed over or could not read (a serverless.ts, a
#: template that is not one) and of what a serverless.ts reader left unknown (functions
#: imported from a package): shown when the commands find nothing to work on.
_WHY_NOTHING_FOUND = ("discovery", "input", "path", "service-code")


def diagnostic_line(diag: Diagnostic) -> str:
    """A problem with the input as one line for standard error: `file[:line]: level: ...`."""
    from faasguard.report.text import diagnostic_where

    return f"{diagnostic_where(diag)}: {diag.level}: {diag.message}"


def print_errors(diagnostics: Iterable[Diagnostic]) -> None:
    """The errors among `diagnostics` on standard error, one `diagnostic_line` each."""
    for diag in diagnostics:
        if diag.level == "error":
            print(diagnostic_line(diag), file=sys.stderr)


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments `faasguard endpoints` and `faasguard cost` share."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="folders or files to read")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    add_app_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard endpoints`."""
    parser.epilog = EPILOG
    add_common_arguments(parser)
    parser.add_argument("--openapi", action="append", default=[], metavar="FILE",
                        help="OpenAPI/Swagger spec describing the API (repeatable)")


def load(args: argparse.Namespace) -> tuple[App, Facts] | None:
    """Read the paths into an App and empty Facts with the options (config, then flags).

    Prints the error and returns None for a configuration error or when nothing was read.
    """
    from faasguard.analysis.facts import Facts, Options
    from faasguard.config import ConfigError, resolve_config
    from faasguard.scan import add_sources, discover_paths, load_app

    try:
        config = resolve_config(args.paths, args.config)  # as `faasguard scan` finds it
    except ConfigError as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return None
    options = Options(stage=args.stage or config.stage,
                      region=args.region or config.region,
                      budget_usd_per_day=getattr(args, "budget", None) or config.budget,
                      openapi_files=[*config.openapi, *getattr(args, "openapi", [])],
                      excludes=[*config.exclude, *args.exclude],
                      parameters={**config.parameters, **dict(args.param)})
    if getattr(args, "account_concurrency", None):
        options.account_concurrency = args.account_concurrency
    base, found = discover_paths(args.paths, options.excludes)
    options.scanned = found.scanned
    app = load_app(base, found.templates, options.stage, region=options.region,
                   params=options.parameters)
    app.diagnostics[:0] = found.problems
    add_sources(app, found.sources)  # (a CDK asset's copy of project code is read there)
    print_errors(app.diagnostics)
    if not app.functions and not app.apis:
        for diag in app.diagnostics:  # why nothing was found, as `faasguard scan` says it
            if diag.level != "error" and diag.code in _WHY_NOTHING_FOUND:
                print(diagnostic_line(diag), file=sys.stderr)
        print("faasguard: error: no function or API found in "
              f"{', '.join(args.paths)}", file=sys.stderr)
        return None
    return app, Facts(options=options)


def inventory(app: App, facts: Facts) -> dict[str, Any]:
    """The endpoint inventory and the spec comparison as one JSON-ready mapping."""
    from faasguard.analysis.endpoints import analyse_endpoints
    from faasguard.analysis.nodejs import is_node, resolve_node
    from faasguard.analysis.openapi import analyse_openapi, zombies

    for function in app.functions.values():  # a Node.js web app's routes (its handler's)
        if is_node(function) and function.source_file is None:
            resolve_node(function, app, facts)
    analyse_openapi(app, facts)
    analyse_endpoints(app, facts)
    missing = [{"method": op.method, "path": op.path, "spec": spec.source,
                "file": op.location.file, "line": op.location.line}
               for spec, op in zombies(app, facts.openapi)]
    return {
        "endpoints": [e.as_dict() for e in facts.endpoints],
        "specs": [{"source": s.source, "operations": len(s.operations)} for s in facts.openapi],
        "undocumented": sum(1 for e in facts.endpoints if e.documented is False),
        "not_implemented": missing,
    }


#: How the table marks an endpoint whose authentication the deployment decides: NONE is
#: among the values the template writes, or only among those the setting accepts.
_OR_NONE, _IF_PASSED = " or none?", ", none if passed"


def _undecided_mark(undecided: dict[str, Any] | None) -> str:
    """The AUTH column's mark for an inventory entry's `undecided` (none, `_OR_NONE` or
    `_IF_PASSED`, as its JSON's `none_only_if_passed` says)."""
    if not undecided:
        return ""
    return _IF_PASSED if undecided.get("none_only_if_passed") else _OR_NONE


def render_text(data: dict[str, Any]) -> str:
    """The inventory as an aligned table, then the spec comparison."""
    header = ("KIND", "METHOD", "PATH", "FUNCTION", "AUTH", "API KEY", "EXPOSURE", "IN SPEC",
              "WHERE")
    rows = [header]
    for e in data["endpoints"]:
        documented = {True: "yes", False: "NO", None: "-"}[e["documented"]]
        auth = e["auth"] + (f" ({e['authorizer']})" if e["authorizer"] else "") + \
            _undecided_mark(e.get("undecided"))
        kind = e["kind"] + ("*" if e.get("behind") else "")
        path = e["path"] + (" ~" if e.get("pattern") else "")
        rows.append((kind, e["method"], path, e["function"] or "-", auth,
                     "yes" if e["api_key"] else "no", e["exposure"], documented,
                     f"{e['file']}:{e['line']}"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    public = sum(1 for e in data["endpoints"] if e["auth"] == "none")
    lines.append("")
    marks = [_undecided_mark(e.get("undecided")) for e in data["endpoints"]]
    undecided, if_passed = marks.count(_OR_NONE), marks.count(_IF_PASSED)
    lines.append(f"{len(data['endpoints'])} endpoints, {public} without authentication"
                 + (f", {undecided} without it on some deployments (? the deployment "
                    "decides: see `undecided` in --format json)" if undecided else "")
                 + (f", {if_passed} authenticated as the template writes them (none if "
                    "passed: the setting accepts NONE, and only a deployment that passes it "
                    "gets none; `undecided.none_only_if_passed` in --format json)"
                    if if_passed else "") + ".")
    behind = sorted({e["behind"] for e in data["endpoints"] if e.get("behind")})
    if behind:
        lines.append("* a route of the app's own router, reached through the API's catch-all "
                     f"({', '.join(behind)})")
    if any(e.get("pattern") for e in data["endpoints"]):
        lines.append("~ a path approximating the router's pattern (a regex route, an "
                     "include not read): see `pattern` in --format json")
    if data["specs"]:
        specs = ", ".join(f"{s['source']} ({s['operations']} operations)" for s in data["specs"])
        lines.append(f"Specs: {specs}.")
        lines.append(f"{data['undocumented']} endpoints missing from the specs (shadow).")
        lines.append(f"{len(data['not_implemented'])} spec operations with no implementation "
                     "(zombie)" + (":" if data["not_implemented"] else "."))
        for op in data["not_implemented"]:
            lines.append(f"  {op['method']} {op['path']}  ({op['file']}:{op['line']})")
    else:
        lines.append("No OpenAPI spec found (use --openapi FILE to compare).")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the inventory."""
    loaded = load(args)
    if loaded is None:
        return 2
    app, facts = loaded
    seen = len(app.diagnostics)
    data = inventory(app, facts)
    spec_problems = app.diagnostics[seen:]
    for diag in spec_problems:
        print(diagnostic_line(diag), file=sys.stderr)
    if any(d.level == "error" for d in spec_problems):
        return 2  # a spec the user named could not be used
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(data))
    return 0
