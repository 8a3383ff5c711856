"""The JWKS cache against a real loopback issuer: caching, rotation, outages, sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from faasguard.runtime.jwks import (
    JWKSUnavailable,
    KeySet,
    UnknownKey,
    discovery_url_for,
    fetch_json,
    parse_jwks,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def keyset(issuer: Any, clock: Clock, **kw: Any) -> KeySet:
    return KeySet(discovery_url=discovery_url_for(issuer.url), issuer=issuer.url,
                  ttl_s=600, min_refresh_s=30, max_stale_s=3600, clock=clock, **kw)


def test_keys_are_fetched_once_and_refetched_after_their_ttl(oidc_issuer) -> None:
    clock = Clock()
    keys = keyset(oidc_issuer, clock)
    for _ in range(20):
        assert keys.key_for("rsa-1", "RS256").kid == "rsa-1"
        assert keys.key_for("ec-1", "ES256").kty == "EC"
    assert oidc_issuer.requests["/jwks.json"] == 1
    assert oidc_issuer.requests["/.well-known/openid-configuration"] == 1
    clock.now += 600
    keys.key_for("rsa-1", "RS256")
    assert oidc_issuer.requests["/jwks.json"] == 2
    assert oidc_issuer.requests["/.well-known/openid-configuration"] == 1


def test_unknown_kid_refetches_at_most_once_per_interval(oidc_issuer) -> None:
    clock = Clock()
    keys = keyset(oidc_issuer, clock)
    keys.key_for("rsa-1", "RS256")
    new_kid = oidc_issuer.rotate()
    clock.now += 30
    assert keys.key_for(new_kid, "RS256").kid == new_kid  # rotation picked up before the TTL
    assert oidc_issuer.requests["/jwks.json"] == 2
    for _ in range(50):  # forged kids cannot make us hammer the issuer
        with pytest.raises(UnknownKey):
            keys.key_for("forged", "RS256")
    assert oidc_issuer.requests["/jwks.json"] == 2
    clock.now += 30
    with pytest.raises(UnknownKey):
        keys.key_for("forged", "RS256")
    assert oidc_issuer.requests["/jwks.json"] == 3


def test_stale_keys_serve_through_an_outage_then_expire(oidc_issuer) -> None:
    clock = Clock()
    keys = keyset(oidc_issuer, clock)
    keys.key_for("rsa-1", "RS256")
    oidc_issuer.status = 503
    clock.now += 700  # past the TTL: refresh fails, stale keys still verify
    assert keys.key_for("rsa-1", "RS256").kid == "rsa-1"
    clock.now += 3600  # past TTL + max_stale
    with pytest.raises(JWKSUnavailable):
        keys.key_for("rsa-1", "RS256")
    oidc_issuer.status = 200
    clock.now += 5
    assert keys.key_for("rsa-1", "RS256").kid == "rsa-1"


def test_a_down_issuer_is_not_asked_on_every_request(oidc_issuer) -> None:
    oidc_issuer.status = 500
    clock = Clock()
    keys = keyset(oidc_issuer, clock)
    for _ in range(10):
        with pytest.raises(JWKSUnavailable, match="500"):
            keys.key_for("rsa-1", "RS256")
    assert oidc_issuer.requests["/jwks.json"] == 1


def test_discovery_document_must_name_the_expected_issuer(oidc_issuer) -> None:
    keys = KeySet(discovery_url=discovery_url_for(oidc_issuer.url),
                  issuer="https://login.example.com/tenant")
    with pytest.raises(JWKSUnavailable, match="issuer"):
        keys.key_for("rsa-1", "RS256")


def test_bad_documents_are_unavailable_keys(oidc_issuer) -> None:
    oidc_issuer.raw["/not-json"] = (200, b"<html>login</html>")
    oidc_issuer.raw["/huge"] = (200, b"{" + b" " * 1_000_001 + b"}")
    oidc_issuer.raw["/no-jwks-uri/.well-known/openid-configuration"] = (200, b'{"issuer": "x"}')
    with pytest.raises(JWKSUnavailable, match="did not return JSON"):
        fetch_json(oidc_issuer.url + "/not-json", 2)
    with pytest.raises(JWKSUnavailable, match="more than"):
        fetch_json(oidc_issuer.url + "/huge", 2)
    with pytest.raises(JWKSUnavailable, match="404"):
        KeySet(jwks_url=oidc_issuer.url + "/missing.json").key_for("rsa-1", "RS256")
    with pytest.raises(JWKSUnavailable, match="no jwks_uri"):
        KeySet(discovery_url=discovery_url_for(oidc_issuer.url + "/no-jwks-uri")).key_for(
            "rsa-1", "RS256")


def test_keys_are_never_fetched_over_plain_http_from_other_hosts() -> None:
    with pytest.raises(JWKSUnavailable, match="refusing"):
        fetch_json("http://issuer.example.com/jwks.json", 0.5)
    with pytest.raises(JWKSUnavailable, match="refusing"):
        fetch_json("file:///etc/passwd", 0.5)


def test_jwks_file_and_inline_sources(oidc_issuer, tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(oidc_issuer.jwks()))
    assert KeySet(jwks_file=path).key_for("ec-1", "ES256").kid == "ec-1"
    assert KeySet(jwks=oidc_issuer.jwks()).key_for("rsa-1", "RS256").kid == "rsa-1"
    path.write_text("{not json")
    with pytest.raises(JWKSUnavailable, match="cannot read"):
        KeySet(jwks_file=path).key_for("ec-1", "ES256")
    with pytest.raises(ValueError):
        KeySet(jwks_file=path, jwks={"keys": []})


def test_parse_jwks_keeps_only_signature_keys(oidc_issuer) -> None:
    published = oidc_issuer.jwks()["keys"]
    document = {"keys": [
        published[0],
        {**published[1], "use": "enc"},
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
        {"kty": "XYZ", "kid": "odd"},
        "not a key",
    ]}
    assert list(parse_jwks(document)) == ["rsa-1"]
    with pytest.raises(JWKSUnavailable):
        parse_jwks({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})
    with pytest.raises(JWKSUnavailable):
        parse_jwks(["keys"])


def test_key_must_fit_the_token_algorithm(oidc_issuer) -> None:
    keys = KeySet(jwks=oidc_issuer.jwks())
    with pytest.raises(UnknownKey, match="RS256"):
        keys.key_for("rsa-1", "RS512")  # the JWK declares alg RS256
    with pytest.raises(UnknownKey):
        keys.key_for("ec-1", "RS256")
    single = KeySet(jwks={"keys": [{k: v for k, v in oidc_issuer.jwks()["keys"][0].items()
                                     if k not in ("kid", "alg")}]})
    assert single.key_for(None, "RS384").kty == "RSA"  # one key, no kid, no declared alg
