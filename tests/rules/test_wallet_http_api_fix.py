"""FG-WALLET-002's fix for an HTTP API (API Gateway v2): it led with serverless.yml's
`provider.apiGateway.usagePlan` (SAM: `MethodSettings`), which HTTP APIs do not have. Now
it is the stage's `DefaultRouteSettings` in the finding's format (serverless.yml: the
`HttpApiStage` the framework generates, under `resources.extensions`; SAM: the
`Globals.HttpApi` of the implicit API, else the API's own properties); the negative twins
apply that fix and are not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import Case, check_case

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules_wallet_http_api"


@pytest.mark.parametrize("name", ["serverless-pos", "serverless-neg", "sam-pos", "sam-neg"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-WALLET-002", CASES / name))


def _fix(name: str) -> str:
    found = [f for f in scan(str(CASES / name)).findings if f.rule_id == "FG-WALLET-002"]
    assert len(found) == 1
    return found[0].remediation


def test_serverless_fix_is_the_stage_throttle() -> None:
    fix = _fix("serverless-pos")
    assert "usagePlan" not in fix
    assert fix.startswith("# provider.httpApi has no throttling setting")
    assert "  extensions:\n    HttpApiStage:\n      Properties:\n        DefaultRouteSettings:\n"\
           "          ThrottlingRateLimit: 50\n          ThrottlingBurstLimit: 100\n" in fix


def test_sam_fix_is_the_implicit_api_globals() -> None:
    assert _fix("sam-pos") == (
        "Globals:\n  HttpApi:  # the API SAM creates for HttpApi events\n"
        "    DefaultRouteSettings:\n      ThrottlingRateLimit: 50\n"
        "      ThrottlingBurstLimit: 100")


def test_rest_api_fix_unchanged() -> None:
    """A REST API keeps the rule's fix (usage plan, method settings)."""
    rest = [f for f in scan(str(Path(__file__).resolve().parents[1] / "fixtures" / "rules" /
                                "FG-WALLET-002" / "serverless-pos")).findings
            if f.rule_id == "FG-WALLET-002" and f.message.startswith("REST")]
    assert rest and all("usagePlan" in f.remediation for f in rest)
