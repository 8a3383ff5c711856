#!/usr/bin/env bash
# Builds the compiled (mypyc) faasguard into its own virtualenv, for the benchmarks, from a
# clean copy of a commit of this checkout (uncommitted edits are not in it):
#   scripts/build_compiled.sh [REV]        (default HEAD)
# Result: benchmarks/.venvs/faasguard-compiled/bin/faasguard (git-ignored), installed as
# README.md tells users to ("Compiled build"): FAASGUARD_COMPILE=1 pip install ".[scan]",
# whose build backend (build_backend/faasguard_build.py) brings the pinned mypy and the scan's
# libraries into pip's build environment. Needs a C compiler and the Python headers.
# Check its output against the pure build with benchmarks/compiled_same_output.py.
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-HEAD}"
python="${PYTHON:-python3}"
venv="$PWD/benchmarks/.venvs/faasguard-compiled"
copy="$(mktemp -d "${TMPDIR:-/tmp}/faasguard-compiled-XXXXXX")"
trap 'rm -rf "$copy"' EXIT
git archive "$rev" | tar -x -C "$copy"
rm -rf "$venv"
"$python" -m venv "$venv"
start=$(date +%s)
FAASGUARD_COMPILE=1 "$venv/bin/python" -m pip install -q "$copy[scan]"
echo "built and installed $(git rev-parse --short "$rev") in $(( $(date +%s) - start )) s wall"
"$venv/bin/faasguard" --version
# the package's extensions and the group's library
"$venv/bin/python" -c '
import pathlib, sys, faasguard.scan as s
assert s.__file__.endswith(".so"), s.__file__
files = [*pathlib.Path(s.__file__).parent.rglob("*.so"),
         *(pathlib.Path(m.__file__) for n, m in list(sys.modules.items())
           if n.endswith("__mypyc") and getattr(m, "__file__", None))]
print(len(files), "extension files,", round(sum(f.stat().st_size for f in files) / 2**20), "MiB")'
echo "$venv/bin/faasguard"
