"""Shadow APIs seen live: traffic served by routes the inventory does not list.

The inventory is the app's own endpoints (``--app PATH``: the scanner's endpoint
inventory, `faasguard.analysis.endpoints`), an OpenAPI description (``--openapi
FILE``), or routes listed in the monitor config (``routes: ["GET /orders/{id}"]``).
Each request gets the derived ``documented`` column (NULL when there is no inventory);
FGM-SHADOW-001 reports routes that answered successfully while absent from it: an
old stage, a forgotten test route, a catch-all serving more than it should. A 404 for
an unknown path is a scanner's guess, not a shadow API, so only answers below 400 count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from faasguard.monitor.detectors.base import Detector, Params, window_alerts, window_query
from faasguard.monitor.events import Event

_PARAM = re.compile(r"^\{[^}/]*\}$")
_GREEDY = re.compile(r"^\{[^}/]*\+\}$")
_METHOD_PATH = re.compile(r"^\s*([A-Za-z]+|\*)\s+(\S+)\s*$")


def _segments(path: str) -> list[str]:
    return [s for s in path.split("?", 1)[0].split("/") if s]


class Inventory:
    """The routes an app declares: (METHOD or ANY, path template) pairs."""

    def __init__(self, routes: Iterable[tuple[str, str]] = ()) -> None:
        self.routes: list[tuple[str, list[str]]] = []
        for method, path in routes:
            self.add(method, path)

    def add(self, method: str, path: str) -> None:
        """Declare one route (`path` may hold ``{param}`` and greedy ``{proxy+}``)."""
        method = method.upper()
        self.routes.append(("ANY" if method in ("*", "ANY", "") else method, _segments(path)))

    @classmethod
    def parse(cls, specs: Iterable[str]) -> Inventory:
        """From ``"GET /orders/{id}"`` strings; a ValueError names a bad one."""
        inventory = cls()
        for spec in specs:
            match = _METHOD_PATH.match(str(spec))
            if match is None:
                raise ValueError(f"route {spec!r}: expected 'METHOD /path'")
            inventory.add(match.group(1), match.group(2))
        return inventory

    def __len__(self) -> int:
        return len(self.routes)

    def documents(self, method: str | None, path: str, template: bool = False) -> bool:
        """Does a declared route serve `method` `path`?

        A concrete path (``/orders/42``, maybe led by a REST stage, ``/prod/orders/42``)
        matches a declared template; with `template`, `path` is itself a route template
        (``/orders/{id}``) and its parameters match only parameters.
        """
        wanted = _segments(path)
        candidates = [wanted] if template or not wanted else [wanted, wanted[1:]]
        method = (method or "ANY").upper()
        for route_method, pattern in self.routes:
            if route_method != "ANY" and method not in ("ANY", route_method):
                continue
            if any(_matches(pattern, c, template) for c in candidates):
                return True
        return False

    def documents_event(self, event: Event) -> bool:
        """`documents` for a request event: its route template when known, else its path."""
        if event.route and " " in event.route:
            method, _, path = event.route.partition(" ")
            return self.documents(method, path, template=True)
        return self.documents(event.method, event.path or "/")


def _matches(pattern: list[str], segments: list[str], template: bool) -> bool:
    for i, part in enumerate(pattern):
        if _GREEDY.match(part):
            return len(segments) > i
        if i >= len(segments):
            return False
        theirs = segments[i]
        if template and (_PARAM.match(theirs) is not None) != (_PARAM.match(part) is not None):
            return False
        if part != theirs and not _PARAM.match(part):
            return False
    return len(segments) == len(pattern)


def _describe(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['entity']} served {w['n']} requests but is in neither the app's "
            "endpoint inventory nor its API description",
            {"requests": w["n"]})


SHADOW_ROUTE = Detector(
    id="FGM-SHADOW-001", title="Traffic to a route missing from the inventory",
    threat="shadow-api", severity="medium",
    description="Requests answered below 400 on a route that neither the app's endpoint "
                "inventory (--app) nor its OpenAPI description (--openapi) lists: a shadow "
                "API that is live. Runs only when an inventory is given. Parameters: "
                "window_s (default 3600), min_requests (per window, default 5), "
                "merge_windows (windows apart that still make one alert, default 24).",
    defaults={"window_s": 3600, "min_requests": 5, "merge_windows": 24},
    query=window_query("kind = 'request' AND documented = FALSE AND "
                       "(status IS NULL OR status < 400)", "route_key", "min_requests"),
    alerts=window_alerts("route", _describe, gap_param="merge_windows"))

DETECTORS = (SHADOW_ROUTE,)


def inventory_from_openapi(path: str) -> Inventory:
    """The operations of an OpenAPI/Swagger file (with and without its base path).

    Raises ValueError when the file cannot be read or is not an API description.
    """
    from faasguard.analysis.openapi import parse_spec
    from faasguard.loaders.documents import InputError, load_file

    try:
        doc = load_file(path)
    except InputError as exc:
        raise ValueError(f"{path}: {exc.message}") from None
    spec = parse_spec(doc.data, path, path)
    if spec is None:
        raise ValueError(f"{path}: not an OpenAPI/Swagger document")
    inventory = Inventory()
    base = spec.base_path.rstrip("/")
    for op in spec.operations:
        inventory.add(op.method, op.path)
        if base:
            inventory.add(op.method, base + "/" + op.path.lstrip("/"))
    return inventory


def inventory_from_app(path: str) -> Inventory:
    """The endpoint inventory the scanner builds for the app under `path`."""
    from faasguard.analysis.endpoints import build_endpoints
    from faasguard.scan import discover_paths, load_app

    base, found = discover_paths([path], [])
    app = load_app(base, found.templates, "dev")
    inventory = Inventory()
    for endpoint in build_endpoints(app):
        inventory.add(endpoint.method, endpoint.path)
    return inventory
