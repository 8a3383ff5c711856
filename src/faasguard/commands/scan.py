"""`faasguard scan PATH...`: the static scan."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from faasguard.commands.app_options import add_app_arguments

if TYPE_CHECKING:
    from faasguard.findings import RuleMeta
    from faasguard.model import Diagnostic

HELP = "scan folders or files for security problems"
EPILOG = """\
examples:
  faasguard scan .                                 scan the current folder
  faasguard scan services/api services/jobs        several folders as one application
  faasguard scan . --format sarif -o faasguard.sarif   for GitHub code scanning
  faasguard scan . --format html -o faasguard.html     a page to review in a browser
  faasguard scan . --fail-on high --exclude 'tests/*'
  faasguard scan . --param Stage=prod --param AuthType=AWS_IAM   as deployed to prod
  faasguard scan . --write-baseline .faasguard-baseline.json   accept today's findings
  faasguard scan . --baseline .faasguard-baseline.json         fail only on new ones

configuration: .faasguard.yml in the scanned folder (or the current one), or
[tool.faasguard] in pyproject.toml, or --config FILE; command-line options win.
Rules disabled in the configuration do not run at all; suppressed findings
(comments, config `ignore`, baseline) are reported as suppressed and never fail.

exit codes: 0 clean, 1 unsuppressed findings at or above --fail-on,
2 usage or configuration error, or nothing could be scanned."""

FAIL_ON = ("critical", "high", "medium", "low", "info", "none")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _budget(text: str) -> float:
    from faasguard.config import parse_budget

    return parse_budget(text, argparse.ArgumentTypeError)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard scan`."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="folders or files to scan")
    out = parser.add_argument_group("output")
    out.add_argument("--format", choices=("text", "json", "sarif", "html"), default="text",
                     help="report format (default: text; html: a page to review in a "
                          "browser, with filters)")
    out.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE "
                     "instead of standard output")
    out.add_argument("-q", "--quiet", action="store_true",
                     help="print only the findings (no summary, problems or progress)")
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colour the text report (auto: only on a terminal, and not "
                          "when NO_COLOR is set)")
    out.add_argument("--no-progress", action="store_true",
                     help="never show the progress bar (it shows only on a terminal)")
    gate = parser.add_argument_group("failing")
    gate.add_argument("--fail-on", choices=FAIL_ON, default=None, metavar="SEVERITY",
                      help="exit 1 when an unsuppressed finding is at or above SEVERITY: "
                           f"{', '.join(FAIL_ON)} (default: low, or the config's fail-on)")
    gate.add_argument("--baseline", metavar="FILE",
                      help="treat findings listed in this baseline as suppressed")
    gate.add_argument("--write-baseline", metavar="FILE",
                      help="write the fingerprints of the current findings to FILE")
    what = parser.add_argument_group("what to scan")
    add_app_arguments(what)
    what.add_argument("--budget", type=_budget, metavar="USD_PER_DAY",
                      help="daily spend the worst-case cost is compared with")
    what.add_argument("--openapi", action="append", default=[], metavar="FILE",
                      help="OpenAPI/Swagger spec the deployed routes are compared with "
                           "(repeatable; adds to the config's)")
    what.add_argument("--osv-db", metavar="PATH",
                      help="OSV advisory database (folder or zip export) dependencies are "
                           "checked against (see docs/dependencies.md)")
    what.add_argument("-j", "--jobs", type=_positive_int, metavar="N",
                      help="processes that load templates and analyse handlers in large "
                           "trees (default: the CPU count, at most 8; forked, on Linux)")


def run(args: argparse.Namespace) -> int:
    """Scan, report, and return the exit code."""
    from faasguard.baseline import BaselineError
    from faasguard.config import ConfigError

    try:
        return _run(args)
    except (ConfigError, BaselineError) as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from faasguard.baseline import read_baseline, write_baseline
    from faasguard.config import DEFAULT_FAIL_ON, resolve_config, to_options
    from faasguard.progress import ProgressBar
    from faasguard.report import Report, write
    from faasguard.scan import scan_paths

    config = resolve_config(args.paths, args.config)
    options = to_options(config, args.stage, args.region, args.budget, args.exclude,
                         args.openapi, args.param)
    if args.osv_db:
        options.osv_db = args.osv_db
    baseline = read_baseline(args.baseline) if args.baseline else frozenset()

    bar = ProgressBar(enabled=not (args.quiet or args.no_progress))
    try:
        result = scan_paths(args.paths, options, config, baseline, args.jobs, bar)
    finally:
        bar.close()

    report = Report(findings=result.findings, diagnostics=result.diagnostics,
                    files_scanned=result.files_scanned, root=result.root,
                    rules=_catalogue() if args.format == "sarif" else [],
                    fail_on=args.fail_on or config.fail_on or DEFAULT_FAIL_ON,
                    nothing_scanned=result.nothing_scanned, srcroot=os.getcwd())
    if args.write_baseline:
        count = write_baseline(args.write_baseline, result.findings)
        if not args.quiet:
            print(f"faasguard: wrote {count} fingerprints to {args.write_baseline}",
                  file=sys.stderr)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", errors="backslashreplace") as handle:
                write(report, args.format, handle, _color(args.color, handle), args.quiet)
        except OSError as exc:
            print(f"faasguard: error: {args.output}: cannot be written: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        write(report, args.format, sys.stdout, _color(args.color, sys.stdout), args.quiet)
        sys.stdout.flush()
    if report.nothing_scanned and (args.quiet or args.output or args.format != "text"):
        _say_why_nothing_scanned(result.diagnostics)
    return report.exit_code()


def _say_why_nothing_scanned(diagnostics: list[Diagnostic]) -> None:
    """Exit 2 with no text report on the terminal (-q, -o, another format) would say
    nothing: the errors that left nothing to scan go to standard error."""
    from faasguard.commands.endpoints import print_errors

    print_errors(diagnostics)
    print("faasguard: error: nothing could be scanned", file=sys.stderr)


def _catalogue() -> list[RuleMeta]:
    """Every rule's metadata (SARIF lists them all)."""
    import faasguard.rules  # noqa: F401  (registers the rules)
    from faasguard.findings import RULES

    return [registered.meta for _, registered in sorted(RULES.items())]


def _color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", None)
                                                 and stream.isatty())
