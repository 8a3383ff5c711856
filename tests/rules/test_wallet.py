"""The wallet rules: fixtures through the whole pipeline, and rule functions on built models."""

from __future__ import annotations

import pytest

from faasguard.analysis.aws_values import AwsCall, Name, Target
from faasguard.analysis.cost import build_cost_model
from faasguard.analysis.facts import Facts, Options
from faasguard.model import (
    App,
    DataResource,
    Function,
    Location,
    Ref,
    ResourcePolicy,
    Role,
    Statement,
    Trigger,
)
from faasguard.rules.wallet import (
    cost_above_budget,
    http_timeout_too_long,
    no_reserved_concurrency,
    recursive_loop,
)

from .conftest import cases, check_case

WALLET_RULES = [f"FG-WALLET-00{n}" for n in range(1, 8)]


@pytest.mark.parametrize("case", [c for r in WALLET_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


# --------------------------------------------------------------------------- built models

QUEUE = "t.yaml#Jobs"
OTHER = "t.yaml#Results"


def _loc(line: int) -> Location:
    return Location("t.yaml", line)


def _queue_worker(role_resource: object = None) -> App:
    app = App()
    for queue in (QUEUE, OTHER):
        app.resources[queue] = DataResource(queue, "queue", _loc(1))
    worker = Function("t.yaml#Worker", _loc(3), "sam", role="t.yaml#WorkerRole")
    worker.triggers.append(Trigger("sqs", worker.id, _loc(6), source=Ref(QUEUE, "Arn")))
    app.functions[worker.id] = worker
    role = Role("t.yaml#WorkerRole", _loc(10))
    if role_resource is not None:
        role.statements.append(Statement("Allow", ("sqs:Send*",), resources=(role_resource,),
                                         location=_loc(12)))
    app.roles[role.id] = role
    return app


@pytest.mark.parametrize("resource, fires", [
    (Ref(QUEUE, "Arn"), True),
    ("${Jobs.Arn}", True),
    (Ref(OTHER, "Arn"), False),
    ("*", False),  # a wildcard is a permissions finding, not proof of a loop
])
def test_loop_from_role_statements(resource, fires):
    findings = list(recursive_loop(_queue_worker(resource), Facts()))
    assert bool(findings) is fires
    if fires:
        assert findings[0].location.line == 6 and "line 12" in findings[0].message


def _call(service: str, operation: str, resolved=None, event: str | None = None) -> AwsCall:
    target = Target("queue" if service == "sqs" else "bucket", Name(event=event), None, resolved)
    return AwsCall(service, operation, operation, (), (target,), "src/worker.py", 9)


@pytest.mark.parametrize("call, fires", [
    (_call("sqs", "SendMessage", Ref(QUEUE)), True),
    (_call("sqs", "SendMessageBatch", Ref(QUEUE)), True),
    (_call("sqs", "SendMessage", event="Records.[].eventSourceARN"), True),
    (_call("s3", "upload_file", event="Records.[].s3.bucket.name"), False),  # not an s3 trigger
    (_call("sqs", "SendMessage", Ref(OTHER)), False),
    (_call("sqs", "SendMessage", event="Records.[].body"), False),
    (_call("sqs", "ReceiveMessage", Ref(QUEUE)), False),
])
def test_loop_from_code_calls(call, fires):
    facts = Facts(aws_calls={"t.yaml#Worker": [call]})
    findings = list(recursive_loop(_queue_worker(), facts))
    assert bool(findings) is fires
    if fires:
        assert findings[0].confidence == "high" and "its code writes back" in findings[0].message
        assert findings[0].related[0][0].line == 9


def _http_function(timeout: int) -> App:
    app = App()
    fn = Function("t.yaml#Api", _loc(3), "sam", timeout_s=timeout)
    fn.triggers.append(Trigger("alb", fn.id, _loc(5)))
    app.functions[fn.id] = fn
    return app


@pytest.mark.parametrize("timeout, threshold, fires", [
    (61, 60, True), (60, 60, False), (45, 30, True), (45, 60, False)])
def test_timeout_threshold_is_an_option(timeout, threshold, fires):
    facts = Facts(options=Options(http_timeout_threshold_s=threshold))
    assert bool(list(http_timeout_too_long(_http_function(timeout), facts))) is fires


def test_public_bucket_makes_its_consumer_exposed():
    app = App()
    app.resources["t.yaml#Drop"] = DataResource("t.yaml#Drop", "bucket", _loc(1))
    fn = Function("t.yaml#Ingest", _loc(3), "sam")
    fn.triggers.append(Trigger("s3", fn.id, _loc(5), source=Ref("t.yaml#Drop")))
    app.functions[fn.id] = fn
    assert list(no_reserved_concurrency(app, Facts())) == []
    app.resource_policies.append(ResourcePolicy(
        "t.yaml#DropPolicy", "s3", Ref("t.yaml#Drop"),
        Statement("Allow", ("s3:PutObject",), resources=("*",), principals=("*",)), _loc(8)))
    findings = list(no_reserved_concurrency(app, Facts()))
    assert len(findings) == 1 and "s3 (public resource policy)" in findings[0].message


def test_budget_finding_proposes_caps_that_fit():
    case = next(c for c in cases("FG-WALLET-007") if c.path.name == "sam-pos")
    finding, = check_case(case)
    proposals = finding.properties["proposals"]
    assert finding.properties["budget_usd_per_day"] == 10
    assert proposals and all(p["fits"] and p["usd_per_day"] <= 10 for p in proposals)
    assert f"reserved concurrency {proposals[0]['reserved_concurrency']}" in finding.message


def test_no_budget_no_finding():
    app = _http_function(29)
    facts = Facts()
    facts.cost = build_cost_model(app)
    assert list(cost_above_budget(app, facts)) == []
    facts.options.budget_usd_per_day = 1_000_000.0
    assert list(cost_above_budget(app, facts)) == []
    facts.options.budget_usd_per_day = 1.0
    assert len(list(cost_above_budget(app, facts))) == 1


def test_trails_a_template_includes_from_other_files_make_one_budget_finding():
    from faasguard.model import Trail
    from faasguard.rules.wallet import no_budget

    trails = [Trail(f"serverless.yml#{name}", Location(file, 2))
              for name, file in (("Audit", "audit.yml"), ("Data", "data.yml"))]
    found = list(no_budget(App(trails=trails), Facts()))
    assert [f.subject for f in found] == ["baseline:serverless.yml"]
