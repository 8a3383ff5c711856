"""The values and state of the taint analysis: taints, abstract values, frames, hits.

A `Taint` is attacker-controlled data with its history; a `Val` is what the engine knows
about an expression (its taints and, for some objects, a kind); a `Frame` is one function
being analysed. The helpers never change a value: they build new ones, or give back one
of their arguments when nothing changes (`union` of one tainted value, `merge`,
`stringified` of a plain string): taint is immutable and shared.
"""

from __future__ import annotations

import ast
from typing import Any, NamedTuple

from faasguard.analysis.taint.modules import ClassInfo, FunctionNode, Module

Step = tuple[str, int, str]  # file, line, what happened

MAX_STEPS = 24
MAX_TAINTS = 6


class Taint(NamedTuple):
    """Attacker-controlled data: where it came from and what happened to it.

    path: the access path into the source parameter ("Records", "*", "s3", ...).
    origin: the source's name (parameter or user-declared source call).
    structured: it may be a parsed JSON object/array, not only a string (NoSQL).
    argv: it sits in a non-program position of an argv list (safe without a shell).
    cleared: sink categories a partial sanitiser made it safe for.
    """

    path: tuple[str, ...]
    steps: tuple[Step, ...]
    origin: str
    structured: bool = False
    argv: bool = False
    cleared: frozenset[str] = frozenset()
    read_at: tuple[str, int] | None = None  # where the value was last read out of the source


#: `_new(Taint, fields)` / `_new(Val, fields)` build a value from a tuple of all its fields
#: (hot path: a NamedTuple's own __new__ is a Python function taking keywords)
_new = tuple.__new__


class Val(NamedTuple):
    """An abstract value: its taints and the kind of object it is (or None)."""

    taints: tuple[Taint, ...] = ()
    kind: str | None = None


CLEAN = Val()


class Hit(NamedTuple):
    """Tainted data reaching a sink."""

    category: str
    sink: str
    file: str
    line: int
    taint: Taint
    function: str  # "file:qualname" of the code holding the sink


class Frame:
    """The state of one function being analysed."""

    __slots__ = ("module", "env", "cls", "returns", "name", "aliases", "local_funcs", "search",
                 "parts")

    def __init__(self, module: Module, name: str, search: tuple[str, ...],
                 cls: ClassInfo | None = None, env: dict[str, Val] | None = None):
        self.module = module
        self.name = name
        self.search = search
        self.cls = cls
        self.env: dict[str, Val] = env if env is not None else {}
        self.returns: list[Val] = []
        self.aliases: dict[str, str] | None = None
        self.local_funcs: dict[str, tuple[FunctionNode, Frame]] | None = None
        self.parts: dict[str, str] | None = None  # a host name -> the URL it was parsed from

    def qualify(self, dotted: str) -> str:
        """A dotted name with its head import alias resolved (function-level imports too)."""
        aliases = self.aliases if self.aliases is not None else self.module.aliases
        head, dot, rest = dotted.partition(".")
        target = aliases.get(head)
        if target is None:
            return dotted
        return target + dot + rest if dot else target

    def is_alias(self, name: str) -> bool:
        """Does `name` refer to an imported module or name (not a local variable)?"""
        if name in self.env:
            return False
        aliases = self.aliases if self.aliases is not None else self.module.aliases
        return name in aliases


def union(vals: list[Val] | tuple[Val, ...], kind: str | None = None) -> Val:
    """One value carrying the taints of all `vals` (deduplicated, bounded)."""
    first: Val | None = None  # the first tainted value (a loop, not a comprehension:
    for val in vals:  # one call less on the engine's most common path)
        if val.taints:
            if first is not None:
                break
            first = val
    else:
        if first is None:
            return _new(Val, ((), kind)) if kind else CLEAN
        if first.kind == kind:  # the only tainted value
            return first
    out: list[Taint] = []
    seen: set[tuple[tuple[str, ...], str, bool]] = set()
    for val in vals:
        for taint in val.taints:
            key = (taint.path, taint.origin, taint.structured)
            if key not in seen and len(out) < MAX_TAINTS:
                seen.add(key)
                out.append(taint)
    return _new(Val, (tuple(out), kind)) if out or kind else CLEAN


def merge(a: Val, b: Val) -> Val:
    """Join of two values (after an if/else, a loop, or two writes to one attribute)."""
    if a is b or not b.taints and b.kind in (None, a.kind):
        return a
    if not a.taints and a.kind in (None, b.kind):
        return b
    return union((a, b), a.kind or b.kind)


def with_step(val: Val, step: Step) -> Val:
    """The value with `step` added to the history of each of its taints."""
    taints = val.taints
    if not taints:
        return val
    if len(taints) == 1:  # the common case, without a loop
        t = taints[0]
        steps = t[1]
        if steps and steps[-1] == step:
            return val
        steps = steps + (step,) if len(steps) < MAX_STEPS else \
            steps[:4] + steps[-(MAX_STEPS - 6):] + (step,)
        return _new(Val, ((_new(Taint, (t[0], steps, t[2], t[3], t[4], t[5], t[6])),),
                          val.kind))
    if len(taints) == 2:  # two pieces of one source (`event.get("Records") or [event]`)
        t, u = taints
        steps = t[1]
        if steps is u[1]:  # of one history (the common case): extended once, no loop
            if steps and steps[-1] == step:
                return val
            steps = steps + (step,) if len(steps) < MAX_STEPS else \
                steps[:4] + steps[-(MAX_STEPS - 6):] + (step,)
            return _new(Val, ((_new(Taint, (t[0], steps, t[2], t[3], t[4], t[5], t[6])),
                               _new(Taint, (u[0], steps, u[2], u[3], u[4], u[5], u[6]))),
                              val.kind))
    out = []
    last: tuple[Step, ...] | None = None  # the history just extended, and what it became:
    done: tuple[Step, ...] = ()  # the taints of a value often share one (`union` of reads)
    for t in taints:  # add_step, inlined (the engine's most frequent call)
        steps = t[1]
        if steps is last:
            steps = done
        else:
            last = steps
            if not (steps and steps[-1] == step):
                steps = steps + (step,) if len(steps) < MAX_STEPS else \
                    steps[:4] + steps[-(MAX_STEPS - 6):] + (step,)
            done = steps
        out.append(t if steps is t[1] else
                   _new(Taint, (t[0], steps, t[2], t[3], t[4], t[5], t[6])))
    return _new(Val, (tuple(out), val.kind))


def add_step(steps: tuple[Step, ...], step: Step) -> tuple[Step, ...]:
    if steps and steps[-1] == step:
        return steps
    if len(steps) >= MAX_STEPS:
        return steps[:4] + steps[-(MAX_STEPS - 6):] + (step,)
    return steps + (step,)


def extend(val: Val, key: str, at: tuple[str, int] | None = None,
            kind: str | None = None) -> Val:
    taints = val.taints
    if not taints:
        return CLEAN if kind is None else _new(Val, ((), kind))
    if len(taints) == 1:  # the common case, without a comprehension
        t = taints[0]
        if len(t[0]) < 16:
            t = _new(Taint, (t[0] + (key,), t[1], t[2], t[3], t[4], t[5], at or t[6]))
        return _new(Val, ((t,), kind))
    if len(taints) == 2 and len(taints[0][0]) < 16 and len(taints[1][0]) < 16:
        t, u = taints  # two pieces of one source (`event.get("Records") or [event]`)
        return _new(Val, ((_new(Taint, (t[0] + (key,), t[1], t[2], t[3], t[4], t[5], at or t[6])),
                           _new(Taint, (u[0] + (key,), u[1], u[2], u[3], u[4], u[5], at or u[6]))),
                          kind))
    return _new(Val, (tuple([_new(Taint, (t[0] + (key,), t[1], t[2], t[3], t[4], t[5], at or t[6]))
                             if len(t[0]) < 16 else t for t in taints]), kind))


def stringified(val: Val) -> Val:
    """The value after string building: no longer an object, no longer argv-separated."""
    taints = val.taints
    if not taints:
        return CLEAN
    if val.kind is None:
        for t in taints:
            if t[3] or t[4]:
                break
        else:  # nothing to change: the value itself
            return val
    return _new(Val, (tuple([_new(Taint, (t[0], t[1], t[2], False, False, t[5], t[6]))
                             if t[3] or t[4] else t for t in taints]), None))


def structured(val: Val) -> Val:
    if not val.taints:
        return CLEAN
    return _new(Val, (tuple([_new(Taint, (t[0], t[1], t[2], True, False, t[5], t[6]))
                             for t in val.taints]), None))


def cleared(val: Val, categories: frozenset[str]) -> Val:
    if not val.taints:
        return CLEAN
    return _new(Val, (tuple([_new(Taint, (t[0], t[1], t[2], t[3], t[4], t[5] | categories, t[6]))
                             for t in val.taints]), val.kind))


def argv_position(val: Val) -> Val:
    if not val.taints:
        return val
    return _new(Val, (tuple([_new(Taint, (t[0], t[1], t[2], t[3], True, t[5], t[6]))
                             for t in val.taints]), val.kind))


def const_str(node: ast.expr | None) -> str | None:
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value
    return None


def taint_signature(val: Val | None) -> tuple[Any, ...] | None:
    if val is None:
        return None
    return val.kind, tuple((t[0], t[2], t[3], t[4], t[5]) for t in val.taints)


def call_signature(vals: list[Val]) -> tuple[Any, ...]:
    """What of the arguments decides a call's analysis (not the steps they took)."""
    return tuple((val.kind, tuple((t[0], t[2], t[3], t[4], t[5]) for t in val.taints))
                 for val in vals)

def merge_env(a: dict[str, Val], b: dict[str, Val]) -> dict[str, Val]:
    if a is b:
        return a
    out = dict(a)
    for name, val in b.items():
        old = out.get(name)
        if old is not val:  # most are the same object on both sides: merge would give it
            out[name] = val if old is None else merge(old, val)
    return out


def merged_outcomes(outcomes: list[dict[str, Val]],
                    otherwise: dict[str, Val]) -> dict[str, Val]:
    """The bindings after a statement that goes on by any of `outcomes` (a try's body and
    its handlers, Python and JS engines); `otherwise` when none goes on."""
    if not outcomes:
        return otherwise
    env = outcomes[0]
    for other in outcomes[1:]:
        env = merge_env(env, other)
    return env


def joined_env(left: bool, env_body: dict[str, Val], right: bool,
               env_else: dict[str, Val]) -> dict[str, Val]:
    """The bindings after an if/else (Python and JS engines): `left` / `right` tell
    whether the body / the else branch always ends (return, raise, break...); a branch
    that ends gives nothing to what follows. When both end, nothing follows and the
    else branch's bindings (the frame's current ones) stand."""
    if left and not right:
        return env_else
    if right and not left:
        return env_body
    if not left:
        return merge_env(env_body, env_else)
    return env_else

