"""Code facts (analysis.code_facts): secrets, TLS off, plain HTTP, sensitive logging."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from faasguard.analysis.code_facts import FileFacts, analyse, analyse_source
from faasguard.analysis.facts import Facts
from faasguard.model import App, Function, Location, SourceFile

STRIPE = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"


def facts_of(source: str) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for fact in analyse_source("h.py", dedent(source)).facts:
        found.setdefault(fact.kind, []).append((fact.line, fact.key))
    return found


def test_secrets_by_name_and_by_format() -> None:
    found = facts_of(f'''
        import os
        DB_PASSWORD = "hunter2-prod"
        API_KEY = os.environ["API_KEY"]
        config = {{"client_secret": "abc123xyz"}}
        STRIPE = "{STRIPE}"
        connect(host="db", password="s3cret!")
        token_count: int = 3
        MESSAGE = "please enter your password"
    ''')
    assert [line for line, _ in found["secret"]] == [3, 5, 6, 7]


def test_tls_verification_off_in_every_form() -> None:
    found = facts_of('''
        import requests, httpx, ssl, urllib3, boto3
        requests.get("https://x.example", verify=False)
        httpx.Client(verify=False)
        urllib3.PoolManager(cert_reqs="CERT_NONE")
        urllib3.PoolManager(cert_reqs=ssl.CERT_NONE)
        ctx = ssl._create_unverified_context()
        ssl._create_default_https_context = ssl._create_unverified_context
        c = ssl.create_default_context(); c.check_hostname = False
        c.verify_mode = ssl.CERT_NONE
        s = requests.Session(); s.verify = False
        boto3.client("s3", verify=False)
        aiohttp.TCPConnector(ssl=False)
        session.get(url, verify_ssl=False)
        pymongo.MongoClient(uri, tlsAllowInvalidCertificates=True)
    ''')
    assert sorted({line for line, _ in found["tls-off"]}) == list(range(3, 16))


def test_tls_verification_on_is_not_reported() -> None:
    found = facts_of('''
        import requests, ssl
        requests.get("https://x.example", verify=True, timeout=5)
        requests.get("https://x.example", verify="/opt/ca.pem")
        ctx = ssl.create_default_context()
        ctx.verify_mode = ssl.CERT_REQUIRED
        aiohttp.TCPConnector(ssl=ctx)
        pymongo.MongoClient(uri, tls=True, tlsAllowInvalidCertificates=False)
    ''')
    assert "tls-off" not in found


def test_plain_http_endpoints_but_not_namespaces_or_loopback() -> None:
    found = facts_of('''
        import requests
        PARTNER = "http://api.partner.example.net/v1"
        requests.post("http://pay.partner.example.net/charge", json={})
        requests.get(f"http://inventory.partner.example.net/items/{1}")
        XSD = "http://www.w3.org/2001/XMLSchema"
        requests.get("http://localhost:8080/health")
        requests.get("http://127.0.0.1:2773/secretsmanager/get")
        requests.get("https://api.partner.example.net/v1")
    ''')
    assert [line for line, _ in found["http-url"]] == [3, 4, 5]


def test_sensitive_fields_written_to_logs() -> None:
    found = facts_of('''
        import logging
        from aws_lambda_powertools import Logger
        logger = Logger()
        log = logging.getLogger(__name__)
        def handler(event, context):
            body = event["body"]
            logger.info("login", extra={"user": body["user"]})
            log.debug("password was %s", body["password"])
            print(f"charging card {body.get('card_number')}")
            logger.info("token: %s", token)
            logging.info(event["headers"]["Authorization"])
            logger.info("tokens issued: %d", token_count)
            logger.info("password policy checked", password_policy="strict")
            log.info("user %s", body["user_id"])
    ''')
    assert [line for line, _ in found["sensitive-log"]] == [9, 10, 11, 12]


def test_broken_and_binary_files_become_notes_and_the_rest_is_analysed(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text('requests.get("http://api.partner.example.net")\n')
    (tmp_path / "py2.py").write_text('print "hello"\n')
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "handler.py").write_text("def handler(:\n")
    app = App(root=str(tmp_path))
    app.files = [SourceFile(name, "python") for name in ("ok.py", "py2.py", "blob.py")]
    app.functions["t#Fn"] = Function("t#Fn", Location("t", 1), "sam", source_file="handler.py")
    facts = Facts()
    analyse(app, facts)
    assert isinstance(facts.code["ok.py"], FileFacts)
    assert [f.kind for f in facts.code["ok.py"].facts] == ["http-url"]
    noted = {d.file for d in app.diagnostics}
    assert noted == {"py2.py", "blob.py"}  # handler files are reported by handler resolution
    assert all(d.level == "note" and d.code == "code" for d in app.diagnostics)
    assert "handler.py" not in facts.code
