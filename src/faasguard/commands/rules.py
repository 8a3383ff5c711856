"""`faasguard rules [RULE_ID]`: the catalogue, or one rule's documentation."""

from __future__ import annotations

import argparse

HELP = "list the rules, or show one rule's documentation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard rules`."""
    parser.add_argument("rule_id", nargs="?", help="show this rule's full documentation")


def run(args: argparse.Namespace) -> int:
    """Print the catalogue or one rule."""
    import faasguard.rules  # noqa: F401  (registers the rules)
    from faasguard.findings import RULES

    for rule_id, registered in sorted(RULES.items()):
        if args.rule_id in (None, rule_id):
            print(f"{rule_id}  {registered.meta.severity:8}  {registered.meta.title}")
    return 0
