"""Field-level envelope encryption for values stored or sent to third parties.

    protector = FieldProtector(KmsKeyProvider("alias/orders-data"))
    stored = protector.protect(order, ["customer.email", "card.number", "items.*.note"])
    order = protector.unprotect(stored, ["customer.email", "card.number", "items.*.note"])

Each value is JSON-encoded and encrypted with AES-256-GCM under a data key; the data
key is wrapped by a key provider - AWS KMS (`generate_data_key` / `decrypt` through
boto3) or a local master key for tests and development - and travels inside the token:
`fgp1:<base64url(key id, wrapped data key, nonce, ciphertext+tag)>`. The field path (and
an optional context string) is bound as associated data, so a token copied into another
field does not decrypt. Decryption fails closed: a modified, truncated or misplaced
token, or a data key KMS refuses, raises `DecryptionError`, never returns garbage.

Data keys are reused for at most `max_key_uses` values and `max_key_age_s` seconds
(one KMS call per batch, not per field); random 96-bit nonces keep that safe.
`redact` (the audit log's redaction) is re-exported for outbound payloads.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import time
from collections.abc import Iterable, Mapping
from typing import Any

from faasguard.runtime.redact import Redactor, redact

__all__ = ["DecryptionError", "FieldProtector", "KmsKeyProvider", "LocalKeyProvider",
           "ProtectError", "Redactor", "redact"]

PREFIX = "fgp1:"
_NONCE = 12


class ProtectError(Exception):
    """Encryption could not be done (no key, a provider failure)."""


class DecryptionError(ProtectError):
    """A token was tampered with, misplaced, malformed, or its data key was refused."""


class KeyProvider:
    """Makes and unwraps data keys."""

    def generate(self) -> tuple[bytes, bytes, str]:  # pragma: no cover - interface
        """A fresh data key: (plaintext key, wrapped key, key id)."""
        raise NotImplementedError

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:  # pragma: no cover - interface
        """The plaintext of a wrapped data key; raise DecryptionError when refused."""
        raise NotImplementedError


class LocalKeyProvider(KeyProvider):
    """Data keys wrapped with AES-GCM under a local 256-bit master key (tests, development).

    `LocalKeyProvider.from_env()` reads the key from FAASGUARD_PROTECT_KEY (base64).
    """

    def __init__(self, master_key: bytes, key_id: str = "local") -> None:
        if len(master_key) != 32:
            raise ValueError("the local master key must be 32 bytes (AES-256)")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(master_key)
        self.key_id = key_id

    @staticmethod
    def new_key() -> bytes:
        """A random 32-byte master key."""
        return os.urandom(32)

    @classmethod
    def from_env(cls, name: str = "FAASGUARD_PROTECT_KEY") -> LocalKeyProvider:
        """The provider of the base64 master key in environment variable `name`."""
        value = os.environ.get(name)
        if not value:
            raise ProtectError(f"environment variable {name} is not set")
        try:
            return cls(base64.b64decode(value, validate=True))
        except ValueError as exc:
            raise ProtectError(f"{name} must hold a base64 32-byte key: {exc}") from None

    def generate(self) -> tuple[bytes, bytes, str]:
        key = os.urandom(32)
        nonce = os.urandom(_NONCE)
        return key, nonce + self._aead.encrypt(nonce, key, self.key_id.encode()), self.key_id

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        if key_id != self.key_id:
            raise DecryptionError(f"token was made with key {key_id!r}, not {self.key_id!r}")
        try:
            return self._aead.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], key_id.encode())
        except InvalidTag:
            raise DecryptionError("data key does not decrypt") from None


class KmsKeyProvider(KeyProvider):
    """Data keys from AWS KMS (`GenerateDataKey` AES_256, `Decrypt`).

    Parameters
    ----------
    key_id: the KMS key id, ARN or alias.
    client: a boto3 KMS client (default: `boto3.client("kms")`, built on first use).
    encryption_context: bound to every data key (KMS logs it in CloudTrail).
    """

    def __init__(self, key_id: str, client: Any = None,
                 encryption_context: Mapping[str, str] | None = None) -> None:
        self.key_id = key_id
        self._client = client
        self.context = dict(encryption_context or {})

    @property
    def client(self) -> Any:
        """The boto3 KMS client."""
        if self._client is None:
            import boto3

            self._client = boto3.client("kms")
        return self._client

    def generate(self) -> tuple[bytes, bytes, str]:
        try:
            reply = self.client.generate_data_key(KeyId=self.key_id, KeySpec="AES_256",
                                                  EncryptionContext=self.context)
        except Exception as exc:  # botocore ClientError / connection errors
            raise ProtectError(f"KMS GenerateDataKey failed: {exc}") from None
        return reply["Plaintext"], reply["CiphertextBlob"], str(reply.get("KeyId", self.key_id))

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        try:
            reply = self.client.decrypt(CiphertextBlob=wrapped, EncryptionContext=self.context,
                                        KeyId=key_id)
        except Exception as exc:
            raise DecryptionError(f"KMS refused the data key: {type(exc).__name__}") from None
        return bytes(reply["Plaintext"])


class FieldProtector:
    """Encrypts and decrypts single values and fields of JSON-like documents.

    Parameters
    ----------
    provider: where data keys come from (`KmsKeyProvider`, `LocalKeyProvider`).
    context: a string bound to every token (e.g. the table name), besides the field path.
    max_key_uses, max_key_age_s: reuse limits of one data key for encryption.
    """

    def __init__(self, provider: KeyProvider, context: str = "", max_key_uses: int = 1000,
                 max_key_age_s: float = 300.0) -> None:
        self.provider = provider
        self.context = context
        self.max_key_uses = max_key_uses
        self.max_key_age_s = max_key_age_s
        self._key: tuple[Any, bytes, str] | None = None
        self._key_uses = 0
        self._key_born = 0.0
        self._unwrapped: dict[bytes, Any] = {}

    # --- single values -------------------------------------------------------------------

    def encrypt_value(self, value: Any, field: str = "") -> str:
        """The token of a JSON-encodable `value`, bound to `field`."""
        aead, wrapped, key_id = self._data_key()
        nonce = os.urandom(_NONCE)
        plaintext = json.dumps(value, separators=(",", ":")).encode()
        sealed = aead.encrypt(nonce, plaintext, self._aad(field))
        kid = key_id.encode()
        blob = struct.pack(">H", len(kid)) + kid + struct.pack(">H", len(wrapped)) + wrapped \
            + nonce + sealed
        return PREFIX + base64.urlsafe_b64encode(blob).decode().rstrip("=")

    def decrypt_value(self, token: str, field: str = "") -> Any:
        """The value of a token made for `field`; `DecryptionError` when anything is off."""
        from cryptography.exceptions import InvalidTag

        key_id, wrapped, nonce, sealed = self._parse(token)
        aead = self._unwrapped.get(wrapped)
        if aead is None:
            aead = self._aead(self.provider.unwrap(wrapped, key_id))
            if len(self._unwrapped) >= 256:
                self._unwrapped.clear()
            self._unwrapped[wrapped] = aead
        try:
            plaintext = aead.decrypt(nonce, sealed, self._aad(field))
        except InvalidTag:
            raise DecryptionError("token was modified or belongs to another field") from None
        return json.loads(plaintext)

    # --- documents -----------------------------------------------------------------------

    def protect(self, doc: Any, fields: Iterable[str]) -> Any:
        """A copy of `doc` with the values at `fields` (dotted paths, `*` for every list
        item or key) replaced by tokens. Missing fields are skipped."""
        return self._apply(doc, fields, self.encrypt_value)

    def unprotect(self, doc: Any, fields: Iterable[str]) -> Any:
        """The inverse of `protect`; raises `DecryptionError` on any bad token."""
        def decrypt(value: Any, field: str) -> Any:
            if not isinstance(value, str) or not value.startswith(PREFIX):
                raise DecryptionError(f"field {field} holds no protected value")
            return self.decrypt_value(value, field)

        return self._apply(doc, fields, decrypt)

    # --- helpers -------------------------------------------------------------------------

    def _apply(self, doc: Any, fields: Iterable[str], func: Any) -> Any:
        result = json.loads(json.dumps(doc))  # a deep copy of a JSON document
        for path in fields:
            _walk(result, path.split("."), path, func)
        return result

    def _aad(self, field: str) -> bytes:
        return f"{PREFIX}{self.context}|{field}".encode()

    @staticmethod
    def _aead(key: bytes) -> Any:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(key)

    def _data_key(self) -> tuple[Any, bytes, str]:
        now = time.monotonic()
        if self._key is None or self._key_uses >= self.max_key_uses \
                or now - self._key_born > self.max_key_age_s:
            plaintext, wrapped, key_id = self.provider.generate()
            self._key = (self._aead(plaintext), wrapped, key_id)
            self._key_uses, self._key_born = 0, now
        self._key_uses += 1
        return self._key

    @staticmethod
    def _parse(token: str) -> tuple[str, bytes, bytes, bytes]:
        if not isinstance(token, str) or not token.startswith(PREFIX):
            raise DecryptionError("not a protected value")
        text = token[len(PREFIX):]
        try:
            blob = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            (kid_len,) = struct.unpack_from(">H", blob, 0)
            key_id = blob[2:2 + kid_len].decode()
            offset = 2 + kid_len
            (wrapped_len,) = struct.unpack_from(">H", blob, offset)
            offset += 2
            wrapped = blob[offset:offset + wrapped_len]
            offset += wrapped_len
            nonce, sealed = blob[offset:offset + _NONCE], blob[offset + _NONCE:]
        except (ValueError, struct.error, UnicodeDecodeError):
            raise DecryptionError("malformed protected value") from None
        if len(wrapped) != wrapped_len or len(nonce) != _NONCE or len(sealed) < 16:
            raise DecryptionError("truncated protected value")
        return key_id, wrapped, nonce, sealed


def _walk(node: Any, parts: list[str], path: str, func: Any) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(node, dict):
        keys = list(node) if head == "*" else [head] if head in node else []
        for key in keys:
            if rest:
                _walk(node[key], rest, path, func)
            else:
                node[key] = func(node[key], path)
    elif isinstance(node, list) and head == "*":
        for index, item in enumerate(node):
            if rest:
                _walk(item, rest, path, func)
            else:
                node[index] = func(item, path)
