"""Run the test suite against a tree compiled in place with mypyc.

    git worktree add -f /tmp/me/compiled <rev> --detach
    python3 benchmarks/mypyc_build.py /tmp/me/compiled --jobs 2
    python3 benchmarks/compiled_tests.py /tmp/me/compiled [pytest arguments]

runs that tree's own tests (its tests/, fixtures and examples: the revision its modules were
compiled from) with its src/ first on PYTHONPATH, so that the tests and every scan they
start in a child process import the compiled modules. It checks that first (faasguard.scan
must be an extension module), runs pytest with `-X faulthandler` (a crash prints the
Python stack of each thread), and prints the wall time. Exit status: pytest's. The default
argument is `-p no:cacheprovider` (pyproject.toml's addopts add `-q`: a second `-q` drops
the line counting passed, skipped and failed); arguments given replace it (a test file,
`-x`).

tests/compiled_support.py tells a test which build it runs on. This is not part of CI:
.ci/run and the README's test command stay pure (a compile takes 6 to 15 minutes of two
CPUs); the figures are in benchmarks/README.md, "Compiled build (mypyc)".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_support import src_first  # noqa: E402
from compiled_same_output import is_compiled  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path, help="a checkout benchmarks/mypyc_build.py built")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER,
                        help="pytest's arguments (default: -p no:cacheprovider)")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    env = src_first(os.environ, str(tree / "src"))
    python = [sys.executable]
    if not is_compiled(python, env):
        raise SystemExit(f"{tree}/src: faasguard.scan is not compiled there "
                         "(run benchmarks/mypyc_build.py on it first)")
    command = [*python, "-X", "faulthandler", "-m", "pytest",
               *(args.pytest_args or ["-p", "no:cacheprovider"])]
    print(" ".join(command), f"(in {tree}, PYTHONPATH={env['PYTHONPATH']})", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=env)
    print(f"exit status {done.returncode}, {time.perf_counter() - start:.0f} s wall",
          flush=True)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
