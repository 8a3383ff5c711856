"""Compile a checkout's scanner with mypyc, in place, to measure it beside the pure code.

    git worktree add -f /tmp/me/compiled <rev> --detach
    python benchmarks/mypyc_build.py /tmp/me/compiled [--jobs 2] [--generate-only]
    PYTHONPATH=/tmp/me/compiled/src python -m faasguard.cli scan ...   # the compiled build

Every module of src/faasguard is compiled except those INTERPRETED names (with the reason
each cannot be, with mypy/mypyc 2.4.1). The modules are grouped by import cycle: mypyc
compiles a group into one extension, and a module in one group that imports one of another
group loads that group first, so cyclic groups never finish loading (a build of one group
per module raises RecursionError at import). The C files of a group are compiled `--jobs`
at a time. Prints the compile's wall and CPU time and the size of what it built; the
figures and the source changes compilation needs are in benchmarks/README.md ("Compiled
build (mypyc)"). The tree's own files are changed (.so files beside the modules, build/).
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
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
    "faasguard/analysis/js/parse.py": "_Listing subclasses frozenset (no compiled subclass "
                                      "of a builtin)",
    "faasguard/loaders/documents.py": "LDict / LList subclass dict / list",
    "faasguard/report/jsontext.py": "Text subclasses str",
    "faasguard/loaders/service_code_changes.py": "the recursive type alias _Scope: mypyc "
                                                 "recurses without end",
    "faasguard/collector.py": "class attributes assigned on the class (not ClassVar)",
    "faasguard/loaders/serverless.py": "`del` of an attribute (needs __deletable__)",
    "faasguard/loaders/service_code_syntax.py": "a lone surrogate in a string literal; an "
                                                "int assigned to a float variable",
    "faasguard/loaders/terraform/__init__.py": "`continue` inside try/finally",
    "faasguard/workers.py": "the generic frozen dataclass _State fails at import",
}


def compiled_files(src: Path) -> list[Path]:
    """The files of src/faasguard that are compiled."""
    def kept(name: str) -> bool:
        return not any(name == skip or (skip.endswith("/") and name.startswith(skip))
                       for skip in INTERPRETED)
    return [p for p in sorted((src / "faasguard").rglob("*.py"))
            if kept(p.relative_to(src).as_posix())]


def module_name(src: Path, path: Path) -> str:
    """The dotted name of a module file under `src`."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, name: str) -> set[str]:
    """Every module `path` (module `name`) imports, anywhere in it, with their packages."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of `graph` (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def groups(src: Path, files: list[Path]) -> list[list[Path]]:
    """The compiled files grouped by import cycle."""
    by_name = {module_name(src, path): path for path in files}
    graph = {name: (imported(path, name) & by_name.keys()) - {name}
             for name, path in by_name.items()}
    return [[by_name[name] for name in component] for component in cycles(graph)]


def parallel(compile_one: Callable[..., list[str]], jobs: int) -> Callable[..., list[str]]:
    """A CCompiler.compile that compiles its sources `jobs` at a time."""
    def compile_all(self: Any, sources: list[str], *args: Any, **kwargs: Any) -> list[str]:
        if jobs < 2 or len(sources) < 2:
            return compile_one(self, sources, *args, **kwargs)
        with ThreadPoolExecutor(jobs) as pool:
            objects = pool.map(lambda s: compile_one(self, [s], *args, **kwargs), sources)
            return [obj for part in objects for obj in part]
    return compile_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path, help="a checkout (its src/faasguard is compiled)")
    parser.add_argument("--jobs", type=int, default=2, help="C files compiled at a time")
    parser.add_argument("--generate-only", action="store_true",
                        help="stop after the type check and C generation")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    src = tree / "src"
    files = compiled_files(src)
    grouped = groups(src, files)
    print(f"{len(files)} modules in {len(grouped)} groups, the largest "
          f"{max(len(g) for g in grouped)}", flush=True)
    os.chdir(tree)  # mypyc reads pyproject.toml's mypy settings from here
    from mypyc.build import mypycify
    from setuptools import Distribution
    from setuptools._distutils import ccompiler

    wall, cpu = time.perf_counter(), time.process_time()
    extensions = mypycify([str(p.relative_to(tree)) for p in files], opt_level="3",
                          separate=[([str(p.relative_to(tree)) for p in g], None)
                                    for g in grouped])
    print(f"type check and C generation: {time.perf_counter() - wall:.0f} s", flush=True)
    if args.generate_only:
        return 0
    ccompiler.CCompiler.compile = parallel(ccompiler.CCompiler.compile,
                                           args.jobs)
    dist = Distribution({"name": "faasguard", "ext_modules": extensions,
                         "package_dir": {"": "src"},
                         "script_args": ["build_ext", "--inplace", "-j", str(args.jobs)]})
    dist.parse_command_line()
    dist.run_commands()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    built = list(src.rglob("*.so"))
    print(f"compile: {time.perf_counter() - wall:.0f} s wall, "
          f"{time.process_time() - cpu + children.ru_utime + children.ru_stime:.0f} s CPU; "
          f"{len(built)} shared objects, {sum(p.stat().st_size for p in built) / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
