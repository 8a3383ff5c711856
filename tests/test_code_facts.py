"""Code facts (analysis.code_facts): secrets, TLS off, plain HTTP, sensitive logging."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from faasguard.analysis import code_facts
from faasguard.analysis.code_facts import FileFacts, analyse, analyse_source
from faasguard.analysis.facts import Facts
from faasguard.analysis.taint.modules import module_cache
from faasguard.model import (
    App,
    EnvVar,
    Function,
    Location,
    Route,
    SourceFile,
    Trigger,
    TriggerKind,
)
from faasguard.scan import scan_paths
from tests.compiled_support import pure_only

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


# ---------------------------------------------------------------- whole events in the logs
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "code_facts"
_MARK = re.compile(r"# fact: ([a-z-]+)(?: \((http|env)\))?")


def _marked(name: str, *modes: str) -> set[tuple[int, str]]:
    """The facts a fixture marks on its lines: unconditional ones, and those of `modes`."""
    found = set()
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        mark = _MARK.search(line)
        if mark and (mark.group(2) is None or mark.group(2) in modes):
            found.add((number, mark.group(1)))
    return found


def _fixture_facts(name: str, trigger: TriggerKind = "http",
                   env: dict[str, Any] | None = None) -> FileFacts:
    """The facts of a fixture file as the handler file of one function."""
    where = Location("template.yaml", 1)
    function = Function("template.yaml#Fn", where, "sam", source_file=name,
                        handler_name="handler")
    function.triggers.append(Trigger(trigger, function.id, where))
    function.environment = {key: EnvVar(key, value, where) for key, value in (env or {}).items()}
    app = App(root=str(FIXTURES), functions={function.id: function})
    facts = Facts()
    analyse(app, facts)
    result = facts.code[name]
    assert isinstance(result, FileFacts)
    return result


def _lines(facts: FileFacts) -> set[tuple[int, str]]:
    return {(fact.line, fact.kind) for fact in facts.facts}


def test_whole_event_logged_by_an_http_handler_in_every_form() -> None:
    expected = _marked("logging_positive.py", "http")
    assert len(expected - _marked("logging_positive.py")) == 11
    assert _lines(_fixture_facts("logging_positive.py")) == expected


def test_whole_event_is_not_reported_outside_http_handlers() -> None:
    triggers: tuple[TriggerKind, ...] = ("sqs", "schedule")
    for trigger in triggers:
        assert _lines(_fixture_facts("logging_positive.py", trigger)) == \
            _marked("logging_positive.py")


@pytest.mark.parametrize(("route", "reported"), [
    ("$connect", True), ("$disconnect", True), ("$default", False), ("sendmessage", False),
    (None, False)])
def test_websocket_events_carry_headers_only_on_connection_routes(route: str | None,
                                                                   reported: bool) -> None:
    """A websocket message route's event (`$default`, `sendmessage`; Chalice's
    `on_ws_message`, no route) holds the request context and the body, not the caller's
    headers: logging it whole logs no Authorization header."""
    where = Location("template.yaml", 1)
    function = Function("template.yaml#Ws", where, "sam", source_file="logging_positive.py",
                        handler_name="handler")
    socket = Route("Api", "websocket", route, route, where, function.id) \
        if route is not None else None
    function.triggers.append(Trigger("websocket", function.id, where, route=socket))
    app = App(root=str(FIXTURES), functions={function.id: function})
    facts = Facts()
    analyse(app, facts)
    found = facts.code["logging_positive.py"]
    assert isinstance(found, FileFacts)
    want = _marked("logging_positive.py", "http") if reported else \
        _marked("logging_positive.py")
    assert _lines(found) == want


def test_fields_sizes_and_calls_of_the_event_are_not_whole_event_logs() -> None:
    assert _fixture_facts("logging_negative.py").facts == []


def test_whole_event_details_name_the_event_and_the_log_call() -> None:
    by_line = {f.line: f for f in _fixture_facts("logging_positive.py").facts}
    assert (by_line[13].detail, by_line[13].key) == (
        "the whole event, Authorization header included, logged by "
        "inject_lambda_context(log_event=True)", "log_event")
    assert (by_line[15].detail, by_line[15].key) == (
        "the whole request, Authorization header included, written to the log by print()",
        "print:request")  # the handler's own name for its event
    assert by_line[29].key == "logger.info:event"


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes", True])
def test_powertools_log_event_setting_makes_the_decorator_log_the_event(value: Any) -> None:
    facts = _fixture_facts("log_event_env.py", env={"POWERTOOLS_LOGGER_LOG_EVENT": value})
    assert _lines(facts) == _marked("log_event_env.py", "env")
    assert {f.detail for f in facts.facts} == {
        "the whole event, Authorization header included, logged by inject_lambda_context "
        "(POWERTOOLS_LOGGER_LOG_EVENT=true)"}


@pytest.mark.parametrize("env", [{}, {"POWERTOOLS_LOGGER_LOG_EVENT": "false"},
                                 {"POWERTOOLS_LOGGER_LOG_EVENT": False},
                                 {"OTHER": "true"}])
def test_decorator_without_the_setting_logs_no_event(env: dict[str, Any]) -> None:
    assert _fixture_facts("log_event_env.py", env=env).facts == []


def test_setting_outside_http_handlers_is_not_reported() -> None:
    facts = _fixture_facts("log_event_env.py", "sqs", {"POWERTOOLS_LOGGER_LOG_EVENT": "true"})
    assert facts.facts == []


@pure_only("counts calls through a replaced code_facts.facts_of_tree")
def test_whole_event_log_is_a_sensitive_logging_finding(tmp_path: Path,
                                                        monkeypatch: Any) -> None:
    (tmp_path / "template.yaml").write_text(dedent('''\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: .
              Events:
                Get:
                  Type: HttpApi
                  Properties: {Path: /orders, Method: GET}
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: worker.handler
              CodeUri: .
              Events:
                Queue:
                  Type: SQS
                  Properties: {Queue: arn:aws:sqs:eu-west-1:123456789012:jobs}
    '''))
    (tmp_path / "app.py").write_text("def handler(event, context):\n    print(event)\n")
    (tmp_path / "worker.py").write_text("def handler(event, context):\n    print(event)\n")
    taken: list[str] = []
    original = code_facts.facts_of_tree

    def counted(path: str, *args: Any) -> FileFacts:
        taken.append(path)
        return original(path, *args)

    monkeypatch.setattr(code_facts, "facts_of_tree", counted)
    result = scan_paths([str(tmp_path)])
    found = [(f.location.file, f.location.line) for f in result.findings
             if f.rule_id == "FG-DATA-011"]
    assert found == [("app.py", 2)]
    assert sorted(taken) == ["app.py", "worker.py"]  # once each, during handler resolution


def _shared_file_app(tmp_path: Path) -> App:
    """Two functions with their handlers in one file: a queue worker, then an HTTP one."""
    (tmp_path / "app.py").write_text(dedent('''\
        def worker(event, context):
            print(event)

        def api(request, context):
            print(request)
    '''))
    where = Location("template.yaml", 1)
    app = App(root=str(tmp_path))
    kinds: tuple[tuple[str, TriggerKind], ...] = (("worker", "sqs"), ("api", "http"))
    for name, trigger in kinds:
        function = Function(f"template.yaml#{name}", where, "sam", source_file="app.py",
                            handler_name=name)
        function.triggers.append(Trigger(trigger, function.id, where))
        app.functions[function.id] = function
    return app


def test_facts_taken_per_handler_are_taken_again_when_a_later_function_is_http(
        tmp_path: Path) -> None:
    from faasguard.analysis.code_facts import analyse_handler, analyse_python

    app = _shared_file_app(tmp_path)
    facts = Facts()
    module_cache(app, facts).get("app.py")  # held, as handler resolution holds it
    worker, api = app.functions.values()
    analyse_handler(app, facts, worker)  # taken as a queue worker's file: no event fact
    assert facts.code["app.py"].facts == []
    analyse_handler(app, facts, api)
    analyse_python(app, facts)
    assert [(f.line, f.key) for f in facts.code["app.py"].facts] == [
        (2, "print:event"), (5, "print:request")]


def test_facts_taken_per_handler_as_the_final_entry_are_kept(tmp_path: Path) -> None:
    from faasguard.analysis.code_facts import analyse_handler, analyse_python

    app = _shared_file_app(tmp_path)
    worker, api = app.functions.values()
    app.functions = {api.id: api, worker.id: worker}  # the HTTP function comes first
    facts = Facts()
    module_cache(app, facts).get("app.py")
    for function in app.functions.values():
        analyse_handler(app, facts, function)
    taken = facts.code["app.py"]
    analyse_python(app, facts)
    assert facts.code["app.py"] is taken
    assert [f.line for f in taken.facts] == [2, 5]  # `event` is an event name in the file
