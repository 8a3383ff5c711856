"""Authenticator against a real loopback OIDC issuer: tokens, rules, step-up, API keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from faasguard.runtime.auth import (
    ApiKey,
    Authenticator,
    AuthError,
    RoutePattern,
    RouteRule,
    StepUpRule,
    hash_api_key,
    normalize_path,
)

SECRET = "s" * 40


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def reason(auth: Authenticator, headers: dict[str, str], method: str | None = "GET",
           path: str | None = "/items") -> tuple[str, int]:
    with pytest.raises(AuthError) as info:
        auth.authenticate(headers, method, path)
    return info.value.reason, info.value.status


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge_hs256(payload: dict[str, Any], key: bytes, kid: str = "rsa-1") -> str:
    """An HS256 token signed by hand (PyJWT refuses a PEM key as HMAC secret)."""
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(payload).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


@pytest.fixture
def auth(oidc_issuer: Any) -> Authenticator:
    return Authenticator(issuer=oidc_issuer.url, audience="my-api")


def test_rs256_and_es256_tokens_from_the_discovered_jwks_verify(auth, oidc_issuer) -> None:
    claims = auth.authenticate(bearer(oidc_issuer.token()), "GET", "/items")
    assert claims["sub"] == "user-1" and claims["iss"] == oidc_issuer.url
    assert auth.authenticate(bearer(oidc_issuer.token(kid="ec-1")))["sub"] == "user-1"
    assert oidc_issuer.requests == {"/.well-known/openid-configuration": 1, "/jwks.json": 1}


def test_missing_or_unusable_credentials(auth) -> None:
    assert reason(auth, {}) == ("missing_token", 401)
    assert reason(auth, {"Authorization": "Basic dXNlcjpwYXNz"}) == ("missing_token", 401)
    assert reason(auth, bearer("not-a-jwt")) == ("malformed_token", 401)
    assert reason(auth, bearer("a" * 20_000)) == ("malformed_token", 401)
    assert reason(auth, {"Authorization": ["Bearer x"]}) == ("missing_token", 401)  # type: ignore[dict-item]


def test_alg_none_is_refused(auth, oidc_issuer) -> None:
    payload = {"iss": oidc_issuer.url, "aud": "my-api", "exp": int(time.time()) + 60}
    unsigned = jwt.encode(payload, None, algorithm="none")
    assert reason(auth, bearer(unsigned)) == ("alg_not_allowed", 401)
    with pytest.raises(ValueError):
        Authenticator(issuer=oidc_issuer.url, algorithms=["RS256", "none"])


def test_hs256_signed_with_the_public_key_is_refused(oidc_issuer) -> None:
    """Algorithm confusion: the attacker HMACs with the RSA public key the issuer publishes."""
    public_pem = oidc_issuer.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    payload = {"iss": oidc_issuer.url, "sub": "admin", "aud": "my-api",
               "exp": int(time.time()) + 60}
    forged = forge_hs256(payload, public_pem)
    jwks_only = Authenticator(issuer=oidc_issuer.url, audience="my-api")
    assert reason(jwks_only, bearer(forged)) == ("alg_not_allowed", 401)
    both = Authenticator(issuer=oidc_issuer.url, audience="my-api", hs256_secret=SECRET,
                         discovery_url=oidc_issuer.url + "/.well-known/openid-configuration",
                         algorithms=["RS256", "HS256"])
    assert reason(both, bearer(forged)) == ("bad_signature", 401)
    assert both.authenticate(bearer(forge_hs256(payload, SECRET.encode())))["sub"] == "admin"


def test_time_claims_with_leeway(auth, oidc_issuer) -> None:
    now = int(time.time())
    assert reason(auth, bearer(oidc_issuer.token(exp=now - 100))) == ("expired", 401)
    assert auth.authenticate(bearer(oidc_issuer.token(exp=now - 10)))["sub"] == "user-1"
    assert reason(auth, bearer(oidc_issuer.token(nbf=now + 100))) == ("not_yet_valid", 401)
    no_exp = oidc_issuer.token()
    payload = jwt.decode(no_exp, options={"verify_signature": False})
    del payload["exp"]
    token = jwt.encode(payload, oidc_issuer.rsa, algorithm="RS256", headers={"kid": "rsa-1"})
    assert reason(auth, bearer(token)) == ("missing_claim", 401)


def test_issuer_audience_and_signature(auth, oidc_issuer) -> None:
    assert reason(auth, bearer(oidc_issuer.token(iss="https://evil.example"))) == (
        "wrong_issuer", 401)
    assert reason(auth, bearer(oidc_issuer.token(aud="other-api"))) == ("wrong_audience", 401)
    assert auth.authenticate(bearer(oidc_issuer.token(aud=["x", "my-api"])))["sub"] == "user-1"
    head, body, sig = oidc_issuer.token().split(".")
    tampered_body = b64(json.dumps({"iss": oidc_issuer.url, "aud": "my-api", "sub": "root",
                                    "exp": int(time.time()) + 60}).encode())
    assert reason(auth, bearer(f"{head}.{tampered_body}.{sig}")) == ("bad_signature", 401)


def test_cognito_access_tokens_are_matched_on_client_id(oidc_issuer) -> None:
    auth = Authenticator(issuer=oidc_issuer.url, audience="app-client-1", token_use="access")
    access = oidc_issuer.token(aud=None, client_id="app-client-1", token_use="access")
    access = jwt.encode({k: v for k, v in jwt.decode(access, options={"verify_signature": False})
                         .items() if k != "aud"}, oidc_issuer.rsa, algorithm="RS256",
                        headers={"kid": "rsa-1"})
    assert auth.authenticate(bearer(access))["client_id"] == "app-client-1"
    id_token = oidc_issuer.token(aud="app-client-1", token_use="id")
    assert reason(auth, bearer(id_token)) == ("wrong_token_use", 401)


def test_unknown_kid_and_mismatched_key(auth, oidc_issuer) -> None:
    foreign = jwt.encode({"iss": oidc_issuer.url, "exp": int(time.time()) + 60},
                         oidc_issuer.rsa, algorithm="RS256", headers={"kid": "nope"})
    assert reason(auth, bearer(foreign)) == ("unknown_key", 401)
    # the EC key's kid on an RS256 token: RS256 is allowed, but not with that key
    wrong = jwt.encode({"iss": oidc_issuer.url, "exp": int(time.time()) + 60},
                       oidc_issuer.rsa, algorithm="RS256", headers={"kid": "ec-1"})
    assert reason(auth, bearer(wrong)) == ("unknown_key", 401)


def test_issuer_outage_is_a_503(oidc_issuer) -> None:
    oidc_issuer.status = 500
    auth = Authenticator(issuer=oidc_issuer.url, audience="my-api")
    assert reason(auth, bearer(oidc_issuer.token())) == ("jwks_unavailable", 503)


def test_route_scopes_and_groups(oidc_issuer) -> None:
    auth = Authenticator(issuer=oidc_issuer.url, audience="my-api", routes=[
        RouteRule(RoutePattern("GET", "/items/{id}"), scopes=("items.read",)),
        RouteRule(RoutePattern("*", "/admin/*"), groups=("admin", "ops")),
        RouteRule(RoutePattern("GET", "/health"), public=True),
    ])
    reader = oidc_issuer.token(scope="openid items.read")
    assert auth.authenticate(bearer(reader), "GET", "/items/42")["sub"] == "user-1"
    assert auth.authenticate(bearer(oidc_issuer.token(scp=["items.read"])), "GET", "/items/7")
    assert auth.authenticate(bearer(oidc_issuer.token(permissions=["items.read"])), "GET",
                             "/items/7")
    nobody = bearer(oidc_issuer.token(scope="openid"))
    assert reason(auth, nobody, "GET", "/items/42") == ("insufficient_scope", 403)
    assert reason(auth, nobody, "GET", "/items//42/") == ("insufficient_scope", 403)
    assert reason(auth, nobody, "GET", "/public/../items/42") == ("insufficient_scope", 403)
    assert auth.authenticate(nobody, "GET", "/items/42/history")  # {id} is one segment
    assert auth.authenticate(nobody, "POST", "/items/42")
    assert reason(auth, nobody, "POST", "/admin/users/1") == ("insufficient_group", 403)
    admin = bearer(oidc_issuer.token({"cognito:groups": ["ops"]}))
    assert auth.authenticate(admin, "POST", "/admin/users/1")
    assert auth.authenticate({}, "GET", "/health") == {}
    assert reason(auth, {}, "POST", "/health") == ("missing_token", 401)


def test_a_public_rule_does_not_open_a_protected_route() -> None:
    auth = Authenticator(hs256_secret=SECRET, routes=[
        RouteRule(RoutePattern("*", "*"), scopes=("api",)),
        RouteRule(RoutePattern("GET", "/health"), public=True),
    ])
    assert reason(auth, {}, "GET", "/health") == ("missing_token", 401)


def test_step_up_for_destructive_operations(oidc_issuer) -> None:
    now = int(time.time())
    auth = Authenticator(issuer=oidc_issuer.url, audience="my-api", step_up=[
        StepUpRule((RoutePattern("DELETE", "/items/{id}"),), max_age_s=300),
        StepUpRule((RoutePattern("POST", "/transfers"),), max_age_s=300, require_both=True),
    ])
    password_only = bearer(oidc_issuer.token(amr=["pwd"], auth_time=now - 3600))
    assert auth.authenticate(password_only, "GET", "/items/1")
    assert reason(auth, password_only, "DELETE", "/items/1") == ("step_up_required", 403)
    with_mfa = bearer(oidc_issuer.token(amr=["pwd", "mfa"], auth_time=now - 3600))
    assert auth.authenticate(with_mfa, "DELETE", "/items/1")
    recent = bearer(oidc_issuer.token(amr=["pwd"], auth_time=now - 60))
    assert auth.authenticate(recent, "DELETE", "/items/1")
    assert reason(auth, with_mfa, "POST", "/transfers") == ("step_up_required", 403)
    both = bearer(oidc_issuer.token(amr=["mfa"], auth_time=now - 60))
    assert auth.authenticate(both, "POST", "/transfers")


def test_step_up_by_authentication_context(oidc_issuer) -> None:
    auth = Authenticator(issuer=oidc_issuer.url, audience="my-api", step_up=[
        StepUpRule((RoutePattern("DELETE", "*"),), amr=(), acr=("c1", "urn:mfa"))])
    entra = bearer(oidc_issuer.token(acrs=["c1"]))
    assert auth.authenticate(entra, "DELETE", "/users/9")
    assert auth.authenticate(bearer(oidc_issuer.token(acr="urn:mfa")), "DELETE", "/users/9")
    assert reason(auth, bearer(oidc_issuer.token(acr="urn:pwd", amr=["mfa"])), "DELETE",
                  "/users/9") == ("step_up_required", 403)


def test_api_keys_are_checked_against_their_hashes() -> None:
    auth = Authenticator(api_keys=[
        ApiKey("ci", hash_api_key("k-ci-0123456789"), scopes=("deploy",)),
        ApiKey("partner", hash_api_key("k-partner-abcdef")),
    ], routes=[RouteRule(RoutePattern("POST", "/deploy"), scopes=("deploy",))],
        step_up=[StepUpRule()])
    claims = auth.authenticate({"X-Api-Key": "k-ci-0123456789"}, "POST", "/deploy")
    assert claims["sub"] == "api_key:ci" and claims["api_key_id"] == "ci"
    assert reason(auth, {"x-api-key": "k-partner-abcdef"}, "POST", "/deploy") == (
        "insufficient_scope", 403)
    assert reason(auth, {"x-api-key": "k-ci-0123456789x"}) == ("bad_api_key", 401)
    assert reason(auth, {"x-api-key": "k-ci-0123456789"}, "DELETE", "/x") == (
        "step_up_required", 403)
    assert "k-ci-0123456789" not in repr(auth.api_keys)


def test_configuration_errors_are_clear(oidc_issuer) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Authenticator(hs256_secret="short")
    public_pem = oidc_issuer.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError, match="looks like a public key"):
        Authenticator(hs256_secret=public_pem)
    with pytest.raises(ValueError, match="64 lowercase hex"):
        ApiKey("ci", "k-ci-0123456789")
    with pytest.raises(ValueError, match="one source"):
        Authenticator(jwks_url="https://a/jwks", jwks_file="/tmp/x.json")
    with pytest.raises(ValueError, match="need"):
        Authenticator(hs256_secret=SECRET, algorithms=["RS256"])
    with pytest.raises(ValueError, match="needs"):
        Authenticator()
    with pytest.raises(ValueError, match="bad authentication options"):
        Authenticator.from_options({"hs256_secret": SECRET, "routes": [{"scopes": ["a"]}]})


def test_from_options_builds_rules_from_plain_data(oidc_issuer) -> None:
    auth = Authenticator.from_options({
        "issuer": oidc_issuer.url, "audience": ["my-api"], "leeway_s": 5,
        "routes": [{"route": "GET /reports/{proxy+}", "scopes": ["reports"]}],
        "step_up": [{"routes": ["DELETE *"], "amr": ["mfa", "hwk"]}],
        "api_keys": [{"id": "ops", "sha256": hash_api_key("k-ops-123456").upper()}],
    })
    assert reason(auth, bearer(oidc_issuer.token()), "GET", "/reports/2026/q1") == (
        "insufficient_scope", 403)
    assert auth.authenticate(bearer(oidc_issuer.token(scope="reports")), "GET", "/reports/x")
    assert auth.authenticate(bearer(oidc_issuer.token(amr=["hwk"])), "DELETE", "/items/1")
    assert auth.authenticate({"x-api-key": "k-ops-123456"})["sub"] == "api_key:ops"


def test_path_normalisation() -> None:
    assert normalize_path("/admin//users/") == "/admin/users"
    assert normalize_path("/public/../admin/./users?x=1") == "/admin/users"
    assert normalize_path("/../../etc") == "/etc"
    assert normalize_path("/public/%2e%2e/admin%2Fusers") == "/admin/users"
    assert normalize_path("") == "/"
    assert RoutePattern.parse("DELETE /items/{id}") == RoutePattern("DELETE", "/items/{id}")
    assert RoutePattern.parse("/items") == RoutePattern("*", "/items")
    assert RoutePattern.parse("DELETE") == RoutePattern("DELETE", "*")


def test_from_options_takes_environment_strings(oidc_issuer) -> None:
    env_like = {
        "issuer": oidc_issuer.url, "audience": "other, my-api", "leeway_s": "0",
        "algorithms": "RS256", "jwks_min_refresh_s": "10",
        "routes": '[{"route": "DELETE /items/{id}", "groups": ["admin"]}]',
    }
    auth = Authenticator.from_options(env_like)
    now = int(time.time())
    assert reason(auth, bearer(oidc_issuer.token(exp=now - 5))) == ("expired", 401)
    assert reason(auth, bearer(oidc_issuer.token(kid="ec-1"))) == ("alg_not_allowed", 401)
    assert reason(auth, bearer(oidc_issuer.token()), "DELETE", "/items/3") == (
        "insufficient_group", 403)
    with pytest.raises(ValueError, match="unknown authentication options: isuer"):
        Authenticator.from_options({"isuer": "https://x"})
    with pytest.raises(ValueError, match="bad authentication options"):
        Authenticator.from_options({"hs256_secret": SECRET, "leeway_s": "soon"})
