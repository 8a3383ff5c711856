"""The taint fixture suite: precision and recall of the injection rules over tests/fixtures/taint.

Every `# expect: FG-INJ-00N` marker is one expected finding at that line; any other
finding is a false positive. The suite fails below 0.95 precision or 0.95 recall.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.analysis.taint import analyse_taint
from faasguard.analysis.taint.table import CATEGORIES
from faasguard.findings import RULES, Finding
from faasguard.model import (
    App,
    Authorizer,
    Function,
    FunctionUrl,
    Location,
    Route,
    SourceFile,
    Trigger,
    qualify,
)
from faasguard.rules import injection  # noqa: F401  (registers FG-INJ-*)

SUITE = Path(__file__).resolve().parent / "fixtures" / "taint"
_EXPECT = re.compile(r"#\s*expect:\s*(FG-INJ-\d{3}(?:\s*,\s*FG-INJ-\d{3})*)")
_HEADER = re.compile(r"^#\s*(trigger|auth):\s*([\w-]+)\s*$")
TEMPLATE = "template.yaml"
HTTP_KINDS = {"http", "alb", "websocket"}


def suite_files(root: Path = SUITE) -> list[Path]:
    """The suite's Python files (apps/ holds whole applications for the pipeline tests)."""
    return [p for p in sorted(root.rglob("*.py")) if p.relative_to(root).parts[0] != "apps"]


def headers(path: Path) -> dict[str, str]:
    """The `# trigger:` / `# auth:` header comments of a fixture."""
    found = {}
    for line in path.read_text().splitlines()[:3]:
        match = _HEADER.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def build_app(root: Path = SUITE) -> App:
    """An App with one Python function per fixture that declares a trigger."""
    app = App(root=str(root))
    for line, path in enumerate(suite_files(root), 1):
        rel = path.relative_to(root).as_posix()
        app.files.append(SourceFile(rel, "python"))
        head = headers(path)
        kind = head.get("trigger")
        if kind is None:
            continue
        stem = path.stem
        fid = qualify(TEMPLATE, stem)
        where = Location(TEMPLATE, line)
        function = Function(fid, where, "sam", runtime="python3.12", handler=f"{stem}.handler",
                            code_dir=".")
        if kind == "url":
            function.url = FunctionUrl("NONE", where)
        elif kind in HTTP_KINDS:
            auth = head.get("auth")
            authorizer = Authorizer(auth) if auth else None
            route = Route("api", "http", "GET", f"/{stem}", where, fid, authorizer=authorizer)
            app.routes.append(route)
            function.triggers.append(Trigger(kind, fid, where, route=route))  # type: ignore[arg-type]
        else:
            function.triggers.append(Trigger(kind, fid, where))  # type: ignore[arg-type]
        app.functions[fid] = function
    return app


def injection_findings(app: App, facts: Facts) -> list[Finding]:
    """The findings of the FG-INJ rules only."""
    return [f for rule_id in sorted(CATEGORIES.values()) for f in RULES[rule_id].run(app, facts)]


def run_suite(root: Path = SUITE) -> tuple[App, Facts, list[Finding]]:
    """Resolve handlers, run the taint analysis and the injection rules over a folder."""
    app = build_app(root)
    facts = Facts()
    resolve(app, facts)
    analyse_taint(app, facts)
    return app, facts, injection_findings(app, facts)


def expected(root: Path = SUITE) -> set[tuple[str, int, str]]:
    """(file, line, rule id) of every marker in the suite."""
    out = set()
    for path in suite_files(root):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = _EXPECT.search(line)
            if match:
                for rule_id in match.group(1).split(","):
                    out.add((path.relative_to(root).as_posix(), number, rule_id.strip()))
    return out


def precision_recall(got: set[tuple[str, int, str]],
                     want: set[tuple[str, int, str]]) -> tuple[float, float]:
    """Precision and recall of `got` against `want` (1.0 when a side is empty)."""
    true_positive = len(got & want)
    precision = true_positive / len(got) if got else 1.0
    recall = true_positive / len(want) if want else 1.0
    return precision, recall


@pytest.fixture(scope="module")
def suite() -> tuple[App, Facts, list[Finding]]:
    return run_suite()


def test_suite_is_large_and_covers_every_category_and_source() -> None:
    handlers = [p for p in SUITE.glob("*.py") if "trigger" in headers(p)]
    assert len(handlers) >= 60
    rules = {rule_id for _, _, rule_id in expected()}
    assert rules == set(CATEGORIES.values())
    kinds = {headers(p)["trigger"] for p in handlers}
    assert {"http", "url", "alb", "s3", "sqs", "sns", "dynamodb-stream", "kinesis-stream",
            "eventbridge", "cognito", "iot", "schedule"} <= kinds
    # every category has at least one safe twin: a handler of that sink kind with no marker
    safe = [p for p in handlers if "# expect:" not in p.read_text()]
    assert len(safe) >= 25


def test_precision_and_recall(suite: tuple[App, Facts, list[Finding]]) -> None:
    app, _, findings = suite
    errors = [d for d in app.diagnostics if d.level == "error"]
    assert not errors, errors
    got = {(f.location.file, f.location.line, f.rule_id) for f in findings}
    want = expected()
    precision, recall = precision_recall(got, want)
    print(f"\ntaint suite: {len(want)} expected flows, {len(got)} reported; "
          f"precision {precision:.3f}, recall {recall:.3f}")
    missed = sorted(want - got)
    extra = sorted(got - want)
    assert precision >= 0.95, f"false positives: {extra}"
    assert recall >= 0.95, f"missed: {missed}"


def test_one_finding_per_flow(suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    keys = [(f.location.file, f.location.line, f.rule_id, f.properties["source_path"])
            for f in findings]
    assert len(keys) == len(set(keys))
    assert len({f.fingerprint for f in findings}) == len(findings)
