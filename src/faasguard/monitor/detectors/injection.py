"""Injection attempts: the guard's own detections, and attack markers in access logs.

Two sources, one column: the table's derived ``attack`` column holds, per event, the
injection detector that matched. For guard events it is the guard's own detector
(``sql_injection``, ``path_traversal``...); for access-log requests it is computed
here by running the runtime guard's detectors (`faasguard.runtime.detectors`: the same
patterns, imported, not copied) over the request path and query string. A client with
several hits in a window is scanning for injection flaws (FGM-INJ-001).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from faasguard.monitor.detectors.base import Detector, Params, window_alerts, window_query
from faasguard.monitor.events import Event

#: Guard detectors that are injection attempts (not size or schema checks).
INJECTION_DETECTORS = frozenset({
    "path_traversal", "command_injection", "sql_injection", "nosql_injection",
    "template_injection", "xxe", "prototype_pollution"})


def attack_of(event: Event) -> str | None:
    """The injection detector an event shows, or None."""
    if event.kind == "guard":
        detector = event.detector
        return detector if detector in INJECTION_DETECTORS else None
    if event.kind != "request" or (not event.path and not event.query):
        return None
    from faasguard.runtime import detectors as d

    active = frozenset(d.STRING_DETECTORS)
    if event.path and d.path_hits(event.path):
        return d.PATH_TRAVERSAL
    if event.query:
        gate = d.prefilter()
        for name, value in parse_qsl(event.query, keep_blank_values=True):
            keys = d.key_hits(name, value, frozenset({d.NOSQL_INJECTION,
                                                      d.PROTOTYPE_POLLUTION}))
            if keys:
                return keys[0]
            if value and gate(value):
                hits = d.string_hits(value, active)
                if hits:
                    return hits[0]
    return None


def _describe(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['n']} injection attempts from {w['entity']} (guard detections "
            f"and attack markers in request paths and queries)",
            {"attempts": w["n"], "peak": w["peak"]})


INJECTION_SCAN = Detector(
    id="FGM-INJ-001", title="Injection attempts from one client", threat="injection",
    severity="high",
    description="A client sent several requests carrying injection markers (SQL, NoSQL, "
                "command, template, path traversal, XXE, prototype pollution): the guard's "
                "block/report events, and the guard's detectors run over access-log paths "
                "and query strings. One hit can be a stray string; several in a window are "
                "a scan. Parameters: window_s (default 600), min_hits (default 3).",
    defaults={"window_s": 600, "min_hits": 3},
    query=window_query("attack IS NOT NULL", "client_ip", "min_hits"),
    alerts=window_alerts("client", _describe))

DETECTORS = (INJECTION_SCAN,)
