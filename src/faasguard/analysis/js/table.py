"""The Node.js taint table: sinks, sanitisers, propagators and object kinds.

Versioned data in `faasguard/data/taint_js.json`, read once per process. Sinks reuse the
Python table's `Sink` record and sink categories (so the same FG-INJ rules report them);
the event shapes that name a taint's source are the Python table's (one source of truth
for what each trigger puts where).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from faasguard.analysis.nodejs import builtin_data
from faasguard.analysis.taint.table import CATEGORIES, Sink

#: Request properties of DynamoDB calls that are expressions (PartiQL for `Statement`).
DYNAMO_EXPRESSIONS = {"FilterExpression", "KeyConditionExpression", "ConditionExpression",
                      "UpdateExpression", "ProjectionExpression", "Statement"}


@dataclass(frozen=True)
class JsSink:
    """A sink of the Node table: the shared `Sink` record plus object-literal properties."""

    sink: Sink
    props: tuple[str, ...] = ()


@dataclass
class JsTable:
    """Lookup tables the JS engine consults for every call (all keyed by name)."""

    calls: dict[str, list[JsSink]] = field(default_factory=dict)
    methods: dict[str, list[JsSink]] = field(default_factory=dict)
    full: set[str] = field(default_factory=set)
    partial: dict[str, frozenset[str]] = field(default_factory=dict)
    schema_methods: set[str] = field(default_factory=set)
    schema_packages: set[str] = field(default_factory=set)
    guards: set[str] = field(default_factory=set)
    structured: set[str] = field(default_factory=set)
    stringify: set[str] = field(default_factory=set)
    string_methods: set[str] = field(default_factory=set)
    element_methods: set[str] = field(default_factory=set)
    arg_methods: set[str] = field(default_factory=set)
    boolean_methods: set[str] = field(default_factory=set)
    fluent: set[str] = field(default_factory=set)
    #: wrappers whose result calls the function they are given (`util.promisify(exec)`)
    same_function: set[str] = field(default_factory=set)
    callbacks: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)
    #: the kinds `kinds` gives objects (`knex`, `mongo`, `sql`...)
    kind_values: frozenset[str] = frozenset()
    globals: set[str] = field(default_factory=set)
    jwt: dict[str, set[str]] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    request: dict[str, str] = field(default_factory=dict)
    #: a route schema's parts -> the event field each validates (Fastify's `querystring`)
    schema_parts: dict[str, str] = field(default_factory=dict)
    #: validating middlewares -> the option holding the event's schema (`eventSchema`)
    event_validators: dict[str, str] = field(default_factory=dict)

    def add_sink(self, entry: dict[str, Any]) -> None:
        """Register one sink entry (calls, modules x functions, and/or methods)."""
        category = entry["category"]
        if category not in CATEGORIES:
            raise ValueError(f"unknown sink category {category!r}")
        args = tuple(int(a) for a in entry.get("args", [0]))
        props = tuple(entry.get("props", ()))
        condition = entry.get("condition")
        names = list(entry.get("calls", []))
        names += [f"{m}.{f}" for m in entry.get("modules", []) for f in entry.get("functions", [])]
        for name in names:
            self.calls.setdefault(name, []).append(
                JsSink(Sink(category, name, args, (), condition), props))
        for name in entry.get("methods", []):
            self.methods.setdefault(name, []).append(JsSink(
                Sink(category, "." + name, args, (), condition, entry.get("receiver")), props))


@lru_cache(maxsize=1)
def js_table() -> JsTable:
    """The built-in table (built once per process)."""
    data = builtin_data()
    table = JsTable()
    for entry in data["sinks"]:
        table.add_sink(entry)
    san = data["sanitisers"]
    table.full = set(san["full"])
    table.partial = {k: frozenset(v) for k, v in san["partial"].items()}
    table.schema_methods = set(san["schema_methods"])
    table.schema_packages = set(san["schema_packages"])
    table.guards = set(san["guards"])
    prop = data["propagators"]
    table.structured = set(prop["structured"])
    table.stringify = set(prop["stringify"])
    table.string_methods = set(prop["string_methods"])
    table.element_methods = set(prop["element_methods"])
    table.arg_methods = set(prop["arg_methods"])
    table.boolean_methods = set(prop["boolean_methods"])
    table.fluent = set(prop["fluent"])
    table.same_function = set(prop["same_function"])
    table.callbacks = set(prop["callbacks_with_elements"])
    table.kinds = dict(data["kinds"])
    table.kind_values = frozenset(table.kinds.values())
    table.globals = set(data["globals"])
    table.jwt = {k: set(v) for k, v in data["jwt"].items()}
    table.routes = set(data["express"]["routes"])
    table.request = dict(data["express"]["request"])
    table.schema_parts = dict(data["express"]["schema_parts"])
    table.event_validators = dict(data["express"]["event_validators"])
    return table
