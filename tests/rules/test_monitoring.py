"""The monitoring rules: fixtures through the whole pipeline, and rule functions on built models."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Facts, Options
from faasguard.findings import RULES
from faasguard.model import App, Function, Location, Trigger

from .conftest import FIXTURES, Case, cases, check_case

MONITORING_RULES = [f"FG-MON-00{n}" for n in range(1, 10)]


@pytest.mark.parametrize("case", [c for r in MONITORING_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


def _function(name: str, **kwargs) -> Function:
    return Function(f"t.yml#{name}", Location("t.yml", 1), "sam", **kwargs)


def _run(rule_id: str, app: App, options: Options | None = None) -> list:
    return list(RULES[rule_id].run(app, Facts(options=options or Options())))


@pytest.mark.parametrize("kind,fires", [("s3", True), ("sns", True), ("eventbridge", True),
                                        ("schedule", False), ("http", False), ("sqs", False),
                                        ("kinesis-stream", False), ("dynamodb-stream", False)])
def test_dlq_only_for_asynchronous_sources(kind: str, fires: bool) -> None:
    function = _function("fn")
    function.triggers.append(Trigger(kind, function.id, Location("t.yml", 5)))  # type: ignore[arg-type]
    assert bool(_run("FG-MON-007", App(functions={function.id: function}))) is fires


def test_async_invocation_flag_counts_as_asynchronous() -> None:
    function = _function("fn")
    function.triggers.append(Trigger("other", function.id, Location("t.yml", 5), asynchronous=True))
    assert _run("FG-MON-007", App(functions={function.id: function}))
    function.on_failure = "arn:aws:sqs:eu-west-1:123456789012:failed"
    assert not _run("FG-MON-007", App(functions={function.id: function}))


def test_retention_range_comes_from_options() -> None:
    function = _function("fn", log_retention_days=30)
    app = App(functions={function.id: function})
    assert not _run("FG-MON-004", app)
    assert _run("FG-MON-004", app, Options(log_retention_min_days=60))
    assert _run("FG-MON-004", app, Options(log_retention_max_days=14))


def test_retention_from_an_unknown_value_is_not_judged() -> None:
    from faasguard.model import Unknown

    function = _function("fn", log_retention_days=Unknown("Ref Retention"))
    assert not _run("FG-MON-004", App(functions={function.id: function}))


@pytest.mark.parametrize("case,setting", [("sam-pos", "AccessLogSetting:"),
                                          ("sam-pos-http", "AccessLogSettings:")])
def test_access_log_fix_names_the_property_of_the_api_kind(case: str, setting: str) -> None:
    # AWS::Serverless::Api / ApiGateway::Stage: AccessLogSetting; HttpApi and
    # ApiGatewayV2::Stage: AccessLogSettings (and $context.routeKey exists only there)
    found = check_case(Case("FG-MON-005", FIXTURES / "FG-MON-005" / case))
    assert found and all(f.remediation.startswith(setting) for f in found)
    assert all(("$context.routeKey" in f.remediation) is (case == "sam-pos-http")
               for f in found)


def test_functions_a_template_includes_from_other_files_get_one_alarm_finding() -> None:
    """serverless.yml `functions: [${file(a.yml)}, ${file(b.yml)}]`: the functions are
    located in the included files, their ids stay the template's; alarms are one app's."""
    functions = [Function(f"serverless.yml#{name}", Location(file, line), "serverless")
                 for name, file, line in (("b1", "b.yml", 2), ("a1", "a.yml", 4),
                                          ("main", "serverless.yml", 12))]
    [found] = _run("FG-MON-006", App(functions={f.id: f for f in functions}))
    assert found.subject == "alarms:serverless.yml"
    assert found.location == Location("serverless.yml", 12)  # the template's own first
    assert found.properties["functions"] == ["main", "a1", "b1"]
