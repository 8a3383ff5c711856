"""The taint engine and the FG-INJ rules on small handlers written per test."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from faasguard.analysis.facts import Facts, Options
from faasguard.analysis.handlers import resolve
from faasguard.analysis.taint import Flow, analyse_taint
from faasguard.analysis.taint.table import CATEGORIES
from faasguard.findings import RULES, Finding
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    FunctionUrl,
    Location,
    Route,
    SourceFile,
    Trigger,
)
from faasguard.rules import injection  # noqa: F401


def analyse(tmp_path: Path, files: dict[str, str], trigger: str = "sqs",
            authorizer: str | None = None, taint: dict[str, Any] | None = None,
            handler: str = "app.handler") -> tuple[App, Facts, list[Finding]]:
    """Write `files`, declare one function on `handler` with one trigger, analyse, judge."""
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    app = App(root=str(tmp_path))
    app.files = [SourceFile(rel, "python") for rel in files if rel.endswith(".py")]
    where = Location("template.yaml", 3)
    function = Function("template.yaml#Fn", where, "sam", runtime="python3.12",
                        handler=handler, code_dir=".")
    if trigger == "url":
        function.url = FunctionUrl("NONE", Location("template.yaml", 9))
    elif trigger == "http":
        route = Route("api", "http", "POST", "/items", Location("template.yaml", 7),
                      function.id, authorizer=Authorizer(authorizer) if authorizer else None)
        app.routes.append(route)
        function.triggers.append(Trigger("http", function.id, route.location, route=route))
    elif trigger:
        function.triggers.append(Trigger(trigger, function.id, Location("template.yaml", 8)))  # type: ignore[arg-type]
    app.functions[function.id] = function
    facts = Facts(options=Options(extra={"taint": taint} if taint is not None else {}))
    resolve(app, facts)
    analyse_taint(app, facts)
    findings = [f for rid in sorted(CATEGORIES.values()) for f in RULES[rid].run(app, facts)]
    return app, facts, findings


def lines(findings: list[Finding]) -> set[tuple[str, int, str]]:
    return {(f.location.file, f.location.line, f.rule_id) for f in findings}


HTTP_SQL = """
    import sqlite3

    def handler(event, context):
        name = event["queryStringParameters"]["name"]
        sqlite3.connect("db").execute("SELECT * FROM t WHERE n = '" + name + "'")
"""


def test_public_route_raises_severity_and_authoriser_keeps_it(tmp_path: Path) -> None:
    _, facts, [public] = analyse(tmp_path, {"app.py": HTTP_SQL}, "http")
    assert public.rule_id == "FG-INJ-003" and public.severity == "critical"
    assert "public" in public.message and public.properties["public"] is True
    assert (Location("template.yaml", 7), "POST /items (no authoriser)") in public.related
    assert (Location("template.yaml", 3), "function Fn") in public.related
    [flow] = facts.flows["template.yaml#Fn"]
    assert isinstance(flow, Flow) and flow.public and flow.reachable
    _, _, [guarded] = analyse(tmp_path, {"app.py": HTTP_SQL}, "http", authorizer="jwt")
    assert guarded.severity == "high" and guarded.properties["public"] is False


def test_api_default_authoriser_and_private_api_are_not_public(tmp_path: Path) -> None:
    app, facts, _ = analyse(tmp_path, {"app.py": HTTP_SQL}, "http")
    app.apis["api"] = Api("api", "http", Location("template.yaml", 1),
                          default_authorizer=Authorizer("jwt"))
    facts.flows.clear()
    analyse_taint(app, facts)
    [flow] = facts.flows["template.yaml#Fn"]
    assert not flow.public and "(authoriser: jwt)" in flow.triggers[0][1]
    app.apis["api"] = Api("api", "rest", Location("template.yaml", 1),
                          endpoint_type="PRIVATE")
    facts.flows.clear()
    analyse_taint(app, facts)
    [flow] = facts.flows["template.yaml#Fn"]
    assert not flow.public


def test_function_url_without_auth_is_public(tmp_path: Path) -> None:
    _, _, [finding] = analyse(tmp_path, {"app.py": HTTP_SQL}, "url")
    assert finding.severity == "critical"
    assert (Location("template.yaml", 9), "function URL (AuthType NONE)") in finding.related


def test_schedule_lowers_severity(tmp_path: Path) -> None:
    source = """
        import os

        def handler(event, context):
            os.system("run " + event["detail"]["job"])
    """
    _, _, [finding] = analyse(tmp_path, {"app.py": source}, "schedule")
    assert finding.severity == "high" and not finding.properties["attacker_controlled"]
    _, _, [finding] = analyse(tmp_path, {"app.py": source}, "eventbridge")
    assert finding.severity == "critical" and "EventBridge event detail" in finding.message


def test_flow_steps_run_from_source_to_sink_across_modules(tmp_path: Path) -> None:
    files = {
        "app.py": """
            from services.files import store

            def handler(event, context):
                for record in event["Records"]:
                    store(record["body"])
        """,
        "services/__init__.py": "",
        "services/files.py": """
            from .paths import target

            def store(name):
                path = target(name)
                with open(path, "w") as handle:
                    handle.write("x")
        """,
        "services/paths.py": """
            def target(name):
                return "/tmp/" + name
        """,
    }
    _, _, [finding] = analyse(tmp_path, files)
    assert (finding.location.file, finding.location.line) == ("services/files.py", 6)
    steps = [(s.location.file, s.location.line, s.message) for s in finding.flow]
    assert steps[0][:2] == ("app.py", 6) and "SQS message body" in steps[0][2]
    assert ("app.py", 6, "passed to store() as 'name'") in steps
    assert ("services/files.py", 5, "returned from target()") in steps
    assert steps[-1] == ("services/files.py", 6, "reaches open (path)")
    assert finding.confidence == "high"


def test_unreached_code_is_reported_with_low_confidence(tmp_path: Path) -> None:
    files = {
        "app.py": "def handler(event, context):\n    return 1\n",
        "tools/worker.py": """
            import subprocess

            class Worker:
                def handle(self, message):
                    subprocess.run(message["cmd"], shell=True)

            def helper(name):
                subprocess.run(name, shell=True)
        """,
    }
    _, facts, [finding] = analyse(tmp_path, files)
    assert finding.confidence == "low" and finding.severity == "high"
    assert finding.location == Location("tools/worker.py", 6)
    assert "parameter 'message'" in finding.message and "Worker.handle()" in finding.message
    assert facts.flows["template.yaml#Fn"] == []  # analysed, nothing found
    assert [k for k, v in facts.flows.items() if v] == ["code:tools/worker.py:Worker.handle"]


def test_code_reached_from_a_handler_is_not_reported_twice(tmp_path: Path) -> None:
    files = {
        "app.py": """
            from lib import run

            def handler(event, context):
                run(event["Records"][0]["body"])
        """,
        "lib.py": """
            import os

            def run(payload):
                os.system(payload)
        """,
    }
    _, _, findings = analyse(tmp_path, files)
    assert [(f.location.file, f.confidence) for f in findings] == [("lib.py", "high")]


def test_user_declared_sources_sinks_and_sanitisers(tmp_path: Path) -> None:
    files = {
        "app.py": """
            import company.shell
            from company import clean, context, escape_sql

            def handler(event, context_):
                cmd = event["Records"][0]["body"]
                company.shell.run(cmd)
                company.shell.run(clean(cmd))
                db.execute("SELECT " + escape_sql(cmd))
                import os
                os.system(escape_sql(cmd))
                os.system(context.tenant())
        """,
    }
    taint = {
        "sinks": [{"category": "command", "calls": ["company.shell.run"], "args": [0]}],
        "sanitisers": ["company.clean",
                       {"call": "company.escape_sql", "categories": ["sql"]}],
        "sources": [{"call": "company.context.tenant", "label": "tenant header"}],
    }
    _, _, findings = analyse(tmp_path, files, taint=taint)
    assert lines(findings) == {("app.py", 7, "FG-INJ-001"), ("app.py", 11, "FG-INJ-001"),
                               ("app.py", 12, "FG-INJ-001")}
    assert any("tenant header" in f.message for f in findings)


def test_malformed_taint_config_is_a_diagnostic_and_defaults_apply(tmp_path: Path) -> None:
    app, _, findings = analyse(tmp_path, {"app.py": HTTP_SQL}, "http",
                               taint={"sinks": [{"category": "telepathy", "calls": ["x"]}]})
    [diag] = [d for d in app.diagnostics if d.code == "config"]
    assert "telepathy" in diag.message
    assert lines(findings) == {("app.py", 6, "FG-INJ-003")}
    app, _, _ = analyse(tmp_path, {"app.py": HTTP_SQL}, "http", taint={"sink": []})
    assert any("unknown key" in d.message for d in app.diagnostics if d.code == "config")


def test_recursion_deep_nesting_and_no_execution(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    deep = " + ".join(["name"] * 1500)
    files = {
        "app.py": f"""
            import os
            open({str(marker)!r}, "w").close()

            def walk(value, depth):
                if depth:
                    return walk(value, depth - 1)
                return value

            def handler(event, context):
                name = event["Records"][0]["body"]
                os.system(walk(name, 3))
        """,
        "deep.py": f"def process(payload):\n    name = payload\n    x = {deep}\n    eval(x)\n",
    }
    app, _, findings = analyse(tmp_path, files)
    assert not marker.exists()
    assert lines(findings) == {("app.py", 12, "FG-INJ-001")}
    [diag] = [d for d in app.diagnostics if d.code == "taint"]
    assert diag.file == "deep.py" and diag.level == "warning"


def test_language_features(tmp_path: Path) -> None:
    source = """
        import json
        import os
        import subprocess as sp
        from dataclasses import dataclass

        @dataclass
        class Job:
            path: str

        class Base:
            def run(self, value):
                os.remove(value)  # 13

        class Child(Base):
            pass

        def parse(**kwargs):
            return kwargs["raw"]

        def handler(event, context):
            body = json.loads(event["body"])
            job = Job(body["path"])
            open(job.path)  # 24
            Child().run(body["file"])
            data = parse(raw=body["cmd"])
            sp.check_output(data, shell=True)  # 27
            items = [x.strip() for x in body["items"]]
            sp.call(" ".join(items), shell=True)  # 29
            first, second = body["pair"]
            eval(second)  # 31
            try:
                value = body["v"]
            except KeyError:
                value = "default"
            exec(value)  # 36
            match body["kind"]:
                case "a":
                    exec("print(1)")
            text = "%s" % body["t"]
            os.popen(text)  # 41
            safe = len(body["t"])
            os.popen(f"ls {safe}")
    """
    _, _, findings = analyse(tmp_path, {"app.py": source}, "http")
    assert lines(findings) == {
        ("app.py", 13, "FG-INJ-005"), ("app.py", 24, "FG-INJ-005"),
        ("app.py", 27, "FG-INJ-001"), ("app.py", 29, "FG-INJ-001"),
        ("app.py", 31, "FG-INJ-002"), ("app.py", 36, "FG-INJ-002"),
        ("app.py", 41, "FG-INJ-001"),
    }


def test_relative_imports_and_import_cycles(tmp_path: Path) -> None:
    # the scanned folder is a package's own folder (as when scanning a library): the
    # relative import `..conn` means the root's conn.py, not http2/conn.py itself
    files = {
        "app.py": "def handler(event, context):\n    return None\n",
        "__init__.py": "from . import conn\nfrom .conn import run\n",
        "conn.py": """
            import os
            from . import conn, run as again

            def run(command):
                os.system(command)
        """,
        "http2/__init__.py": "",
        "http2/conn.py": """
            from ..conn import run
            from . import conn as itself

            def handle(message):
                itself.handle
                run(message)
        """,
    }
    app, _, findings = analyse(tmp_path, files)
    assert lines(findings) == {("conn.py", 6, "FG-INJ-001")}
    [finding] = findings
    assert finding.confidence == "low" and "parameter 'message'" in finding.message
    assert not [d for d in app.diagnostics if d.code in ("taint", "internal")]


SESSION_HANDLER = """
    def handler(event, context):
        {setup}
        session.get(event["detail"]["url"], timeout=5)  # line {line}
"""


def _session_findings(tmp_path: Path, top: str, setup: str = "pass") -> set[tuple[str, int, str]]:
    """The findings of a module whose top level is `top` and whose handler runs `setup`,
    then reads a URL from the event with `session.get` (a sink only on an HTTP client)."""
    source = textwrap.dedent(top) + textwrap.dedent(SESSION_HANDLER.format(setup=setup, line=0))
    _, _, findings = analyse(tmp_path, {"app.py": source}, "eventbridge")
    return lines(findings)


def test_module_level_session_is_an_http_client(tmp_path: Path) -> None:
    top = """
        import requests

        session = requests.Session()
    """
    assert {rule for _, _, rule in _session_findings(tmp_path, top)} == {"FG-INJ-007"}


def test_module_level_session_rebound_to_a_constant_is_not_a_client(tmp_path: Path) -> None:
    # the last top-level binding is what the handler sees: `session` is None by then
    top = """
        import requests

        session = requests.Session()
        session = None
    """
    assert _session_findings(tmp_path, top) == set()


def test_session_made_through_global_in_a_function_is_a_client(tmp_path: Path) -> None:
    top = """
        import requests

        session = None


        def connect():
            global session
            if session is None:
                session = requests.Session()
    """
    assert {rule for _, _, rule in _session_findings(tmp_path, top, "connect()")} == \
        {"FG-INJ-007"}


def test_session_bound_locally_in_a_function_leaves_the_module_name_alone(
        tmp_path: Path) -> None:
    # without `global`, the function's `session` is its own local variable (and a nested
    # function's `global` speaks for that function only)
    top = """
        import requests

        session = None


        def connect():
            session = requests.Session()
            return session


        def outer():
            def inner():
                global session
                session = None
            session = requests.Session()
            return inner, session
    """
    assert _session_findings(tmp_path, top, "connect()") == set()
