"""Precision of the secret rules on names, found by the recall review: a name that says
what a token is checked against or how it is used (TOKEN_ISSUER, TOKEN_AUDIENCE,
TOKEN_ALGORITHM, TOKEN_SCOPE, PASSWORD_RESET_PAGE, SECRET_ROTATION_SCHEDULE) holds no
secret, as TOKEN_URL or SECRET_NAME hold none; a Cognito issuer URL in the environment was
FG-DATA-001 'sets TOKEN_ISSUER in plaintext' (high). The secrets beside them (AUTH_TOKEN,
a token parameter, SIGNING_TOKEN in code) stay reported. Fixtures under
tests/fixtures/review_secret_names (serverless.yml with Python code, SAM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_secret_names"
SECRET_RULES = ("FG-DATA-001", "FG-DATA-002", "FG-DATA-003", "FG-DATA-004")


def _secrets(folder: str) -> list[str]:
    return sorted(f"{f.rule_id} {f.location.file}:{f.location.line}"
                  for f in scan(str(FIXTURES / folder)).findings
                  if f.rule_id in SECRET_RULES and not f.suppressed)


@pytest.mark.parametrize("folder", ["sls_neg", "sam_neg"])
def test_names_of_what_a_token_is_checked_against(folder: str) -> None:
    assert _secrets(folder) == []


@pytest.mark.parametrize(("folder", "expected"), [
    ("sls_pos", ["FG-DATA-001 serverless.yml:12", "FG-DATA-002 serverless.yml:6",
                 "FG-DATA-003 src/app.py:3", "FG-DATA-004 serverless.yml:8"]),
    ("sam_pos", ["FG-DATA-001 template.yaml:17", "FG-DATA-002 template.yaml:6",
                 "FG-DATA-004 template.yaml:8"]),
])
def test_the_secrets_beside_them(folder: str, expected: list[str]) -> None:
    assert _secrets(folder) == expected
