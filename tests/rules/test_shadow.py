"""The shadow-api rules: fixtures through the whole pipeline, and rule functions on models."""

from __future__ import annotations

import pytest

from faasguard.analysis.cost import analyse_cost
from faasguard.analysis.endpoints import analyse_endpoints
from faasguard.analysis.facts import Facts, Options
from faasguard.analysis.openapi import Spec
from faasguard.findings import RULES
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    FunctionUrl,
    Location,
    ResourcePolicy,
    Route,
    Statement,
    Trigger,
    Unknown,
)
from faasguard.rules import auth, shadow, wallet

from .conftest import cases, check_case

SHADOW_RULES = [f"FG-SHADOW-00{n}" for n in range(1, 7)]


@pytest.mark.parametrize("case", [c for r in SHADOW_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


# --------------------------------------------------------------------------- built models

MY_RULES = [r for r in RULES if r.split("-")[1] in ("AUTH", "WALLET", "SHADOW")]
assert auth and shadow and wallet  # imported to register the rules


def test_unknown_values_never_break_the_rules():
    """Values the scanner cannot know (SSM parameters, conditions) are never guessed at."""
    loc = Location("t.yaml", 1)
    app = App()
    app.apis["t.yaml#Api"] = Api("t.yaml#Api", "rest", loc, stage=Unknown("ssm"),
                                 endpoint_type=Unknown("If IsPrivate"),
                                 default_authorizer=Authorizer("cognito"))
    fn = Function("t.yaml#Fn", loc, "sam", url=FunctionUrl(Unknown("param"), loc),
                  timeout_s=900)
    fn.triggers += [Trigger("sqs", fn.id, loc, source=Unknown("import")),
                    Trigger("s3", fn.id, loc, source="arn:aws:s3:::bucket"),
                    Trigger("alb", fn.id, loc, properties={"conditions": "odd"})]
    app.functions[fn.id] = fn
    app.routes.append(Route("t.yaml#Api", "rest", "GET", "/v1/{proxy+}", loc, fn.id))
    app.routes.append(Route("t.yaml#Gone", "http", "POST", "/v2/x", loc, None))
    app.resource_policies.append(ResourcePolicy(
        "t.yaml#P", "sns", Unknown("topic"),
        Statement("Allow", (Unknown("action"),), principals=("*",)), loc))
    facts = Facts(options=Options(stage="prod", budget_usd_per_day=1.0))
    facts.openapi = [Spec("spec.yaml", loc)]
    analyse_endpoints(app, facts)
    analyse_cost(app, facts)
    found = {f.rule_id for rule_id in MY_RULES for f in RULES[rule_id].run(app, facts)}
    assert "FG-AUTH-001" not in found  # an unknown AuthType is not reported as NONE
    assert "FG-SHADOW-005" not in found  # an unknown stage is not a non-production one
    assert {"FG-SHADOW-003", "FG-SHADOW-006", "FG-WALLET-007", "FG-WALLET-003"} <= found


def test_a_stage_of_a_production_template_is_judged_by_the_template_not_the_included_file(
        ) -> None:
    """An API located in a file the template includes (its first event there) belongs to
    the template: a `dev` stage beside a `prod` one of the same template is reported."""
    prod = Api("serverless.yml#ProdApi", "rest", Location("functions.yml", 3), stage="prod")
    dev = Api("serverless.yml#DevApi", "rest", Location("serverless.yml", 9), stage="dev")
    other = Api("other.yml#Api", "rest", Location("other.yml", 2), stage="dev")
    app = App(apis={api.id: api for api in (prod, dev, other)})
    found = list(RULES["FG-SHADOW-005"].run(app, Facts(options=Options())))
    assert [f.subject for f in found] == ["stage:DevApi:dev"]
