"""Inspection: run the detectors over every field of an `EventView`.

`Inspector(modes, ...)` is built once per cold start; `inspect(view)` walks the path,
query (names and values), path parameters, the decoded body and every record, and
returns the `Hit`s of detectors that are not "off". The guard turns hits of detectors in
"block" mode into a refusal and logs the others ("report").

Where each detector looks:

- string detectors (path traversal, SQL, template, XXE, prototype-pollution paths): every
  string value of the body and records, query values, the path, the S3 object key;
- command injection: values of identifier fields only (path parameters, and fields whose
  name matches `id_fields`: `id`, `*_id`, `*Id`, `host`, `domain`, `ip`, `port`, ...),
  because OS metacharacters are ordinary punctuation in free text;
- NoSQL operators and prototype-pollution keys: object keys and query parameter names;
- oversize: the body (bytes) and each record text; structure: nesting depth and the
  number of keys and items.

Headers and cookies are not inspected (they carry tokens and browser noise); the
authenticator reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from faasguard.runtime import detectors as d
from faasguard.runtime.events import EventView

OVERSIZE = "oversize"
STRUCTURE = "structure"
SCHEMA = "schema"
INVALID_EVENT = "invalid_event"
DETECTORS = (d.PATH_TRAVERSAL, d.COMMAND_INJECTION, d.SQL_INJECTION, d.NOSQL_INJECTION,
             d.TEMPLATE_INJECTION, d.XXE, d.PROTOTYPE_POLLUTION, OVERSIZE, STRUCTURE)
# Checks the guard runs itself but configures like detectors.
CHECKS = DETECTORS + (SCHEMA, INVALID_EVENT)
MODES = ("block", "report", "off")

DEFAULT_ID_FIELDS = (
    r"id", r"ids", r"uuid", r"guid", r".+_id", r".+-id", r".*[a-z0-9]Id", r".+ID",
    r"host", r"hostname", r"host_name", r"domain", r"ip", r"ip_address", r"ipAddress",
    r"port", r"slug", r"sku", r"bucket", r"region", r"cmd", r"command", r"target_host",
)


class Hit:
    """One detector match: which detector, where (e.g. `body.items[2].name`), its mode."""

    __slots__ = ("detector", "location", "mode", "sample")

    def __init__(self, detector: str, location: str, mode: str, sample: str = "") -> None:
        self.detector = detector
        self.location = location
        self.mode = mode
        self.sample = sample

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hit) and (self.detector, self.location, self.mode,
                                           self.sample) == (other.detector, other.location,
                                                            other.mode, other.sample)

    def __hash__(self) -> int:
        return hash((self.detector, self.location, self.mode, self.sample))

    def __repr__(self) -> str:
        return f"Hit({self.detector!r}, {self.location!r}, {self.mode!r})"


def resolve_modes(detectors: Mapping[str, str] | None, default: str = "block") -> dict[str, str]:
    """Every detector's mode: `default`, overridden per detector; unknown names raise."""
    if default not in MODES:
        raise ValueError(f"unknown mode {default!r} (use one of {', '.join(MODES)})")
    modes = dict.fromkeys(CHECKS, default)
    for name, mode in (detectors or {}).items():
        if name not in modes:
            raise ValueError(f"unknown detector {name!r} (known: {', '.join(CHECKS)})")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} for {name} (use {', '.join(MODES)})")
        modes[name] = mode
    return modes


class Inspector:
    """Runs the active detectors over an event view.

    Parameters
    ----------
    modes: detector name -> "block" | "report" | "off" (see `resolve_modes`).
    id_fields: field-name patterns (full-match regular expressions) of identifier fields,
        where OS command metacharacters are refused.
    max_body_bytes, max_depth, max_keys: limits of the oversize and structure detectors.
    """

    def __init__(self, modes: Mapping[str, str], id_fields: Iterable[str] = DEFAULT_ID_FIELDS,
                 max_body_bytes: int = 1_048_576, max_depth: int = 32,
                 max_keys: int = 10_000) -> None:
        self.modes = dict(modes)
        self.active = frozenset(n for n, m in self.modes.items()
                                if m != "off" and n in DETECTORS)
        self._string_active = self.active & frozenset(d.STRING_DETECTORS)
        self._key_active = self.active & {d.NOSQL_INJECTION, d.PROTOTYPE_POLLUTION}
        self._command = d.COMMAND_INJECTION in self.active
        self._id_field = re.compile("|".join(f"(?:{p})" for p in id_fields)) if id_fields \
            else None
        self.max_body_bytes = max_body_bytes
        self.max_depth = max_depth
        self.max_keys = max_keys
        self._id_cache: dict[str, bool] = {}
        self._gate: Any = None

    def inspect(self, view: EventView) -> list[Hit]:
        """Every hit of an active detector in `view` (empty when the event is clean)."""
        hits: list[Hit] = []
        if not self.active:
            return hits
        if self._gate is None:
            self._gate = d.prefilter()
        if view.path and d.PATH_TRAVERSAL in self.active and d.path_hits(view.path):
            hits.append(Hit(d.PATH_TRAVERSAL, "path", self.modes[d.PATH_TRAVERSAL],
                            view.path[:80]))
        for name, values in view.query.items():
            self._key(name, values, "query", hits)
            is_id = self._is_id(name)
            for value in values:
                self._string(value, ("query", name), hits)
                if is_id:
                    self._identifier(value, ("query", name), hits)
        for name, value in view.path_params.items():
            self._string(value, ("pathParameters", name), hits)
            self._identifier(value, ("pathParameters", name), hits)
        # An oversized body is not walked when it will be blocked anyway; in report
        # mode it still is, so padding cannot smuggle a payload past the detectors.
        oversize = self.modes[OVERSIZE] if OVERSIZE in self.active else None
        if oversize and view.body_size > self.max_body_bytes:
            hits.append(Hit(OVERSIZE, "body", oversize))
            if oversize == "block":
                return hits
        if view.body is not None:
            self._walk(view.body, "body", hits)
        for record in view.records:
            where = f"records[{record.index}]"
            if oversize and record.text is not None and len(record.text) > self.max_body_bytes:
                hits.append(Hit(OVERSIZE, where, oversize))
                if oversize == "block":
                    continue
            if record.body is not None:
                self._walk(record.body, where, hits)
        return hits

    # --- helpers ------------------------------------------------------------------------

    def _is_id(self, name: str) -> bool:
        if not self._command or self._id_field is None:
            return False
        known = self._id_cache.get(name)
        if known is None:
            known = self._id_field.fullmatch(name) is not None
            if len(self._id_cache) < 4096:
                self._id_cache[name] = known
        return known

    def _string(self, value: str, where: Location, hits: list[Hit]) -> None:
        if self._gate(value):
            self._string_hits(value, where, hits)

    def _string_hits(self, value: str, where: Location, hits: list[Hit]) -> None:
        # `value` passed the prefilter: run the detectors proper.
        for name in d.string_hits(value, self._string_active, prefiltered=True):
            hits.append(Hit(name, _location(where), self.modes[name], value[:80]))

    def _identifier(self, value: str, where: Location, hits: list[Hit]) -> None:
        if self._command and d.command_hit(value):
            hits.append(Hit(d.COMMAND_INJECTION, _location(where),
                            self.modes[d.COMMAND_INJECTION], value[:80]))

    def _key(self, key: str, value: Any, where: Location, hits: list[Hit]) -> None:
        if self._key_active:
            for name in d.key_hits(key, value, self._key_active):
                hits.append(Hit(name, _location((where, key)), self.modes[name], key[:80]))

    def _walk(self, root: Any, where: str, hits: list[Hit]) -> None:
        # Iterative (a hostile document cannot exhaust the interpreter's stack), strings
        # checked where they are met, locations kept as (parent, key) pairs and spelled
        # out only for a hit. This loop runs on every field of every event: keep it lean.
        if isinstance(root, str):
            if root:
                self._string(root, where, hits)
            return
        gate = self._gate
        key_active = bool(self._key_active)
        ids = self._command and self._id_field is not None
        structure = STRUCTURE in self.active
        stop_early = structure and self.modes[STRUCTURE] == "block"
        max_depth, max_keys = self.max_depth, self.max_keys
        too_deep = too_wide = False
        stack: list[tuple[Any, Location, int]] = [(root, where, 0)]
        seen = 0
        while stack:
            node, loc, depth = stack.pop()
            if depth > max_depth and not too_deep:
                too_deep = True
                if structure:
                    hits.append(Hit(STRUCTURE, _location(loc), self.modes[STRUCTURE], "depth"))
                if stop_early:
                    return
            if isinstance(node, dict):
                seen += len(node)
                for key, value in node.items():
                    if not isinstance(key, str):
                        key = str(key)
                    if key_active and ("$" in key or "proto" in key or "constructor" in key):
                        self._key(key, value, loc, hits)
                    if isinstance(value, str):
                        if value:
                            if gate(value):
                                self._string_hits(value, (loc, key), hits)
                            if ids and self._is_id(key):
                                self._identifier(value, (loc, key), hits)
                    elif isinstance(value, (dict, list)):
                        stack.append((value, (loc, key), depth + 1))
            elif isinstance(node, list):
                seen += len(node)
                for index, value in enumerate(node):
                    if isinstance(value, str):
                        if value and gate(value):
                            self._string_hits(value, (loc, index), hits)
                    elif isinstance(value, (dict, list)):
                        stack.append((value, (loc, index), depth + 1))
            if seen > max_keys and not too_wide:
                too_wide = True
                if structure:
                    hits.append(Hit(STRUCTURE, where, self.modes[STRUCTURE], "keys"))
                if stop_early:
                    return


# A location: a root name, or (parent location, key or list index).
Location = Any


def _location(loc: Location) -> str:
    """Spell a location out: ("body", "items"), 2), "name") -> body.items[2].name."""
    parts: list[str] = []
    while isinstance(loc, tuple):
        loc, key = loc
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return loc + "".join(reversed(parts))
