"""Field-level envelope encryption: round trips, tampering, KMS through moto's KMS mock."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from faasguard.runtime.protect import (
    PREFIX,
    DecryptionError,
    FieldProtector,
    KmsKeyProvider,
    LocalKeyProvider,
    ProtectError,
    redact,
)

ORDER = {"id": "o-1", "customer": {"email": "ana@example.com", "name": "Ana"},
         "card": {"number": "4111 1111 1111 1111", "exp": "12/29"},
         "items": [{"sku": "A", "note": "gift"}, {"sku": "B", "note": None}]}
FIELDS = ["customer.email", "card.number", "items.*.note"]


@pytest.fixture
def local() -> FieldProtector:
    return FieldProtector(LocalKeyProvider(LocalKeyProvider.new_key()), context="orders")


def test_round_trip_of_fields(local: FieldProtector) -> None:
    stored = local.protect(ORDER, FIELDS)
    assert stored["customer"]["email"].startswith(PREFIX)
    assert "ana@example.com" not in str(stored) and "4111" not in str(stored)
    assert stored["customer"]["name"] == "Ana" and stored["items"][0]["sku"] == "A"
    assert local.unprotect(stored, FIELDS) == ORDER
    assert ORDER["customer"]["email"] == "ana@example.com", "input left untouched"


def test_values_of_any_json_type(local: FieldProtector) -> None:
    for value in ("x", 42, 1.5, None, True, ["a", 1], {"k": "v"}):
        assert local.decrypt_value(local.encrypt_value(value, "f"), "f") == value


def test_same_value_gives_different_tokens(local: FieldProtector) -> None:
    assert local.encrypt_value("x", "f") != local.encrypt_value("x", "f")


def _flip(token: str, position: int) -> str:
    text = token[len(PREFIX):]
    raw = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    raw[position] ^= 0x01
    return PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


def test_tampering_fails_closed(local: FieldProtector) -> None:
    token = local.encrypt_value({"secret": 1}, "f")
    for position in (-1, -20, 12):  # tag, ciphertext, wrapped key
        with pytest.raises(DecryptionError):
            local.decrypt_value(_flip(token, position), "f")
    with pytest.raises(DecryptionError):
        local.decrypt_value(token[:-10], "f")
    with pytest.raises(DecryptionError):
        local.decrypt_value("fgp1:!!!", "f")
    with pytest.raises(DecryptionError):
        local.decrypt_value("plain text", "f")


def test_a_token_moved_to_another_field_fails(local: FieldProtector) -> None:
    token = local.encrypt_value("ana@example.com", "customer.email")
    with pytest.raises(DecryptionError):
        local.decrypt_value(token, "customer.name")
    other_context = FieldProtector(local.provider, context="invoices")
    with pytest.raises(DecryptionError):
        other_context.decrypt_value(token, "customer.email")


def test_another_master_key_cannot_decrypt(local: FieldProtector) -> None:
    token = local.encrypt_value("x", "f")
    stranger = FieldProtector(LocalKeyProvider(LocalKeyProvider.new_key()), context="orders")
    with pytest.raises(DecryptionError):
        stranger.decrypt_value(token, "f")


def test_unprotect_refuses_plain_values(local: FieldProtector) -> None:
    with pytest.raises(DecryptionError):
        local.unprotect(ORDER, ["customer.email"])


def test_data_key_reuse_is_bounded() -> None:
    class Counting(LocalKeyProvider):
        calls = 0

        def generate(self) -> tuple[bytes, bytes, str]:
            Counting.calls += 1
            return super().generate()

    protector = FieldProtector(Counting(LocalKeyProvider.new_key()), max_key_uses=10)
    tokens = [protector.encrypt_value(i, "n") for i in range(25)]
    assert Counting.calls == 3
    assert [protector.decrypt_value(t, "n") for t in tokens] == list(range(25))


def test_local_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    key = LocalKeyProvider.new_key()
    monkeypatch.setenv("FAASGUARD_PROTECT_KEY", base64.b64encode(key).decode())
    token = FieldProtector(LocalKeyProvider.from_env()).encrypt_value("v", "f")
    assert FieldProtector(LocalKeyProvider(key)).decrypt_value(token, "f") == "v"
    monkeypatch.setenv("FAASGUARD_PROTECT_KEY", "not base64!")
    with pytest.raises(ProtectError):
        LocalKeyProvider.from_env()
    with pytest.raises(ValueError):
        LocalKeyProvider(b"short")


def test_redact_outbound_payload() -> None:
    out = redact({"to": "ana@example.com", "card": "4111111111111111", "order": "o-1"})
    assert out == {"to": "[REDACTED]", "card": "[REDACTED]", "order": "o-1"}


@pytest.fixture(scope="module")
def kms() -> Iterator[Any]:
    """One mocked KMS for the module (each test makes its own key): starting it is most of
    these tests' time."""
    import boto3
    import moto  # the dev extra installs it

    with moto.mock_aws():
        client = boto3.client("kms", region_name="eu-west-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        yield client


def test_kms_envelope_round_trip(kms: Any) -> None:
    key_id = kms.create_key(Description="faasguard test")["KeyMetadata"]["KeyId"]
    provider = KmsKeyProvider(key_id, client=kms, encryption_context={"app": "orders"})
    protector = FieldProtector(provider)
    stored = protector.protect(ORDER, FIELDS)
    fresh = FieldProtector(KmsKeyProvider(key_id, client=kms,
                                          encryption_context={"app": "orders"}))
    assert fresh.unprotect(stored, FIELDS) == ORDER


def test_kms_refuses_a_wrong_context(kms: Any) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    token = FieldProtector(KmsKeyProvider(key_id, client=kms,
                                          encryption_context={"app": "a"})).encrypt_value(1, "f")
    wrong = FieldProtector(KmsKeyProvider(key_id, client=kms, encryption_context={"app": "b"}))
    with pytest.raises(DecryptionError):
        wrong.decrypt_value(token, "f")


def test_kms_unknown_key_is_a_protect_error(kms: Any) -> None:
    with pytest.raises(ProtectError):
        FieldProtector(KmsKeyProvider("alias/missing", client=kms)).encrypt_value(1, "f")
