"""FG-AUTH-002, serverless.yml (review of cf2121d, r1): an authorizer the stage picks
through another setting is the deployment's choice too when no --stage is given: a value
of a per-stage file (`${file(./config/${sls:stage}.yml)}` with config/dev.yml leaving it
empty) or a custom: value that indexes a mapping by stage (`authorizer:
${self:custom.authorizer}`, itself `${self:custom.authorizers.${sls:stage}}`)."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Options
from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case, findings_of

CASES = FIXTURES / "FG-AUTH-002"


@pytest.mark.parametrize("name", ["serverless-pos-undecided-indirect",
                                  "serverless-neg-undecided-indirect"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-AUTH-002", CASES / name))


def test_the_message_names_the_stage_and_the_stage_decides() -> None:
    case = str(CASES / "serverless-pos-undecided-indirect")
    messages = [f.message for f in findings_of(scan(case), "FG-AUTH-002")]
    assert len(messages) == 2 and all(
        "may have no authoriser: its authoriser depends on a value known at deploy time "
        "(--stage), and NONE is one of its values (checkToken, NONE)" in m for m in messages)
    assert not findings_of(scan(case, Options(stage="prod")), "FG-AUTH-002")
    opened = findings_of(scan(case, Options(stage="dev")), "FG-AUTH-002")
    assert [" has no authoriser:" in f.message for f in opened] == [True, True]
