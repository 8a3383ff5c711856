"""Precision of FG-PERM-103 on Secrets Manager, found by the recall review: a secret's
ARN ends with a hyphen and six random characters AWS adds (`partner/api-AbCdEf`), and the
AWS documentation's least-privilege advice is to grant that full ARN. Code naming the
secret `partner/api` calls `...:secret:partner/api-*`; a role granting the full ARN of that
secret allows the call (the six characters are the secret's): no FG-PERM-103. A grant of
another secret's full ARN, or of a secret whose name only starts with the one called
(`partner/api-v2-AbCdEf`), is a real FG-PERM-103. Fixtures under
tests/fixtures/review_secret_arn_suffix."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_secret_arn_suffix"


def test_the_full_arn_of_the_named_secret_allows_the_call() -> None:
    assert findings(FIXTURES / "granted", "FG-PERM-103") == []


def test_the_full_arn_of_another_secret_does_not() -> None:
    [denied] = findings(FIXTURES / "other", "FG-PERM-103")
    assert (denied.location.file, denied.location.line) == ("src/app.py", 7)
    assert "secretsmanager:GetSecretValue" in denied.message


def test_the_full_arn_of_a_longer_name_does_not() -> None:
    [denied] = findings(FIXTURES / "longer", "FG-PERM-103")
    assert "partner/api" in denied.message
