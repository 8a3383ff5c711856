"""`faasguard rules [RULE_ID]`: the catalogue, or one rule's documentation."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import Any

HELP = "list the rules, or show one rule's documentation"
EPILOG = """\
examples:
  faasguard rules                       the catalogue, grouped by threat
  faasguard rules --threat auth         the rules of one threat
  faasguard rules FG-AUTH-001           one rule: what, why, how to fix, references
  faasguard rules FG-AUTH-001 --for sam     the fix in AWS SAM only
  faasguard rules FG-AUTH-001 --for cdk     the fix a finding in cdk.out shows
  faasguard rules --format json         the catalogue as JSON (for tooling)

exit codes: 0, or 2 for an unknown rule id or threat."""

FIX_FORMATS = ("serverless", "sam", "cloudformation", "cdk", "terraform", "python",
               "javascript", "chalice", "zappa")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard rules`."""
    parser.add_argument("rule_id", nargs="?", metavar="RULE_ID",
                        help="show this rule's full documentation")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--threat", metavar="THREAT", help="list only this threat's rules")
    parser.add_argument("--for", dest="fix_format", choices=FIX_FORMATS, metavar="FORMAT",
                        help="show the fix in this format only: " + ", ".join(FIX_FORMATS))


def run(args: argparse.Namespace) -> int:
    """Print the catalogue or one rule."""
    import faasguard.rules  # noqa: F401  (registers the rules)
    from faasguard.findings import RULES, THREATS, RuleMeta
    from faasguard.report import ruledoc

    metas = [registered.meta for _, registered in sorted(RULES.items())]
    if args.rule_id is not None:
        wanted = args.rule_id.strip().upper()
        meta = next((m for m in metas if m.id == wanted), None)
        if meta is None:
            close = difflib.get_close_matches(wanted, [m.id for m in metas], n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            print(f"faasguard: unknown rule id {args.rule_id!r}.{hint} "
                  "Run `faasguard rules` for the list.", file=sys.stderr)
            return 2
        if args.format == "json":
            print(json.dumps(_as_json(meta), indent=2, ensure_ascii=False))
        elif args.format == "markdown":
            sys.stdout.write(ruledoc.markdown(meta, args.fix_format))
        else:
            sys.stdout.write(ruledoc.text(meta, args.fix_format))
        return 0
    if args.threat is not None and args.threat not in THREATS:
        print(f"faasguard: unknown threat {args.threat!r} (one of {', '.join(THREATS)})",
              file=sys.stderr)
        return 2
    shown: list[RuleMeta] = [m for m in metas if args.threat in (None, m.threat)]
    if args.format == "json":
        print(json.dumps([_as_json(m) for m in shown], indent=2, ensure_ascii=False))
        return 0
    for threat, title in THREATS.items():
        group = [m for m in shown if m.threat == threat]
        if not group:
            continue
        if args.format == "markdown":
            print(f"## {title} (`{threat}`)\n\n| id | severity | title |\n|---|---|---|")
            print("\n".join(f"| {m.id} | {m.severity} | {m.title} |" for m in group) + "\n")
        else:
            print(f"{title} ({threat})")
            print("\n".join(f"  {m.id:<14}{m.severity:<10}{m.title}" for m in group) + "\n")
    if args.format == "text":
        print(f"{len(shown)} rules. `faasguard rules RULE_ID` shows one rule's documentation.")
    return 0


def _as_json(meta: Any) -> dict[str, Any]:
    return {"id": meta.id, "title": meta.title, "threat": meta.threat,
            "severity": meta.severity, "description": meta.description,
            "remediation": dict(meta.remediation), "references": list(meta.references),
            "cwe": list(meta.cwe), "equivalents": dict(meta.equivalents),
            "example": meta.example}
