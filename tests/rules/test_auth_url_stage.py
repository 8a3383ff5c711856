"""FG-AUTH-001, serverless.yml (review of cf2121d, r1): a function URL whose `authorizer:`
the stage picks (`${self:custom.urlAuth.${sls:stage}}`, none on dev) is the deployment's
choice when no --stage is given, as an API route's authorizer is since cf2121d; --stage
decides it."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Options
from faasguard.model import Unknown
from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case, findings_of

CASES = FIXTURES / "FG-AUTH-001"


@pytest.mark.parametrize("name", ["serverless-pos-url-undecided",
                                  "serverless-neg-url-undecided"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-AUTH-001", CASES / name))


def test_the_stage_decides_the_url() -> None:
    case = str(CASES / "serverless-pos-url-undecided")
    [function] = [f for f in scan(case).app.functions.values() if f.url is not None]
    assert function.url is not None and function.url.auth_type == Unknown(
        "--stage", ("AWS_IAM", "NONE"))
    assert not findings_of(scan(case, Options(stage="prod")), "FG-AUTH-001")
    [found] = findings_of(scan(case, Options(stage="dev")), "FG-AUTH-001")
    assert "has a public function URL (AuthType NONE)" in found.message
