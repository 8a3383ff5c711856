"""Redaction of secrets and personal data in anything about to be logged or sent out.

`redact(obj)` returns a copy of a JSON-like value where

- the values of sensitive keys (authorization, cookie, password, token, secret, api key,
  card number, ...) are replaced by a mask, whatever their type;
- sensitive patterns inside any string are masked: bearer/basic credentials, JWTs,
  AWS access key ids, e-mail addresses, and card numbers (13-19 digits, spaces or
  dashes allowed, masked only when the Luhn check passes, so order numbers survive).

`Redactor(extra_keys=..., extra_patterns=..., mask=...)` configures a redactor; the
audit log and `faasguard.runtime.protect` use the same one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[REDACTED]"

# Key fragments that mark a value as secret wherever they appear in a key name
# (compared after lower-casing and removing "-", "_" and spaces).
SENSITIVE_KEY_PARTS = (
    "authorization", "cookie", "password", "passwd", "passphrase", "secret", "token",
    "apikey", "accesskey", "privatekey", "credential", "sessionid", "cardnumber",
    "creditcard", "cvv", "cvc", "iban", "socialsecurity",
)
# Key names that are secret only as a whole word.
SENSITIVE_KEYS = frozenset({"pwd", "pin", "ssn", "pan", "otp", "signature", "xapikey", "auth"})

_CARD = r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"
# Compiled by each Redactor (at cold start, when the guard is built), not at import.
DEFAULT_PATTERNS = (
    r"(?i)\b(?:bearer|basic|digest)\s+[A-Za-z0-9._~+/=-]{8,}",  # HTTP credentials
    r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",  # JWTs
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",  # AWS access key ids
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",  # e-mail addresses
)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a string of digits (card numbers pass, most others fail)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


class Redactor:
    """Masks sensitive keys and patterns in JSON-like values.

    Parameters
    ----------
    extra_keys: more key names (or fragments) to treat as secret.
    extra_patterns: more regular expressions (strings or compiled) to mask in strings.
    mask: the replacement text.
    cards: mask Luhn-valid card numbers (default True).
    """

    def __init__(self, extra_keys: Iterable[str] = (),
                 extra_patterns: Iterable[str | re.Pattern[str]] = (),
                 mask: str = MASK, cards: bool = True) -> None:
        self.mask = mask
        self.cards = cards
        extra = tuple(_norm_key(k) for k in extra_keys)
        self._parts = SENSITIVE_KEY_PARTS + extra
        self._patterns = tuple(
            re.compile(p) if isinstance(p, str) else p
            for p in (*DEFAULT_PATTERNS, *extra_patterns))
        self._card_pattern = re.compile(_CARD)
        self._key_cache: dict[str, bool] = {}

    def is_sensitive_key(self, key: str) -> bool:
        """True when values under `key` are masked whole."""
        cached = self._key_cache.get(key)
        if cached is None:
            norm = _norm_key(key)
            cached = norm in SENSITIVE_KEYS or any(part in norm for part in self._parts)
            if len(self._key_cache) < 4096:
                self._key_cache[key] = cached
        return cached

    def text(self, value: str) -> str:
        """Mask sensitive patterns inside one string."""
        for pattern in self._patterns:
            value = pattern.sub(self.mask, value)
        if self.cards and len(value) >= 13:
            value = self._card_pattern.sub(self._card, value)
        return value

    def _card(self, match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return self.mask if luhn_ok(digits) else match.group(0)

    def __call__(self, obj: Any) -> Any:
        """A redacted copy of `obj` (dicts, lists, tuples, strings; other values as they are)."""
        return self._value(obj, 0)

    def _value(self, obj: Any, depth: int) -> Any:
        if isinstance(obj, str):
            return self.text(obj)
        if depth > 64:
            return self.mask
        if isinstance(obj, Mapping):
            return {k: (self.mask if isinstance(k, str) and self.is_sensitive_key(k)
                        and v not in (None, "") else self._value(v, depth + 1))
                    for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self._value(v, depth + 1) for v in obj]
        if isinstance(obj, (bytes, bytearray)):
            return self.mask
        return obj


def _norm_key(key: str) -> str:
    return key.lower().replace("-", "").replace("_", "").replace(" ", "")


_DEFAULT: Redactor | None = None


def redact(obj: Any) -> Any:
    """Redact `obj` with the default `Redactor` (see the module docstring)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Redactor()
    return _DEFAULT(obj)
