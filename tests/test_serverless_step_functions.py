"""serverless.yml `stepFunctions.stateMachines` (the serverless-step-functions plugin): each
state machine is a resource, and its `http` events are public routes of the service's REST
API that start (or describe) executions without a function in between."""

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"
PLACE = "serverless.yml#PlaceOrderStepFunctionsStateMachine"
STATUS = "serverless.yml#OrderDashstatus"  # `name: order-status`, normalised


def _result():
    return scan(str(FIXTURES / "step-functions"))


def test_state_machines_are_resources_with_the_plugins_logical_ids():
    resources = _result().app.resources
    place, status = resources[PLACE], resources[STATUS]
    assert (place.kind, str(place.location), place.tracing) == \
        ("state-machine", "serverless.yml:18", False)
    assert place.properties == {"logging_level": None, "type": "STANDARD"}
    assert (status.name, status.tracing) == ("order-status", True)
    assert status.properties == {"logging_level": "ERROR", "type": "EXPRESS"}


def test_http_events_of_state_machines_are_routes_to_them():
    app = _result().app
    routes = sorted((r.method, r.path, str(r.location), r.function, r.target,
                     r.authorizer.kind if r.authorizer else None, r.api_key_required)
                    for r in app.routes)
    assert routes == [
        ("GET", "/orders/iam", "serverless.yml:49", None, STATUS, None, False),
        ("POST", "/orders", "serverless.yml:20", None, PLACE, None, False),
        ("POST", "/orders/admin", "serverless.yml:45", None, STATUS, None, True),
        ("POST", "/orders/status", "serverless.yml:40", None, STATUS, "lambda-token", False),
    ]
    assert {r.api for r in app.routes} == {"serverless.yml#ApiGatewayRestApi"}
    assert not app.triggers()  # the schedule starts executions, not a function


def test_rules_see_the_state_machine_routes():
    findings = {(f.rule_id, str(f.location)) for f in _result().findings}
    assert ("FG-AUTH-002", "serverless.yml:20") in findings  # POST /orders, no authoriser
    assert ("FG-AUTH-002", "serverless.yml:49") in findings
    assert ("FG-AUTH-003", "serverless.yml:45") in findings  # private: an API key only
    assert not any(rule == "FG-AUTH-002" and where == "serverless.yml:40"
                   for rule, where in findings)  # authorizer: checkAuth
    assert ("FG-WALLET-002", "serverless.yml:20") in findings
    assert ("FG-MON-003", "serverless.yml:18") in findings  # no tracingConfig
    assert not any(rule == "FG-MON-003" and where == "serverless.yml:32"
                   for rule, where in findings)
    assert not _result().diagnostics  # the Outputs' Ref names the state machine


def test_a_state_machine_from_an_included_file_without_events(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "stepFunctions:\n  stateMachines:\n    nightly: ${file(flows/nightly.yml)}\n")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "nightly.yml").write_text(
        "id: NightlyFlow\nevents:\n  - schedule: rate(1 day)\ndefinition:\n"
        "  StartAt: A\n  States:\n    A:\n      Type: Succeed\n")
    result = scan(str(tmp_path))
    machine = result.app.resources["serverless.yml#NightlyFlow"]
    assert str(machine.location) == "flows/nightly.yml:1"
    assert not result.app.routes and not result.diagnostics


def test_malformed_step_functions_sections_are_warnings(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "stepFunctions:\n  stateMachines:\n    a: just-text\n"
        "    b:\n      events:\n        - http:\n            path: x\n")
    result = scan(str(tmp_path))
    assert sorted((d.line, d.message) for d in result.diagnostics) == [
        (7, "state machine 'a' should be a mapping (definition, events, ...); ignored"),
        (10, "http event of state machine 'b' needs a method and a path; ignored")]
    assert list(result.app.resources) == ["serverless.yml#BStepFunctionsStateMachine"]
