"""Platform needs on `*` (logs, tracing, VPC) are one object per scan for the functions
needing none of their actions yet; adding to one function's need never changes another's."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.privileges import ANY, Needs, PolicyResource, needs_of
from faasguard.analysis.privileges import _add_platform as add_platform
from faasguard.scan import scan
from tests.compiled_support import pure_only

REPO = Path(__file__).resolve().parents[2]
LOGS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")


def _needs(name: str) -> Needs:
    from faasguard.model import Function, Location

    return Needs(Function(f"t.yml#{name}", Location("t.yml", 1), "serverless"))


def test_functions_share_their_platform_needs_and_each_adds_to_its_own() -> None:
    memo: dict[object, object] = {}
    first, second = _needs("a"), _needs("b")
    add_platform(first, "logs", memo)
    add_platform(second, "logs", memo)
    assert list(first.needs) == list(LOGS)
    for action in LOGS:
        need = first.needs[action]
        assert need is second.needs[action]
        assert (need.resources, need.calls, need.platform) == ([ANY], [], "logs")
    queue = PolicyResource("arn:aws:logs:*:*:log-group:x", "arn:aws:logs:*:*:log-group:x")
    first.add("logs:PutLogEvents", queue)
    assert first.needs["logs:PutLogEvents"].resources == [ANY, queue]
    assert second.needs["logs:PutLogEvents"].resources == [ANY]  # the other's untouched
    assert second.needs["logs:PutLogEvents"] is not first.needs["logs:PutLogEvents"]


def test_a_platform_action_the_code_needs_already_is_added_to_that_need() -> None:
    memo: dict[object, object] = {}
    needs = _needs("a")
    named = PolicyResource("group", "group")
    needs.add("logs:PutLogEvents", named, platform=None)
    add_platform(needs, "logs", memo)
    assert list(needs.needs) == ["logs:PutLogEvents", "logs:CreateLogGroup",
                                 "logs:CreateLogStream"]
    assert needs.needs["logs:PutLogEvents"].resources == [named, ANY]
    assert needs.needs["logs:CreateLogGroup"].platform == "logs"


def test_needs_of_a_scan_hold_the_platform_needs_once() -> None:
    result = scan(str(REPO / "examples" / "vulnerable-app"))
    found = [n for f in result.app.functions.values()
             if (n := needs_of(f, result.app, result.facts)) is not None]
    assert len(found) >= 2
    for action in LOGS:
        shared = {id(n.needs[action]) for n in found if not n.needs[action].calls}
        assert len(shared) == 1
        assert all(n.needs[action].platform == "logs" or n.needs[action].calls
                   for n in found)


def _as_before(result: Needs, group: str, memo: dict[object, object]) -> None:
    """`_add_platform` before 9034344: an add per action, a Need per function."""
    from faasguard.analysis import aws_sdk

    for action in aws_sdk.table()["platform"][group]:
        result.add(action, ANY, platform=group)


def _shape(needs: Needs) -> list[tuple[object, ...]]:
    return [(action, need.action, list(need.resources), list(need.calls), need.platform,
             need.optional) for action, need in needs.needs.items()]


@pure_only("it replaces privileges._add_platform, which compiled needs_of calls directly")
def test_needs_are_as_before_whatever_the_code_and_the_platform_need(monkeypatch) -> None:
    """Code calls of platform actions (logs, X-Ray, VPC, polling, DLQ) before or beside the
    platform's own, with tracing, VPC, an SQS trigger and a DLQ: every function's needs
    (actions in order, resources, calls, platform) as the add per action made them."""
    from dataclasses import replace

    from faasguard.analysis import privileges
    from faasguard.analysis.aws_values import AwsCall
    from faasguard.model import Location, Ref, Trigger

    result = scan(str(REPO / "examples" / "vulnerable-app"))
    app, facts = result.app, result.facts
    template = next(iter(app.functions.values()))
    call = AwsCall("x", "Op", "op", (), (), "h.py", 3)
    spellings = [(), ("logs:PutLogEvents",), ("xray:PutTraceSegments",),
                 ("logs:CreateLogGroup", "ec2:CreateNetworkInterface"),
                 ("sqs:ReceiveMessage", "sqs:SendMessage"), ("LOGS:putlogevents",)]
    for number, actions in enumerate(spellings):
        for tracing, vpc in (("Active", False), (None, True), ("active", True)):
            function = replace(template, id=f"{template.id}{number}{tracing}{vpc}",
                               tracing=tracing, vpc=vpc, dlq=Ref("t.yml#Dead"),
                               triggers=[Trigger("sqs", template.id, Location("t.yml", 2),
                                                 source=Ref("t.yml#Queue"))])
            app.functions[function.id] = function
            facts.aws_calls[function.id] = [replace(call, actions=actions)] if actions else []
    functions = list(app.functions.values())
    facts.memo.pop("privileges.resources", None)
    shared = [needs_of(f, app, facts) for f in functions + functions]  # twice: memo warm
    facts.memo.pop("privileges.resources", None)
    monkeypatch.setattr(privileges, "_add_platform", _as_before)
    before = [needs_of(f, app, facts) for f in functions + functions]
    assert sum(n is not None for n in before) > len(spellings) * 3
    assert [None if n is None else _shape(n) for n in shared] == \
        [None if n is None else _shape(n) for n in before]
    # and as values: a shared need equals (and reads as) the Need an add made
    assert shared == before
    assert [repr(n) for n in shared] == [repr(n) for n in before]
