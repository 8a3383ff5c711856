"""Elements a serverless.yml declares in files it includes with `${file(...)}`: located there.

The variable resolver numbers the lines of each file `${file()}` reads past the main
file's (loaders.variables.INCLUDED_LINES), so the serverless loader and the CloudFormation
loader it calls for `resources:` build their locations as for one file. `relocate` then
gives every location and diagnostic of the load that has such a line the included file
(relative to the scanned root) and its own line: a function written in functions.yml, its
events, statements and variables, a resource of resources/tables.yml, are found there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from faasguard.loaders.documents import line_of
from faasguard.loaders.variables import INCLUDED_LINES
from faasguard.model import App, Location

#: (absolute path or None for the main file, line) of a line of the resolved configuration.
Place = Callable[[int], tuple[str | None, int]]
#: Fields that hold values as written (mappings of settings), never a model element.
_AS_WRITTEN = frozenset({"properties", "facts", "openapi", "conditions", "cors"})


def declared_at(container: Any, key: Any) -> int:
    """The line of the element `container[key]`: its key's, or, for `name: ${file(x.yml)}`
    (the key written here, the body in the included file), its body's."""
    line = line_of(container, key)
    body = container.get(key) if isinstance(container, dict) else None
    body_line = line_of(body, default=0)
    return body_line if body_line >= INCLUDED_LINES > line else line


def relocate(app: App, place: Place, root: str, first_included: int) -> None:
    """Move each location of `app` whose line is `first_included` or past it to the file
    `place` names for it (relative to `root`) and its line there; diagnostics too."""
    real_root = os.path.realpath(root)
    files: dict[str, str] = {}

    def where(line: int) -> tuple[str, int] | None:
        if line < first_included:
            return None
        path, own = place(line)
        if path is None:
            return None
        relative = files.get(path)
        if relative is None:
            relative = files[path] = os.path.relpath(path, real_root).replace(os.sep, "/")
        return relative, own

    def moved(location: Location) -> Location:
        found = where(location.line)
        if found is None:
            return location
        end = where(location.end_line) if location.end_line is not None else None
        return Location(found[0], found[1], end[1] if end and end[0] == found[0] else None)

    seen: set[int] = set()

    def visit(element: Any) -> None:
        if id(element) in seen:
            return
        seen.add(id(element))
        for spec in fields(element):
            if spec.name in _AS_WRITTEN:
                continue
            value = getattr(element, spec.name)
            if isinstance(value, Location):
                new = moved(value)
                if new is not value:
                    setattr(element, spec.name, new)
            else:
                _each_element(value, visit)

    for table in (app.functions, app.apis, app.roles, app.resources, app.layers):
        _each_element(table, visit)
    for items in (app.routes, app.resource_policies, app.alarms, app.budgets, app.trails):
        _each_element(items, visit)
    for diagnostic in app.diagnostics:
        found = where(diagnostic.line) if diagnostic.line else None
        if found is not None:
            diagnostic.file, diagnostic.line = found


def _each_element(value: Any, visit: Callable[[Any], None]) -> None:
    """Call `visit` on each model element in `value` (an element, or a list or mapping of
    them); plain data is passed over."""
    if isinstance(value, (list, tuple)):
        for item in value:
            _each_element(item, visit)
    elif isinstance(value, dict):
        for item in value.values():
            _each_element(item, visit)
    elif is_dataclass(value) and not isinstance(value, type) and not _frozen(value):
        visit(value)


def _frozen(value: Any) -> bool:
    """A frozen dataclass (Location, Ref, Unknown) holds no location to move."""
    return bool(type(value).__dataclass_params__.frozen)
