"""When each step of a scan starts and ends, process by process, in wall time.

Instruction counts (bench_regions.py) say how much work a step is; this says where the
scan's wall time goes with forked workers: which process finishes a shared phase last
(the other one idling meanwhile) and what runs alone after the workers. Runs
`faasguard scan PATH [scan options]` once from compiled bytecode with each step wrapped,
every process writing its marks (a monotonic clock, shared by the processes) to a file,
then prints them in time order, from the scan's start:

    python3 benchmarks/bench_timeline.py /tmp/c1k
    PYTHONPATH=/other/tree/src python3 benchmarks/bench_timeline.py /tmp/c1k --jobs 1

Times move with the machine's load: compare trees by alternate runs, several each.
"""

from __future__ import annotations

import functools
import glob
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bytecode import bytecode_env  # noqa: E402

#: (module, attribute) of each step marked, and its label.
STEPS: list[tuple[str, str, str]] = [
    ("faasguard.scan", "load_app", "load"),
    ("faasguard.scan", "prepare_analyses", "set-up meanwhile"),
    ("faasguard.scan", "_load_shard", "load chunk"),
    ("faasguard.scan", "analyse", "analyses"),
    ("faasguard.analysis.handlers", "resolve_then_analyse", "handler phase"),
    ("faasguard.analysis.handlers:_Run", "_chunk", "handler chunk"),
    ("faasguard.workers", "_collect", "collect a worker"),
    ("faasguard.scan", "run_rules", "rules"),
    ("faasguard.report", "write", "report"),
]


def _inner(out: str, scan_args: list[str]) -> None:
    """The scan, its steps marked (run in a fresh interpreter by `main`)."""
    import importlib

    marks: list[tuple[int, float, str]] = []  # a forked worker inherits its parent's

    def mark(what: str) -> None:
        marks.append((os.getpid(), time.monotonic(), what))

    def marked(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            mark(f"{label} >")
            try:
                return function(*args, **kwargs)
            finally:
                mark(f"{label} <")
        return wrapper

    def dump() -> None:
        with open(f"{out}.{os.getpid()}", "w", encoding="utf-8") as handle:
            handle.writelines(f"{at:.6f} {what}\n" for pid, at, what in marks
                              if pid == os.getpid())

    for module_name, attribute, label in STEPS:
        module_name, _, class_name = module_name.partition(":")
        owner: Any = importlib.import_module(module_name)
        owner = getattr(owner, class_name) if class_name else owner
        if hasattr(owner, attribute):  # a step another version of the code lacks
            setattr(owner, attribute, marked(label, getattr(owner, attribute)))
    real_exit = os._exit

    def exiting(code: int) -> None:  # a forked worker ends here
        mark("exit")
        dump()
        real_exit(code)

    os._exit = exiting  # type: ignore[assignment]
    from faasguard.cli import main as cli_main

    sys.argv = ["faasguard", "scan", *scan_args]
    try:
        cli_main()
    except SystemExit:
        pass
    mark("end")
    dump()


def main(argv: list[str] | None = None) -> int:
    """Run the marked scan and print every process's marks in time order."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--inner"]:
        _inner(args[1], args[2:])
        return 0
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_timeline") as folder:
        env = bytecode_env(os.path.join(folder, "bytecode"))
        out = os.path.join(folder, "marks")
        command = [sys.executable, __file__, "--inner", out, *args, "-o", os.devnull]
        subprocess.run(command, env=env, capture_output=True, check=False)  # bytecode
        for stale in glob.glob(f"{out}.*"):
            os.remove(stale)
        start = time.monotonic()
        subprocess.run(command, env=env, capture_output=True, check=True)
        rows = []
        for path in glob.glob(f"{out}.*"):
            pid = path.rsplit(".", 1)[1]
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    when, what = line.rstrip("\n").split(" ", 1)
                    rows.append((float(when) - start, pid, what))
    main_pid = next((pid for _, pid, what in rows if what == "end"), "")
    print(f"faasguard scan {' '.join(args)}: wall seconds from the command's start "
          f"(process {main_pid} is the scan; the others are forked workers)")
    for seconds, pid, what in sorted(rows):
        who = "scan" if pid == main_pid else f"worker {pid}"
        print(f"{seconds:8.3f}  {who:>14s}  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
