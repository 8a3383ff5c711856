"""Secret detection by name and by value (analysis.secrets)."""

from __future__ import annotations

import pytest

from faasguard.analysis.secrets import (
    find_secret,
    high_entropy,
    is_reference,
    is_secret_name,
    redact,
    shannon_entropy,
)

# Test tokens are assembled at run time: they have the real formats but are not secrets.
AWS_KEY = "AKIA" + "Q3EXAMPLE7KEY4ID"
STRIPE = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
SLACK = "xox" + "b-1234567890-0987654321-" + "AbCdEfGhIjKlMnOpQrStUvWx"
GITHUB = "gh" + "p_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
GOOGLE = "AI" + "za" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
PEM = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA..."
JWT = ("eyJhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "."
       + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
RANDOM = "q8Zr4Lw2Xv9Tn6Ys1Kp3Md7Hf5Gb0Jc2Re8Wu4Ax"


@pytest.mark.parametrize("value,kind", [
    (AWS_KEY, "aws-access-key"),
    (STRIPE, "stripe-key"),
    (SLACK, "slack-token"),
    (GITHUB, "github-token"),
    (GOOGLE, "google-api-key"),
    (PEM, "private-key"),
    (JWT, "jwt"),
    ("postgres://app:Sup3rS3cret@db.internal:5432/orders", "connection-string"),
    ("mongodb+srv://svc:pa55word@cluster0.example.net/app", "connection-string"),
    ("ASIA" + "Q3EXAMPLE7KEY4ID", "aws-access-key"),
    ("rk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
    ("https://hooks.slack.com/services/" + "T0123ABCD/B0123ABCD/" + "AbCdEfGhIjKlMnOpQrSt",
     "slack-webhook"),
    ("gh" + "s_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "github-token"),
    ("github" + "_pat_" + "11ABCDEFG0123456789abc_defGHIjkl", "github-token"),
    ("SG." + "A1b2C3d4E5f6G7h8I9j0K1" + "." + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v",
     "sendgrid-key"),
    ("config = " + AWS_KEY + " (rotated)", "aws-access-key"),  # anywhere in the value
])
def test_known_formats_are_found_whatever_the_name(value: str, kind: str) -> None:
    match = find_secret("SOMETHING", value)
    assert match is not None and match.kind == kind and match.confidence == "high"


@pytest.mark.parametrize("name", ["DB_PASSWORD", "dbPassword", "STRIPE_API_KEY", "apiKey",
                                  "client_secret", "AUTH_TOKEN", "PRIVATE_KEY", "SigningKey",
                                  "MasterUserPassword", "db_pass"])
def test_secret_names_with_a_literal(name: str) -> None:
    match = find_secret(name, "hunter2-but-longer")
    assert match is not None and match.kind == "name"


@pytest.mark.parametrize("name", ["DB_PASSWORD_ARN", "API_KEY_PARAM", "TOKEN_URL", "SECRET_NAME",
                                  "TOKEN_TTL", "PASSWORD_POLICY", "SSM_SECRET", "KEY",
                                  "TABLE_NAME", "AUTH_MODE", "ACCESS_KEY_ID", "PASSWORD_PROMPT",
                                  "SecretStringTemplate"])
def test_names_that_refer_to_secrets_or_are_not_secrets(name: str) -> None:
    assert not is_secret_name(name)
    assert find_secret(name, "orders-prod") is None


@pytest.mark.parametrize("value", [
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
    "{{resolve:secretsmanager:prod/db:SecretString:password}}",
    "/app/prod/db-password", "${ssm:/app/password}", "", "  ", "true", "3600", "<your-token>",
    "xxxx", "********", "REPLACE-WITH-YOUR-SECRET-HERE", "replace_with_real_key",
])
def test_references_and_placeholders_under_secret_names_are_not_secrets(value: str) -> None:
    assert find_secret("DB_PASSWORD", value) is None


def test_non_strings_are_never_plaintext_secrets() -> None:
    assert find_secret("DB_PASSWORD", 1234) is None
    assert find_secret("DB_PASSWORD", None) is None
    assert find_secret("DB_PASSWORD", {"Ref": "Secret"}) is None


def test_connection_string_with_placeholder_password_is_not_a_secret() -> None:
    assert find_secret("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/x") is None
    assert find_secret("DATABASE_URL", "postgres://db.internal:5432/orders") is None


def test_entropy_finds_random_tokens_with_medium_confidence_and_can_be_turned_off() -> None:
    assert shannon_entropy(RANDOM) > 4.5
    match = find_secret("PARTNER_CONFIG", RANDOM)
    assert match is not None and match.kind == "entropy" and match.confidence == "medium"
    assert find_secret("PARTNER_CONFIG", RANDOM, entropy=False) is None


@pytest.mark.parametrize("value", [
    "6f1ed002ab5595859014ebf0951522d9d1d4b0b6a4e5f7d0c1b2a3f4e5d6c7b8",  # hex digest
    "123e4567-e89b-12d3-a456-426614174000",  # UUID
    "orders-table-production-eu-west-1-primary",  # words
    "arn:aws:lambda:eu-west-1:123456789012:function:orders-prod-handler",
])
def test_entropy_ignores_hashes_uuids_words_and_arns(value: str) -> None:
    assert not high_entropy(value)
    assert find_secret("CONFIG", value) is None


def test_is_reference() -> None:
    assert is_reference("arn:aws:ssm:eu-west-1:1:parameter/x")
    assert is_reference("/prod/db/password")
    assert not is_reference("hunter2")


def test_redact_never_shows_the_whole_value() -> None:
    shown = redact(STRIPE)
    assert STRIPE not in shown and shown.startswith("sk_l") and str(len(STRIPE)) in shown
    assert "abc" not in redact("abc")
