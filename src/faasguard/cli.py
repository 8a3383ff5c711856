"""Command line: argv -> calls; nothing else."""

from __future__ import annotations

import argparse
import json
import sys

from faasguard import __version__


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faasguard",
        description="Secure serverless applications: scan templates and handler code.")
    parser.add_argument("--version", action="version", version=f"faasguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    scan = sub.add_parser("scan", help="scan folders or files for security problems")
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--format", choices=("text", "json"), default="text")
    rules = sub.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("rule_id", nargs="?")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `faasguard` command; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "scan":
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
                print(f"{diag.file}:{diag.line or 0}: {diag.level}: {diag.message}",
                      file=sys.stderr)
        return exit_code
    if args.command == "rules":
        from faasguard.findings import RULES
        from faasguard.scan import run_rules  # noqa: F401  (imports the catalogue)
        import faasguard.rules  # noqa: F401

        for rule_id, registered in sorted(RULES.items()):
            if args.rule_id in (None, rule_id):
                print(f"{rule_id}  {registered.meta.severity:8}  {registered.meta.title}")
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
