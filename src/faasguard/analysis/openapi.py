"""OpenAPI / Swagger specs: read them, and compare them with the routes the app deploys.

Specs come from three places, in this order:

1. files the user names (`--openapi FILE`, `Options.openapi_files`): absolute, relative to
   the working directory, or relative to the scanned root;
2. the API definitions the templates carry (`DefinitionBody`, `DefinitionUri`,
   `AWS::Include`, read by the loaders into `Api.openapi`): such a spec describes its own
   API only;
3. spec files found by name in the scanned paths: `openapi.yaml|yml|json`,
   `swagger.yaml|yml|json`, `*.openapi.yaml|yml|json`, `*.swagger.json` (except those an
   API already uses as its own definition, and those that describe none of the deployed
   routes: they document another service). Only the paths the user named
   (`Options.scanned`) are looked in, not the rest of their common folder; a named file
   is read alone (it is a spec when its own name is one's).

A spec of kind 1 or 3 describes the app's whole REST/HTTP surface (every API). A route is
*documented* when an applicable spec has an operation with the same method (or ANY) and
the same path (parameter names ignored; the spec's base path optional). Unreadable specs
become diagnostics, never errors. Fills `facts.openapi` with `Spec`s.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from faasguard.analysis.facts import Facts
from faasguard.loaders.documents import InputError, LDict, load_file
from faasguard.model import DEFINITION_FROM_EVENTS, App, Diagnostic, Location, Route, SourceFile

if TYPE_CHECKING:
    from faasguard.analysis.endpoints import Endpoint

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ANY_METHOD_KEY = "x-amazon-apigateway-any-method"
INTEGRATION_KEY = "x-amazon-apigateway-integration"
SPEC_NAMES = re.compile(r"^(openapi|swagger)\.(ya?ml|json)$|\.(openapi|swagger)\.(ya?ml|json)$",
                        re.I)
_PARAM = re.compile(r"\{[^}/]*?(\+?)\}")


@dataclass(frozen=True)
class Operation:
    """One operation of a spec: method (upper-case, ANY for the any-method key) and path."""

    method: str
    path: str
    location: Location
    has_integration: bool = False


@dataclass
class Spec:
    """A spec that was read. `api` is set when it is one API's own definition."""

    source: str
    location: Location
    operations: list[Operation] = field(default_factory=list)
    base_path: str = ""
    api: str | None = None
    found: bool = False  # found by its file name (not named by the user or a template)

    def describes(self, api_id: str | None) -> bool:
        """Does this spec apply to routes of `api_id`?"""
        return self.api is None or self.api == api_id


def normalise_path(path: str) -> str:
    """A path for comparison: parameters anonymised (`{}` / `{+}`), no trailing slash."""
    path = "/" + path.strip().strip("/")
    return _PARAM.sub(lambda m: "{+}" if m.group(1) else "{}", path)


def path_matches(pattern: str, path: str) -> bool:
    """Does route path `pattern` (normalised, maybe greedy `{+}`) serve normalised `path`?"""
    if pattern == path:
        return True
    if pattern.endswith("/{+}"):
        prefix = pattern[: -len("{+}")]
        return path.startswith(prefix) or path + "/" == prefix
    return False


def methods_match(a: str, b: str) -> bool:
    """Same method, or either side is ANY."""
    return a == b or "ANY" in (a, b)


def _base_path(data: dict[str, Any]) -> str:
    base = data.get("basePath")
    if isinstance(base, str):
        return base
    servers = data.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = servers[0].get("url")
        if isinstance(url, str):
            variables = servers[0].get("variables")
            if isinstance(variables, dict):
                for name, var in variables.items():
                    default = var.get("default") if isinstance(var, dict) else None
                    if isinstance(default, str):
                        url = url.replace("{" + str(name) + "}", default)
            if "://" not in url:
                return url
            from urllib.parse import urlparse  # (a spec with a server URL: most scans read none)

            return urlparse(url).path
    return ""


def parse_spec(data: Any, source: str, file: str, line: int = 1,
               api: str | None = None) -> Spec | None:
    """A Spec from a parsed document; None when it is not an OpenAPI/Swagger document."""
    if not isinstance(data, dict) or not ("openapi" in data or "swagger" in data
                                          or isinstance(data.get("paths"), dict)):
        return None
    spec = Spec(source, Location(file, line), base_path=_base_path(data), api=api)
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return spec
    for path, item in paths.items():
        if not isinstance(path, str) or not isinstance(item, dict):
            continue
        for key, operation in item.items():
            lowered = str(key).lower()
            if lowered not in HTTP_METHODS and lowered != ANY_METHOD_KEY:
                continue
            key_line = item.line_of(key) if isinstance(item, LDict) else (
                paths.line_of(path) if isinstance(paths, LDict) else line)
            spec.operations.append(Operation(
                "ANY" if lowered == ANY_METHOD_KEY else lowered.upper(), path,
                Location(file, key_line or line),
                isinstance(operation, dict) and INTEGRATION_KEY in operation))
    return spec


def find_spec_files(root: str, excludes: Iterable[str] = (), under: str = "") -> list[str]:
    """Spec files under `root` by name (relative, posix), skipping the scanner's skip dirs,
    hidden folders, folders reached through a symlink and paths matching an exclude glob;
    a folder's files (sorted) come before its sub-folders' (sorted), as `os.walk` gives
    them. An unreadable folder is passed over. `under` (relative to `root`): walk that
    folder only (the paths stay relative to `root`, as the excludes are matched).

    One `scandir` per folder: the entries' types come with the listing, where `os.walk`
    asks the system again whether each sub-folder is a symlink."""
    from faasguard.scan import SKIP_DIRS, excluded

    patterns = list(excludes)
    found: list[str] = []
    under = under.strip("/")
    # (folder, its path relative to the root + "/")
    pending = [(os.path.join(root, under), f"{under}/") if under else (root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError:
            continue
        folders = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # a symlink to a folder too: not a file
            except OSError:
                is_dir = False
            if is_dir:
                if name not in SKIP_DIRS and not name.startswith(".") and \
                        not _is_symlink(entry):
                    folders.append((entry.path, f"{prefix}{name}/"))
            elif SPEC_NAMES.search(name):
                rel = prefix + name
                if not excluded(patterns, rel):
                    found.append(rel)
        pending.extend(reversed(folders))  # the first sub-folder is read next
    return found


def _is_symlink(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:  # as os.path.islink: not known to be one
        return False


def _display_path(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _read_spec_file(app: App, path: str, named: bool) -> Spec | None:
    display = _display_path(path, app.root)
    try:
        doc = load_file(path)
    except InputError as exc:
        app.diagnostics.append(Diagnostic(display, f"OpenAPI spec: {exc.message}", exc.line,
                                          "error" if named else "warning", "openapi"))
        return None
    spec = parse_spec(doc.data, display, display)
    if spec is None:
        if named:
            app.diagnostics.append(Diagnostic(display, "not an OpenAPI/Swagger document "
                                              "(no openapi, swagger or paths key)",
                                              code="openapi"))
        return None
    if all(f.path != display for f in app.files):
        app.files.append(SourceFile(display, "openapi"))
    return spec


def _named_paths(app: App, names: Iterable[str]) -> list[str]:
    paths = []
    for name in names:
        candidates = [name] if os.path.isabs(name) else [name, os.path.join(app.root, name)]
        found = next((c for c in candidates if os.path.isfile(c)), None)
        if found is None:
            app.diagnostics.append(Diagnostic(name, "OpenAPI spec not found", code="openapi"))
        else:
            paths.append(found)
    return paths


def spec_files_in(root: str, scanned: Iterable[str] | None,
                  excludes: Iterable[str] = ()) -> list[str]:
    """Spec files by name in the scanned paths (relative to `root`; None: the whole root).

    A folder is walked (`find_spec_files`); a file counts when its name is a spec's,
    whatever the excludes (as discovery reads a file the user named), inside a scanned
    folder too. Each file once, in the order of the paths (the root's walk first when the
    root is one of them: every other folder is inside it).
    """
    if scanned is None:
        return find_spec_files(root, excludes) if os.path.isdir(root) else []
    paths = list(scanned)
    whole = "." in paths
    found = dict.fromkeys(find_spec_files(root, excludes) if whole else ())
    for rel in paths:
        path = os.path.join(root, rel)
        if os.path.isdir(path):
            if not whole:
                found.update(dict.fromkeys(find_spec_files(root, excludes, rel)))
        elif SPEC_NAMES.search(os.path.basename(rel)) and os.path.isfile(path):
            found[rel] = None
    return list(found)


def collect_specs(app: App, named: Iterable[str] = (), excludes: Iterable[str] = (),
                  scanned: Iterable[str] | None = None) -> list[Spec]:
    """Every spec that applies to the app: named files, API definitions, files found in
    the scanned paths (`spec_files_in`)."""
    specs: list[Spec] = []
    seen: set[str] = set()
    for path in _named_paths(app, named):
        seen.add(os.path.realpath(path))
        spec = _read_spec_file(app, path, named=True)
        if spec is not None:
            specs.append(spec)
    for api in app.apis.values():
        if api.openapi is not None:
            location = api.openapi_location or api.location
            spec = parse_spec(api.openapi, f"definition of {api.id}", location.file,
                              location.line, api=api.id)
            if spec is not None:
                specs.append(spec)
    definitions = {api.openapi_location.file for api in app.apis.values()
                   if api.openapi is not None and api.openapi_location is not None}
    for rel in spec_files_in(app.root, scanned, excludes):
        path = os.path.join(app.root, rel)
        if os.path.realpath(path) in seen or rel in definitions:
            continue  # named already, or one API's own definition (DefinitionUri)
        spec = _read_spec_file(app, path, named=False)
        if spec is not None:
            spec.found = True
            specs.append(spec)
    return specs


def operation_matches(spec: Spec, operation: Operation, method: str, path: str) -> bool:
    """Does a route (method, path) implement/document this spec operation?"""
    route_path = normalise_path(path)
    if not methods_match(method, operation.method):
        return False
    candidates = {normalise_path(operation.path)}
    if spec.base_path.strip("/"):
        candidates.add(normalise_path(spec.base_path.rstrip("/") + "/" +
                                      operation.path.lstrip("/")))
    return any(path_matches(route_path, c) or path_matches(c, route_path) for c in candidates)


def documented_by(specs: Iterable[Spec], api: str | None, method: str, path: str,
                  from_events: frozenset[str] = frozenset()) -> bool | None:
    """True/False when some spec applies to the route's API; None when none does.

    `from_events`: APIs whose own definition SAM fills from their events alone (an
    inline DefinitionBody with no paths): that definition is no description of them."""
    applicable = [s for s in specs if s.describes(api)
                  and not (s.api is not None and s.api == api and api in from_events)]
    if not applicable:
        return None
    return any(operation_matches(s, op, method, path) for s in applicable for op in s.operations)


def spec_routes(app: App) -> list[Route]:
    """REST and HTTP API routes (the ones a spec can describe), without CORS preflight."""
    return [r for r in app.routes if r.api_kind in ("rest", "http") and r.method != "OPTIONS"]


def implemented(app: App, spec: Spec, op: Operation,
                routes: list[Route] | None = None) -> bool:
    """Does a deployed route serve this operation of the spec?

    For an API's own definition, an operation the loader turned into a route with no
    function and no `x-amazon-apigateway-integration` has nothing behind it.
    """
    for route in spec_routes(app) if routes is None else routes:
        if not spec.describes(route.api):
            continue
        if spec.api is not None and route.from_openapi and route.function is None \
                and not op.has_integration:
            continue
        if operation_matches(spec, op, route.method, route.path):
            return True
    return False


def zombies(app: App, specs: Iterable[Spec]) -> list[tuple[Spec, Operation]]:
    """Spec operations no deployed route implements (none when nothing is deployed)."""
    routes = spec_routes(app)
    if not routes:
        return []
    return [(spec, op) for spec in specs for op in spec.operations
            if op.method != "OPTIONS" and not implemented(app, spec, op, routes)]


def mark_documented(endpoints: Iterable[Endpoint], specs: list[Spec],
                    from_events: frozenset[str] = frozenset()) -> None:
    """Set `Endpoint.documented` for the REST/HTTP API routes a spec applies to
    (`from_events` as `documented_by` takes it)."""
    for endpoint in endpoints:
        if endpoint.kind in ("rest", "http"):
            endpoint.documented = documented_by(specs, endpoint.api, endpoint.method,
                                                endpoint.path, from_events)


def definitions_from_events(app: App) -> frozenset[str]:
    """The APIs whose inline SAM definition names no paths: SAM fills it from events."""
    return frozenset(api.id for api in app.apis.values()
                     if api.properties.get(DEFINITION_FROM_EVENTS))


def unrelated(app: App, spec: Spec) -> bool:
    """A spec found by name that describes none of the deployed routes.

    Such a file usually documents another service (a partner's API, a client SDK's
    input): comparing the app with it would call every route a shadow API.
    """
    routes = spec_routes(app)
    return spec.found and bool(routes) and not any(
        operation_matches(spec, op, r.method, r.path) for op in spec.operations for r in routes)


def analyse_openapi(app: App, facts: Facts) -> None:
    """Analysis step: read every applicable spec into `facts.openapi` (found-by-name specs
    that describe none of the deployed routes are left out, with a note)."""
    options = facts.options
    specs = collect_specs(app, options.openapi_files, options.excludes, options.scanned)
    facts.openapi = []
    for spec in specs:
        if unrelated(app, spec):
            app.diagnostics.append(Diagnostic(
                spec.source, "OpenAPI spec describes none of the deployed routes; not "
                "compared (name it with --openapi to compare anyway)", level="note",
                code="openapi"))
        else:
            facts.openapi.append(spec)
