"""A route or function URL whose NONE only the setting's domain offers (a parameter with an
authenticating default and no AllowedValues: `Unknown.unlisted`) is not public for the
injection findings: the template authenticates it, and FG-AUTH-001/002 report the
parameter at low confidence; a NONE the template writes still makes it public
(tests/test_taint_undecided_auth.py)."""

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


@pytest.mark.parametrize(("name", "trigger"), [
    ("sam-unlisted", "GET /preview (authoriser: lambda-token; none only if a deployment "
                     "passes NONE)"),
    ("sam-url-unlisted", "function URL (AuthType AWS_IAM; NONE only if a deployment "
                         "passes it)"),
])
def test_a_none_only_the_domain_offers_leaves_the_trigger_authenticated(name: str,
                                                                         trigger: str) -> None:
    severity, public, related = _ssrf(name)
    assert (severity, public) == ("high", False)
    assert trigger in related


@pytest.mark.parametrize(("name", "options"), [
    ("sam-unlisted", Options(parameters={"PreviewAuth": "NONE"})),
    ("sam-url-unlisted", Options(parameters={"UrlAuth": "NONE"})),
])
def test_a_deployment_passing_none_makes_it_public(name: str, options: Options) -> None:
    severity, public, _ = _ssrf(name, options)
    assert (severity, public) == ("critical", True)
