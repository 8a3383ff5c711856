"""Review of `--stage` in a monorepo: `faasguard scan . --stage prod` resolves the
serverless.yml services' `${sls:stage}`, and FG-SHADOW-005 also took it to make every other
template a production one: a SAM app whose API stage is its own Stage parameter (dev by
default, prod in samconfig.toml's prod environment) was reported as "deploys the
non-production stage 'dev' from a production template". Fixture under
tests/fixtures/review_stage_scope."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_stage_scope"


def _stages_reported(stage: str | None) -> list[tuple[str, str]]:
    result = scan(str(FIXTURES / "monorepo"), Options(stage=stage))
    return [(f.location.file, f.subject) for f in result.findings
            if f.rule_id == "FG-SHADOW-005"]


def test_the_scan_stage_makes_only_serverless_services_production() -> None:
    assert _stages_reported("prod") == [
        ("orders/serverless.yml", "stage:ApiGatewayRestApi:debug")]


def test_without_a_production_stage_nothing_is_reported() -> None:
    assert _stages_reported(None) == []
