"""The taint table: sources, sinks, sanitisers, propagators and event shapes.

The built-in table is versioned data (`faasguard/data/taint_python.json`); users add their
own entries in the config file under `taint:` (see docs/injection.md), merged here.
Everything is turned into dictionaries keyed by call or method name once, so the engine
looks up a call in O(1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from faasguard.package_data import own_data

#: Sink categories and the rule id that reports each (rules/injection.py).
CATEGORIES: dict[str, str] = {
    "command": "FG-INJ-001",
    "code": "FG-INJ-002",
    "sql": "FG-INJ-003",
    "nosql": "FG-INJ-004",
    "path": "FG-INJ-005",
    "deserialisation": "FG-INJ-006",
    "ssrf": "FG-INJ-007",
    "xxe": "FG-INJ-008",
    "template": "FG-INJ-009",
    "redos": "FG-INJ-010",
    "redirect": "FG-INJ-011",
    "html": "FG-INJ-012",
}


class TableError(ValueError):
    """A user-declared taint entry that cannot be used (the message says which and why)."""


@dataclass(frozen=True)
class Sink:
    """One sink: the category, which arguments carry the danger, and an extra condition.

    condition: None (any tainted checked argument), "shell" (subprocess semantics),
    "structured" (only parsed JSON objects, NoSQL operator injection), "unsafe-yaml",
    "lxml-parser", "receiver" (the receiver object itself is the tainted thing),
    "html" (the call's headers or content type say text/html: `html_response`),
    "archive" (extraction from a tainted archive without a safe filter).
    result "clean": the call's result is an object that no longer carries the string.
    """

    category: str
    name: str
    args: tuple[int, ...] = (0,)
    kwargs: tuple[str, ...] = ()
    condition: str | None = None
    receiver: str | None = None
    result: str | None = None


@dataclass(frozen=True)
class Shape:
    """Where in an event of some trigger kinds a named, attacker-facing value lives."""

    triggers: frozenset[str]
    path: tuple[str, ...]
    label: str
    trusted: bool = False


@dataclass
class TaintTable:
    """Lookup tables the engine consults for every call."""

    calls: dict[str, list[Sink]] = field(default_factory=dict)
    methods: dict[str, list[Sink]] = field(default_factory=dict)
    full_sanitisers: set[str] = field(default_factory=set)
    clean_methods: set[str] = field(default_factory=set)
    partial_sanitisers: dict[str, frozenset[str]] = field(default_factory=dict)
    validators: set[str] = field(default_factory=set)
    validator_methods: set[str] = field(default_factory=set)
    model_bases: set[str] = field(default_factory=set)
    guards: set[str] = field(default_factory=set)
    structured: set[str] = field(default_factory=set)
    stringify: set[str] = field(default_factory=set)
    first_argument: set[str] = field(default_factory=set)
    string_methods: set[str] = field(default_factory=set)
    arg_methods: set[str] = field(default_factory=set)
    container_methods: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)
    source_calls: dict[str, str] = field(default_factory=dict)
    source_params: set[str] = field(default_factory=set)
    shells: set[str] = field(default_factory=set)
    shapes: list[Shape] = field(default_factory=list)
    framework_shapes: list[Shape] = field(default_factory=list)  # `chalice:s3` event objects
    excludes: tuple[str, ...] = ()
    roles: dict[str, str] = field(default_factory=dict)
    event_aliases: dict[str, str] = field(default_factory=dict)
    parsed_attributes: set[str] = field(default_factory=set)
    structured_sources: set[str] = field(default_factory=set)
    keyed_sources: set[str] = field(default_factory=set)
    attribute_kinds: dict[str, str] = field(default_factory=dict)
    #: `<kind>.<attribute>` whose value is the raw event of the request (`app.current_event`)
    event_objects: set[str] = field(default_factory=set)
    #: data class methods reading one key of a part of the event -> that part
    event_getters: dict[str, str] = field(default_factory=dict)
    #: calls running a project function on each record of an event (`record_callbacks`)
    record_callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    source_texts: dict[str, str] = field(default_factory=dict)
    origin_labels: dict[str, str] = field(default_factory=dict)

    def add_source(self, name: str, label: str, structured: bool = False,
                   keyed: bool = False, text: str | None = None) -> None:
        """Register a source: a call or attribute name whose value is attacker data.

        `keyed`: findings name the key read from it; `structured`: parsed JSON; `text`:
        how findings write it (`request.args`; the taint's origin), else the label.
        """
        self.source_calls[name] = label
        if text:
            self.source_texts[name] = text
            self.origin_labels[text] = label
        if structured:
            self.structured_sources.add(label)
        if keyed:
            self.keyed_sources.add(label)

    def index_roles(self) -> None:
        """One look-up per call: what a (non-sink) call name is to the engine.

        source > clean > partial > validate > structured > stringify > first > kind.
        """
        self.roles = {}
        for role, names in (("kind", self.kinds), ("first", self.first_argument),
                            ("stringify", self.stringify),
                            ("structured", self.structured), ("validate", self.validators),
                            ("partial", self.partial_sanitisers),
                            ("clean", self.full_sanitisers), ("source", self.source_calls)):
            for name in names:
                self.roles[name] = role

    def add_sink(self, entry: dict[str, Any]) -> None:
        """Register one sink entry of the table format (calls and/or methods)."""
        category = entry.get("category")
        if category not in CATEGORIES:
            raise TableError(f"sink category {category!r} is not one of "
                             f"{', '.join(CATEGORIES)}")
        args = tuple(int(a) for a in entry.get("args", [0]))
        kwargs = tuple(str(k) for k in entry.get("kwargs", []))
        for name in _names(entry.get("calls", [])) + _names(entry.get("call", [])):
            self.calls.setdefault(name, []).append(Sink(
                category, name, args, kwargs, entry.get("condition"), None, entry.get("result")))
        for name in _names(entry.get("methods", [])) + _names(entry.get("method", [])):
            self.methods.setdefault(name, []).append(Sink(
                category, "." + name, args, kwargs, entry.get("condition"),
                entry.get("receiver"), entry.get("result")))


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TableError(f"expected a name or a list of names, got {value!r}")


@lru_cache(maxsize=1)
def builtin_data() -> dict[str, Any]:
    """The built-in table as shipped (parsed once per process)."""
    data: dict[str, Any] = json.loads(own_data("taint_python.json"))
    return data


@lru_cache(maxsize=1)
def builtin_table() -> TaintTable:
    """The built-in table alone, built once per process (about 3 ms): for readers that
    neither take the user's `taint:` section nor change the table (what a parameter's
    type validates, how a flow's source is described). Not to be modified."""
    return build_table()


def build_table(user: dict[str, Any] | None = None) -> TaintTable:
    """The built-in table merged with the user's `taint:` config section.

    Raises TableError for a malformed user section (the caller turns it into a diagnostic).
    """
    data = builtin_data()
    table = TaintTable()
    for entry in data["sinks"]:
        table.add_sink(entry)
    san = data["sanitisers"]
    table.full_sanitisers = set(san["full"])
    table.clean_methods = set(san["methods"])
    table.partial_sanitisers = {k: frozenset(v) for k, v in san["partial"].items()}
    table.validators = set(san["validators"])
    table.validator_methods = set(san["validator_methods"])
    table.model_bases = set(san["model_bases"])
    table.guards = set(san["guards"])
    prop = data["propagators"]
    table.structured = set(prop["structured"])
    table.stringify = set(prop["stringify"])
    table.first_argument = set(prop["first_argument"])
    table.string_methods = set(prop["string_methods"])
    table.arg_methods = set(prop["arg_methods"])
    table.container_methods = set(prop["container_methods"])
    table.kinds = dict(data["kinds"])
    table.source_params = set(data["source_params"])
    table.event_aliases = dict(data["event_attributes"]["aliases"])
    table.parsed_attributes = set(data["event_attributes"]["parsed"])
    table.event_getters = dict(data["event_attributes"]["getters"])
    table.shells = set(data["shells"])
    table.shapes = [Shape(frozenset(s["triggers"]), tuple(s["path"]), s["label"],
                          bool(s.get("trusted", False))) for s in data["shapes"]]
    table.framework_shapes = [Shape(frozenset(s["triggers"]), tuple(s["path"]), s["label"])
                              for s in data["framework_shapes"]]
    for entry in data["sources"]:
        table.add_source(entry.get("attribute") or entry["call"], entry["label"],
                         bool(entry.get("structured")), bool(entry.get("keyed")),
                         entry.get("text"))
    table.attribute_kinds = dict(data["attribute_kinds"])
    table.event_objects = set(data["event_objects"])
    table.record_callbacks = dict(data["record_callbacks"])
    if user:
        _merge_user(table, user)
    table.index_roles()
    return table


def _merge_user(table: TaintTable, user: dict[str, Any]) -> None:
    if not isinstance(user, dict):
        raise TableError("the 'taint' section must be a mapping")
    user = {str(k).replace("-", "_"): v for k, v in user.items()}
    unknown = set(user) - {"sources", "sinks", "sanitisers", "sanitizers", "source_params",
                           "exclude"}
    if unknown:
        raise TableError(f"unknown key(s) in 'taint': {', '.join(sorted(unknown))}")
    for entry in _list(user.get("sinks", []), "sinks"):
        if not isinstance(entry, dict):
            raise TableError(f"a sink must be a mapping, got {entry!r}")
        table.add_sink(entry)
    for entry in _list(user.get("sources", []), "sources"):
        if isinstance(entry, str):
            table.add_source(entry, f"value returned by {entry}()")
        elif isinstance(entry, dict) and isinstance(entry.get("call"), str):
            table.add_source(entry["call"], str(entry.get("label")
                                                or f"value returned by {entry['call']}()"))
        else:
            raise TableError(f"a source is a call name or {{call, label}}, got {entry!r}")
    sanitisers = user.get("sanitisers", user.get("sanitizers", []))
    for entry in _list(sanitisers, "sanitisers"):
        if isinstance(entry, str):
            table.full_sanitisers.add(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("call"), str):
            cats = entry.get("categories")
            if cats is None:
                table.full_sanitisers.add(entry["call"])
            else:
                bad = [c for c in _names(cats) if c not in CATEGORIES]
                if bad:
                    raise TableError(f"sanitiser {entry['call']}: unknown categories {bad}")
                table.partial_sanitisers[entry["call"]] = frozenset(_names(cats))
        else:
            raise TableError(f"a sanitiser is a call name or {{call, categories}}, got {entry!r}")
    table.source_params |= set(_names(user.get("source_params", [])))
    table.excludes = tuple(_names(user.get("exclude", [])))


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise TableError(f"'taint.{key}' must be a list")
    return value
