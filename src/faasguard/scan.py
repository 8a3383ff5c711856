"""The static scan: discover files, load them (in parallel), analyse, run the rules.

discover -> load (one App fragment per file, in worker processes for large trees) ->
merge -> analyses (facts) -> rules -> findings. No scanned code is ever imported or run.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from faasguard.analysis.facts import Facts, Options
from faasguard.findings import RULES, Finding
from faasguard.loaders import LoadContext, is_candidate, load_path
from faasguard.model import App, Diagnostic

SKIP_DIRS = {".git", "node_modules", ".serverless", ".aws-sam", "__pycache__", ".venv", "venv",
             ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", "site-packages"}
PARALLEL_THRESHOLD = 48  # below this many files a process pool costs more than it saves


@dataclass
class ScanResult:
    """What a scan produced: the model, the facts, the findings (suppressed ones included)."""

    app: App
    facts: Facts
    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Problems with the input."""
        return self.app.diagnostics


def discover(root: str, excludes: Iterable[str] = ()) -> tuple[list[str], list[Diagnostic]]:
    """Files under `root` that may be IaC, relative to root; and problems met while walking.

    Skips SKIP_DIRS, virtualenvs and paths matching an exclude glob; follows directory
    symlinks only when they stay inside the root and do not loop.
    """
    patterns = list(excludes)
    found: list[str] = []
    problems: list[Diagnostic] = []
    real_root = os.path.realpath(root)
    seen_dirs: set[str] = set()

    def excluded(rel: str) -> bool:
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(rel), p)
                   or fnmatch.fnmatch(rel, p.rstrip("/") + "/*") for p in patterns)

    def on_error(err: OSError) -> None:
        rel = os.path.relpath(err.filename or root, root).replace(os.sep, "/")
        problems.append(Diagnostic(rel, f"cannot be read: {err.strerror or err}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=True):
        real = os.path.realpath(dirpath)
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        if real in seen_dirs:
            problems.append(Diagnostic(rel_dir, "symlink loop; not followed", level="warning"))
            dirnames[:] = []
            continue
        if real != real_root and not real.startswith(real_root + os.sep):
            problems.append(Diagnostic(rel_dir, "symlink leaves the scanned folder; not followed",
                                       level="warning"))
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        keep = []
        for name in sorted(dirnames):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name in SKIP_DIRS or excluded(rel) or os.path.exists(
                    os.path.join(dirpath, name, "pyvenv.cfg")):
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if is_candidate(name) and not excluded(rel):
                found.append(rel)
    return found, problems


def _load_one(ctx: LoadContext) -> App:
    return load_path(ctx)


def load_app(root: str, files: list[str], stage: str | None = None,
             jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> App:
    """Load every file into one App (in worker processes when there are many)."""
    app = App(root=root, stage=stage or "dev")
    contexts = [LoadContext(root=root, file=f, stage=stage) for f in files]
    if len(contexts) >= PARALLEL_THRESHOLD and (jobs or os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            fragments: Iterable[App] = pool.map(_load_one, contexts, chunksize=16)
            for done, fragment in enumerate(fragments, 1):
                app.merge(fragment)
                if progress:
                    progress(done, len(contexts))
    else:
        for done, ctx in enumerate(contexts, 1):
            app.merge(_load_one(ctx))
            if progress:
                progress(done, len(contexts))
    return app


def analyse(app: App, options: Options) -> Facts:
    """Derive the facts every rule may read."""
    facts = Facts(options=options)
    return facts


def run_rules(app: App, facts: Facts,
              enabled: Callable[[str], bool] | None = None) -> list[Finding]:
    """Run every registered (and enabled) rule; findings sorted by file, line, rule."""
    import faasguard.rules  # noqa: F401  (registers the rules)

    findings: list[Finding] = []
    for rule_id, registered in sorted(RULES.items()):
        if enabled is not None and not enabled(rule_id):
            continue
        findings.extend(registered.run(app, facts))
    findings.sort(key=lambda f: (f.location.file, f.location.line, f.rule_id, f.subject))
    return findings


def scan(root: str, options: Options | None = None, excludes: Iterable[str] = (),
         jobs: int | None = None) -> ScanResult:
    """Scan one folder (or one file) end to end."""
    options = options or Options()
    if os.path.isfile(root):
        base, files = os.path.dirname(os.path.abspath(root)), [os.path.basename(root)]
        problems: list[Diagnostic] = []
    else:
        base = root
        files, problems = discover(root, excludes)
    app = load_app(base, files, options.stage, jobs)
    app.diagnostics[:0] = problems
    facts = analyse(app, options)
    findings = run_rules(app, facts)
    return ScanResult(app, facts, findings, len(files))
