"""The signing keys of a token issuer: a JWKS from OIDC discovery, a URL, a file or inline.

Keys are fetched once and cached for ``ttl_s``. A token with an unknown ``kid`` triggers a
refetch (the issuer may have rotated its keys), at most once per ``min_refresh_s`` so that
forged ``kid`` values cannot make the function hammer the issuer. When a refresh fails the
cached keys keep serving for up to ``max_stale_s``; with no usable keys at all the caller
gets :class:`JWKSUnavailable` (the authenticator answers 503: the client did nothing wrong).

Fetching uses urllib with a short timeout. Only ``https://`` URLs are fetched, except
``http://`` to a loopback address (a local test issuer).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from jwt import PyJWK

MAX_DOCUMENT_BYTES = 1_000_000
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


class JWKSUnavailable(Exception):
    """No signing keys could be obtained (issuer down, bad document, bad configuration)."""


class UnknownKey(Exception):
    """The token names a key the issuer does not publish (or one unfit for its algorithm)."""


def discovery_url_for(issuer: str) -> str:
    """The OIDC discovery document URL of ``issuer``."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def fetch_json(url: str, timeout_s: float) -> Any:
    """GET ``url`` and parse its JSON body.

    Raises:
        JWKSUnavailable: not https (nor http to loopback), unreachable, too large, not JSON.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname)):
        raise JWKSUnavailable(f"refusing to fetch keys over {parts.scheme or 'no scheme'}: {url}")
    import urllib.request

    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "faasguard-runtime"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        raise JWKSUnavailable(f"cannot fetch {url}: {exc}") from exc
    if len(body) > MAX_DOCUMENT_BYTES:
        raise JWKSUnavailable(f"{url} returned more than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise JWKSUnavailable(f"{url} did not return JSON: {exc}") from exc


def _is_loopback(host: str | None) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class KeySet:
    """A cached JWKS. Give exactly one source: ``discovery_url``, ``jwks_url``,
    ``jwks_file`` or ``jwks`` (a JWKS dict).

    With ``discovery_url`` and ``issuer`` the discovery document's ``issuer`` must equal
    ``issuer`` (OpenID Connect Discovery 1.0, section 4.3), which stops a misconfigured or
    spoofed document from lending another issuer's keys.
    """

    RETRY_FAILED_S = 5.0
    """After a failed fetch, wait this long (or ``min_refresh_s`` if shorter) before the next."""

    def __init__(
        self,
        *,
        discovery_url: str | None = None,
        jwks_url: str | None = None,
        jwks_file: str | Path | None = None,
        jwks: Mapping[str, Any] | None = None,
        issuer: str | None = None,
        ttl_s: float = 3600.0,
        min_refresh_s: float = 60.0,
        max_stale_s: float = 86400.0,
        timeout_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        sources = [s for s in (discovery_url, jwks_url, jwks_file, jwks) if s is not None]
        if len(sources) != 1:
            raise ValueError("a key set needs exactly one of discovery_url, jwks_url, "
                             "jwks_file or jwks")
        self.discovery_url = discovery_url
        self.jwks_url = jwks_url
        self.jwks_file = str(jwks_file) if jwks_file is not None else None
        self._inline = jwks
        self.issuer = issuer
        self.ttl_s, self.min_refresh_s, self.max_stale_s = ttl_s, min_refresh_s, max_stale_s
        self.timeout_s = timeout_s
        self.clock = clock
        self.fetches = 0
        self._keys: dict[str | None, SigningKey] = {}
        self._loaded_at: float | None = None
        self._tried_at: float | None = None
        self._last_error: str | None = None
        self._resolved_url: str | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str | None, alg: str) -> SigningKey:
        """The key that must have signed a token with header ``kid`` and ``alg``.

        Raises:
            UnknownKey: no published key has this ``kid``, or it does not fit ``alg``.
            JWKSUnavailable: the keys could not be obtained.
        """
        now = self.clock()
        with self._lock:
            expired = self._loaded_at is None or now - self._loaded_at >= self.ttl_s
            if expired and self._may_fetch(now, self.RETRY_FAILED_S):
                self._refresh(now)
            if not self._keys:
                raise JWKSUnavailable(self._last_error or "no signing keys")
            key = self._lookup(kid)
            if key is None and self._may_fetch(now, self.min_refresh_s):
                self._refresh(now)  # the issuer may have rotated its keys: look once more
                key = self._lookup(kid)
        if key is None:
            raise UnknownKey(f"no published key with kid {kid!r}")
        _check_fits(key, alg)
        return key

    def _lookup(self, kid: str | None) -> SigningKey | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def _may_fetch(self, now: float, interval: float) -> bool:
        return self._tried_at is None or now - self._tried_at >= min(interval, self.min_refresh_s)

    def _refresh(self, now: float) -> None:
        self._tried_at = now
        try:
            self._keys = parse_jwks(self._document())
            self._loaded_at, self._last_error = now, None
        except JWKSUnavailable as exc:
            self._last_error = str(exc)
            stale_ok = self._loaded_at is not None and (
                now - self._loaded_at < self.ttl_s + self.max_stale_s)
            if not stale_ok:
                self._keys = {}

    def _document(self) -> Any:
        self.fetches += 1
        if self._inline is not None:
            return self._inline
        if self.jwks_file is not None:
            try:
                with open(self.jwks_file, encoding="utf-8") as handle:
                    return json.load(handle)
            except (OSError, ValueError) as exc:
                raise JWKSUnavailable(f"cannot read JWKS file {self.jwks_file}: {exc}") from exc
        if self._resolved_url is None:
            self._resolved_url = self.jwks_url or self._jwks_uri_from_discovery()
        return fetch_json(self._resolved_url, self.timeout_s)

    def _jwks_uri_from_discovery(self) -> str:
        assert self.discovery_url is not None
        document = fetch_json(self.discovery_url, self.timeout_s)
        if not isinstance(document, dict) or not isinstance(document.get("jwks_uri"), str):
            raise JWKSUnavailable(f"{self.discovery_url} has no jwks_uri")
        if self.issuer is not None and document.get("issuer") != self.issuer:
            raise JWKSUnavailable(
                f"discovery document issuer {document.get('issuer')!r} is not {self.issuer!r}"
            )
        return str(document["jwks_uri"])


@dataclass(frozen=True)
class SigningKey:
    """One published signature key: its JWK fields that matter and the loaded key."""

    kid: str | None
    kty: str
    alg: str | None
    jwk: PyJWK

    @property
    def key(self) -> Any:
        """The key object to verify signatures with (a cryptography public key)."""
        return self.jwk.key


def parse_jwks(document: Any) -> dict[str | None, SigningKey]:
    """The signature keys of a JWKS document, by ``kid``.

    Encryption keys (``use: enc``) and symmetric keys (``kty: oct``: a public key set must
    never carry an HMAC secret) are left out, and so are keys PyJWT cannot load.

    Raises:
        JWKSUnavailable: the document is not a JWKS or holds no usable signature key.
    """
    from jwt import PyJWK
    from jwt.exceptions import PyJWTError

    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JWKSUnavailable("not a JWKS document (no 'keys' list)")
    keys: dict[str | None, SigningKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig" or jwk.get("kty") == "oct":
            continue
        try:
            loaded = PyJWK(jwk)
        except (PyJWTError, ValueError, TypeError):
            continue
        kid, alg = jwk.get("kid"), jwk.get("alg")
        keys[kid if isinstance(kid, str) else None] = SigningKey(
            kid if isinstance(kid, str) else None, str(jwk["kty"]),
            alg if isinstance(alg, str) else None, loaded)
    if not keys:
        raise JWKSUnavailable("the JWKS holds no usable signature key")
    return keys


def _check_fits(key: SigningKey, alg: str) -> None:
    """A key signs with one algorithm family only (and with its declared ``alg`` if any)."""
    if key.alg is not None and key.alg != alg:
        raise UnknownKey(f"key {key.kid!r} is for {key.alg}, the token says {alg}")
    if _KEY_TYPES.get(alg[:2]) != key.kty:
        raise UnknownKey(f"key {key.kid!r} ({key.kty}) cannot verify {alg}")
