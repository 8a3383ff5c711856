"""Redaction of secrets and personal data."""

from __future__ import annotations

import re

from faasguard.runtime.redact import MASK, Redactor, luhn_ok, redact


def test_sensitive_keys_are_masked_whatever_the_value() -> None:
    out = redact({"Authorization": "Bearer abc.def.ghi", "cookie": "sid=1",
                  "password": "hunter2", "new_password": 12345, "X-Api-Key": "k",
                  "client_secret": {"nested": "x"}, "refresh_token": "r", "pin": "1234",
                  "username": "ana", "tokens_used": None})
    assert out == {"Authorization": MASK, "cookie": MASK, "password": MASK,
                   "new_password": MASK, "X-Api-Key": MASK, "client_secret": MASK,
                   "refresh_token": MASK, "pin": MASK, "username": "ana", "tokens_used": None}


def test_patterns_inside_strings() -> None:
    jwt = ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
           "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
    text = (f"user ana.lopez@example.com sent {jwt} with card 4111-1111-1111-1111 "
            "and key AKIAIOSFODNN7EXAMPLE, header Bearer s3cr3t-t0ken-value")
    out = redact(text)
    for secret in ("ana.lopez@example.com", jwt, "4111-1111-1111-1111", "AKIAIOSFODNN7EXAMPLE",
                   "s3cr3t-t0ken-value"):
        assert secret not in out
    assert out.startswith("user [REDACTED] sent")


def test_card_numbers_need_a_valid_luhn_checksum() -> None:
    assert luhn_ok("4111111111111111") and luhn_ok("5500005555555559")
    assert not luhn_ok("4111111111111112")
    out = redact("order 4111111111111112 paid with 5500 0055 5555 5559")
    assert "4111111111111112" in out and "5500 0055 5555 5559" not in out


def test_ordinary_values_survive() -> None:
    data = {"name": "Seán O'Brien", "total": "$12.50", "phone": "+1 555 010 9999",
            "date": "2024-03-01", "items": [{"sku": "A-1", "qty": 2}], "ok": True}
    assert redact(data) == data


def test_configurable_keys_and_patterns() -> None:
    redactor = Redactor(extra_keys=["national_id"], extra_patterns=[r"\bEMP-\d{4}\b"],
                        mask="***")
    out = redactor({"national-id": "X123", "note": "employee EMP-1234 here"})
    assert out == {"national-id": "***", "note": "employee *** here"}


def test_does_not_modify_its_input_and_handles_bytes_and_depth() -> None:
    data = {"password": "p", "list": [b"\x00\x01"]}
    assert redact(data)["list"] == [MASK] and data["password"] == "p"
    deep: dict[str, object] = {"leaf": "x"}
    for _ in range(100):
        deep = {"n": deep}
    assert re.search(r"REDACTED", str(redact(deep)))
