"""The worst-case cost model, the price table and `faasguard cost`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from faasguard.analysis.cost import (
    SECONDS_PER_HOUR,
    build_cost_model,
    prices,
    propose_caps,
    spend_per_second,
)
from faasguard.cli import main
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    Location,
    Ref,
    Route,
    Throttle,
    Trigger,
    Unknown,
)

RULE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"


def _loc(line: int = 1) -> Location:
    return Location("t.yaml", line)


def _app(*functions: Function, api_kind: str = "http", throttle: float | None = None) -> App:
    app = App()
    api = Api("t.yaml#Api", api_kind, _loc(), throttling=Throttle(throttle) if throttle else None)
    app.apis[api.id] = api
    for fn in functions:
        app.functions[fn.id] = fn
        if not fn.triggers:
            app.routes.append(Route(api.id, api_kind, "GET", f"/{fn.id}", _loc(), fn.id))
    return app


def test_price_table_is_versioned_and_complete():
    table = prices()
    assert table["version"] and table["source"] and table["region"] == "us-east-1"
    assert set(table["lambda"]["gb_second"]) == {"x86_64", "arm64"}
    assert table["lambda"]["gb_second"]["arm64"] < table["lambda"]["gb_second"]["x86_64"]
    for key in ("rest_request_per_million", "http_request_per_million",
                "websocket_message_per_million"):
        assert table["api_gateway"][key] > 0
    assert table["function_url"]["request_per_million"] == 0
    assert table["alb"]["lcu_hour"] > 0


def test_one_function_by_hand():
    # 1 GB, 10 s, 10 reserved, behind an HTTP API: 100 req/s, 10 busy environments
    fn = Function("t.yaml#A", _loc(), "sam", memory_mb=1024, timeout_s=10,
                  reserved_concurrency=10)
    cost = build_cost_model(_app(fn)).functions[fn.id]
    gb_s = prices()["lambda"]["gb_second"]["x86_64"]
    expected = (10 * 1 * gb_s + 100 * (0.20 + 1.00) / 1e6) * SECONDS_PER_HOUR
    assert cost.request_rate == 100 and cost.concurrency_source == "reserved"
    assert cost.usd_per_hour == pytest.approx(expected)
    assert cost.usd_per_day == pytest.approx(expected * 24)


def test_arm_is_cheaper_and_rest_dearer_than_http():
    def hourly(arch: str, kind: str) -> float:
        fn = Function("t.yaml#A", _loc(), "sam", memory_mb=512, timeout_s=5,
                      architecture=arch, reserved_concurrency=5)
        return build_cost_model(_app(fn, api_kind=kind)).functions[fn.id].usd_per_hour

    assert hourly("arm64", "http") < hourly("x86_64", "http") < hourly("x86_64", "rest")


def test_throttle_bounds_requests_and_busy_environments():
    fn = Function("t.yaml#A", _loc(), "sam", memory_mb=1024, timeout_s=2)
    cost = build_cost_model(_app(fn, throttle=5)).functions[fn.id]
    assert (cost.request_rate, cost.rate_source, cost.throttleable) == (5, "throttle", True)
    assert cost.usd_per_hour == pytest.approx(
        spend_per_second(1000, 5, 1024, 2, "x86_64", 1e-6) * SECONDS_PER_HOUR)
    # 5 req/s of 2 s keep 10 environments busy, not the 1,000 of the account
    assert spend_per_second(1000, 5, 1024, 2, "x86_64", 0) == \
        pytest.approx(spend_per_second(10, 5, 1024, 2, "x86_64", 0))


def test_defaults_follow_the_format():
    sls = Function("s.yml#a", _loc(), "serverless")
    sam = Function("t.yaml#B", _loc(), "sam")
    model = build_cost_model(_app(sls, sam))
    assert (model.functions[sls.id].memory_mb, model.functions[sls.id].timeout_s) == (1024, 6)
    assert (model.functions[sam.id].memory_mb, model.functions[sam.id].timeout_s) == (128, 3)


def test_account_concurrency_is_shared_and_only_exposed_functions_count():
    a = Function("t.yaml#A", _loc(), "sam", memory_mb=2048, timeout_s=30)
    b = Function("t.yaml#B", _loc(), "sam", memory_mb=2048, timeout_s=30)
    cron = Function("t.yaml#Cron", _loc(), "sam", memory_mb=10240, timeout_s=900)
    cron.triggers.append(Trigger("schedule", cron.id, _loc()))
    model = build_cost_model(_app(a, b, cron))
    assert not model.functions[cron.id].exposed
    alone = model.functions[a.id].usd_per_hour
    # two identical exposed functions still share one pool of 1,000 environments
    assert model.total_usd_per_hour == pytest.approx(alone)
    bigger = build_cost_model(_app(a, b), account_concurrency=3000)
    assert bigger.functions[a.id].concurrency == 3000
    assert bigger.total_usd_per_hour == pytest.approx(bigger.functions[a.id].usd_per_hour)
    assert bigger.total_usd_per_hour > 2 * alone  # compute triples; requests stay capped


def test_reserved_functions_add_up_and_shrink_the_pool():
    a = Function("t.yaml#A", _loc(), "sam", memory_mb=1024, timeout_s=10,
                 reserved_concurrency=100)
    b = Function("t.yaml#B", _loc(), "sam", memory_mb=1024, timeout_s=10)
    model = build_cost_model(_app(a, b))
    assert model.unreserved_pool == 900
    assert model.functions[b.id].concurrency == 900
    assert model.total_usd_per_hour == pytest.approx(
        model.functions[a.id].usd_per_hour + model.functions[b.id].usd_per_hour)


@pytest.mark.parametrize("budget", [1.0, 25.0, 400.0])
def test_proposed_caps_fit_the_budget(budget):
    fns = [Function(f"t.yaml#F{i}", _loc(), "sam", memory_mb=1024 * (i + 1), timeout_s=29)
           for i in range(3)]
    model = build_cost_model(_app(*fns))
    proposals = propose_caps(model, budget)
    assert len(proposals) == 3
    assert all(p.fits for p in proposals)
    assert sum(p.usd_per_day for p in proposals) <= budget + 1e-6
    assert all(p.reserved_concurrency >= 1 for p in proposals)


def test_unthrottleable_function_cannot_always_fit():
    fn = Function("t.yaml#Url", _loc(), "sam", memory_mb=10240, timeout_s=900)
    fn.triggers.append(Trigger("url", fn.id, _loc()))
    model = build_cost_model(_app(fn))
    proposal, = propose_caps(model, 0.5)
    assert proposal.throttle_rps is None and not proposal.fits


# --------------------------------------------------------------------------- the command


def test_cost_command_text(capsys):
    code = main(["cost", str(RULE_FIXTURES / "FG-WALLET-007" / "sam-pos")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Api" in out and "http" in out and "1024 MB" in out and "/day" in out


def test_cost_command_json_and_budget(capsys):
    folder = str(RULE_FIXTURES / "FG-WALLET-007" / "sam-pos")
    assert main(["cost", folder, "--format", "json", "--budget", "10"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["over_budget"] is True and data["proposals"]
    fn, = data["functions"]
    assert fn["function"] == "Api" and fn["exposed"] is True
    assert data["total_usd_per_day"] == pytest.approx(fn["usd_per_day"], rel=1e-3)
    assert main(["cost", folder, "--format", "json", "--budget", "100000"]) == 0
    assert json.loads(capsys.readouterr().out)["over_budget"] is False


def test_cost_command_account_concurrency(capsys):
    folder = str(RULE_FIXTURES / "FG-WALLET-007" / "sam-pos")
    main(["cost", folder, "--format", "json"])
    default = json.loads(capsys.readouterr().out)["total_usd_per_day"]
    main(["cost", folder, "--format", "json", "--account-concurrency", "100"])
    assert json.loads(capsys.readouterr().out)["total_usd_per_day"] < default


def test_cost_command_errors(tmp_path, capsys):
    assert main(["cost", str(tmp_path)]) == 2
    assert "no function or API found" in capsys.readouterr().err
    broken = tmp_path / "template.yaml"
    broken.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")
    assert main(["cost", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "template.yaml" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["cost", str(tmp_path), "--budget", "lots"])
    assert exit_info.value.code == 2


def test_cost_command_reads_the_config_file(tmp_path, capsys):
    shutil.copy(RULE_FIXTURES / "FG-WALLET-007" / "sam-pos" / "template.yaml", tmp_path)
    (tmp_path / ".faasguard.yml").write_text("budget: 5\n")
    assert main(["cost", str(tmp_path)]) == 1
    assert "ABOVE the budget of $5.00/day" in capsys.readouterr().out
    (tmp_path / ".faasguard.yml").write_text("budget: [5]\n")
    assert main(["cost", str(tmp_path)]) == 2
    assert ".faasguard.yml" in capsys.readouterr().err


def test_sqs_maximum_concurrency_bounds_the_function():
    capped = Function("t.yaml#Capped", _loc(), "sam", memory_mb=1024, timeout_s=30)
    capped.triggers.append(Trigger("sqs", capped.id, _loc(), max_concurrency=5))
    open_ended = Function("t.yaml#Open", _loc(), "sam", memory_mb=1024, timeout_s=30)
    open_ended.triggers.append(Trigger("sqs", open_ended.id, _loc()))
    model = build_cost_model(_app(capped, open_ended))
    assert (model.functions[capped.id].concurrency,
            model.functions[capped.id].concurrency_source) == (5, "event source")
    assert model.functions[open_ended.id].concurrency == 1000
    assert model.functions[capped.id].usd_per_hour < model.functions[open_ended.id].usd_per_hour


def _route_throttled(stage: Throttle | None, route: Throttle | None) -> float:
    fn = Function("t.yaml#A", _loc(), "sam", memory_mb=1024, timeout_s=2)
    app = _app(fn)
    app.apis["t.yaml#Api"].throttling = stage
    app.routes[0].throttling = route
    return build_cost_model(app).functions[fn.id].request_rate


@pytest.mark.parametrize(("stage", "route", "rate"), [
    (Throttle(100.0), None, 100),              # the stage's rate
    (Throttle(100.0), Throttle(20.0), 20),     # a route setting below it
    (Throttle(100.0), Throttle(500.0), 500),   # a method setting replaces the stage's, higher too
    (Throttle(100.0), Throttle(-1.0, -1), 10_000),  # -1: that route is not throttled
    (Throttle(100.0), Throttle(), 10_000),     # the throttling plugin's `disabled: true`
    (Throttle(100.0), Throttle(None, 50), 100),  # a burst alone leaves the stage's rate
    (Throttle(-1.0, -1), None, 10_000),        # a stage of -1 throttles nothing
    (None, None, 10_000),
])
def test_a_route_setting_replaces_the_stage_throttle(stage, route, rate):
    assert _route_throttled(stage, route) == rate


def test_a_bus_fed_by_an_open_route_exposes_its_rules_targets():
    fn = Function("t.yaml#Worker", _loc(), "sam", memory_mb=1024, timeout_s=30)
    fn.triggers.append(Trigger("eventbridge", fn.id, _loc(), source=Ref("t.yaml#Bus")))
    app = _app(fn)
    assert build_cost_model(app).functions[fn.id].exposure == []
    app.routes.append(Route("t.yaml#Api", "http", "POST", "/hook", _loc(), None,
                            target="t.yaml#Bus"))
    assert build_cost_model(app).functions[fn.id].exposure == \
        ["eventbridge (public route POST /hook)"]


def test_a_service_route_exposes_its_target_unless_every_deployment_authenticates_it():
    fn = Function("t.yaml#Worker", _loc(), "sam", memory_mb=1024, timeout_s=30)
    fn.triggers.append(Trigger("sqs", fn.id, _loc(), source=Ref("t.yaml#Jobs")))
    app = _app(fn)
    route = Route("t.yaml#Api", "rest", "POST", "/jobs", _loc(), None, target="t.yaml#Jobs")
    app.routes.append(route)
    # the API's default authoriser covers a route that names none of its own
    app.apis["t.yaml#Api"].default_authorizer = Authorizer("iam")
    assert build_cost_model(app).functions[fn.id].exposure == []
    # a deployment that may pick NONE leaves the queue open to anyone
    route.authorizer = Authorizer("iam", undecided=Unknown("If IsProd", ("AWS_IAM", "NONE")))
    assert build_cost_model(app).functions[fn.id].exposure == \
        ["sqs (public route POST /jobs)"]
    route.authorizer = Authorizer("none")  # the route opts out of the default
    assert build_cost_model(app).functions[fn.id].exposure == \
        ["sqs (public route POST /jobs)"]
