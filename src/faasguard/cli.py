"""Command line: argv -> calls; nothing else. Each subcommand lives in faasguard.commands."""

from __future__ import annotations

import argparse
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType
from typing import NoReturn, TextIO

from faasguard import __version__, precompiled
from faasguard.collector import frozen_until_exit
from faasguard.commands import COMMANDS, HelpFormatter

EPILOG = """\
examples:
  faasguard scan .                      scan the current folder (text report)
  faasguard scan . --format sarif -o faasguard.sarif
  faasguard rules                       the rule catalogue, by threat
  faasguard rules FG-AUTH-001           one rule's documentation
  faasguard COMMAND --help              a command's options and examples

exit codes: 0 clean, 1 findings at or above the failure threshold,
2 usage or configuration error, or nothing could be scanned."""


def _command(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"faasguard.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"faasguard.commands.{name}":
            return None  # not built yet
        raise


def build() -> str:
    """Which build of faasguard runs: "compiled" when its scanner's modules are mypyc
    extensions (installed with FAASGUARD_COMPILE=1), else "pure" (Python)."""
    spec = importlib.util.find_spec("faasguard.scan")
    origin = spec.origin if spec is not None else None
    compiled = origin is not None and origin.endswith(
        tuple(importlib.machinery.EXTENSION_SUFFIXES))
    return "compiled" if compiled else "pure"


def version() -> str:
    """`faasguard --version`'s line: the version, the build and the Python it runs on (what a
    bug report needs)."""
    kind = "compiled (mypyc)" if build() == "compiled" else "pure Python"
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"faasguard {__version__}, {kind} build, Python {python} ({sys.implementation.name})"


class _Version(argparse.Action):
    """--version: `version()`, found only when asked (not on every command line)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(version())
        parser.exit()


def _build_parser(only: str | None = None
                  ) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The parser with every subcommand, or with `only` that one (a command line naming
    its command first needs no other: their modules are neither imported nor built)."""
    parser = argparse.ArgumentParser(
        prog="faasguard",
        description="Secure serverless applications: scan templates and handler code, "
                    "guard running handlers, monitor logs.",
        epilog=EPILOG, formatter_class=HelpFormatter)
    parser.add_argument("--version", action=_Version, nargs=0, default=argparse.SUPPRESS,
                        help="show the version, the build (compiled or pure) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    for name in COMMANDS if only is None else (only,):
        module = _command(name)
        if module is None:
            continue
        modules[name] = module
        command_parser = sub.add_parser(
            name, help=module.HELP, description=module.HELP,
            epilog=getattr(module, "EPILOG", None),
            formatter_class=HelpFormatter)
        module.add_arguments(command_parser)
    return parser, modules


def _escape_unencodable(stream: TextIO, fmt: str) -> None:
    """File names that are not UTF-8 (which Python holds as lone surrogates) written as
    `\\udcff` escapes, as in the files `scan --output` writes: valid JSON, and no crash
    on a strict stream (a UTF-8 terminal's). Text output keeps a stream that writes such
    names' own bytes back (`surrogateescape`, the POSIX locale's)."""
    if fmt == "text" and stream.errors == "surrogateescape":
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `faasguard` command; returns the exit code. The dataclasses it
    imports take their methods compiled ahead of time (`faasguard.precompiled`)."""
    with precompiled.installed():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    parser, modules = _build_parser(args_in[0] if args_in[:1] and args_in[0] in COMMANDS
                                    else None)
    args = parser.parse_args(args_in)
    if args.command is None:
        parser.print_help()
        return 2
    _escape_unencodable(sys.stdout, getattr(args, "format", None) or "text")
    try:
        with frozen_until_exit():  # the process ends after the command: nothing to unfreeze
            return int(modules[args.command].run(args))
    except KeyboardInterrupt:
        print("faasguard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `faasguard scan . | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def run() -> NoReturn:
    """The `faasguard` program (its console script, and `python -m faasguard.cli`): `main`,
    then the process ends at once, its output flushed. What a scan built (the model, the
    parsed files, the findings) is given back to the system whole instead of object by
    object, as the interpreter's own exit would: about 1% of a large scan's work, and its
    very last step. Code calling `main` itself keeps its process."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader left, or the stream is closed
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
