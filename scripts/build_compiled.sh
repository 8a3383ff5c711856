#!/usr/bin/env bash
# Builds the compiled (mypyc) faasguard into its own virtualenv, from a clean copy of a
# commit of this checkout (uncommitted edits are not in it):
#   scripts/build_compiled.sh [REV]        (default HEAD)
# Result: benchmarks/.venvs/faasguard-compiled/bin/faasguard (git-ignored). The venv first
# gets the pure package with its scan extra (so that mypy type-checks against the same
# libraries as `mypy src`), then the compiled one over it (setup.py, FAASGUARD_COMPILE=1).
# Needs a C compiler and the Python headers; about ten minutes of two CPUs.
# Check its output against the pure build with benchmarks/compiled_same_output.py.
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-HEAD}"
python="${PYTHON:-python3}"
venv="$PWD/benchmarks/.venvs/faasguard-compiled"
mypy_version="$("$python" -m mypy --version | awk '{print $2}')"
copy="$(mktemp -d "${TMPDIR:-/tmp}/faasguard-compiled-XXXXXX")"
trap 'rm -rf "$copy"' EXIT
git archive "$rev" | tar -x -C "$copy"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade "setuptools>=68" wheel "mypy==$mypy_version"
"$venv/bin/python" -m pip install -q "$copy[scan]"
start=$(date +%s)
FAASGUARD_COMPILE=1 "$venv/bin/python" -m pip install -q --no-build-isolation --no-deps \
  --force-reinstall "$copy"
echo "compiled $(git rev-parse --short "$rev") in $(( $(date +%s) - start )) s wall:" \
  "$(find "$venv" -path '*faasguard*' -name '*.so' | wc -l) extension files," \
  "$(du -ch $(find "$venv" -path '*faasguard*' -name '*.so') | tail -1 | cut -f1)"
"$venv/bin/python" -c 'import faasguard.scan as s; assert s.__file__.endswith(".so"), s.__file__'
echo "$venv/bin/faasguard"
