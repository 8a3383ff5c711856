"""Helpers the benchmarks share (bench_taint.py, bench_js.py, bench_js_code_facts.py; the
--faasguard-src option of those and of bench_scan.py and compare_checkov.py; the command
line of bench_js_regions.py and bench_js_functions.py)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bytecode import bytecode_env

SRC_OPTION = "--faasguard-src"
#: The environment before --faasguard-src changed it: for the other tools a benchmark runs
#: (Checkov must not import packages from a faasguard build's folder).
OUTSIDE_ENV = dict(os.environ)


def src_first(env: Mapping[str, str], src: str) -> dict[str, str]:
    """A copy of the environment `env` with the folder `src` first on PYTHONPATH."""
    path = [os.path.abspath(src), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    return {**env, "PYTHONPATH": os.pathsep.join(path)}


def use_faasguard_src(argv: list[str]) -> str | None:
    """With `--faasguard-src PATH` in `argv`: PATH (a tree's src/ folder, for example one
    benchmarks/mypyc_build.py compiled) goes first on sys.path and on PYTHONPATH, so that
    the faasguard this process imports and the one its scans run (child processes) is
    that tree's. Runs when this module is imported, before any faasguard import; prints
    what was chosen to stderr. Returns the path."""
    src = next((arg.split("=", 1)[1] for arg in argv if arg.startswith(SRC_OPTION + "=")),
               None)
    if src is None and SRC_OPTION in argv[:-1]:
        src = argv[argv.index(SRC_OPTION) + 1]
    if src is None:
        return None
    src = os.path.abspath(src)
    if not os.path.isfile(os.path.join(src, "faasguard", "__init__.py")):
        raise SystemExit(f"{SRC_OPTION} {src}: no faasguard package there")
    sys.path.insert(0, src)
    os.environ.update(src_first(os.environ, src))
    compiled = sum(1 for _ in Path(src, "faasguard").rglob("*.so"))
    print(f"faasguard from {src} ({compiled} compiled extension files)", file=sys.stderr)
    return src


def startup_ms(python: str, repeat: int = 7) -> float:
    """Median wall time of `python -c pass`, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def add_src_option(parser: argparse.ArgumentParser) -> None:
    """Declare the option use_faasguard_src has already applied (for --help and parsing)."""
    parser.add_argument(SRC_OPTION, metavar="PATH",
                        help="run the faasguard of this src/ folder (e.g. a compiled build), "
                             "in this process and in the scans it starts")


use_faasguard_src(sys.argv[1:])

from faasguard.analysis.facts import Facts, Options  # noqa: E402
from faasguard.analysis.handlers import resolve_with_steps  # noqa: E402
from faasguard.model import App  # noqa: E402


def resolve_then(app: App, analysis: Callable[[App, Facts], None], steps: Iterable[str] = ()
                 ) -> tuple[float, float, float, Facts]:
    """CPU seconds of handler resolution (it parses each handler file once; with `steps`,
    the per-handler steps of analysis.handlers.HANDLER_STEPS run on each handler too, as
    in a scan) and of `analysis` on the resolved app, wall seconds of both, and the facts.
    The per-handler steps run in this process (`jobs=1`): the CPU time of forked workers
    (analysis.handlers) would not be counted."""
    facts = Facts(options=Options(jobs=1))
    cpu, wall = time.process_time(), time.perf_counter()
    resolve_with_steps(app, facts, steps)
    resolved = time.process_time()
    analysis(app, facts)
    done = time.process_time()
    return resolved - cpu, done - resolved, time.perf_counter() - wall, facts


def parse_args(doc: str, argv: list[str] | None, files: int, rounds: int, rounds_help: str,
               more: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.Namespace:
    """The options every analysis benchmark takes: --files N, --seed S, --rounds R,
    --faasguard-src PATH (and those `more` adds)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--files", type=int, default=files)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=rounds, help=rounds_help)
    add_src_option(parser)
    if more is not None:
        more(parser)
    return parser.parse_args(argv)


def inner_or_args(argv: list[str] | None, inner: Callable[[Path, int, int], None]
                  ) -> list[str] | None:
    """The arguments of a benchmark that counts bench_js's round in a child process
    (bench_js_regions.py, bench_js_functions.py): `argv` (else the command line's), or None
    once `inner` has run, for the child's `--inner FOLDER FILES SEED`."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--inner"]:
        inner(Path(args[1]), int(args[2]), int(args[3]))
        return None
    return args


def round_parser(doc: str) -> argparse.ArgumentParser:
    """The parser of such a benchmark: --files N (default 300) and --seed S."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=4)
    return parser


@contextmanager
def inner_child(script: str, generate: Callable[[Path, int, int], object],
                options: argparse.Namespace) -> Iterator[tuple[str, dict[str, str], list[str]]]:
    """For such a benchmark `script`: a temporary folder holding the `options.files` files
    `generate` writes (seeded by `options.seed`), the child's environment (its own
    bytecode folder, PYTHONHASHSEED=0) and command line (`--inner FOLDER FILES SEED`, which
    `inner_or_args` reads), the child run once first to write its bytecode: the folder,
    the environment and the command line."""
    with tempfile.TemporaryDirectory(prefix=Path(script).stem) as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        generate(folder, options.files, options.seed)
        env = {**bytecode_env(os.path.join(tmp, "bytecode")), "PYTHONHASHSEED": "0"}
        inner = [sys.executable, script, "--inner", str(folder), str(options.files),
                 str(options.seed)]
        subprocess.run(inner, env=env, capture_output=True, check=True)  # the bytecode
        yield tmp, env, inner


def line_count(folder: Path, names: Iterable[str]) -> int:
    """The lines of the generated files `names` under `folder`."""
    return sum(len((folder / name).read_text().splitlines()) for name in names)


@contextmanager
def generated(prefix: str, generate: Callable[[Path, int, int], App],
              args: argparse.Namespace) -> Iterator[tuple[Path, list[str], int]]:
    """A temporary folder of `args.files` files `generate` writes (seeded by `args.seed`):
    the folder, the files' names and their number of lines."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        app = generate(folder, args.files, args.seed)
        names = [s.path for s in app.files]
        yield folder, names, line_count(folder, names)


def python_version() -> str:
    """The running Python's version, as the benchmarks print it."""
    return sys.version.split()[0]


def timing_row(label: str, seconds: float, per_file: float, *, middle: str = "",
               note: str = "", column: int = 31, width: int = 7) -> str:
    """One printed timing: `label` padded to `column`, the seconds, `middle` (a wall time
    or blanks), the milliseconds per file (`per_file` is 1,000 / files) and `(note)`."""
    row = f"{label:<{column}}{seconds:{width}.2f} s  {middle}{seconds * per_file:.3f} ms/file"
    return f"{row}  ({note})" if note else row
