"""Third-party dependencies of each function, and the advisories that affect them.

For every function with a known code folder (`code_dir`, else its handler's folder) the
nearest dependency manifests are read, from that folder up to the scanned root:

- Python: `Pipfile.lock` or `poetry.lock` (locked versions), else `requirements*.txt`,
  else `pyproject.toml` (`[project].dependencies`, `[tool.poetry.dependencies]`), else
  `Pipfile` (`[packages]`: Pipenv and serverless-python-requirements lock it at build time);
  a requirements file's `-r FILE` / `--requirement FILE` lines are read as pip reads them
  (relative to the file naming them; a path leaving the scanned root is refused with a
  diagnostic, a file already being read is not read again). A function built by
  serverless-python-requirements gets what the plugin installs instead: with `usePoetry`
  (on by default) a Poetry project's lock or pyproject.toml, else with `usePipenv` (on by
  default) the service's Pipfile (its lock when there is one), else with `usePyProject`
  (on by default) a pyproject.toml listing `[project] dependencies`, else
  `custom.pythonRequirements.fileName` (default `requirements.txt`), each in the
  function's folder (its `module` when packaged individually, else the service's); when
  the plugin would find none of them, the nearest manifests as above. The packages its
  `noDeploy` names are not in the function's bundle (what runs is the Lambda runtime's or
  a layer's copy): they are not the function's dependencies (`DependencyFacts.left_out`),
  and a note says so. A `requirements/` folder of files nothing names is read by neither
  pip nor the plugin: it declares nothing;
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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faasguard.analysis.facts import Facts
from faasguard.loaders.documents import InputError, read_text
from faasguard.model import PYTHON_REQUIREMENTS, App, Diagnostic, Function, logical_id
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
#: Where serverless-python-requirements cuts a requirement's line to compare it with noDeploy.
_NO_DEPLOY_SPLIT = re.compile(r"[=<> \t]")


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

    @property
    def pinned(self) -> bool:
        """True when one exact version is named."""
        return self.version is not None


@dataclass
class DependencyFacts:
    """What the dependency analysis found (`facts.dependencies`).

    status: "ok" (advisories matched), "no-database" (no `osv_db` given) or "error"
    (the database could not be read; `reason` says why). `left_out`: by function id, the
    packages its build leaves out of its bundle although its manifests list them
    (serverless-python-requirements' `noDeploy`); only functions with such a list.
    """

    status: str = "no-database"
    reason: str = ""
    manifests: dict[str, list[Dependency]] = field(default_factory=dict)
    functions: dict[str, list[str]] = field(default_factory=dict)  # fn id -> manifests
    advisories: dict[Dependency, list[Advisory]] = field(default_factory=dict)
    left_out: dict[str, frozenset[str]] = field(default_factory=dict)

    def functions_using(self, manifest: str) -> list[str]:
        """The ids of the functions whose code a manifest belongs to."""
        return sorted(f for f, files in self.functions.items() if manifest in files)

    def shipped_by(self, manifest: str, dep: Dependency) -> list[str]:
        """The ids of the functions using `manifest` (`functions_using`) whose bundle
        holds `dep`: not those whose build leaves it out (`left_out`)."""
        users = self.functions_using(manifest)
        if not self.left_out:
            return users
        return [f for f in users if not leaves_out(dep, self.left_out.get(f, frozenset()))]


def leaves_out(dep: Dependency, names: frozenset[str]) -> bool:
    """Does a build that leaves `names` out of the bundle (serverless-python-requirements'
    `noDeploy`) leave out this dependency? A Python requirement whose line, up to its first
    `=`, `<`, `>`, space or tab, is listed there, as the plugin compares them (its
    filterRequirementsFile): `boto3>=1.34` is boto3, `boto3~=1.34` and `boto3[crt]` are
    not; an entry a tool writes is exported as `name==version`."""
    return bool(names) and dep.ecosystem == "pypi" and \
        _NO_DEPLOY_SPLIT.split(dep.written or dep.name, maxsplit=1)[0].strip() in names


def analyse_dependencies(app: App, facts: Facts) -> None:
    """Analysis step: manifests per function, and advisories when a database is given."""
    found = DependencyFacts()
    facts.dependencies = found
    memo: dict[str, Any] = {}
    # (code folder, ecosystems, the plugin's settings) -> its manifests: the functions of
    # a project share a folder, and the search up to the root lists (and matches) the
    # same folders again
    per_folder: dict[tuple[str, tuple[str, ...], tuple[Any, ...]], list[str]] = {}
    for function in app.functions.values():
        folder = _code_folder(function)
        if folder is None:
            continue
        key = (folder, _ecosystems(function), _plugin_key(function))
        files = per_folder.get(key)
        if files is None:
            files = per_folder[key] = _manifests_for(app, function, folder, key[1], memo)
        if files:
            found.functions[function.id] = list(files)
            left_out = _left_out(function)
            if left_out:
                found.left_out[function.id] = left_out
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
    if found.left_out:
        app.diagnostics.extend(_not_deployed_notes(found))
    database = getattr(facts.options, "osv_db", None)
    if not database or not found.manifests:
        return
    from faasguard.analysis.osv import OsvError, load_database

    pinned = [d for rel, deps in found.manifests.items() for d in deps
              if d.pinned and (not found.left_out or found.shipped_by(rel, d))]
    try:
        db = load_database(str(database), {(d.ecosystem, d.name) for d in pinned})
    except OsvError as exc:
        found.status, found.reason = "error", str(exc)
        app.diagnostics.append(Diagnostic("", str(exc), code="osv"))
        return
    found.status = "ok"
    for dep in pinned:
        matches = db.matches(dep.ecosystem, dep.name, dep.version or "")
        if matches:
            found.advisories[dep] = matches


def declared_for(app: App, function: Function, memo: dict[str, Any]) -> list[Dependency]:
    """The dependencies declared by the manifests nearest to a function's code, found as
    `analyse_dependencies` finds them (`memo`: the folders listed and manifests read so
    far in the scan, kept there for the next function), less those
    serverless-python-requirements leaves out of the function's bundle (`noDeploy`: a
    requirement whose name is written as listed there, as the plugin compares them)."""
    folder = _code_folder(function)
    if folder is None:
        return []
    cache: dict[str, list[Dependency] | None] = memo.setdefault("manifests", {})
    left_out = _left_out(function)
    return [dep for rel in _manifests_for(app, function, folder, _ecosystems(function), memo)
            for dep in cache.get(rel) or () if not leaves_out(dep, left_out)]


def _left_out(function: Function) -> frozenset[str]:
    """The packages serverless-python-requirements leaves out of a function's bundle
    (`noDeploy`, names as written; empty when the plugin does not build it)."""
    key = _plugin_key(function)
    return frozenset(key[-1]) if key else frozenset()


def _not_deployed_notes(found: DependencyFacts) -> list[Diagnostic]:
    """A note at each requirement that every function using its manifest leaves out of
    its bundle (`noDeploy`): FG-TP-101/102 do not judge it, and why."""
    notes: dict[tuple[str, int, str], Diagnostic] = {}
    for rel, deps in sorted(found.manifests.items()):
        users = found.functions_using(rel)
        if not users or not any(f in found.left_out for f in users):
            continue
        for dep in deps:
            if dep.ecosystem == "pypi" and not found.shipped_by(rel, dep):
                notes.setdefault((dep.file, dep.line, dep.name), Diagnostic(
                    dep.file, f"{dep.name} is left out of the bundle of function(s) "
                    f"{function_names(users)} (custom.pythonRequirements.noDeploy): what runs is "
                    "the Lambda runtime's or a layer's copy, not the version written here, "
                    "so it is not checked as the function's dependency (FG-TP-101, "
                    "FG-TP-102)", dep.line, "note", "dependencies"))
    return list(notes.values())


def function_names(function_ids: list[str]) -> str:
    """Function ids as a message lists them: `'a', 'b'`, the first five and how many more."""
    names = [logical_id(f) for f in function_ids]
    shown = ", ".join(f"'{n}'" for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


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


def _plugin_key(function: Function) -> tuple[Any, ...]:
    """serverless-python-requirements' settings for a function (loaders.serverless), as a
    key: () when the plugin does not build it."""
    options = function.properties.get(PYTHON_REQUIREMENTS)
    if not isinstance(options, dict):
        return ()
    return (options.get("folder"), options.get("service"), options.get("fileName"),
            options.get("usePipenv"), options.get("usePoetry"), options.get("usePyProject"),
            tuple(options.get("noDeploy") or ()))


def _manifests_for(app: App, function: Function, folder: str, ecosystems: tuple[str, ...],
                   memo: dict[str, Any]) -> list[str]:
    """The manifest files that declare a function's dependencies: the ones its build
    plugin reads (`_plugin_manifests`), else the nearest folder's; `memo` keeps each
    folder's manifest names and each manifest read for the rest of the scan."""
    cache: dict[str, list[Dependency] | None] = memo.setdefault("manifests", {})
    listings: dict[str, set[str]] = memo.setdefault("listings", {})
    out: list[str] = []
    for ecosystem in ecosystems:
        files = _plugin_manifests(app.root, _plugin_key(function), listings) \
            if ecosystem == "pypi" else None
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
                cache[rel] = read_manifest(app.root, rel, memo.setdefault(_NOTES, {}))
        out.extend(files or ())
    return out


def _plugin_manifests(root: str, key: tuple[Any, ...],
                      listings: dict[str, set[str]]) -> list[str] | None:
    """What serverless-python-requirements installs for a function (`_plugin_key`), in
    its order (its lib/pip.js): a Poetry project's (`usePoetry`: a pyproject.toml whose
    build-system requires poetry, in the function's folder), the service's Pipfile
    (`usePipenv`), a pyproject.toml listing `[project] dependencies` in the function's
    folder (`usePyProject`; preferred to a requirements file beside it), the
    requirements file `fileName` names in the function's folder. None when the plugin
    does not build the function or finds none of them."""
    if not key:
        return None
    folder, service, file_name, pipenv, poetry, pyproject, _ = key
    folder = posixpath.normpath(str(folder))
    service = posixpath.normpath(str(service))
    project, data = _join(folder, "pyproject.toml"), None
    if poetry or pyproject:
        names = _listing(root, folder, listings)
        data = _toml(root, project) if "pyproject.toml" in names else None
        if poetry and data is not None and _is_poetry(data):
            return [_join(folder, "poetry.lock" if "poetry.lock" in names
                          else "pyproject.toml")]
    if pipenv:
        names = _listing(root, service, listings)
        if "Pipfile" in names:
            return [_join(service, "Pipfile.lock" if "Pipfile.lock" in names else "Pipfile")]
    if pyproject and data is not None and (data.get("project") or {}).get("dependencies"):
        return [project]
    target = posixpath.normpath(_join(folder, str(file_name)))
    if _inside(root, target) and os.path.isfile(os.path.join(root, target)):
        return [target]
    return None


def _toml(root: str, rel: str) -> dict[str, Any] | None:
    """A TOML file's tables (a pyproject.toml's), None when it cannot be read."""
    try:
        data = parse_toml(read_text(os.path.join(root, rel)))
    except (InputError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_poetry(data: dict[str, Any]) -> bool:
    """Is this pyproject.toml a Poetry project (`[build-system] requires` poetry...)?"""
    requires = (data.get("build-system") or {}).get("requires") or []
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


def read_manifest(root: str, rel: str,
                  notes: dict[str, list[Diagnostic]] | None = None) -> list[Dependency] | None:
    """The dependencies a manifest declares; None when it cannot be read. A requirements
    file's includes are read with it (`_requirements`); `notes` gets, under `rel`, the
    diagnostics of those that could not be."""
    try:
        text = read_text(os.path.join(root, rel))
    except InputError:
        return None
    name = posixpath.basename(rel)
    try:
        if name == "Pipfile.lock":
            return _pipfile_lock(text, rel)
        if name == "poetry.lock":
            return _poetry_lock(text, rel)
        if name == "pyproject.toml":
            return _pyproject(text, rel)
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


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def pep508(requirement: str, rel: str, line: int) -> Dependency | None:
    """One PEP 508 requirement (`name[extra]==1.2; marker`) as a Dependency."""
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
                      line, version, requirement.strip())


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
    data = json.loads(text)
    out = []
    for name, entry in (data.get("default") or {}).items():
        spec = str((entry or {}).get("version", ""))
        version = spec[2:] if spec.startswith("==") else None
        out.append(Dependency("pypi", name, spec or "*", rel,
                              _line_of(text, f'"{name}"'), version))
    return out


def _poetry_lock(text: str, rel: str) -> list[Dependency]:
    data = parse_toml(text)
    out = []
    for package in data.get("package") or []:
        if package.get("category", "main") != "main":
            continue
        name, version = str(package.get("name")), str(package.get("version"))
        out.append(Dependency("pypi", name, version, rel,
                              _line_of(text, f'name = "{name}"'), version))
    return out


def _pyproject(text: str, rel: str) -> list[Dependency]:
    data = parse_toml(text)
    out: list[Dependency] = []
    for requirement in (data.get("project") or {}).get("dependencies") or []:
        dep = pep508(str(requirement), rel, _line_of(text, str(requirement)))
        if dep is not None:
            out.append(dep)
    poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
    for name, spec in poetry.items():
        if name.lower() == "python":
            continue
        constraint = str(spec.get("version", "*") if isinstance(spec, dict) else spec)
        exact = constraint.lstrip("=")
        version = exact if re.fullmatch(r"\d+(\.\d+)*", exact) and \
            not constraint.startswith(("^", "~", ">", "<")) else None
        out.append(Dependency("pypi", name, constraint, rel, _line_of(text, f"{name} ="),
                              version))
    return out


def _pipfile(text: str, rel: str) -> list[Dependency]:
    """A Pipfile's `[packages]` (`name = "==1.2"`, `"*"`, `{version = "==1.2", ...}`)."""
    out: list[Dependency] = []
    for name, spec in (parse_toml(text).get("packages") or {}).items():
        constraint = str(spec.get("version", "*") if isinstance(spec, dict) else spec)
        version = constraint[2:] if constraint.startswith("==") and "*" not in constraint \
            else None
        out.append(Dependency("pypi", name, constraint, rel, _line_of(text, f"{name} ="),
                              version))
    return out


def _package_json(text: str, rel: str) -> list[Dependency]:
    data = json.loads(text)
    out = []
    for name, spec in (data.get("dependencies") or {}).items():
        spec = str(spec)
        version = spec.lstrip("=v") if _EXACT_NPM.match(spec.lstrip("=")) else None
        out.append(Dependency("npm", name, spec, rel, _line_of(text, f'"{name}"'), version))
    return out


def _package_lock(text: str, rel: str) -> list[Dependency]:
    data: dict[str, Any] = json.loads(text)
    out = []
    packages = data.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for path, entry in packages.items():
            if not path or entry.get("dev") or "node_modules/" not in path:
                continue
            name = path.rsplit("node_modules/", 1)[1]
            version = str(entry.get("version", ""))
            out.append(Dependency("npm", name, version, rel, _line_of(text, f'"{path}"'),
                                  version or None))
        return out
    for name, entry in (data.get("dependencies") or {}).items():  # lockfileVersion 1
        if entry.get("dev"):
            continue
        version = str(entry.get("version", ""))
        out.append(Dependency("npm", name, version, rel, _line_of(text, f'"{name}"'),
                              version or None))
    return out
