"""The facts the taint analysis leaves for the rules: one `Flow` per source-to-sink path."""

from __future__ import annotations

from dataclasses import dataclass, fields

from faasguard.findings import FlowStep
from faasguard.model import Location, pickle_by_fields


@pickle_by_fields
@dataclass(frozen=True)
class Flow:
    """Attacker-controlled data reaching a sink.

    category: command, code, sql, nosql, path, deserialisation, ssrf, xxe, template,
    redos, redirect (rule id in `rule_id`). `location` is the sink. `source` names the
    source ("S3 object key", "query string parameter 'q'"), `source_path` the access
    path into the event. `steps` run from the source to the sink. `function` is the
    Function.id of the handler the flow starts in, None for code not reachable from a
    handler (then `reachable` is False and the source is a parameter whose name looks
    like input). `code` names the Python function holding the sink ("file:qualname"),
    `entry` the function the analysis started from. `public`: a trigger of the flow is
    an HTTP route without an authoriser or a function URL with AuthType NONE.
    `triggers` are the related triggers (location and a description).
    """

    category: str
    rule_id: str
    sink: str
    location: Location
    source: str
    source_path: str
    steps: tuple[FlowStep, ...]
    function: str | None
    code: str
    entry: str
    reachable: bool = True
    attacker_controlled: bool = True
    public: bool = False
    triggers: tuple[tuple[Location, str], ...] = ()


_FIELDS = tuple(f.name for f in fields(Flow))
_new_flow = Flow.__new__  # object's in the pure build
#: False in the compiled build: mypyc makes Flow a native class, whose instances have no
#: `__dict__`
_HAS_DICT = "__dict__" in vars(Flow)


def new_flow(category: str, rule_id: str, sink: str, location: Location, source: str,
             source_path: str, steps: tuple[FlowStep, ...], function: str | None, code: str,
             entry: str, reachable: bool, attacker_controlled: bool, public: bool,
             triggers: tuple[tuple[Location, str], ...]) -> Flow:
    """`Flow(...)` with every field given, in order: the same object, its fields put in its
    `__dict__` at once (a frozen dataclass's `__init__` sets each through
    `object.__setattr__`: most of the cost of a flow, made once per reported flow); the
    constructor itself in the compiled build."""
    if not _HAS_DICT:
        return Flow(category, rule_id, sink, location, source, source_path, steps, function,
                    code, entry, reachable, attacker_controlled, public, triggers)
    flow = _new_flow(Flow)
    flow.__dict__.update(zip(_FIELDS, (
        category, rule_id, sink, location, source, source_path, steps, function, code, entry,
        reachable, attacker_controlled, public, triggers), strict=True))
    return flow
