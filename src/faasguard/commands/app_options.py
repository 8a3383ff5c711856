"""The options every command that loads an app shares (`scan`, `cost`, `endpoints`,
`policy`): which configuration, which files, and the deployment's stage, region and
parameters. Not a command itself."""

from __future__ import annotations

import argparse

PARAM_HELP = ("a deployment parameter's value (repeatable): a CloudFormation/SAM parameter "
              "(over its Default and samconfig.toml), a Terraform root variable (as -var), "
              "a serverless.yml ${param:NAME}; over the config's `parameters:`")


def add_app_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Add `--config FILE`, `--exclude GLOB` (repeatable, as `args.exclude`), `--stage`,
    `--region` and `--param NAME=VALUE` (repeatable; a later one wins; as `args.param`, a
    list of (name, value) pairs; a malformed one is a usage error, exit 2)."""
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (.faasguard.yml or pyproject.toml)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching GLOB (repeatable; adds to the config's)")
    parser.add_argument("--stage", help="deployment stage to resolve variables for")
    parser.add_argument("--region", help="AWS region to resolve variables for")
    parser.add_argument("--param", action="append", default=[], type=_assignment,
                        metavar="NAME=VALUE", help=PARAM_HELP)


def _assignment(text: str) -> tuple[str, str]:
    from faasguard.config import parse_parameter

    return parse_parameter(text, argparse.ArgumentTypeError)
