"""Third-party dependencies of each function, and the advisories that affect them.

For every function with a known code folder (`code_dir`, else its handler's folder) the
nearest dependency manifests are read, from that folder up to the scanned root:

- Python: `Pipfile.lock` or `poetry.lock` (locked versions), else `requirements*.txt`,
  else `pyproject.toml` (`[project].dependencies`, `[tool.poetry.dependencies]`), else
  `Pipfile` (`[packages]`: Pipenv and serverless-python-requirements lock it at build time);
  a requirements file's `-r FILE` / `--requirement FILE` lines are read as pip reads them
  (relative to the file naming them; a path leaving the scanned root is refused with a
  diagnostic, a file already being read is not read again). A function whose loader
  knows what its build installs (`Function.build`: serverless-python-requirements) gets
  the first of the build's manifests that is there and declares what it needs (a Poetry
  project, `[project] dependencies`), its lock when there is one, with the optional-
  dependency groups or Poetry groups the build installs (a Poetry project's other groups,
  `[tool.poetry.group.<name>.dependencies]` or a lock package's `groups`, are in no
  bundle without such a build); when there is none of them, the nearest
  manifests as above. The packages the build leaves out of the bundle (what runs is the
  Lambda runtime's or a layer's copy) are not the function's dependencies
  (`DependencyFacts.bundles`), and a note says so. A `requirements/` folder of files
  nothing names is read by neither pip nor such a build: it declares nothing;
- Node.js: `package-lock.json` / `npm-shrinkwrap.json` (locked versions), else
  `package.json` (`dependencies`).

A dependency is pinned when one exact version is named (`==1.2.3`, `"1.2.3"`, a lock
file). Pinned versions are matched against the OSV database the user gives
(`Options.osv_db`); without one the check does not run, and `facts.dependencies.status`
says so (FG-TP-103 reports it: a scan never pretends dependencies are clean).
Manifests are read as data only; nothing is installed or run.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from faasguard.analysis.facts import Facts
from faasguard.loaders.documents import InputError, read_text
from faasguard.model import (
    POETRY_MAIN,
    App,
    BuildInstall,
    BuildManifest,
    Diagnostic,
    Function,
    display_names,
    logical_id,
)
from faasguard.shapes import as_list, as_table
from faasguard.toml_text import parse_toml

if TYPE_CHECKING:  # the OSV reader (and `packaging`) is imported only when a database is given
    from faasguard.analysis.osv import Advisory

PYTHON_LOCKS = ("Pipfile.lock", "poetry.lock")
NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json")
_REQUIREMENTS = re.compile(r"^requirements[\w.-]*\.txt$")
_MANIFEST_NAMES = frozenset({*PYTHON_LOCKS, *NPM_LOCKS, "package.json", "pyproject.toml",
                             "Pipfile"})
_EXACT_NPM = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
#: A requirements file's line naming another one: `-r FILE`, `-rFILE`, `--requirement FILE`
#: or `--requirement=FILE` (pip's forms).
_INCLUDE = re.compile(r"^(?:-r\s*|--requirement(?:\s*=\s*|\s+))(?P<path>\S.*)$")
#: The diagnostics of the manifests read, by manifest (`read_manifest`'s notes).
_NOTES = "notes"
#: A folder of requirement files (`requirements/base.txt`...): a manifest only when a
#: requirements file or the build plugin names one of its files.
_REQUIREMENTS_FOLDER = "requirements"
#: The `requirements/` folders met by a search that found no Python manifest.
_UNNAMED = "unnamed"
#: The TOML documents parsed so far, by file: (text, tables), None when unreadable.
_TOMLS = "tomls"
#: The manifests chosen so far, by (code folder, ecosystems, build).
_CHOSEN = "chosen"
#: The manifests a build installs optional groups from that the scan cannot know, by
#: manifest: the setting that names them and what gives it (`BuildManifest.groups_unknown`).
_GROUPS_UNKNOWN = "groups unknown"
#: Where a requirement's line is cut to compare it with the names a build leaves out.
_LEFT_OUT_SPLIT = re.compile(r"[=<> \t]")


@dataclass(frozen=True)
class Dependency:
    """One declared dependency: where, what, and the version when pinned."""

    ecosystem: str  # pypi | npm
    name: str
    spec: str  # as written (">=2.0", "^4.17.1", "==2.31.0", a locked "2.31.0")
    file: str  # relative to the scanned root
    line: int
    version: str | None  # the exact version when pinned, else None
    #: the requirement as its line writes it (a requirements file's, a pyproject.toml's
    #: `[project] dependencies` entry); empty for an entry a tool writes (a lock's, the
    #: name = spec tables of Pipfile and Poetry, exported as `name==version`)
    written: str = field(default="", compare=False)
    #: the group declaring it (a `[project.optional-dependencies]` group, a Poetry
    #: dependency group: `[tool.poetry.group.<name>.dependencies]`, a poetry.lock
    #: package's groups, comma-separated): installed only by a build naming one of them;
    #: POETRY_MAIN for a Poetry project's main dependencies (installed unless its build
    #: leaves main out); "" for a dependency of every install
    group: str = ""

    @property
    def pinned(self) -> bool:
        """True when one exact version is named."""
        return self.version is not None


@dataclass(frozen=True)
class Bundle:
    """How a function's bundle differs from what its manifests declare (`Function.build`):
    `left_out`, the package names its build leaves out (`leaves_out`), listed by the
    setting `setting`; `groups`, the groups it installs (`BuildManifest.groups`); every
    group when those are not known at scan time (`groups_unknown`: the setting and what
    gives it, `BuildManifest.groups_unknown`): any may be installed; `main`: whether it
    installs a Poetry project's main group (`BuildManifest.main`)."""

    left_out: frozenset[str] = frozenset()
    setting: str = ""
    groups: tuple[str, ...] = ()
    groups_unknown: str = ""
    main: bool = True

    def installs(self, dep: Dependency) -> bool:
        """Does the build install this dependency, noDeploy-like lists aside?"""
        if not dep.group or self.groups_unknown:
            return True
        return any(group in self.groups or group == POETRY_MAIN and self.main
                   for group in dep.group.split(","))

    def holds(self, dep: Dependency) -> bool:
        """Is this dependency in the bundle?"""
        return self.installs(dep) and not leaves_out(dep, self.left_out)


#: The bundle of a function whose build installs what its manifests declare.
PLAIN = Bundle()


@dataclass
class DependencyFacts:
    """What the dependency analysis found (`facts.dependencies`).

    status: "ok" (advisories matched), "no-database" (no `osv_db` given) or "error"
    (the database could not be read; `reason` says why). `bundles`: by function id, how
    its bundle differs from what its manifests declare (packages left out, optional groups
    installed); only functions whose bundle differs.
    """

    status: str = "no-database"
    reason: str = ""
    manifests: dict[str, list[Dependency]] = field(default_factory=dict)
    functions: dict[str, list[str]] = field(default_factory=dict)  # fn id -> manifests
    advisories: dict[Dependency, list[Advisory]] = field(default_factory=dict)
    bundles: dict[str, Bundle] = field(default_factory=dict)
    #: manifest -> the ids of the functions using it (sorted), their bundles (each once:
    #: the functions of a folder share theirs) and, by function, its bundle's place among
    #: them; made from `functions` and `bundles` at the first look-up (`functions_using`).
    #: None set by `__init__` (a factory): the compiled build's native class has no class
    #: attribute for an unset field to fall back on
    _users: dict[str, tuple[list[str], list[Bundle], list[int]]] | None = field(
        default_factory=lambda: None, init=False, repr=False, compare=False)

    def functions_using(self, manifest: str) -> list[str]:
        """The ids of the functions whose code a manifest belongs to (sorted; `functions`
        and `bundles` are complete by the first call)."""
        return self._using(manifest)[0]

    def _using(self, manifest: str) -> tuple[list[str], list[Bundle], list[int]]:
        if self._users is None:
            self._users = {}
            places: dict[tuple[str, int], int] = {}  # (manifest, id of a bundle) -> place
            for function in sorted(self.functions):
                bundle = self.bundles.get(function, PLAIN)
                for rel in self.functions[function]:
                    users, bundles, place = self._users.setdefault(rel, ([], [], []))
                    key = (rel, id(bundle))
                    if key not in places:
                        places[key] = len(bundles)
                        bundles.append(bundle)
                    users.append(function)
                    place.append(places[key])
        return self._users.get(manifest, ([], [], []))

    def installing(self, manifest: str, dep: Dependency) -> list[str]:
        """The ids of the functions using `manifest` whose build installs `dep` (an
        optional group's only for a build naming the group), leaving nothing out."""
        return self._kept(manifest, partial(Bundle.installs, dep=dep)) if dep.group \
            else self.functions_using(manifest)

    def shipped_by(self, manifest: str, dep: Dependency) -> list[str]:
        """The ids of the functions using `manifest` (`functions_using`) whose bundle
        holds `dep`: not those whose build leaves it out or does not install its group."""
        if not self.bundles and not dep.group:
            return self.functions_using(manifest)
        return self._kept(manifest, partial(Bundle.holds, dep=dep))

    def _kept(self, manifest: str, test: Callable[[Bundle], bool]) -> list[str]:
        """The functions using `manifest` whose bundle passes `test`, asked once a
        bundle."""
        users, bundles, place = self._using(manifest)
        passing = [test(bundle) for bundle in bundles]
        if all(passing):
            return users
        return [f for f, at in zip(users, place, strict=True) if passing[at]] \
            if any(passing) else []


def leaves_out(dep: Dependency, names: frozenset[str]) -> bool:
    """Does a build that leaves `names` out of the bundle (`BuildInstall.left_out`) leave
    out this dependency? A Python requirement whose line, up to its first `=`, `<`, `>`,
    space or tab, is listed there (serverless-python-requirements' comparison, its
    filterRequirementsFile): `boto3>=1.34` is boto3, `boto3~=1.34` and `boto3[crt]` are
    not; an entry a tool writes is exported as `name==version`."""
    return bool(names) and dep.ecosystem == "pypi" and \
        _LEFT_OUT_SPLIT.split(dep.written or dep.name, maxsplit=1)[0].strip() in names


def analyse_dependencies(app: App, facts: Facts) -> None:
    """Analysis step: manifests per function, and advisories when a database is given."""
    found = DependencyFacts()
    facts.dependencies = found
    memo: dict[str, Any] = {}
    for function in app.functions.values():
        folder = _code_folder(function)
        if folder is None:
            continue
        files, bundle = _manifests_for(app, function.build, folder, _ecosystems(function),
                                       memo)
        if files:
            found.functions[function.id] = list(files)
            if bundle is not PLAIN:
                found.bundles[function.id] = bundle
    used = {rel for files in found.functions.values() for rel in files}
    cache: dict[str, list[Dependency] | None] = memo.get("manifests", {})
    for rel, deps in cache.items():
        if deps is not None and rel in used:
            found.manifests[rel] = deps
    notes: dict[str, list[Diagnostic]] = memo.get(_NOTES, {})
    for rel, deps in cache.items():
        if deps is None:
            app.diagnostics.append(Diagnostic(rel, "dependency manifest cannot be read; its "
                                              "dependencies are not checked", level="warning",
                                              code="dependencies"))
        elif rel in used:
            app.diagnostics.extend(notes.get(rel, ()))
    for rel in sorted(memo.get(_UNNAMED, ())):
        app.diagnostics.append(Diagnostic(
            rel, "a folder of requirement files that no requirements file names ('-r') and "
            "no build setting reads (custom.pythonRequirements.fileName): pip and "
            "serverless-python-requirements install a named file only, so it declares no "
            "dependency of the functions here", level="note", code="dependencies"))
    for rel, setting in sorted(memo.get(_GROUPS_UNKNOWN, {}).items()):
        groups = list(dict.fromkeys(group for d in found.manifests.get(rel, ()) if d.group
                                    for group in d.group.split(",") if group != POETRY_MAIN))
        if groups:
            app.diagnostics.append(Diagnostic(
                rel, f"the optional-dependency groups the build installs from it are not "
                f"known at scan time ({setting}): every group's dependencies "
                f"({', '.join(groups)}) are checked as the bundle's (FG-TP-101, FG-TP-102)",
                level="note", code="dependencies"))
    if any(b.left_out for b in found.bundles.values()):
        app.diagnostics.extend(_not_deployed_notes(found, app.functions))
    database = getattr(facts.options, "osv_db", None)
    if not database or not found.manifests:
        return
    from faasguard.analysis.osv import OsvError, load_database

    pinned = [d for rel, deps in found.manifests.items() for d in deps
              if d.pinned and found.shipped_by(rel, d)]
    try:
        db = load_database(str(database), {(d.ecosystem, d.name) for d in pinned})
    except OsvError as exc:
        found.status, found.reason = "error", str(exc)
        app.diagnostics.append(Diagnostic("", str(exc), code="osv"))
        return
    found.status = "ok"
    left_out = db.left_out()
    if left_out is not None:
        app.diagnostics.append(Diagnostic("", left_out[0], level=left_out[1], code="osv"))
    for dep in pinned:
        matches = db.matches(dep.ecosystem, dep.name, dep.version or "")
        if matches:
            found.advisories[dep] = matches


def declared_for(app: App, function: Function, memo: dict[str, Any]) -> list[Dependency]:
    """The dependencies declared by the manifests nearest to a function's code, found as
    `analyse_dependencies` finds them (`memo`: the folders listed and manifests read so
    far in the scan, kept there for the next function), that its bundle holds: less those
    its build leaves out (`Function.build`), with the optional groups it installs."""
    folder = _code_folder(function)
    if folder is None:
        return []
    files, bundle = _manifests_for(app, function.build, folder, _ecosystems(function), memo)
    cache: dict[str, list[Dependency] | None] = memo["manifests"]
    return [dep for rel in files for dep in cache.get(rel) or () if bundle.holds(dep)]


def _not_deployed_notes(found: DependencyFacts,
                        functions: Mapping[str, Function]) -> list[Diagnostic]:
    """A note at each requirement that every function whose build installs it leaves out
    of its bundle: FG-TP-101/102 do not judge it, and why."""
    notes: dict[tuple[str, int, str], Diagnostic] = {}
    for rel, deps in sorted(found.manifests.items()):
        users = found.functions_using(rel)
        if not any(found.bundles.get(f, PLAIN).left_out for f in users):
            continue
        for dep in deps:
            if dep.ecosystem != "pypi" or found.shipped_by(rel, dep):
                continue
            installing = found.installing(rel, dep)
            if not installing:
                continue
            setting = next(found.bundles[f].setting for f in installing if f in found.bundles)
            notes.setdefault((dep.file, dep.line, dep.name), Diagnostic(
                dep.file, f"{dep.name} is left out of the bundle of function(s) "
                f"{function_names(installing, functions)} ({setting}): what runs is "
                "the Lambda runtime's or a layer's copy, not the version written here, "
                "so it is not checked as the function's dependency (FG-TP-101, "
                "FG-TP-102)", dep.line, "note", "dependencies"))
    return list(notes.values())


def function_names(function_ids: list[str], functions: Mapping[str, Function]) -> str:
    """Function ids as a message lists them: `'a', 'b'`, the first five and how many more;
    two of one name (a folder two Terraform roots bundle) by where each is declared
    (`display_names`, of the app's `functions`)."""
    names = display_names(functions[f] for f in function_ids if f in functions)
    shown = ", ".join(f"'{names.get(f) or logical_id(f)}'" for f in function_ids[:5])
    return shown + (f" and {len(function_ids) - 5} more" if len(function_ids) > 5 else "")


def _code_folder(function: Function) -> str | None:
    if function.code_dir is not None:
        return function.code_dir.strip("/") or "."
    if function.source_file:
        return posixpath.dirname(function.source_file) or "."
    return None


def _ecosystems(function: Function) -> tuple[str, ...]:
    runtime = str(function.runtime or "").lower()
    if runtime.startswith("python"):
        return ("pypi",)
    if runtime.startswith("nodejs"):
        return ("npm",)
    return ("pypi", "npm")


def _manifests_for(app: App, build: BuildInstall | None, folder: str,
                   ecosystems: tuple[str, ...],
                   memo: dict[str, Any]) -> tuple[list[str], Bundle]:
    """The manifest files that declare a function's dependencies, and how its bundle
    differs from them: the ones its build reads (`_build_manifests`), else the nearest
    folder's. `memo` keeps, for the rest of the scan, each choice (the functions of a
    project share a folder), each folder's manifest names and each manifest read."""
    key = (folder, ecosystems, build)
    chosen: dict[tuple[str, tuple[str, ...], BuildInstall | None],
                 tuple[list[str], Bundle]] = memo.setdefault(_CHOSEN, {})
    known = chosen.get(key)
    if known is not None:
        return known
    cache: dict[str, list[Dependency] | None] = memo.setdefault("manifests", {})
    listings: dict[str, set[str]] = memo.setdefault("listings", {})
    tomls: dict[str, tuple[str, dict[str, Any]] | None] = memo.setdefault(_TOMLS, {})
    out: list[str] = []
    groups: tuple[str, ...] = ()
    groups_unknown = ""
    main = True
    for ecosystem in ecosystems:
        files = None
        if ecosystem == "pypi" and build is not None:
            built = _build_manifests(app.root, build, listings, tomls)
            if built is not None:
                files, candidate = built
                groups, groups_unknown = candidate.groups, candidate.groups_unknown
                main = candidate.main
                if groups_unknown:
                    memo.setdefault(_GROUPS_UNKNOWN, {})[files[0]] = groups_unknown
        current = posixpath.normpath(folder)
        while files is None:
            files = _folder_manifests(app.root, current, ecosystem, listings)
            if files:
                break
            files = None
            if ecosystem == "pypi" and _REQUIREMENTS_FOLDER in listings[current]:
                memo.setdefault(_UNNAMED, set()).add(_join(current, _REQUIREMENTS_FOLDER))
            if current in (".", "") or current.startswith(".."):
                break
            current = posixpath.dirname(current) or "."
        for rel in files or ():
            if rel not in cache:
                cache[rel] = read_manifest(app.root, rel, memo.setdefault(_NOTES, {}), tomls)
        out.extend(files or ())
    bundle = Bundle(build.left_out, build.left_out_setting, groups, groups_unknown, main) \
        if build is not None and (build.left_out or groups or groups_unknown or not main) \
        else PLAIN
    chosen[key] = out, bundle
    return out, bundle


def _build_manifests(root: str, build: BuildInstall, listings: dict[str, set[str]],
                     tomls: dict[str, tuple[str, dict[str, Any]] | None]
                     ) -> tuple[list[str], BuildManifest] | None:
    """The manifest a build reads (`BuildInstall.manifests`: the first that is there and
    declares what it needs; its lock when there is one) and the candidate chosen (the
    optional groups it installs with it); None when there is none of them."""
    for candidate in build.manifests:
        if not _exists(root, candidate.file, listings):
            continue
        if candidate.needs:
            parsed = _toml(root, candidate.file, tomls)
            data = parsed[1] if parsed is not None else None
            if data is None or candidate.needs == "poetry" and not _is_poetry(data) or \
                    candidate.needs == "project-dependencies" and \
                    not as_table(data.get("project")).get("dependencies"):
                continue
        if candidate.lock and _exists(root, candidate.lock, listings):
            return [candidate.lock], candidate
        return [candidate.file], candidate
    return None


def _exists(root: str, rel: str, listings: dict[str, set[str]]) -> bool:
    """Is there a file at this root-relative path, inside the scanned root? A manifest's
    name is looked up in its folder's listing (`_listing`, kept for the scan)."""
    folder, name = posixpath.split(rel)
    if name in _MANIFEST_NAMES and not posixpath.isabs(rel) and not rel.startswith("../"):
        return name in _listing(root, folder or ".", listings)
    return _inside(root, rel) and os.path.isfile(os.path.join(root, rel))


def _toml(root: str, rel: str, tomls: dict[str, tuple[str, dict[str, Any]] | None]
          ) -> tuple[str, dict[str, Any]] | None:
    """A TOML file's text and tables (a pyproject.toml's), None when it cannot be read;
    `tomls` keeps them for the scan (`read_manifest` parses no file twice)."""
    if rel in tomls:
        return tomls[rel]
    text, data = "", None
    try:
        text = read_text(os.path.join(root, rel))
        data = parse_toml(text)
    except (InputError, ValueError):
        pass
    parsed = tomls[rel] = (text, data) if isinstance(data, dict) else None
    return parsed


def _is_poetry(data: dict[str, Any]) -> bool:
    """Is this pyproject.toml a Poetry project (`[build-system] requires` poetry...)?"""
    requires = as_list(as_table(data.get("build-system")).get("requires"))
    return any(isinstance(r, str) and r.startswith("poetry") for r in requires)


def _join(folder: str, name: str) -> str:
    return name if folder in (".", "") else f"{folder}/{name}"


def _inside(root: str, rel: str) -> bool:
    """Does a root-relative path stay inside the scanned root (symbolic links followed)?"""
    if posixpath.isabs(rel) or rel == ".." or rel.startswith("../"):
        return False
    base = os.path.realpath(root)
    return os.path.realpath(os.path.join(root, rel)).startswith(os.path.join(base, ""))


def _manifest_names(path: str) -> set[str]:
    """The names in a folder that may be manifests (the others never matter: the root of
    a scan is met by every function's search and may hold thousands of names)."""
    try:
        listed = os.listdir(path)
    except OSError:
        return set()
    return {name for name in listed if name in _MANIFEST_NAMES or _REQUIREMENTS.match(name)
            or name == _REQUIREMENTS_FOLDER and _holds_text(os.path.join(path, name))}


def _holds_text(path: str) -> bool:
    """Is this a folder holding a `.txt` file?"""
    try:
        return any(name.endswith(".txt") for name in os.listdir(path))
    except OSError:
        return False


def _listing(root: str, folder: str, listings: dict[str, set[str]]) -> set[str]:
    names = listings.get(folder)
    if names is None:
        names = listings[folder] = _manifest_names(os.path.join(root, folder))
    return names


def _folder_manifests(root: str, folder: str, ecosystem: str,
                      listings: dict[str, set[str]]) -> list[str]:
    names = _listing(root, folder, listings)
    if not names:
        return []

    def rel(name: str) -> str:
        return _join(folder, name)

    if ecosystem == "npm":
        lock = next((n for n in NPM_LOCKS if n in names), None)
        return [rel(lock)] if lock else [rel("package.json")] if "package.json" in names \
            else []
    lock = next((n for n in PYTHON_LOCKS if n in names), None)
    if lock:
        return [rel(lock)]
    requirements = sorted(n for n in names if _REQUIREMENTS.match(n))
    if requirements:
        return [rel(n) for n in requirements]
    return [rel("pyproject.toml")] if "pyproject.toml" in names else \
        [rel("Pipfile")] if "Pipfile" in names else []


# ---------------------------------------------------------------------- manifest readers


def read_manifest(root: str, rel: str, notes: dict[str, list[Diagnostic]] | None = None,
                  tomls: dict[str, tuple[str, dict[str, Any]] | None] | None = None
                  ) -> list[Dependency] | None:
    """The dependencies a manifest declares; None when it cannot be read. A requirements
    file's includes are read with it (`_requirements`); `notes` gets, under `rel`, the
    diagnostics of those that could not be; `tomls`: TOML files already parsed (`_toml`)."""
    name = posixpath.basename(rel)
    parsed = tomls.get(rel) if tomls else None
    if parsed is not None and name == "pyproject.toml":
        return _pyproject(*parsed, rel)
    try:
        text = read_text(os.path.join(root, rel))
    except InputError:
        return None
    try:
        if name == "Pipfile.lock":
            return _pipfile_lock(text, rel)
        if name == "poetry.lock":
            return _poetry_lock(text, rel)
        if name == "pyproject.toml":
            return _pyproject(text, parse_toml(text), rel)
        if name == "Pipfile":
            return _pipfile(text, rel)
        if name in NPM_LOCKS:
            return _package_lock(text, rel)
        if name == "package.json":
            return _package_json(text, rel)
        return _requirements(text, rel, root, notes.setdefault(rel, []) if notes is not None
                             else [], (rel,))
    except (ValueError, TypeError, AttributeError):
        return None


def _line_of(text: str, needle: str, start: int = 0) -> int:
    index = text.find(needle, max(start, 0))
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def pep508(requirement: str, rel: str, line: int, group: str = "") -> Dependency | None:
    """One PEP 508 requirement (`name[extra]==1.2; marker`) as a Dependency (`group`: the
    optional-dependency group declaring it)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return None
    specs = list(parsed.specifier)
    version = None
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        version = specs[0].version
    return Dependency("pypi", parsed.name, str(parsed.specifier) or "*", rel,
                      line, version, requirement.strip(), group)


def _requirements(text: str, rel: str, root: str, notes: list[Diagnostic],
                  reading: tuple[str, ...]) -> list[Dependency]:
    """A requirements file's requirements, with those of the files its `-r` lines name
    (`_included`; `reading`: the files being read, this one last)."""
    out: list[Dependency] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip().rstrip("\\").strip()
        include = _INCLUDE.match(line)
        if include:
            out.extend(_included(include["path"].strip(), rel, number, root, notes, reading))
            continue
        if not line or line.startswith(("#", "-", "http:", "https:", "git+", ".", "/")):
            continue
        dep = pep508(line, rel, number)
        if dep is not None:
            out.append(dep)
    return out


def _included(path: str, rel: str, line: int, root: str, notes: list[Diagnostic],
              reading: tuple[str, ...]) -> list[Dependency]:
    """The requirements of the file a `-r PATH` line of `rel` names, relative to `rel`'s
    folder as pip reads it. Refused with a note: a URL (nothing is fetched), a path
    leaving the scanned root; a file already being read (a cycle) is not read again."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    why = None
    if "://" in path:
        why = "is a URL; it is not fetched"
    elif not _inside(root, target):
        why = "leaves the scanned root; it is not read"
    elif target in reading:
        why = f"is already being read ({' -> '.join((*reading, target))}); not read again"
    if why is None:
        try:
            text = read_text(os.path.join(root, target))
        except InputError:
            why = "cannot be read; its requirements are not checked"
        else:
            return _requirements(text, target, root, notes, (*reading, target))
    notes.append(Diagnostic(rel, f"'-r {path}' {why}", line, "warning", "dependencies"))
    return []


def _pipfile_lock(text: str, rel: str) -> list[Dependency]:
    data = as_table(json.loads(text))
    out = []
    for name, entry in as_table(data.get("default")).items():
        spec = str(as_table(entry).get("version", ""))
        version = spec[2:] if spec.startswith("==") else None
        out.append(Dependency("pypi", name, spec or "*", rel,
                              _line_of(text, f'"{name}"'), version))
    return out


def _poetry_lock(text: str, rel: str) -> list[Dependency]:
    """A poetry.lock's packages, each with the groups needing it: its `groups` (a lock
    Poetry 2 writes), else its `category` (main or dev, Poetry 1's); a lock that records
    neither (Poetry 1.5 to 1.8's) gives "" (every install: which group needs a package
    is not written)."""
    data = parse_toml(text)
    out = []
    for package in as_list(data.get("package")):
        if not isinstance(package, dict):
            continue
        groups = package.get("groups")
        category = package.get("category")
        if isinstance(groups, list) and groups:
            group = POETRY_MAIN if POETRY_MAIN in groups else \
                ",".join(str(g) for g in groups)
        else:
            group = str(category) if isinstance(category, str) else ""
        name, version = str(package.get("name")), str(package.get("version"))
        out.append(Dependency("pypi", name, version, rel,
                              _line_of(text, f'name = "{name}"'), version, group=group))
    return out


def _pyproject(text: str, data: dict[str, Any], rel: str) -> list[Dependency]:
    """A pyproject.toml's `[project] dependencies`, its `[project.optional-dependencies]`
    (each with its group) and `[tool.poetry.dependencies]`."""
    out: list[Dependency] = []
    project = as_table(data.get("project"))
    for requirement in as_list(project.get("dependencies")):
        dep = pep508(str(requirement), rel, _line_of(text, str(requirement)))
        if dep is not None:
            out.append(dep)
    start = text.find("optional-dependencies")
    for group, requirements in as_table(project.get("optional-dependencies")).items():
        for requirement in as_list(requirements):
            dep = pep508(str(requirement), rel, _line_of(text, str(requirement), start),
                         str(group))
            if dep is not None:
                out.append(dep)
    poetry = as_table(as_table(data.get("tool")).get("poetry"))
    tables = [(POETRY_MAIN, poetry.get("dependencies"), "[tool.poetry.dependencies]"),
              ("dev", poetry.get("dev-dependencies"), "[tool.poetry.dev-dependencies]")]
    for group, body in as_table(poetry.get("group")).items():
        tables.append((str(group), as_table(body).get("dependencies"),
                       f"[tool.poetry.group.{group}.dependencies]"))
    for group, table, header in tables:
        start = text.find(header)
        for name, spec in as_table(table).items():
            if name.lower() == "python":
                continue
            constraint = str(spec.get("version", "*") if isinstance(spec, dict) else spec)
            exact = constraint.lstrip("=")
            version = exact if re.fullmatch(r"\d+(\.\d+)*", exact) and \
                not constraint.startswith(("^", "~", ">", "<")) else None
            out.append(Dependency("pypi", name, constraint, rel,
                                  _line_of(text, f"{name} =", max(start, 0)), version,
                                  group=group))
    return out


def _pipfile(text: str, rel: str) -> list[Dependency]:
    """A Pipfile's `[packages]` (`name = "==1.2"`, `"*"`, `{version = "==1.2", ...}`)."""
    out: list[Dependency] = []
    for name, spec in as_table(parse_toml(text).get("packages")).items():
        constraint = str(spec.get("version", "*") if isinstance(spec, dict) else spec)
        version = constraint[2:] if constraint.startswith("==") and "*" not in constraint \
            else None
        out.append(Dependency("pypi", name, constraint, rel, _line_of(text, f"{name} ="),
                              version))
    return out


def _package_json(text: str, rel: str) -> list[Dependency]:
    data = as_table(json.loads(text))
    out = []
    for name, spec in as_table(data.get("dependencies")).items():
        spec = str(spec)
        version = spec.lstrip("=v") if _EXACT_NPM.match(spec.lstrip("=")) else None
        out.append(Dependency("npm", name, spec, rel, _line_of(text, f'"{name}"'), version))
    return out


def _package_lock(text: str, rel: str) -> list[Dependency]:
    data = as_table(json.loads(text))
    out = []
    packages = data.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for path, entry in packages.items():
            entry = as_table(entry)
            if not path or entry.get("dev") or "node_modules/" not in path:
                continue
            name = path.rsplit("node_modules/", 1)[1]
            version = str(entry.get("version", ""))
            out.append(Dependency("npm", name, version, rel, _line_of(text, f'"{path}"'),
                                  version or None))
        return out
    for name, entry in as_table(data.get("dependencies")).items():  # lockfileVersion 1
        entry = as_table(entry)
        if entry.get("dev"):
            continue
        version = str(entry.get("version", ""))
        out.append(Dependency("npm", name, version, rel, _line_of(text, f'"{name}"'),
                              version or None))
    return out
