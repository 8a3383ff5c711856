"""A route whose authoriser the deployment chooses, NONE among the choices (SAM's
`Authorizer: !If [IsProd, TokenAuth, NONE]`, serverless.yml's authorizer picked by the
stage; a function URL's authorizer picked by the stage), is public on the deployments that
pick NONE: an injection reached through it is rated as on a route without an authoriser,
unless the deployment's values are given."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.scan import scan

FIXTURES = Path(__file__).parent / "fixtures" / "taint_public_undecided"


def _ssrf(name: str, options: Options | None = None) -> tuple[str, bool, list[str]]:
    result = scan(str(FIXTURES / name), options)
    [finding] = [f for f in result.findings if f.rule_id == "FG-INJ-007"]
    return finding.severity, finding.properties["public"], [t for _, t in finding.related]


@pytest.mark.parametrize(("name", "route"), [
    ("sam", "GET /preview (authoriser: lambda-token, or none on some deployments)"),
    ("serverless", "GET /preview (authoriser: lambda-token, or none on some deployments)"),
    ("serverless-url", "function URL (AuthType AWS_IAM or NONE: the deployment's choice)"),
])
def test_an_undecided_authoriser_leaves_the_route_public(name: str, route: str) -> None:
    severity, public, related = _ssrf(name)
    assert (severity, public) == ("critical", True)
    assert route in related


@pytest.mark.parametrize(("name", "options"), [
    ("sam", Options(parameters={"Stage": "prod"})),
    ("serverless", Options(stage="prod")),
    ("serverless-url", Options(stage="prod")),
])
def test_the_deployments_values_decide_it(name: str, options: Options) -> None:
    severity, public, _ = _ssrf(name, options)
    assert (severity, public) == ("high", False)
