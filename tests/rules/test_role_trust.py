"""FG-PERM-009: a role whose trust policy lets any AWS principal assume it, with no
condition tying it to an account or organisation (the recall review's role_trust gap)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import cases, check_case

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-PERM-009"


@pytest.mark.parametrize("case", cases("FG-PERM-009"), ids=str)
def test_fixture(case) -> None:
    check_case(case)


def test_the_message_names_the_role_and_its_functions() -> None:
    messages = sorted(f.message for f in scan(str(CASES / "sam-pos")).findings
                      if f.rule_id == "FG-PERM-009")
    assert messages == [
        "Role 'AuditRole' lets any AWS principal assume it (sts:AssumeRole, only a "
        "condition on aws:MultiFactorAuthPresent): anyone in any account gets its "
        "permissions.",
        "Role 'WorkerRole' (the role of function Worker) lets any AWS principal assume it "
        "(sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML, no "
        "condition): anyone in any account gets its permissions."]
