"""The static scan: discover files, load them (in parallel), analyse, run the rules.

discover -> load (one App fragment per file, in worker processes for large trees) ->
merge -> analyses (facts) -> rules -> severity overrides and suppressions -> findings.
No scanned code is ever imported or run.

Several paths are scanned as one application whose root is their common folder, so file
names stay unique and cross-file rules (a role shared by two templates) still work.
"""

from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Union

from faasguard.analysis.facts import Facts, Options
from faasguard.collector import paused_then_frozen, scan_scope
from faasguard.config import CONFIG_NAMES, Config, exclude_globs
from faasguard.filebytes import NOT_REGULAR
from faasguard.finding_origins import note_origins
from faasguard.findings import RULES, Finding, RemediationChooser, Rule, fold_overlaps
from faasguard.loaders import (
    SERVERLESS_CODE_NAMES,
    SERVERLESS_NAMES,
    TERRAFORM_SUFFIX,
    LoadContext,
    is_candidate,
    load_path,
    prepare,
    undeclared_parameters,
)
from faasguard.model import App, Diagnostic, SourceFile, link_authorizers
from faasguard.named import function_named
from faasguard.report.base import finding_order
from faasguard.workers import pull_map, worker_count

if TYPE_CHECKING:
    from faasguard.loaders.terraform.ahead import ReadAhead

SKIP_DIRS = {".git", "node_modules", ".serverless", ".aws-sam", "__pycache__", ".venv", "venv",
             ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", "site-packages",
             ".hg", ".svn", ".nox", ".eggs",
             # build output of Serverless Framework plugins: bundled or vendored copies of
             # the handlers and their dependencies (serverless-esbuild, serverless-webpack,
             # serverless-plugin-typescript, serverless-python-requirements)
             ".esbuild", ".webpack", ".build", ".requirements"}
#: Well-known JSON/YAML files that are never IaC: package manifests, lock files (often
#: megabytes: parsing them costs seconds) and tool configuration.
SKIP_FILES = {"package.json", "package-lock.json", "npm-shrinkwrap.json", "tsconfig.json",
              "jsconfig.json", "cdk.json", "cdk.context.json", "composer.json", "lerna.json",
              "nx.json", "turbo.json", "renovate.json", "tslint.json", ".eslintrc.json",
              ".eslintrc.yml", ".eslintrc.yaml", ".prettierrc.json", ".babelrc.json",
              ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", "docker-compose.yml",
              "docker-compose.yaml", "mkdocs.yml", ".gitlab-ci.yml", ".travis.yml",
              "pnpm-lock.yaml", "pubspec.yaml", "Pipfile.lock", "poetry.lock"}
SourceKind = Literal["python", "javascript", "typescript"]
SOURCE_SUFFIXES: dict[str, SourceKind] = {
    ".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript"}

#: The analyses, in order: "module:function" names of `(app, facts) -> None` steps that
#: fill `Facts`. They are imported when a scan runs (never at CLI start). To add one,
#: append a line, e.g. "faasguard.analysis.cost:analyse".
ANALYSES: list[str] = [
    # first: fills Function.source_file/handler_name, and runs the per-handler parts of
    # code_facts, taint and awscalls on each handler while it is parsed (HANDLER_STEPS)
    "faasguard.analysis.handlers:resolve_then_analyse",
    "faasguard.analysis.openapi:analyse_openapi",
    "faasguard.analysis.endpoints:analyse_endpoints",
    "faasguard.analysis.cost:analyse_cost",
    "faasguard.analysis.code_facts:analyse",  # after handler resolution (source_file)
    "faasguard.analysis.taint:analyse_taint",  # after handler resolution
    "faasguard.analysis.dependencies:analyse_dependencies",  # after handler resolution
    "faasguard.analysis.awscalls:analyse_aws_calls",  # after handler resolution
    "faasguard.analysis.nodejs:analyse_js",  # Node.js handlers; after handler resolution
    "faasguard.analysis.nodejs:analyse_js_code",  # secrets, TLS, logs in JS/TS
    "faasguard.analysis.authoriser_code:analyse_authorisers",  # after handler resolution
]

Progress = Callable[[int, int], None]


@dataclass
class Discovery:
    """What walking the scanned paths found (all paths relative to the scan's root)."""

    templates: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    missing: int = 0
    scanned: list[str] = field(default_factory=list)  # the paths that exist ("." the root)


@dataclass
class ScanResult:
    """What a scan produced: the model, the facts, the findings (suppressed ones included)."""

    app: App
    facts: Facts
    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Problems with the input."""
        return self.app.diagnostics

    @property
    def root(self) -> str:
        """The folder every location is relative to."""
        return self.app.root

    @property
    def nothing_scanned(self) -> bool:
        """True when not a single file could be read (exit code 2)."""
        return self.files_scanned == 0 and any(d.level == "error" for d in self.diagnostics)


# --------------------------------------------------------------------------- discovery


def excluded(patterns: Sequence[str], *names: str) -> bool:
    """Does an exclude glob (`--exclude`, the configuration's `exclude:`) match one of
    `names` (paths relative to the scanned folder, a base name)? `**/x` matches x at the
    top too, `x` the folder's contents, `./x` what `x` matches."""
    for written in patterns:
        for glob in exclude_globs(written):
            for name in names:
                if fnmatch.fnmatch(name, glob):
                    return True
    return False


def _within(path: str, real_root: str) -> bool:
    return path == real_root or path.startswith(real_root.rstrip(os.sep) + os.sep)


def walk(root: str, excludes: Iterable[str] = (), prefix: str = "") -> Discovery:
    """Walk one folder: IaC candidates, handler sources, and problems met on the way.

    Paths are relative to `root` with `prefix` prepended. Skips SKIP_DIRS, virtualenvs and
    paths matching an exclude glob (matched against the path, relative to `root` and with
    the prefix, and against the base name). A symlinked file is read when it stays inside
    the root; a symlinked folder is never followed: a warning when it loops or leaves the
    root, a note when it points inside the root (whose files are scanned where they are).
    """
    patterns = list(excludes)
    found = Discovery()
    real_root = os.path.realpath(root)

    def rel_of(rel: str) -> str:
        return rel if not prefix else (prefix if rel == "." else f"{prefix}/{rel}")

    def on_error(err: OSError) -> None:
        rel = os.path.relpath(err.filename or root, root).replace(os.sep, "/")
        found.problems.append(Diagnostic(rel_of(rel), f"cannot be read: {err.strerror or err}",
                                         code="discovery"))

    # depth first, folders and files in name order, as os.walk would go, from the entries
    # os.scandir lists: a file's path and whether it is a link come with its entry (os.walk
    # and os.path.islink asked the system again for each file)
    pending: list[tuple[str, str]] = [(root, ".")]
    while pending:
        dirpath, rel_dir = pending.pop()
        try:
            with os.scandir(dirpath) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError as err:
            on_error(err)
            continue
        dirs: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry)
        keep = []
        for entry in dirs:
            name = entry.name
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name in SKIP_DIRS or excluded(patterns, rel, rel_of(rel), name) or \
                    os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                continue
            if entry.is_symlink():
                problem, level = _dir_link_problem(entry.path, real_root)
                found.problems.append(Diagnostic(rel_of(rel), problem, level=level,
                                                 code="discovery"))
                continue
            keep.append((entry.path, rel))
        pending.extend(reversed(keep))
        for entry in files:
            name = entry.name
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            kind = SOURCE_SUFFIXES.get(os.path.splitext(name)[1].lower())
            if (kind is None and not is_candidate(name)) or name.endswith(".d.ts") or \
                    name in CONFIG_NAMES or name in SKIP_FILES or \
                    excluded(patterns, rel, rel_of(rel), name):
                continue
            if entry.is_symlink():
                link_problem = _link_problem(entry.path, real_root)
                if link_problem:
                    found.problems.append(Diagnostic(rel_of(rel), link_problem,
                                                     level="warning", code="discovery"))
                    continue
            if not _regular(entry):
                found.problems.append(Diagnostic(rel_of(rel), f"{NOT_REGULAR}; skipped",
                                                 level="warning", code="discovery"))
                continue
            (found.sources if kind else found.templates).append(rel_of(rel))
            if name.lower() in SERVERLESS_CODE_NAMES:
                from faasguard.loaders.service_code import read_as_service

                if read_as_service(root, rel, {f.name.lower() for f in files}):
                    found.templates.append(rel_of(rel))  # read statically
    found.templates.sort()
    found.sources.sort()
    return found


def _regular(entry: os.DirEntry[str]) -> bool:
    """Is the entry a regular file (a link's target: one inside the root)? A FIFO would
    make its reader wait for a writer, a device may never end."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _dir_link_problem(path: str, real_root: str) -> tuple[str, Literal["warning", "note"]]:
    try:
        target = os.path.realpath(path, strict=True)
    except OSError:
        return "broken symlink or symlink loop; not followed", "warning"
    if not _within(target, real_root):
        return "symlink leaves the scanned folder; not followed", "warning"
    if _within(os.path.realpath(os.path.dirname(path)), target):
        return "symlink loop (points to a folder that contains it); not followed", "warning"
    where = os.path.relpath(target, real_root).replace(os.sep, "/")
    return f"symlink to {where}/, which is scanned under its own path; not followed", "note"


def _link_problem(path: str, real_root: str) -> str | None:
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop; not followed"
        return "broken symlink (its target does not exist); skipped"
    if not _within(target, real_root):
        return "symlink leaves the scanned folder; not followed"
    return None


def discover(root: str, excludes: Iterable[str] = ()) -> tuple[list[str], list[Diagnostic]]:
    """Files under `root` that may be IaC, relative to root; and problems met while walking."""
    found = walk(root, excludes)
    return found.templates, found.problems


def python_sources(root: str, excludes: Iterable[str] = ()) -> list[str]:
    """The Python files under `root` (relative, posix, sorted), skipping what a scan skips.

    For the code analyses: `python_sources(app.root, facts.options.excludes)`; a scan also
    lists them in `app.files` as `SourceFile(path, "python")`.
    """
    return [p for p in walk(root, excludes).sources if p.endswith(".py")]


def common_root(paths: Sequence[str]) -> str:
    """The absolute folder a scan of `paths` is relative to: their common folder (a file
    counts as its folder); the current folder when none exists."""
    anchors = [os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))
               for p in paths if os.path.exists(p)]
    return os.path.commonpath(anchors) if anchors else os.path.abspath(".")


def discover_paths(paths: Sequence[str], excludes: Iterable[str] = ()) -> tuple[str, Discovery]:
    """The common root of `paths` and what is under each (a missing path is a diagnostic)."""
    patterns = list(excludes)
    base = common_root(paths)
    result = Discovery()
    seen: set[str] = set()
    seen_sources: set[str] = set()  # (serverless.ts is both: a template and a source)
    for path in paths:
        if not os.path.exists(path):
            what = "broken symlink" if os.path.islink(path) else "path does not exist"
            name = os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")
            result.problems.append(Diagnostic(
                os.path.abspath(path) if name.startswith("..") else name,
                f"{what}; nothing scanned there", code="path"))
            result.missing += 1
            continue
        rel = os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")
        result.scanned.append(rel)
        if os.path.isdir(path):
            part = walk(path, patterns, "" if rel == "." else rel)
        else:
            part = Discovery()
            kind = SOURCE_SUFFIXES.get(os.path.splitext(path)[1].lower())
            (part.sources if kind else part.templates).append(rel)
            if os.path.basename(path).lower() in SERVERLESS_CODE_NAMES:
                part.templates.append(rel)  # also the service it configures
        for name in part.templates:
            if name not in seen:
                seen.add(name)
                result.templates.append(name)
        for name in part.sources:
            if name not in seen_sources:
                seen_sources.add(name)
                result.sources.append(name)
        result.problems.extend(part.problems)
    return base, result


# --------------------------------------------------------------------------- loading


#: How many YAML or JSON templates a `.tf` file weighs when loading is shared out: parsing
#: one with python-hcl2's pure-Python parser takes about six times as long as loading a
#: template (real projects: 9 ms against 1.5 ms a file).
TERRAFORM_WEIGHT = 6

#: What a loading worker is handed: a template to load, or a .tf file to parse ahead of
#: its module tree (`loaders.terraform.ahead.ReadAhead`, imported only with Terraform).
LoadJob = Union[LoadContext, "ReadAhead"]


def _load_one(job: LoadJob) -> Any:
    """A template's App fragment; a .tf file's `ParsedTf` (None when parsing it failed
    unexpectedly: `load_tree` parses it again, as it would have)."""
    if not isinstance(job, LoadContext):
        try:
            return job.run()
        except Exception:
            if os.environ.get("FAASGUARD_DEBUG"):
                raise
            return None
    try:
        return load_path(job)
    except Exception as exc:  # a loader bug must not end the scan of the other files
        if os.environ.get("FAASGUARD_DEBUG"):
            raise
        app = App(root=job.root)
        app.diagnostics.append(job.diagnostic(
            f"internal error while loading ({type(exc).__name__}: {exc}); please report it",
            code="internal"))
        return app


def _weight(job: LoadJob) -> int:
    return 1 if isinstance(job, LoadContext) else TERRAFORM_WEIGHT


@scan_scope()  # called alone (a library, the monitor): the collector left as found
def load_app(root: str, files: list[str], stage: str | None = None,
             jobs: int | None = None, progress: Progress | None = None,
             region: str | None = None, max_bytes: int | None = None,
             meanwhile: Callable[[], None] | None = None,
             params: Mapping[str, str] | None = None) -> App:
    """Load every file into one App (in worker processes when there are many: this
    process then also runs `meanwhile`, set-up for a later step, while they load).
    `params`: deployment parameter values the user gave (`Options.parameters`).

    The .tf files are parsed where the other files load (in the workers too: parsing is
    nearly all of Terraform's cost), then their module trees are evaluated here
    (`loaders.terraform.load_tree`: a module reads the modules it calls)."""
    app = App(root=root, stage=stage)
    terraform = [f for f in files if f.lower().endswith(TERRAFORM_SUFFIX)]
    files = [f for f in files if not f.lower().endswith(TERRAFORM_SUFFIX)]
    given = dict(params or {})
    contexts = [LoadContext(root=root, file=f, stage=stage, region=region, params=given)
                for f in files]
    if max_bytes is not None:
        for ctx in contexts:
            ctx.max_bytes = max_bytes
    reads: list[ReadAhead] = []
    if terraform:
        from faasguard.loaders.terraform import ahead

        reads = ahead.plan(root, terraform, max_bytes)
    todo: list[LoadJob] = [*reads, *contexts]  # the heaviest first: shared out better
    workers = worker_count(len(contexts) + TERRAFORM_WEIGHT * len(reads), jobs)

    # templates load without reference cycles: the collector would only walk the model
    # (11% of loading at 10,000 functions), and it is frozen for the analyses after
    with paused_then_frozen():
        if workers > 1:
            prepare()  # the loaders' modules, imported once here, not again in each worker
            if reads:
                ahead.prepare()
            loaded = pull_map(partial(_load_shard, len(todo), progress), todo, workers,
                              meanwhile, _weight)
        else:
            loaded = [_load_shard(len(todo), progress, (False, 0, todo))]
        results = [result for chunk in loaded for result in chunk]
        if reads:  # merged first, as it always was
            from faasguard.loaders.terraform import load_tree

            parsed = {job.file: done for job, done in zip(reads, results[:len(reads)],
                                                          strict=True) if done is not None}
            app.merge(load_tree(root, terraform, max_bytes, variables=given, ahead=parsed))
        fragments = results[len(reads):]
        if any(fragment.stacks for fragment in fragments):  # values parents pass down
            from faasguard.loaders.nested_stacks import pass_parameters

            pass_parameters(contexts, fragments, _load_one)
        included = _included_files(contexts, fragments)
        for ctx, fragment in zip(contexts, fragments, strict=True):
            if ctx.file not in included:
                app.merge(fragment)
    link_authorizers(app)  # a template's authoriser may name another file's function
    if progress and todo:
        progress(len(todo), len(todo))
    if given:
        app.diagnostics.extend(undeclared_parameters(app, given))
    return app


def _included_files(contexts: list[LoadContext], fragments: list[App]) -> set[str]:
    """The files a serverless.yml read with `${file(...)}` (it lists them after itself):
    part of that service, not templates of their own (a `resources:` file would otherwise
    be loaded twice). A file named as a service (serverless.yml) still loads on its own."""
    included: set[str] = set()
    for ctx, fragment in zip(contexts, fragments, strict=True):
        included.update(source.path for source in fragment.files
                        if source.format == "serverless" and source.path != ctx.file)
    return {path for path in included
            if os.path.basename(path).lower() not in SERVERLESS_NAMES}


def _load_shard(total: int, progress: Progress | None,
                job: tuple[bool, int, list[LoadJob]]) -> list[Any]:
    """Load one chunk of the files (`workers.pull_map`; `start`: its first file's index);
    the chunks loaded here report progress for all (the others go at the same pace)."""
    in_child, start, todo = job
    results = []
    for done, one in enumerate(todo, start + 1):
        results.append(_load_one(one))
        if progress and not in_child and done < total:
            progress(done, total)
    return results


def prepare_analyses() -> None:
    """Import the analyses (`ANALYSES`), the rules and the suppressions, and read what
    every handler's steps need (`handlers.prepare`) ahead of them: `load_app` does it
    while workers load the templates, which then take more of the loading (imported
    after the analyses, they would add to the scan's serial end). A failure is left for
    the step itself to report."""
    with suppress(Exception):
        for name in ANALYSES:
            function_named(name)
        from faasguard.analysis.handlers import prepare

        prepare()
    with suppress(Exception):
        import faasguard.rules  # noqa: F401
        import faasguard.suppress  # noqa: F401


# --------------------------------------------------------------------------- analyses, rules


def _guarded(diagnostics: list[Diagnostic], what: str, step: Callable[[], None]) -> None:
    """Run one analysis or rule; a crash becomes an internal diagnostic (appended to
    `diagnostics`, the App's), not the end."""
    try:
        step()
    except Exception as exc:
        if os.environ.get("FAASGUARD_DEBUG"):
            raise
        diagnostics.append(Diagnostic(
            "", f"internal error in {what} ({type(exc).__name__}: {exc}); please report it",
            code="internal"))


@scan_scope()  # called alone (a library, the monitor): the collector left as found
def analyse(app: App, options: Options, beside: EarlyRules | None = None) -> Facts:
    """Derive the facts every rule may read, running `ANALYSES` in order. `beside`: the
    model-only analyses and rules, run by the handler phase (`analysis.handlers`) in this
    process while a forked worker takes handler chunks, or before the handlers when one
    process does them all (`run_rules` runs the rules if no handler phase did); what such
    an analysis filled and reported is given to the facts at its turn."""
    facts = Facts(options=options)
    if beside is not None:
        from faasguard.analysis.handlers import BESIDE_HANDLERS

        facts.memo[BESIDE_HANDLERS] = beside
    try:
        for name in ANALYSES:
            done = beside.filled.get(name) if beside is not None else None
            if done is not None:  # ran beside the handler phase: its outcome, in its turn
                filled, value, diagnostics = done
                if not isinstance(value, _Unread):  # (not left unset by a crash)
                    setattr(facts, filled, value)
                app.diagnostics.extend(diagnostics)
                continue
            _guarded(app.diagnostics, f"analysis {name}",
                     partial(function_named(name), app, facts))
    finally:
        if beside is not None:
            facts.memo.pop(BESIDE_HANDLERS, None)  # (no handler phase took it)
    return facts


@scan_scope()  # called alone (a library, the monitor): the collector left as found
def run_rules(app: App, facts: Facts, enabled: Callable[[str], bool] | None = None,
              early: EarlyRules | None = None) -> list[Finding]:
    """Run every registered (and enabled) rule; overlapping findings folded
    (`fold_overlaps`); findings sorted by file, line, rule. What the rules of one module
    shared in `facts.memo` is freed after that module's last enabled rule, what rules of
    several modules share once the rules are done. The cyclic
    garbage collector is paused meanwhile (`collector.paused_then_frozen`): rules make next
    to no cycles, and its collections walked the model and the findings ninety times at N=1,000.

    The model-only rules (`rules.MODEL_ONLY`) are taken from `early` when they ran beside
    the handler phase (`analyse(..., beside=early)`), else run first here: their findings
    and crash diagnostics are merged in rule order, as if they had run in it."""
    import faasguard.rules  # noqa: F401  (registers the rules)

    with paused_then_frozen():
        if early is None:
            early = EarlyRules(app, facts.options, enabled)
        early(facts)  # (nothing when it ran beside the handler phase)
        return _run_rules(app, facts, enabled, early)


def _chosen_rules(enabled: Callable[[str], bool] | None) -> list[tuple[str, Rule]]:
    """The registered rules that are enabled, in rule id order (the order they run in)."""
    return [(rule_id, registered) for rule_id, registered in sorted(RULES.items())
            if enabled is None or enabled(rule_id)]


def _run_rules(app: App, facts: Facts, enabled: Callable[[str], bool] | None,
               early: EarlyRules) -> list[Finding]:
    findings: list[Finding] = []
    chosen = _chosen_rules(enabled)
    last_of_module = {_module_of(registered): rule_id for rule_id, registered in chosen}
    from_analyses = set(facts.memo)  # the analyses' memo entries are not the rules' to free
    done_early = early.outcomes
    for rule_id, registered in chosen:
        outcome = done_early.get(rule_id)
        if outcome is not None:
            findings.extend(outcome[0])
            app.diagnostics.extend(outcome[1])
        else:
            batch: list[Finding] = []
            _guarded(app.diagnostics, f"rule {rule_id}",
                     partial(_collect, batch, registered, app, facts))
            findings.extend(batch)
        module = _module_of(registered)
        if last_of_module[module] == rule_id:
            _drop_memo_of(facts, module, keep=from_analyses)
    # what rules of several modules share is named after a module without rules
    # ("envvars.", "codefindings.", "iam_tables.", "privileges." of the helpers rules
    # call), which the loop never reaches: freed here
    for key in [k for k in facts.memo if k not in from_analyses]:
        del facts.memo[key]
    findings = fold_overlaps(findings)
    note_origins(app, findings)
    findings.sort(key=finding_order)
    return findings


def _drop_parsed_code(facts: Facts) -> None:
    """Free the parsed modules once every analysis has run: rules read facts, never trees,
    and the trees of thousands of handlers are the largest thing a scan holds (about
    26 KB per small Python handler)."""
    facts.python_modules = None
    facts.js_modules = None


def _module_of(registered: Rule) -> str:
    """The short name of the rules module a rule is written in ("leastpriv")."""
    return registered.check.__module__.rpartition(".")[2]


def _drop_memo_of(facts: Facts, module: str, keep: set[str]) -> None:
    """Free what the rules of `module` shared through `facts.memo` (keys "<module>.<what>")
    once the last of them has run: the least-privilege needs of every function would
    otherwise stay until the end of the rules, the scan's peak of memory. A later reader
    would derive the value afresh. Entries named in `keep` stay."""
    for key in [k for k in facts.memo if k.partition(".")[0] == module and k not in keep]:
        del facts.memo[key]


def _collect(into: list[Finding], registered: Rule, app: App, facts: Facts) -> None:
    into.extend(registered.run(app, facts))


#: The analyses that read only the model, as the model-only rules (`rules.MODEL_ONLY`)
#: do, by "module:function" name -> the one `Facts` field each fills: run beside the
#: handler phase before those rules (which may read that field), their result given to
#: the scan's facts at their turn in ANALYSES (`analyse`) with the diagnostics they made.
#: One listed here must not change the App (it runs before its turn, while the handlers
#: are resolved): analysis.openapi, which lists the specs in `App.files`, is not.
MODEL_ONLY_ANALYSES: dict[str, str] = {"faasguard.analysis.cost:analyse_cost": "cost"}

#: Run the model-only rules (`rules.MODEL_ONLY`) beside the handler phase, in this process
#: while a forked worker takes more handler chunks (the scan's serial tail is shorter by
#: their time); False: they run first among the rules, after the analyses (for an A/B of
#: the schedule: the findings are the same).
RULES_BESIDE_HANDLERS = True


class EarlyRules:
    """The model-only analyses and rules of one scan (MODEL_ONLY_ANALYSES,
    `rules.MODEL_ONLY`), run once (`__call__`) on the App and the options only, through
    `model_only_facts`; what each did is kept for `analyse` and `run_rules` to give out in
    its turn: an analysis' field and diagnostics, a rule's findings and crash diagnostic.
    The memo entries the rules make are their own and freed when they are done."""

    def __init__(self, app: App, options: Options,
                 enabled: Callable[[str], bool] | None = None):
        self.app, self.options, self.enabled = app, options, enabled
        self.ran = False
        #: analysis name -> (the field it fills, its value, the diagnostics it made) of
        #: each model-only analysis run here
        self.filled: dict[str, tuple[str, Any, list[Diagnostic]]] = {}
        #: rule id -> (findings, crash diagnostics) of each model-only rule that ran
        self.outcomes: dict[str, tuple[list[Finding], list[Diagnostic]]] = {}

    def __call__(self, analysed: Facts | None = None) -> None:
        """Run the model-only analyses (unless `analysed`, the facts after them, is given:
        their fields are taken from it), then the enabled model-only rules; nothing the
        second time."""
        if self.ran:
            return
        self.ran = True
        from faasguard.rules import MODEL_ONLY

        app = self.app
        facts = model_only_facts(self.options)
        for name in ANALYSES:
            filled = MODEL_ONLY_ANALYSES.get(name)
            if filled is None:
                continue
            if analysed is not None:
                setattr(facts, filled, getattr(analysed, filled))
                continue
            found = app.diagnostics
            start = len(found)
            crash: list[Diagnostic] = []
            _guarded(crash, f"analysis {name}", partial(function_named(name), app, facts))
            made = found[start:]
            del found[start:]  # (given to the App at the analysis' turn)
            self.filled[name] = (filled, getattr(facts, filled), made + crash)
        early = [(rule_id, registered) for rule_id, registered in _chosen_rules(self.enabled)
                 if rule_id in MODEL_ONLY]
        last_of_module = {_module_of(registered): rule_id for rule_id, registered in early}
        for rule_id, registered in early:
            batch: list[Finding] = []
            crashed: list[Diagnostic] = []
            _guarded(crashed, f"rule {rule_id}",
                     partial(_collect, batch, registered, app, facts))
            self.outcomes[rule_id] = (batch, crashed)
            module = _module_of(registered)
            if last_of_module[module] == rule_id:
                _drop_memo_of(facts, module, keep=set())
        facts.memo.clear()  # what rules of several modules share (see `_run_rules`)


class _Unread:
    """The value of a `Facts` field of type Any that the model-only rules may not read:
    any use of it (an attribute, truth, iteration) raises AttributeError. (An `is None`
    or `isinstance` test cannot be refused: it answers as for a missing value, and the
    rule's fixture tests, which run it before the analyses, show the loss.)"""

    def __init__(self, name: str) -> None:
        self.name = name

    def _refuse(self) -> NoReturn:
        raise AttributeError(f"Facts.{self.name} is not read by the model-only rules "
                             "(rules.MODEL_ONLY)")

    def __getattr__(self, attr: str) -> Any:
        self._refuse()

    def __bool__(self) -> bool:
        self._refuse()

    def __iter__(self) -> Iterator[Any]:
        self._refuse()


def model_only_facts(options: Options) -> Facts:
    """A `Facts` for the model-only analyses and rules: their options and a memo of their
    own; reading a field the other analyses fill raises AttributeError (the dict and list
    fields are never set, those of type Any hold an `_Unread` until a model-only analysis
    fills one)."""
    facts = Facts.__new__(Facts)  # (no __init__: the analyses' fields stay unset)
    facts.options = options
    facts.memo = {}
    facts.cost = _Unread("cost")
    facts.python_modules = _Unread("python_modules")
    facts.dependencies = _Unread("dependencies")
    facts.js_modules = _Unread("js_modules")
    return facts


# --------------------------------------------------------------------------- the scan


def add_sources(app: App, sources: Iterable[str]) -> None:
    """List the code files discovery found (paths relative to the root) in `app.files`,
    as the analyses expect them after loading."""
    app.files.extend(SourceFile(path, SOURCE_SUFFIXES[os.path.splitext(path)[1].lower()])
                     for path in sources)


def scan_paths(paths: Sequence[str], options: Options | None = None,
               config: Config | None = None, baseline: frozenset[str] = frozenset(),
               jobs: int | None = None, progress: Progress | None = None) -> ScanResult:
    """Scan folders and files as one application, end to end.

    `config` brings excludes, enabled rules, severity overrides, `ignore` entries and the
    file size limit; `baseline` is a set of fingerprints to mark suppressed. The garbage
    collector is left as the scan found it (`collector.scan_scope`).
    """
    with scan_scope():
        return _scan_paths(paths, options, config or Config(), baseline, jobs, progress)


def _scan_paths(paths: Sequence[str], options: Options | None, config: Config,
                baseline: frozenset[str], jobs: int | None,
                progress: Progress | None) -> ScanResult:
    options = replace(options or Options())  # the caller's object is left as it was
    excludes = list(dict.fromkeys([*config.exclude, *options.excludes]))
    options.excludes = excludes
    options.jobs = jobs if jobs is not None else options.jobs
    base, found = discover_paths(paths, excludes)
    options.scanned = found.scanned
    if not found.templates and not found.sources:  # nothing to read: nothing to analyse
        app = App(root=base, stage=options.stage, diagnostics=found.problems)
        return ScanResult(app, Facts(options=options))
    app = load_app(base, found.templates, options.stage, jobs, progress, options.region,
                   config.max_file_size, prepare_analyses, options.parameters)
    app.diagnostics[:0] = found.problems
    add_sources(app, found.sources)
    early = EarlyRules(app, options, config.rule_enabled)
    facts = analyse(app, options, early if RULES_BESIDE_HANDLERS else None)
    _drop_parsed_code(facts)
    from faasguard.suppress import CommentIndex, apply_suppressions, unused_ignores

    comments = CommentIndex(base)  # the files' suppression comments, read while rules run
    comments.read_ahead(f.path for f in app.files)  # (no process is forked after this)
    findings = run_rules(app, facts, config.rule_enabled, early)
    if config.severity:  # the user's overrides (without any, each rule's own stands)
        for finding in findings:
            finding.severity = config.severity_for(finding.rule_id, finding.threat,
                                                   finding.severity)
    RemediationChooser((f.path, f.format) for f in app.files).localise_all(findings)
    app.diagnostics.extend(apply_suppressions(findings, base, config.ignore, baseline,
                                              comments))
    app.diagnostics.extend(unused_ignores(findings, config, base))
    read = {f.path for f in app.files}  # recognised templates (loaders list them), sources
    return ScanResult(app, facts, findings, len(read), found.sources)


def scan(root: str, options: Options | None = None, excludes: Iterable[str] = (),
         jobs: int | None = None) -> ScanResult:
    """Scan one folder (or one file) end to end; locations are relative to the folder
    (to the file's folder for a file)."""
    options = replace(options or Options())
    options.excludes = [*options.excludes, *excludes]
    return scan_paths([root], options, jobs=jobs)
