"""Review of 4442ded (FG-PERM-009, a role anyone can assume): a trust statement whose
condition ties it to no account (sts:ExternalId, which the caller simply sends; MFA, which
any account's user can have) was worded '(sts:AssumeRole, no condition)', which the
user reading their template sees is false and may dismiss. Now '(sts:AssumeRole, only a
condition on sts:ExternalId)'; a statement without any condition keeps 'no condition'.
Fixtures tests/fixtures/review_role_trust_wording external_id / no_condition."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_role_trust_wording"


def test_a_condition_that_restricts_nothing_is_named() -> None:
    [finding] = findings(FIXTURES / "external_id", "FG-PERM-009")
    assert "(sts:AssumeRole, only a condition on sts:ExternalId)" in finding.message


def test_no_condition_is_said_so() -> None:
    [finding] = findings(FIXTURES / "no_condition", "FG-PERM-009")
    assert "(sts:AssumeRole, no condition)" in finding.message
