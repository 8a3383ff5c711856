"""Authentication for guarded handlers: OIDC/JWT bearer tokens and API keys.

:class:`Authenticator` verifies the credentials of one request and returns its verified
claims, or raises :class:`AuthError` with a short machine reason and an HTTP status:

- 401: ``missing_token``, ``malformed_token``, ``alg_not_allowed``, ``unknown_key``,
  ``bad_signature``, ``expired``, ``not_yet_valid``, ``wrong_issuer``, ``wrong_audience``,
  ``wrong_token_use``, ``missing_claim``, ``bad_api_key``;
- 403: ``insufficient_scope``, ``insufficient_group``, ``step_up_required``;
- 503: ``jwks_unavailable`` (the issuer's keys could not be fetched: not the client's fault,
  so the client may retry, and the guard reports it as an outage, not as an attack).

Tokens are verified with PyJWT against an explicit allow-list of algorithms (``none`` is
never accepted). Asymmetric tokens are checked with the issuer's JWKS only, HMAC tokens
with the configured secret only, so a token signed with HS256 using the issuer's *public*
key (algorithm confusion) can never verify.
"""

from __future__ import annotations

import json
import posixpath
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .jwks import JWKSUnavailable, KeySet, UnknownKey, discovery_url_for

if TYPE_CHECKING:
    from pathlib import Path

Claims = dict[str, Any]

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
SCOPE_CLAIMS = ("scope", "scp", "permissions")
GROUP_CLAIMS = ("cognito:groups", "groups", "roles")
MIN_HMAC_SECRET_BYTES = 32
MAX_TOKEN_CHARS = 16_384


class AuthError(Exception):
    """The request is not authenticated (401), not allowed (403) or cannot be checked (503).

    ``reason`` is a short machine word (see the module docstring); ``detail`` a sentence
    for the security log, never for the client.
    """

    def __init__(self, reason: str, status: int = 401, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.status = status
        self.detail = detail


def normalize_path(path: str) -> str:
    """The path authorization rules see: percent-decoded, ``.``/``..`` resolved, duplicate
    and trailing slashes removed, so ``/admin//users/``, ``/public/../admin/users`` and
    ``/public/%2e%2e/admin/users`` are all ``/admin/users``."""
    path = path.split("?", 1)[0]
    if "%" in path:
        from urllib.parse import unquote

        path = unquote(path)
    normalized = posixpath.normpath("/" + path)
    return "/" + normalized.lstrip("/")


@dataclass(frozen=True)
class RoutePattern:
    """A method plus a path pattern.

    Path patterns: ``{name}`` matches one segment, ``{name+}`` one or more segments (API
    Gateway's greedy parameter), ``*`` anything (slashes included); everything else
    matches itself. Methods: an HTTP method, ``*`` or ``ANY`` for all.
    """

    method: str = "*"
    path: str = "*"

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        parts = []
        for token in re.split(r"(\{[^{}/]+\}|\*)", self.path):
            if token == "*":
                parts.append(".*")
            elif token.startswith("{") and token.endswith("+}"):
                parts.append("[^/]+(?:/[^/]+)*")
            elif token.startswith("{") and token.endswith("}"):
                parts.append("[^/]+")
            else:
                parts.append(re.escape(token))
        return re.compile("".join(parts))

    def matches(self, method: str | None, path: str | None) -> bool:
        """Whether a request with ``method`` and (normalised) ``path`` falls under it."""
        if self.method not in ("*", "ANY") and (method or "").upper() != self.method.upper():
            return False
        return self.path == "*" or (path is not None and self._regex.fullmatch(path) is not None)

    @classmethod
    def parse(cls, text: str) -> RoutePattern:
        """``"DELETE /items/{id}"``, ``"/items/*"`` (any method) or ``"*"``."""
        method, _, path = text.strip().partition(" ")
        if not path:
            return cls("*", method) if method.startswith("/") or method == "*" else cls(method)
        return cls(method, path.strip())


@dataclass(frozen=True)
class RouteRule:
    """What a route requires: every scope in ``scopes``, and one group of ``groups`` if any.

    ``public=True`` lets requests through without credentials, but only when no other
    matching rule requires something.
    """

    route: RoutePattern
    scopes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    public: bool = False


@dataclass(frozen=True)
class StepUpRule:
    """Destructive operations that need a recent or multi-factor authentication.

    A request on ``routes`` passes when its token shows a strong sign-in (its ``amr``
    holds one of ``amr``, e.g. ``mfa``, or its ``acr`` / Entra ID ``acrs`` holds one of
    ``acr``) or, with ``max_age_s`` set, when its ``auth_time`` is at most ``max_age_s``
    old; with ``require_both`` it needs both. API keys never pass a step-up.
    """

    routes: tuple[RoutePattern, ...] = (RoutePattern("DELETE", "*"),)
    amr: tuple[str, ...] = ("mfa",)
    max_age_s: float | None = None
    require_both: bool = False
    acr: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiKey:
    """An API key, stored as the SHA-256 hex digest of its secret (see :func:`hash_api_key`)."""

    id: str
    sha256: str
    scopes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if re.fullmatch(r"[0-9a-f]{64}", self.sha256) is None:
            raise ValueError(f"API key {self.id!r}: sha256 must be 64 lowercase hex digits "
                             "(hash_api_key(secret)), never the key itself")


def hash_api_key(secret: str) -> str:
    """The digest to store for an API key secret.

    A plain SHA-256 is enough for API keys, which are long random strings (generate them
    with ``secrets.token_urlsafe(32)``); it is not a password hash.
    """
    import hashlib

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _strings(value: Any) -> list[str]:
    """A claim holding a space-separated string or a list of strings, as a list."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def token_scopes(claims: Mapping[str, Any]) -> set[str]:
    """Scopes from ``scope`` (OAuth 2), ``scp`` (Entra ID, Okta) and ``permissions`` (Auth0)."""
    return {s for name in SCOPE_CLAIMS for s in _strings(claims.get(name))}


def token_groups(claims: Mapping[str, Any]) -> set[str]:
    """Groups from ``cognito:groups`` (Cognito), ``groups`` (Okta, Entra) and ``roles``."""
    return {g for name in GROUP_CLAIMS for g in _strings(claims.get(name))}


class Authenticator:
    """Verifies a request's bearer token or API key and enforces route and step-up rules.

    Parameters (all keyword-only; see docs/runtime-auth-limits.md):
        issuer: the expected ``iss``; also where OIDC discovery starts when no JWKS source
            is given.
        discovery_url / jwks_url / jwks_file / jwks: where the issuer's signing keys are
            (at most one; default: the issuer's discovery document).
        hs256_secret: an HMAC secret (at least 32 bytes) for HS256 tokens.
        audience: accepted ``aud`` values (Cognito access tokens: ``client_id``).
        algorithms: the allow-list (default RS256 and ES256 with keys, HS256 with a secret).
        leeway_s: clock skew tolerated on ``exp``, ``nbf``, ``iat`` and ``auth_time``.
        required_claims: claims a token must carry (default ``exp``).
        token_use: Cognito: require ``token_use`` to be ``"access"`` or ``"id"``.
        routes: :class:`RouteRule` objects (all matching rules apply).
        step_up: :class:`StepUpRule` objects.
        api_keys: :class:`ApiKey` objects; ``api_key_header`` names the header.
        jwks_ttl_s, jwks_min_refresh_s, http_timeout_s: key cache and fetch tuning.
        clock: returns the time in seconds (tests inject one).
    """

    def __init__(
        self,
        *,
        issuer: str | None = None,
        discovery_url: str | None = None,
        jwks_url: str | None = None,
        jwks_file: str | Path | None = None,
        jwks: Mapping[str, Any] | None = None,
        hs256_secret: str | bytes | None = None,
        audience: str | Sequence[str] | None = None,
        algorithms: Iterable[str] | None = None,
        leeway_s: float = 30.0,
        required_claims: Sequence[str] = ("exp",),
        token_use: str | None = None,
        routes: Sequence[RouteRule] = (),
        step_up: Sequence[StepUpRule] = (),
        api_keys: Sequence[ApiKey] = (),
        api_key_header: str = "x-api-key",
        jwks_ttl_s: float = 3600.0,
        jwks_min_refresh_s: float = 60.0,
        http_timeout_s: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        sources = {"discovery_url": discovery_url, "jwks_url": jwks_url,
                   "jwks_file": jwks_file, "jwks": jwks}
        given = [name for name, value in sources.items() if value is not None]
        if len(given) > 1:
            raise ValueError(f"give one source of signing keys, not {', '.join(given)}")
        if not given and issuer is not None and hs256_secret is None:
            discovery_url = discovery_url_for(issuer)
        self.keys: KeySet | None = None
        if given or discovery_url is not None:
            self.keys = KeySet(discovery_url=discovery_url, jwks_url=jwks_url,
                               jwks_file=jwks_file, jwks=jwks, issuer=issuer, ttl_s=jwks_ttl_s,
                               min_refresh_s=jwks_min_refresh_s, timeout_s=http_timeout_s)
        self.secret = hs256_secret.encode() if isinstance(hs256_secret, str) else hs256_secret
        if self.secret is not None and len(self.secret) < MIN_HMAC_SECRET_BYTES:
            raise ValueError(f"hs256_secret must be at least {MIN_HMAC_SECRET_BYTES} bytes")
        if self.secret is not None and self.secret.lstrip().startswith((b"-----BEGIN", b"ssh-")):
            raise ValueError("hs256_secret looks like a public key: HMAC with a public key "
                             "lets anyone sign tokens")
        self.algorithms = self._allowed_algorithms(algorithms)
        self.issuer = issuer
        self.audience = {audience} if isinstance(audience, str) else set(audience or ())
        self.leeway_s = leeway_s
        self.required_claims = list(required_claims)
        self.token_use = token_use
        self.routes = tuple(routes)
        self.step_up = tuple(step_up)
        self.api_keys = tuple(api_keys)
        self.api_key_header = api_key_header.lower()
        self.clock = clock
        if self.keys is None and self.secret is None and not self.api_keys:
            raise ValueError("an authenticator needs an issuer or JWKS, an HS256 secret "
                             "or API keys")

    def _allowed_algorithms(self, algorithms: Iterable[str] | None) -> frozenset[str]:
        if algorithms is None:
            default = {"RS256", "ES256"} if self.keys else set()
            return frozenset(default | ({"HS256"} if self.secret else set()))
        chosen = frozenset(algorithms)
        unknown = chosen - ASYMMETRIC_ALGORITHMS - HMAC_ALGORITHMS
        if unknown:
            raise ValueError(f"algorithms not allowed or unknown: {', '.join(sorted(unknown))}")
        if chosen & HMAC_ALGORITHMS and self.secret is None:
            raise ValueError("HS* algorithms need hs256_secret")
        if chosen & ASYMMETRIC_ALGORITHMS and self.keys is None:
            raise ValueError("asymmetric algorithms need an issuer or a JWKS source")
        return chosen

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Authenticator:
        """Build from plain data: a config file, or ``FAASGUARD_AUTH_*`` environment strings.

        ``routes``: dicts ``{"route": "GET /items/{id}", "scopes": [...], "groups": [...],
        "public": false}``; ``step_up``: dicts ``{"routes": ["DELETE *"], "amr": ["mfa"],
        "max_age_s": 300, "require_both": false, "acr": []}``; ``api_keys``: dicts
        ``{"id": ..., "sha256": ..., "scopes": [...]}``. These three may also be JSON text.
        Numbers may be strings, and ``audience``, ``algorithms`` and ``required_claims``
        comma-separated strings. Other keys as the constructor's.

        Raises:
            ValueError: an unknown option or a malformed value or rule.
        """
        opts = dict(options)
        unknown = set(opts) - _OPTION_NAMES
        if unknown:
            raise ValueError(f"unknown authentication options: {', '.join(sorted(unknown))}")
        try:
            for name in ("leeway_s", "jwks_ttl_s", "jwks_min_refresh_s", "http_timeout_s"):
                if isinstance(opts.get(name), str):
                    opts[name] = float(opts[name])
            for name in ("audience", "algorithms", "required_claims"):
                if isinstance(opts.get(name), str):
                    opts[name] = [v.strip() for v in opts[name].split(",") if v.strip()]
            for name in ("routes", "step_up", "api_keys"):
                if isinstance(opts.get(name), str):
                    opts[name] = json.loads(opts[name])
            opts["routes"] = [_route_rule(r) for r in opts.get("routes", ())]
            opts["step_up"] = [_step_up_rule(r) for r in opts.get("step_up", ())]
            opts["api_keys"] = [ApiKey(k["id"], k["sha256"].lower(), tuple(k.get("scopes", ())),
                                       tuple(k.get("groups", ())))
                                for k in opts.get("api_keys", ())]
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"bad authentication options: {exc!r}") from exc
        return cls(**opts)

    def authenticate(
        self, headers: Mapping[str, str], method: str | None = None, path: str | None = None
    ) -> Claims:
        """Verify the request's credentials and check the rules of its route.

        ``path`` is normalised (see :func:`normalize_path`) before rules are matched.
        Returns the verified claims (an API key yields ``sub`` ``api_key:<id>``,
        ``api_key_id``, ``scope`` and ``groups``; a public route without a rule needing
        more yields ``{}``).

        Raises:
            AuthError: see the module docstring for the reasons and statuses.
        """
        path = normalize_path(path) if path is not None else None
        rules = [r for r in self.routes if r.route.matches(method, path)]
        if rules and all(r.public for r in rules):
            return {}
        lowered = {str(k).lower(): v for k, v in headers.items() if isinstance(v, str)}
        scheme, _, token = lowered.get("authorization", "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token and (self.keys or self.secret):
            if len(token) > MAX_TOKEN_CHARS:
                raise AuthError("malformed_token", 401, f"token over {MAX_TOKEN_CHARS} chars")
            claims = self._verify_token(token)
        elif self.api_keys and lowered.get(self.api_key_header):
            claims = self._verify_api_key(lowered[self.api_key_header])
        else:
            raise AuthError("missing_token", 401, "no bearer token or API key")
        self._authorize(claims, rules)
        self._check_step_up(claims, method, path)
        return claims

    def _verify_token(self, token: str) -> Claims:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise AuthError("malformed_token", 401, str(exc)) from exc
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.algorithms:
            raise AuthError("alg_not_allowed", 401, f"alg {alg!r} is not in the allow-list")
        key: Any
        if alg in HMAC_ALGORITHMS:
            key = self.secret
        else:
            assert self.keys is not None  # guaranteed by _allowed_algorithms
            kid = header.get("kid")
            try:
                key = self.keys.key_for(kid if isinstance(kid, str) else None, alg).key
            except UnknownKey as exc:
                raise AuthError("unknown_key", 401, str(exc)) from exc
            except JWKSUnavailable as exc:
                raise AuthError("jwks_unavailable", 503, str(exc)) from exc
        try:
            claims: Claims = jwt.decode(
                token, key, algorithms=[alg], issuer=self.issuer, leeway=self.leeway_s,
                options={"require": self.required_claims, "verify_aud": False,
                         "verify_iss": self.issuer is not None},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(_reason(exc), 401, str(exc)) from exc
        self._check_audience(claims)
        if self.token_use is not None and claims.get("token_use") != self.token_use:
            raise AuthError("wrong_token_use", 401, f"token_use is not {self.token_use!r}")
        return claims

    def _check_audience(self, claims: Claims) -> None:
        if not self.audience:
            return
        audiences = set(_strings(claims.get("aud"))) if "aud" in claims else set()
        if not audiences and isinstance(claims.get("client_id"), str):
            audiences = {claims["client_id"]}  # Cognito access tokens carry no aud
        if not audiences & self.audience:
            raise AuthError("wrong_audience", 401, "the token is meant for another audience")

    def _verify_api_key(self, presented: str) -> Claims:
        import hmac

        digest = hash_api_key(presented)
        found: ApiKey | None = None
        for key in self.api_keys:  # compare with every key: timing says nothing
            if hmac.compare_digest(digest, key.sha256):
                found = key
        if found is None:
            raise AuthError("bad_api_key", 401, "unknown API key")
        return {"sub": f"api_key:{found.id}", "api_key_id": found.id,
                "scope": " ".join(found.scopes), "groups": list(found.groups),
                "auth_method": "api_key"}

    def _authorize(self, claims: Claims, rules: Sequence[RouteRule]) -> None:
        scopes, groups = token_scopes(claims), token_groups(claims)
        for rule in rules:
            missing = [s for s in rule.scopes if s not in scopes]
            if missing:
                raise AuthError("insufficient_scope", 403, f"missing scope {' '.join(missing)}")
            if rule.groups and not groups & set(rule.groups):
                raise AuthError("insufficient_group", 403,
                                f"needs one of the groups {', '.join(rule.groups)}")

    def _check_step_up(self, claims: Claims, method: str | None, path: str | None) -> None:
        for rule in self.step_up:
            if not any(route.matches(method, path) for route in rule.routes):
                continue
            if claims.get("auth_method") == "api_key":
                raise AuthError("step_up_required", 403, "API keys cannot pass a step-up")
            shown = {*_strings(claims.get("amr"))} & set(rule.amr)
            shown |= {*_strings(claims.get("acr")), *_strings(claims.get("acrs"))} & set(rule.acr)
            has_mfa = bool(shown)
            recent = False
            if rule.max_age_s is not None:
                auth_time = claims.get("auth_time")
                recent = (isinstance(auth_time, (int, float)) and not isinstance(auth_time, bool)
                          and self.clock() - auth_time <= rule.max_age_s + self.leeway_s)
            ok = (has_mfa and recent) if rule.require_both else (has_mfa or recent)
            if not ok:
                raise AuthError("step_up_required", 403,
                                "this operation needs a recent or multi-factor sign-in")


_INIT = Authenticator.__init__.__code__
_OPTION_NAMES = frozenset(_INIT.co_varnames[1:_INIT.co_argcount + _INIT.co_kwonlyargcount])


def _route_rule(data: Mapping[str, Any]) -> RouteRule:
    return RouteRule(RoutePattern.parse(data["route"]), tuple(data.get("scopes", ())),
                     tuple(data.get("groups", ())), bool(data.get("public", False)))


def _step_up_rule(data: Mapping[str, Any]) -> StepUpRule:
    routes = tuple(RoutePattern.parse(p) for p in data.get("routes", ["DELETE *"]))
    max_age = data.get("max_age_s")
    return StepUpRule(routes, tuple(data.get("amr", ("mfa",))),
                      float(max_age) if max_age is not None else None,
                      bool(data.get("require_both", False)), tuple(data.get("acr", ())))


def _reason(exc: Exception) -> str:
    """The AuthError reason for a PyJWT exception."""
    import jwt

    table: list[tuple[type[Exception], str]] = [
        (jwt.ExpiredSignatureError, "expired"),
        (jwt.ImmatureSignatureError, "not_yet_valid"),
        (jwt.InvalidIssuerError, "wrong_issuer"),
        (jwt.InvalidAudienceError, "wrong_audience"),
        (jwt.MissingRequiredClaimError, "missing_claim"),
        (jwt.InvalidSignatureError, "bad_signature"),
        (jwt.InvalidAlgorithmError, "alg_not_allowed"),
        (jwt.DecodeError, "malformed_token"),
    ]
    return next((reason for kind, reason in table if isinstance(exc, kind)), "invalid_token")
