"""Subcommands of the `faasguard` CLI, one module each.

A command module exposes:

- `HELP`: one line for `faasguard --help`;
- `add_arguments(parser: argparse.ArgumentParser) -> None`;
- `run(args: argparse.Namespace) -> int`: the exit code (0 clean, 1 findings at or above
  the failure threshold, 2 usage/configuration error or nothing could be scanned).

`COMMANDS` lists them in the order `--help` shows them; cli.py imports each lazily.
`HelpFormatter` lays out every parser's help.
"""

from __future__ import annotations

import argparse
import os
import sys

COMMANDS: tuple[str, ...] = ("scan", "rules", "cost", "endpoints", "monitor", "policy")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """The commands' help layout: descriptions and epilogs as written, wrapped to the
    terminal's width. argparse builds a formatter for every argument it adds, and its own
    finds the width through `shutil`, whose import (with the archive modules it brings)
    every run would pay for help it does not print; this reads the width directly."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def terminal_columns() -> int:
    """The terminal's width in columns, as `shutil.get_terminal_size` finds it: $COLUMNS,
    else standard output's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    stream = sys.__stdout__
    if columns <= 0 and stream is not None:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):  # not a terminal, or no descriptor
            columns = 0
    return columns or 80
