"""Shared fixtures of the runtime tests: a real redis-server, a loopback JWKS server.

The Redis fixtures start ``redis-server`` on a free loopback port with persistence off and
stop it at the end; they fail with a clear message when redis-server is not installed
(``bash scripts/test.sh`` installs it).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server subprocess on 127.0.0.1 that a test can stop and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "redis-server is not installed: the runtime tests need a real Redis server "
                "(run `bash scripts/test.sh`, which installs it, or `apt-get install redis-server`)"
            )
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        pytest.fail(f"redis-server did not answer PING on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the whole session; tests use their own key namespaces."""
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis_server() -> Iterator[RedisServer]:
    """A redis-server for one test alone (for tests that stop and restart it)."""
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


class LoopbackIssuer:
    """An OIDC issuer on 127.0.0.1: a discovery document and a JWKS over real HTTP.

    Keys are generated here with cryptography: ``rsa`` (kid "rsa-1") and ``ec`` (kid
    "ec-1") are published; ``rotate()`` publishes a new RSA key. ``status`` makes the JWKS
    endpoint answer with an error; ``raw`` serves chosen bytes on chosen paths;
    ``requests`` counts the hits per path.
    """

    def __init__(self, rsa_key: Any, ec_key: Any) -> None:
        self.rsa, self.ec = rsa_key, ec_key
        self.keys: dict[str, Any] = {"rsa-1": rsa_key, "ec-1": ec_key}
        self.status = 200
        self.requests: dict[str, int] = {}
        self.raw: dict[str, tuple[int, bytes]] = {}  # path -> (status, body) served as is
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                issuer.requests[self.path] = issuer.requests.get(self.path, 0) + 1
                if self.path in issuer.raw:
                    status, data = issuer.raw[self.path]
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if self.path == "/.well-known/openid-configuration":
                    body: Any = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks.json",
                                 "id_token_signing_alg_values_supported": ["RS256", "ES256"]}
                    status = 200
                elif self.path == "/jwks.json":
                    body, status = issuer.jwks(), issuer.status
                else:
                    body, status = {"error": "not found"}, 404
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def jwks(self) -> dict[str, Any]:
        from jwt.algorithms import ECAlgorithm, RSAAlgorithm

        keys = []
        for kid, private in self.keys.items():
            to_jwk = RSAAlgorithm.to_jwk if kid.startswith("rsa") else ECAlgorithm.to_jwk
            jwk = to_jwk(private.public_key(), as_dict=True)
            jwk.update(kid=kid, use="sig", alg="RS256" if kid.startswith("rsa") else "ES256")
            keys.append(jwk)
        return {"keys": keys}

    def rotate(self) -> str:
        """Publish a new RSA key and return its kid."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        kid = f"rsa-{len(self.keys) + 1}"
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return kid

    def token(self, claims: dict[str, Any] | None = None, kid: str = "rsa-1",
              alg: str | None = None, **overrides: Any) -> str:
        """A token signed by this issuer, valid for 5 minutes unless the claims say otherwise."""
        import jwt

        now = int(time.time())
        payload = {"iss": self.url, "sub": "user-1", "aud": "my-api", "iat": now,
                   "exp": now + 300, **(claims or {}), **overrides}
        alg = alg or ("RS256" if kid.startswith("rsa") else "ES256")
        return jwt.encode(payload, self.keys[kid], algorithm=alg, headers={"kid": kid})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def issuer_keys() -> tuple[Any, Any]:
    """An RSA and an EC P-256 private key, generated once per session."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    return (rsa.generate_private_key(public_exponent=65537, key_size=2048),
            ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture
def oidc_issuer(issuer_keys: tuple[Any, Any]) -> Iterator[LoopbackIssuer]:
    """A loopback OIDC issuer serving this session's keys, fresh for each test."""
    issuer = LoopbackIssuer(*issuer_keys)
    yield issuer
    issuer.close()
