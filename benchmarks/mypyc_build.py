"""Compile a checkout's scanner with mypyc: the one list of what is compiled, and the build.

    git worktree add -f /tmp/me/compiled <rev> --detach
    python benchmarks/mypyc_build.py /tmp/me/compiled [--jobs 2] [--generate-only] [--opt-level 0]
    PYTHONPATH=/tmp/me/compiled/src python -m faasguard.cli scan ...   # the compiled build

builds in place (the .so files beside the modules, C and objects in build/), so that the
compiled and the pure code run side by side through PYTHONPATH; setup.py (with
FAASGUARD_COMPILE=1) and scripts/build_compiled.sh build an installed copy with the same
`extensions`. Every module of src/faasguard is compiled except those INTERPRETED names (with
the reason each cannot be, with mypy/mypyc 2.4.1). All compiled modules form one group (one
shared library, <hash>__mypyc, beside a small extension per module): the scanner's
imports are cyclic, and with a library per module or per import cycle each library loads
the others' first, which never ends (RecursionError at import: the fifteenth session).
The group's C files (one per module) are compiled `--jobs` at a time, and one whose object
is newer than it and than the group's headers is not compiled again (a rebuild after a
change compiles only what mypyc wrote anew). Prints the compile's wall and CPU time and the
size of what it built; the figures are in benchmarks/README.md ("Compiled build (mypyc)").
`--opt-level 0` compiles the C without optimisation, in a fraction of the time: the same
code and checks, slower, for a test run while fixing (every object is compiled again when
the level changes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

#: Module (or package, ending in '/') under src/ -> why it stays interpreted.
INTERPRETED = {
    "faasguard/monitor/": "not on the scan path (the log monitor)",
    "faasguard/runtime/": "not on the scan path (the guard runs in the user's function)",
    "faasguard/precompiled.py": "exec()s dataclass sources with this module's future flags",
    "faasguard/precompiled_methods.py": "a generated table",
    "faasguard/precompiled_patterns.py": "a generated table",
    "faasguard/loaders/documents.py": "LDict / LList subclass dict / list",
    "faasguard/report/jsontext.py": "Text subclasses str",
    "faasguard/loaders/service_code_changes.py": "the recursive type alias _Scope: mypyc "
                                                 "recurses without end",
    "faasguard/collector.py": "class attributes assigned on the class (not ClassVar)",
    "faasguard/loaders/service_code_syntax.py": "a lone surrogate in a string literal; an "
                                                "int assigned to a float variable",
    "faasguard/loaders/terraform/__init__.py": "`continue` inside try/finally",
    "faasguard/workers.py": "the generic frozen dataclass _State fails at import",
    "faasguard/cli.py": "`python -m faasguard.cli` (the benchmarks' command) needs its code "
                        "object",
}


def compiled_files(src: Path) -> list[Path]:
    """The files of src/faasguard that are compiled."""
    def kept(name: str) -> bool:
        return not any(name == skip or (skip.endswith("/") and name.startswith(skip))
                       for skip in INTERPRETED)
    return [p for p in sorted((src / "faasguard").rglob("*.py"))
            if kept(p.relative_to(src).as_posix())]


def parallel(compile_one: Callable[..., list[str]], jobs: int) -> Callable[..., list[str]]:
    """A CCompiler.compile that compiles its sources `jobs` at a time, leaving out those
    whose object is newer than the source and than every header beside it."""
    def compile_all(self: Any, sources: list[str], output_dir: str | None = None,
                    *args: Any, **kwargs: Any) -> list[str]:
        objects = self.object_filenames(sources, output_dir=output_dir)
        folders = {Path(source).parent for source in sources}
        newest_header = max((header.stat().st_mtime for folder in folders
                             for header in folder.glob("*.h")), default=0.0)

        def stale(source: str, obj: str) -> bool:
            return not os.path.exists(obj) or os.path.getmtime(obj) < max(
                os.path.getmtime(source), newest_header)

        todo = [s for s, o in zip(sources, objects, strict=True) if stale(s, o)]
        if todo:
            with ThreadPoolExecutor(max(1, jobs)) as pool:
                list(pool.map(lambda s: compile_one(self, [s], output_dir, *args, **kwargs),
                              todo))
        return objects
    return compile_all


#: Linked with -Bsymbolic (GNU and LLVM linkers, Linux): a library's references to its own
#: functions and data are bound when it is linked. Without it, each process loading the
#: group library looked about 12,000 of the library's own symbols up by name (about 10.6
#: million instructions at every compiled start, before any code runs), and calls between
#: its modules went through the PLT.
LINK_ARGS = ["-Wl,-Bsymbolic"] if sys.platform.startswith("linux") else []


def extensions(tree: Path, jobs: int, opt_level: str = "3") -> list[Any]:
    """The setuptools extensions of the compiled build of the checkout at `tree` (the
    current directory: mypyc reads pyproject.toml's mypy settings from there), linked with
    `LINK_ARGS`; C files are compiled `jobs` at a time from then on (CCompiler.compile is
    replaced), with the C compiler's `-O<opt_level>`."""
    from mypyc.build import mypycify
    from setuptools._distutils import ccompiler

    files = [str(p.relative_to(tree)) for p in compiled_files(tree / "src")]
    # the group keeps mypyc's own name (a hash of its modules): named "faasguard", its C file
    # would be the package's own (__native_faasguard.c) and be linked twice
    # a virtualenv without the type stubs `mypy src` has finds some `type: ignore` unused:
    # not an error for the build
    built = mypycify(["--no-warn-unused-ignores", *files], opt_level=opt_level,
                     multi_file=True)
    for extension in built:
        extension.extra_link_args = [*extension.extra_link_args, *LINK_ARGS]
    ccompiler.CCompiler.compile = parallel(ccompiler.CCompiler.compile, jobs)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path, help="a checkout (its src/faasguard is compiled)")
    parser.add_argument("--jobs", type=int, default=2, help="C files compiled at a time")
    parser.add_argument("--generate-only", action="store_true",
                        help="stop after the type check and C generation")
    parser.add_argument("--opt-level", default="3", choices=("0", "1", "2", "3"),
                        help="the C compiler's optimisation (default 3, the build's)")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    src = tree / "src"
    print(f"{len(compiled_files(src))} modules compiled, {len(INTERPRETED)} names left "
          "interpreted", flush=True)
    os.chdir(tree)
    for stale in src.rglob("*.so"):  # a module compiled before and interpreted now
        stale.unlink()
    from setuptools import Distribution

    wall, cpu = time.perf_counter(), time.process_time()
    level = Path("build", "opt-level")  # objects of another level: compiled again
    if (level.read_text() if level.exists() else "3") != args.opt_level:
        for objects in Path("build").glob("temp.*"):
            shutil.rmtree(objects)
    built = extensions(Path("."), args.jobs, args.opt_level)
    level.write_text(args.opt_level)  # (build/ is there now)
    print(f"type check and C generation: {time.perf_counter() - wall:.0f} s", flush=True)
    if args.generate_only:
        return 0
    dist = Distribution({"name": "faasguard", "ext_modules": built,
                         "package_dir": {"": "src"},
                         "script_args": ["build_ext", "--inplace"]})
    dist.parse_command_line()
    dist.run_commands()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    objects = list(src.rglob("*.so"))
    print(f"compile: {time.perf_counter() - wall:.0f} s wall, "
          f"{time.process_time() - cpu + children.ru_utime + children.ru_stime:.0f} s CPU; "
          f"{len(objects)} shared objects, "
          f"{sum(p.stat().st_size for p in objects) / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
