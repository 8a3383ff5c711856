"""The taint engine's fast paths give what the code they replaced gave.

`ev`'s dispatch inlined at call arguments, assignments, attribute and subscript holders;
`Frame.qualify` / `f.is_alias` inlined on the call path; a subscript's constant key read
without `const_str`; `union`, `extend` and `stringified` without a comprehension on their
common paths; `merge_env` skipping bindings both sides share. The fixture suite scores
precision and recall (a lost flow or two does not fail it): these tests pin each case.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from test_taint_engine import analyse

from faasguard.analysis.taint.modules import Module
from faasguard.analysis.taint.state import (
    CLEAN,
    MAX_TAINTS,
    Frame,
    Taint,
    Val,
    extend,
    merge,
    merge_env,
    stringified,
    union,
)


def _flows(tmp_path: Path, source: str) -> list[tuple[str, int, str]]:
    """(rule, line, source path) of each finding and flow of `source` as app.py."""
    _, facts, findings = analyse(tmp_path, {"app.py": source})
    paths = sorted(flow.source_path for flow in facts.flows.get("template.yaml#Fn", []))
    return [(f.rule_id, f.location.line, path)
            for f, path in zip(sorted(findings, key=lambda f: f.location.line), paths,
                               strict=True)]


def test_an_integer_subscript_is_any_element(tmp_path: Path) -> None:
    source = """
        import os

        def handler(event, context):
            os.system(event["Records"][0]["body"])
    """
    assert _flows(tmp_path, source) == [("FG-INJ-001", 5, "event['Records'][*]['body']")]


def test_a_function_level_import_alias_names_the_callee(tmp_path: Path) -> None:
    plain = """
        def handler(event, context):
            from os import system as run_it
            run_it(event["x"])
    """
    dotted = """
        def handler(event, context):
            import os as o
            o.system(event["x"])
    """
    assert _flows(tmp_path, plain) == [("FG-INJ-001", 4, "event['x']")]
    assert _flows(tmp_path, dotted) == [("FG-INJ-001", 4, "event['x']")]


def test_a_local_binding_hides_an_import_of_the_same_name(tmp_path: Path) -> None:
    source = """
        from os import system

        def handler(event, context):
            system = print
            system(event["x"])
    """
    assert _flows(tmp_path, source) == []


def test_a_checked_host_checks_its_url(tmp_path: Path) -> None:
    checked = """
        from urllib.parse import urlparse
        import requests

        ALLOWED = {"a.example"}

        def handler(event, context):
            url = event["url"]
            host = urlparse(url).hostname
            if host not in ALLOWED:
                return
            requests.get(url)
    """
    assert _flows(tmp_path, checked) == []
    unchecked = checked.replace("if host not in ALLOWED:", "").replace("return", "")
    assert _flows(tmp_path, unchecked) == [("FG-INJ-007", 12, "event['url']")]


def test_a_loop_body_rebinding_joins_the_value_before_it(tmp_path: Path) -> None:
    source = """
        import os

        def handler(event, context):
            cmd = "ls"
            for record in event["Records"]:
                cmd = record["body"]
            os.system(cmd)
    """
    assert _flows(tmp_path, source) == [("FG-INJ-001", 8, "event['Records'][*]['body']")]


# What the helpers gave before their fast paths (faasguard 8bddb9a), to compare with.

def _old_union(vals: list[Val] | tuple[Val, ...], kind: str | None = None) -> Val:
    tainted = [val for val in vals if val.taints]
    if not tainted:
        return Val((), kind) if kind else CLEAN
    if len(tainted) == 1 and tainted[0].kind == kind:
        return tainted[0]
    out: list[Taint] = []
    seen: set[tuple[tuple[str, ...], str, bool]] = set()
    for val in tainted:
        for taint in val.taints:
            key = (taint.path, taint.origin, taint.structured)
            if key not in seen and len(out) < MAX_TAINTS:
                seen.add(key)
                out.append(taint)
    return Val(tuple(out), kind) if out or kind else CLEAN


def _old_extend(val: Val, key: str, at: tuple[str, int] | None = None,
                kind: str | None = None) -> Val:
    if not val.taints:
        return CLEAN if kind is None else Val((), kind)
    return Val(tuple(t._replace(path=t.path + (key,), read_at=at or t.read_at)
                     if len(t.path) < 16 else t for t in val.taints), kind)


def _old_stringified(val: Val) -> Val:
    if not val.taints:
        return CLEAN
    return Val(tuple(t._replace(structured=False, argv=False) if t.structured or t.argv else t
                     for t in val.taints), None)


def _old_merge_env(a: dict[str, Val], b: dict[str, Val]) -> dict[str, Val]:
    if a is b:
        return a
    out = dict(a)
    for name, val in b.items():
        old = out.get(name)
        out[name] = val if old is None else merge(old, val)
    return out


def _taint(origin: str, path: tuple[str, ...] = ("body",), structured: bool = False,
           argv: bool = False, read_at: tuple[str, int] | None = None) -> Taint:
    return Taint(path, (("app.py", 1, "read"),), origin, structured, argv, frozenset(), read_at)


_TAINTS = [_taint("event"), _taint("event", structured=True), _taint("event", argv=True),
           _taint("other", ("q",), read_at=("app.py", 3)), _taint("deep", ("k",) * 16)]
_VALUES = [CLEAN, Val((), "path"), Val((_TAINTS[0],)), Val((_TAINTS[0],), "path"),
           Val((_TAINTS[1],)), Val((_TAINTS[2],), "cls:app.py:C"),
           Val((_TAINTS[0], _TAINTS[3])), Val((_TAINTS[2], _TAINTS[4])),
           Val(tuple(_taint(f"o{i}") for i in range(MAX_TAINTS + 1)))]


def test_union_extend_and_stringified_give_what_they_gave() -> None:
    for kind in (None, "path", "cls:app.py:C"):
        for n in range(4):
            for vals in itertools.product(_VALUES, repeat=n):
                assert union(list(vals), kind) == _old_union(vals, kind), (vals, kind)
                assert union(vals, kind) == _old_union(vals, kind), (vals, kind)
        for val in _VALUES:
            for at in (None, ("app.py", 9)):
                assert extend(val, "*", at, kind) == _old_extend(val, "*", at, kind)
    for val in _VALUES:
        assert stringified(val) == _old_stringified(val), val
        for taint in stringified(val).taints:
            assert not taint.structured and not taint.argv
    argv = Val((_TAINTS[2],))
    assert stringified(argv) == Val((_TAINTS[2]._replace(argv=False),))


def test_merge_env_gives_what_it_gave() -> None:
    shared = Val((_TAINTS[0],))
    for left, right in itertools.product(_VALUES, repeat=2):
        a = {"same": shared, "x": left, "only_a": left}
        b = {"same": shared, "x": right, "only_b": right}
        assert merge_env(a, b) == _old_merge_env(a, b)
        assert merge_env(a, b)["same"] is shared
    env = {"x": shared}
    assert merge_env(env, env) is env


def test_frame_qualify_reads_the_function_level_imports_first() -> None:
    module = Module("app.py", ast.parse(""), "app", aliases={"o": "os", "j": "json"})
    frame = Frame(module, "handler", ())
    assert frame.qualify("o.system") == "os.system" and frame.qualify("j") == "json"
    assert frame.qualify("x.y") == "x.y" and frame.is_alias("o") and not frame.is_alias("x")
    frame.aliases = {"o": "subprocess", "j": "json"}  # `import subprocess as o` in the body
    assert frame.qualify("o.run") == "subprocess.run" and frame.qualify("o") == "subprocess"
    assert frame.qualify("os.path.join") == "os.path.join"
    frame.env["j"] = CLEAN  # a local variable of the name is no alias
    assert not frame.is_alias("j") and frame.is_alias("o")


def test_new_flow_is_the_flow_its_init_makes() -> None:
    """flows.new_flow fills a Flow's __dict__ at once: the same fields in the same order,
    equal, hashed, shown and pickled as `Flow(...)`, and still frozen."""
    import dataclasses
    import pickle

    from faasguard.analysis.taint.flows import Flow, new_flow
    from faasguard.findings import FlowStep
    from faasguard.model import Location

    where = Location("app.py", 7)
    values = ("command", "FG-INJ-001", "os.system", where, "SQS message body",
              "event['Records'][*]['body']", (FlowStep(Location("app.py", 3), "source"),),
              "template.yaml#Fn", "app.py:handler", "app.py:handler", True, False, True,
              ((Location("template.yaml", 4), "sqs trigger"),))
    made = Flow(*values)
    fast = new_flow(*values)
    assert type(fast) is Flow and fast == made and hash(fast) == hash(made)
    assert repr(fast) == repr(made) and vars(fast) == vars(made)
    assert list(vars(fast)) == [f.name for f in dataclasses.fields(Flow)]
    assert pickle.loads(pickle.dumps(fast)) == made
    try:
        fast.category = "sql"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("new_flow's Flow is not frozen")


def test_described_steps_are_the_steps_their_init_makes() -> None:
    """The describer makes FlowSteps and Locations by setting their slots: the same
    objects as their `__init__` makes, every slot set, shared per key."""
    import pickle

    from faasguard.analysis.taint.project import _Describer
    from faasguard.analysis.taint.table import build_table
    from faasguard.findings import FlowStep
    from faasguard.model import Location

    describe = _Describer(build_table())
    step = describe.step("app.py", 12, "assigned to 'name'")
    made = FlowStep(Location("app.py", 12), "assigned to 'name'")
    assert type(step) is FlowStep and type(step.location) is Location
    assert step == made and hash(step) == hash(made) and repr(step) == repr(made)
    assert step.location.end_line is None and pickle.loads(pickle.dumps(step)) == made
    assert describe.step("app.py", 12, "assigned to 'name'") is step
    assert describe.location("app.py", 12) is step.location


def _old_with_step(val: Val, step: tuple[str, int, str]) -> Val:
    """with_step as it was before its one-taint path (each taint through add_step)."""
    from faasguard.analysis.taint.state import add_step

    if not val.taints:
        return val
    return Val(tuple(t._replace(steps=add_step(t.steps, step)) for t in val.taints), val.kind)


def test_with_step_gives_what_it_gave() -> None:
    """One taint or several, a repeated step, a history at its bound (MAX_STEPS keeps the
    first four and the latest)."""
    from faasguard.analysis.taint.state import MAX_STEPS, with_step

    step = ("app.py", 9, "assigned to 'x'")
    long = tuple(("app.py", line, f"step {line}") for line in range(MAX_STEPS))
    one = Val((_TAINTS[0],), "path")
    repeated = Val((_TAINTS[0]._replace(steps=(step,)),))
    bounded = Val((_TAINTS[1]._replace(steps=long),))
    history = (("app.py", 2, "source"), ("app.py", 3, "iterated over"))
    shared = Val((_TAINTS[0]._replace(steps=history), _TAINTS[1]._replace(steps=history),
                  _TAINTS[2]))
    for val in (CLEAN, one, repeated, bounded, Val(tuple(_TAINTS[:3])), shared,
                Val((bounded.taints[0], repeated.taints[0], _TAINTS[2]))):
        new = with_step(val, step)
        assert new == _old_with_step(val, step)
        assert all(type(t) is Taint for t in new.taints) and type(new) is Val
    assert with_step(bounded, step).taints[0].steps == (*long[:4], *long[-(MAX_STEPS - 6):],
                                                        step)
    after = with_step(shared, step).taints
    assert after[0].steps is after[1].steps and after[0].steps == (*history, step)


def test_shortest_paths_keep_one_piece_of_the_event_per_sink() -> None:
    """_shortest_paths (a path without `*` is its own core) drops the hits whose access
    path reads further into one another hit's, of one source at one sink only."""
    from faasguard.analysis.taint.project import _unique
    from faasguard.analysis.taint.state import Hit

    def hit(path: tuple[str, ...], line: int = 5, origin: str = "event") -> Hit:
        return Hit("command", "os.system", "app.py", line,
                   Taint(path, (("app.py", 1, "source"),), origin), "app.py:handler")

    hits = [hit(("headers", "authorization", "*")), hit(("headers", "authorization")),
            hit(("headers", "*", "authorization", "x")), hit(("body",)),
            hit(("headers", "authorization", "x"), line=6), hit(("headers",), origin="other")]
    kept = _unique(hits)
    assert [h.taint.path for h in kept] == [("headers", "authorization"), ("body",),
                                            ("headers", "authorization", "x"), ("headers",)]
