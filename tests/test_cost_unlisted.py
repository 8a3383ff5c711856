"""The worst-case cost model and a NONE only the setting's domain offers: a queue that a
route writes into, whose AuthorizationType is a parameter with an authenticating default
and no AllowedValues, is not open to anyone as the template writes it (the auth rules
judge such a route medium at low confidence). Its consumer is not counted as exposed;
`exposed_if` (JSON) and the table's `*` note say what a deployment passing NONE would
open, and FG-WALLET-001 reports it one level lower at low confidence. A NONE the template
writes, or `--param IntakeAuth=NONE`, exposes it as before."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from faasguard.analysis.cost import build_cost_model
from faasguard.analysis.facts import Options
from faasguard.cli import main
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    Location,
    Ref,
    Route,
    Trigger,
    Unknown,
)
from faasguard.scan import scan

CASES = Path(__file__).resolve().parent / "fixtures" / "rules" / "FG-WALLET-001"
UNLISTED = CASES / "sam-pos-queue-behind-unlisted-route"
WRITTEN = CASES / "sam-pos-queue-behind-written-none-route"
GIVEN = CASES / "sam-neg-queue-behind-unlisted-route-given"
WHY = ("sqs (route POST /orders: the parameter IntakeAuth, which defaults to AWS_IAM and "
       "lists no other value, leaving NONE, CUSTOM and COGNITO_USER_POOLS of what the "
       "setting accepts; NONE only if a deployment passes it)")


def _cost(folder: Path, *options: str) -> dict:
    """`faasguard cost --format json` of a folder, parsed."""
    return json.loads(_run(["cost", str(folder), "--format", "json", *options]))


def _run(argv: list[str]) -> str:
    """What the CLI prints for `argv`."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(argv)
    return out.getvalue()


def test_a_queue_behind_a_route_authenticated_as_written_is_not_counted():
    [fulfil] = _cost(UNLISTED)["functions"]
    assert (fulfil["exposed"], fulfil["exposure"], fulfil["exposed_if"]) == (False, [], [WHY])
    assert _cost(UNLISTED)["total_usd_per_day"] == 0


def test_a_written_none_or_the_deployments_none_exposes_it():
    for data in (_cost(WRITTEN), _cost(UNLISTED, "--param", "IntakeAuth=NONE")):
        [fulfil] = data["functions"]
        assert fulfil["exposure"] == ["sqs (public route POST /orders)"]
        assert "exposed_if" not in fulfil
        assert data["total_usd_per_day"] == pytest.approx(352.8)
    # the deployment's AWS_IAM (samconfig.toml): nothing a deployment could still open
    [fulfil] = _cost(GIVEN)["functions"]
    assert (fulfil["exposed"], "exposed_if" in fulfil) == (False, False)


def test_the_table_marks_it_and_says_why():
    text = _run(["cost", str(UNLISTED)])
    row = next(line for line in text.splitlines() if line.startswith("Fulfil "))
    assert row.split()[2] == "no*"
    assert text.endswith("* authenticated as the template writes it, exposed (and not "
                         "counted above) only on a deployment that passes NONE:\n"
                         f"  Fulfil: {WHY}\n")
    assert "*" not in _run(["cost", str(WRITTEN)])


def test_wallet_001_is_one_level_lower_at_low_confidence():
    def found(folder: Path, **options: object) -> list[tuple[str, str, str]]:
        result = scan(str(folder), Options(**options))  # type: ignore[arg-type]
        return [(f.severity, f.confidence, f.message) for f in result.findings
                if f.rule_id == "FG-WALLET-001"]

    [(severity, confidence, message)] = found(UNLISTED)
    assert (severity, confidence) == ("low", "low")
    assert message.startswith("Function 'Fulfil' has no reserved concurrency and can be "
                              "triggered from outside only on a deployment that passes "
                              f"NONE: {WHY}; there, a flood scales it")
    assert [f[:2] for f in found(WRITTEN)] == [("medium", "high")]
    assert [f[:2] for f in found(UNLISTED, parameters={"IntakeAuth": "NONE"})] == \
        [("medium", "high")]


def _loc() -> Location:
    return Location("t.yaml", 1)


@pytest.mark.parametrize("undecided, exposure, exposed_if", [
    # an authenticating default alone: NONE only from the domain
    (Unknown("parameter P", ("AWS_IAM", "NONE"), ("NONE",)), [],
     ["sqs (route POST /jobs: the parameter P, which defaults to AWS_IAM and lists no other "
      "value, leaving NONE of what the setting accepts; NONE only if a deployment passes "
      "it)"]),
    # a condition between two authenticating values, one a parameter's unlisted domain
    (Unknown("If UseToken", ("TokenAuth", "AWS_IAM", "NONE"), ("NONE",)), [],
     ["sqs (route POST /jobs: the condition UseToken, whose values as written (TokenAuth, "
      "AWS_IAM) authenticate, leaving NONE of what the setting accepts; NONE only if a "
      "deployment passes it)"]),
    # written NONE (AllowedValues), no default (every deployment picks): open
    (Unknown("parameter P", ("AWS_IAM", "NONE")), ["sqs (public route POST /jobs)"], []),
    (Unknown("parameter P", ("AWS_IAM", "NONE"), ("AWS_IAM", "NONE")),
     ["sqs (public route POST /jobs)"], []),
])
def test_service_routes_by_where_the_none_comes_from(undecided, exposure, exposed_if):
    app = App()
    app.apis["t.yaml#Api"] = Api("t.yaml#Api", "rest", _loc())
    worker = Function("t.yaml#Worker", _loc(), "sam")
    worker.triggers.append(Trigger("sqs", worker.id, _loc(), source=Ref("t.yaml#Jobs")))
    app.functions[worker.id] = worker
    app.routes.append(Route("t.yaml#Api", "rest", "POST", "/jobs", _loc(), None,
                            authorizer=Authorizer("iam", undecided=undecided),
                            target="t.yaml#Jobs"))
    cost = build_cost_model(app).functions[worker.id]
    assert (cost.exposure, cost.exposed_if) == (exposure, exposed_if)
