"""`--param NAME=VALUE`: the deployment parameter option every command that loads an app
shares (`scan`, `cost`, `endpoints`, `policy`). Not a command itself."""

from __future__ import annotations

import argparse

HELP = ("a deployment parameter's value (repeatable): a CloudFormation/SAM parameter "
        "(over its Default and samconfig.toml), a Terraform root variable (as -var), "
        "a serverless.yml ${param:NAME}; over the config's `parameters:`")


def add_param_argument(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Add `--param NAME=VALUE` (repeatable; a later one wins) as `args.param`: a list of
    (name, value) pairs. A malformed one is a usage error (exit 2)."""
    parser.add_argument("--param", action="append", default=[], type=_assignment,
                        metavar="NAME=VALUE", help=HELP)


def _assignment(text: str) -> tuple[str, str]:
    from faasguard.config import parse_parameter

    return parse_parameter(text, argparse.ArgumentTypeError)
