"""Helpers the analysis benchmarks share (bench_taint.py, bench_js.py, bench_js_code_facts.py)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from faasguard.analysis.facts import Facts, Options
from faasguard.analysis.handlers import resolve_with_steps
from faasguard.model import App


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
    """The options every analysis benchmark takes: --files N, --seed S, --rounds R (and
    those `more` adds)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--files", type=int, default=files)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=rounds, help=rounds_help)
    if more is not None:
        more(parser)
    return parser.parse_args(argv)


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
