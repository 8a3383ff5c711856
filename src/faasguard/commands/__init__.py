"""Subcommands of the `faasguard` CLI, one module each.

A command module exposes:

- `HELP`: one line for `faasguard --help`;
- `add_arguments(parser: argparse.ArgumentParser) -> None`;
- `run(args: argparse.Namespace) -> int`: the exit code (0 clean, 1 findings at or above
  the failure threshold, 2 usage/configuration error or nothing could be scanned).

`COMMANDS` lists them in the order `--help` shows them; cli.py imports each lazily.
"""

COMMANDS: tuple[str, ...] = ("scan", "rules", "cost", "endpoints", "monitor", "policy")
