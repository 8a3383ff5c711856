"""Secret detection by name and by value: one implementation for env vars, templates and code.

`find_secret(name, value)` says whether `value` (as written under `name`) is a secret
written in plaintext:

1. by value, known formats: AWS access key ids, Stripe, Slack and GitHub tokens, Google
   API keys, SendGrid keys, private keys (PEM), JWTs, Slack webhooks and connection strings
   that carry a password (`postgres://user:pass@host`);
2. by name: a name that says secret (`DB_PASSWORD`, `stripeApiKey`, `client_secret`) with
   a literal value that is not a reference (an ARN, an SSM path, `{{resolve:...}}`), a
   placeholder (`<token>`), a number or a boolean;
3. by value, high entropy: a long random-looking token (only where the caller allows it,
   with medium confidence).

Nothing here reads files: callers hand in names and values.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from faasguard.digests import sha256

#: Known token formats: (kind, description, pattern text). Compiled on first need
#: (`_format_patterns`): a value with no FORMAT_ANCHORS text needs none of them, and most
#: scans meet no such value.
KNOWN_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("private-key", "a private key",
     r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"),
    ("aws-access-key", "an AWS access key id",  # not the documentation's (AWS_DOC_EXAMPLE)
     r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)(?![0-9A-Z]{9}EXAMPLE(?![A-Z0-9]))[0-9A-Z]{16}"
     r"(?![A-Z0-9])"),
    ("stripe-key", "a Stripe secret key",
     r"(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}"),
    ("slack-token", "a Slack token",
     r"(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z-]{10,}"),
    ("slack-webhook", "a Slack incoming-webhook URL",
     r"https://hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]{16,}"),
    ("github-token", "a GitHub token",
     r"(?<![A-Za-z0-9])(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})"),
    ("google-api-key", "a Google API key",
     r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}"),
    ("sendgrid-key", "a SendGrid API key",
     r"(?<![A-Za-z0-9])SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}"),
    ("jwt", "a JSON Web Token",
     r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
)

#: Text each known format, and a connection string, cannot match without: a value with
#: none of it is no known format (one search instead of ten, for most strings).
FORMAT_ANCHORS = ("-----BEGIN", "AKIA", "ASIA", "ABIA", "ACCA", "AIza", "sk_", "rk_", "xox",
                  "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "SG.", "eyJ", "://")
ANY_FORMAT_ANCHOR = re.compile("|".join(re.escape(anchor) for anchor in FORMAT_ANCHORS))

#: `scheme://user:password@host`: the password group must not be a placeholder (case
#: ignored; compiled on first need, with KNOWN_FORMATS).
_CONNECTION = r"\b([a-z][a-z0-9+.-]{1,20})://([^:/\s@]+):([^@\s/]+)@[^\s]+"

#: Words (after splitting a name) that on their own make the name a secret's.
SECRET_WORDS = {
    "password", "passwd", "passphrase", "pwd", "pass", "secret", "secrets", "token",
    "apikey", "credential", "credentials", "privatekey", "secretkey", "accesskey", "dsn",
}
#: Two consecutive words that make the name a secret's (`API_KEY`, `signingKey`).
SECRET_PAIRS = {
    ("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
    ("signing", "key"), ("encryption", "key"), ("auth", "key"), ("client", "secret"),
    ("master", "key"), ("app", "key"), ("license", "key"), ("webhook", "secret"),
}
#: A name ending in one of these words names a reference to a secret, not the secret.
_REFERENCE_SUFFIXES = {
    "arn", "name", "id", "param", "parameter", "path", "file", "ttl", "length", "header",
    "field", "type", "enabled", "disabled", "env", "var", "ref", "region", "version", "url",
    "uri", "endpoint", "expiry", "expiration", "timeout", "seconds", "minutes", "size",
    "prefix", "policy", "rotation", "location", "key_id", "table", "bucket", "queue",
    "template", "format", "pattern", "regex", "rule", "rules", "generator", "prompt",
    "message", "label", "hint", "text", "description", "placeholder", "error", "column",
    # what a token is checked against or how it is used, never the token itself
    "issuer", "audience", "algorithm", "scope", "scopes", "page", "domain", "host",
    "hostname", "schedule", "source",
}
_REFERENCE_WORDS = {"ssm", "arn", "secretsmanager", "kms"}

_REFERENCE_VALUE = re.compile(
    r"^(arn:|\{\{resolve:|ssm:|secretsmanager:|/aws/reference/|\$\{|%\(|\{\w*\}$|<[^>]*>$)",
    re.I)
_PLACEHOLDER = re.compile(
    r"^(|none|null|nil|true|false|yes|no|on|off|enabled|disabled|n/?a|tbd|todo|"
    r"\*+|x+|\.+|-+|_+|placeholder|your[-_ ]?\w*|replace[-_ ]?(?:me|with[-_ ][\w-]+)|"
    r"<.*>|\{\{.*\}\}|\$\{.*\})$",
    re.I)
#: The example credentials of the AWS documentation (the key id AKIAIOSFODNN7EXAMPLE and
#: its secret access key ending EXAMPLEKEY, and their like): published so that nobody can
#: use them, they authenticate nowhere. A real key id or secret ends so by no chance.
AWS_DOC_EXAMPLE = re.compile(
    r"^(?:(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{9}EXAMPLE|[A-Za-z0-9/+]{30}EXAMPLEKEY)$")
_SSM_PATH = re.compile(r"^/[\w.-]+(/[\w.-]+)+$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKENISH = re.compile(r"^[A-Za-z0-9+/=_\-]{32,}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

ENTROPY_THRESHOLD = 4.5  # bits per character; random base64 of 32+ chars scores ~5


@dataclass(frozen=True)
class SecretMatch:
    """Why a value was judged a secret.

    kind: a known format ("aws-access-key", "connection-string", ...), "name" (the name
    says secret) or "entropy" (a long random-looking value). confidence: high or medium.
    """

    kind: str
    description: str
    confidence: str = "high"


def name_words(name: str) -> list[str]:
    """A name split into lower-case words: `dbPassword`, `DB_PASSWORD` -> [db, password]."""
    return [w.lower() for w in _WORD_SPLIT.split(name) if w]


@lru_cache(maxsize=8192)  # names repeat across templates and files
def is_secret_name(name: str) -> bool:
    """True when the name says it holds a secret itself (not a reference to one)."""
    words = name_words(name)
    if not words or set(words) & _REFERENCE_WORDS:
        return False
    if words[-1] in _REFERENCE_SUFFIXES or "_".join(words[-2:]) in _REFERENCE_SUFFIXES:
        return False
    if set(words) & SECRET_WORDS:
        return True
    return any(pair in SECRET_PAIRS for pair in zip(words, words[1:], strict=False))


def is_reference(value: str) -> bool:
    """True for values that point at a secret kept elsewhere (ARN, SSM path, dynamic ref)."""
    text = value.strip()
    return bool(_REFERENCE_VALUE.match(text) or _SSM_PATH.match(text))


def is_placeholder(value: str) -> bool:
    """True for empty, boolean, numeric and obviously placeholder values, and the AWS
    documentation's example credentials (`AWS_DOC_EXAMPLE`)."""
    text = value.strip()
    return bool(_PLACEHOLDER.match(text) or _NUMBER.match(text) or AWS_DOC_EXAMPLE.match(text))


def shannon_entropy(text: str) -> float:
    """Bits of entropy per character of `text`."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def high_entropy(value: str) -> bool:
    """A long, random-looking token: mixed case and digits, no spaces, entropy >= 4.5."""
    text = value.strip()
    if not _TOKENISH.match(text) or _UUID.match(text):
        return False
    if not (re.search(r"[a-z]", text) and re.search(r"[A-Z]", text) and re.search(r"\d", text)):
        return False
    return shannon_entropy(text) >= ENTROPY_THRESHOLD


def known_format(value: str) -> SecretMatch | None:
    """A secret recognised by its format anywhere in `value`, else None."""
    if ANY_FORMAT_ANCHOR.search(value) is None:
        return None
    formats, connection = _format_patterns()
    for kind, description, pattern in formats:
        if pattern.search(value):
            return SecretMatch(kind, description)
    for match in connection.finditer(value):
        password = match.group(3)
        if not is_placeholder(password) and not password.startswith(("$", "{", "%", "<")):
            return SecretMatch("connection-string",
                               f"a {match.group(1)} connection string with a password")
    return None


@lru_cache(maxsize=1)
def _format_patterns() -> tuple[tuple[tuple[str, str, re.Pattern[str]], ...], re.Pattern[str]]:
    """KNOWN_FORMATS and _CONNECTION compiled (once, on the first value with an anchor)."""
    return (tuple((kind, description, re.compile(pattern))
                  for kind, description, pattern in KNOWN_FORMATS),
            re.compile(_CONNECTION, re.I))


def find_secret(name: str | None, value: Any, entropy: bool = True) -> SecretMatch | None:
    """Is `value` (written under `name`, if any) a plaintext secret? None when not.

    Non-string values (numbers, references the loaders kept as `Ref`/`Unknown`) are never
    secrets in plaintext. `entropy=False` turns off the high-entropy guess (used for code,
    where random-looking literals are common and rarely secrets without a telling name).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    found = known_format(value)
    if found is not None:
        return found
    if is_reference(value) or is_placeholder(value):
        return None
    if name and is_secret_name(name):
        return SecretMatch("name", "a literal value")
    if entropy and high_entropy(value):
        return SecretMatch("entropy", "a long random-looking token", "medium")
    return None


def secret_digest(value: str) -> str:
    """A short one-way digest of a secret's value: what tells two places holding the same
    secret apart from two secrets, without keeping the secret (it is never shown)."""
    return sha256(b"faasguard-secret\0" + value.strip().encode("utf-8", "replace")
                  ).hexdigest()[:16]


def redact(value: str) -> str:
    """A value shown safely in a report: its first characters and its length."""
    text = value.strip()
    head = text[:4] if len(text) > 8 else ""
    return f"{head}… ({len(text)} characters)"
