"""`faasguard scan PATH...`: the static scan."""

from __future__ import annotations

import argparse
import json
import sys

HELP = "scan folders or files for security problems"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard scan`."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="folders or files to scan")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Scan each path and print the findings."""
    from faasguard.scan import scan

    exit_code = 0
    for path in args.paths:
        result = scan(path)
        for finding in result.findings:
            if args.format == "json":
                print(json.dumps({"rule": finding.rule_id, "file": finding.location.file,
                                  "line": finding.location.line, "message": finding.message}))
            else:
                print(f"{finding.location}: {finding.rule_id} [{finding.severity}] "
                      f"{finding.message}")
            exit_code = 1
        for diag in result.diagnostics:
            print(f"{diag.file}:{diag.line or 0}: {diag.level}: {diag.message}", file=sys.stderr)
    return exit_code
