"""Check that a compiled (mypyc) faasguard reports byte for byte what the pure one does.

    python3 benchmarks/compiled_same_output.py --compiled-src /tmp/me/compiled/src
    python3 benchmarks/compiled_same_output.py \
        --compiled-python benchmarks/.venvs/faasguard-compiled/bin/python

scans the nine examples/ and gen_corpus's synthetic project (`--functions`, default 1,000)
with both, `--format json --jobs 1`, and compares the files. The pure side is this
interpreter with `--pure-src` (default: this checkout's src/) first on PYTHONPATH; the
compiled side is `--compiled-python` (an installed build, scripts/build_compiled.sh) or this
interpreter with `--compiled-src` (a tree benchmarks/mypyc_build.py compiled in place). Each
side must be what it claims (faasguard.scan is an extension module on the compiled side
only). Exit status 0 when every output is identical.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_support import src_first  # noqa: E402
from gen_corpus import generate  # noqa: E402


def side(python: str, src: str | None) -> tuple[list[str], dict[str, str]]:
    """The command prefix and environment running faasguard with `python` (and `src`
    first on its path)."""
    return [python], src_first(os.environ, src) if src else dict(os.environ)


def is_compiled(python: list[str], env: dict[str, str]) -> bool:
    """Whether faasguard.scan, as that side imports it, is compiled."""
    out = subprocess.run([*python, "-c", "import faasguard.scan as s; print(s.__file__)"],
                         capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip().endswith(".so")


def scan(python: list[str], env: dict[str, str], target: Path, out: Path) -> None:
    """One `faasguard scan` to a JSON file."""
    done = subprocess.run([*python, "-m", "faasguard.cli", "scan", str(target), "--format",
                           "json", "-o", str(out), "--jobs", "1", "--no-progress"],
                          capture_output=True, text=True, env=env, cwd=HERE.parent)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{target}: scan failed ({done.returncode}): {done.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--compiled-src", metavar="PATH")
    where.add_argument("--compiled-python", metavar="PYTHON")
    parser.add_argument("--pure-src", metavar="PATH", default=str(HERE.parent / "src"))
    parser.add_argument("--functions", type=int, default=1000)
    args = parser.parse_args(argv)
    pure = side(sys.executable, args.pure_src)
    compiled = side(args.compiled_python or sys.executable, args.compiled_src)
    if is_compiled(*pure) or not is_compiled(*compiled):
        raise SystemExit("the pure side must be interpreted and the compiled side compiled")
    targets = sorted(p for p in (HERE.parent / "examples").iterdir() if p.is_dir())
    differ = 0
    with tempfile.TemporaryDirectory(prefix="faasguard-same-") as tmp:
        corpus = Path(tmp, f"c{args.functions}")
        generate(str(corpus), args.functions)
        for target in [*targets, corpus]:
            outputs = [Path(tmp, f"{target.name}.{name}.json") for name in ("pure", "compiled")]
            scan(*pure, target, outputs[0])
            scan(*compiled, target, outputs[1])
            same = outputs[0].read_bytes() == outputs[1].read_bytes()
            differ += not same
            print(f"{'identical' if same else 'DIFFERENT'}  {target.name} "
                  f"({outputs[0].stat().st_size:,} bytes)", flush=True)
    print(f"{len(targets) + 1 - differ} of {len(targets) + 1} outputs identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
