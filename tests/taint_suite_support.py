"""The harness the taint fixture suites share (test_taint_suite.py, test_js_suite.py; not a
test module itself): `// expect:` / `# expect:` markers, one function per fixture that
declares a trigger, the FG-INJ findings and their precision and recall."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from faasguard import model
from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.analysis.taint.table import CATEGORIES
from faasguard.findings import RULES, Finding
from faasguard.rules import injection  # noqa: F401  (registers FG-INJ-*)

HTTP_KINDS = {"http", "alb", "websocket"}
Flows = set[tuple[str, int, str]]


def headers(path: Path, pattern: re.Pattern[str], lines: int) -> dict[str, str]:
    """The header comments `pattern` matches in the first `lines` lines of a fixture."""
    found = {}
    for line in path.read_text().splitlines()[:lines]:
        match = pattern.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def build_app(root: Path, files: Iterable[Path], language: Callable[[Path], str],
              head_of: Callable[[Path], dict[str, str]], template: str, framework: str,
              runtime: str) -> model.App:
    """An App with one function per fixture that declares a trigger (its `handler` header,
    when it has one, names the handler; `handler` otherwise)."""
    app = model.App(root=str(root))
    for number, path in enumerate(files, 1):
        rel = path.relative_to(root).as_posix()
        app.files.append(model.SourceFile(rel, language(path)))  # type: ignore[arg-type]
        head = head_of(path)
        kind = head.get("trigger")
        if kind is None:
            continue
        stem = path.stem
        fid = model.qualify(template, stem)
        where = model.Location(template, number)
        function = model.Function(fid, where, framework, runtime=runtime,  # type: ignore[arg-type]
                                  handler=f"{stem}.{head.get('handler', 'handler')}",
                                  code_dir=".")
        if kind == "url":
            function.url = model.FunctionUrl("NONE", where)
        elif kind in HTTP_KINDS:
            auth = head.get("auth")
            authorizer = model.Authorizer(auth) if auth else None
            route = model.Route("api", "http", "GET", f"/{stem}", where, fid,
                                authorizer=authorizer)
            app.routes.append(route)
            function.triggers.append(
                model.Trigger(kind, fid, where, route=route))  # type: ignore[arg-type]
        else:
            function.triggers.append(model.Trigger(kind, fid, where))  # type: ignore[arg-type]
        app.functions[fid] = function
    return app


def injection_findings(app: model.App, facts: Facts) -> list[Finding]:
    """The findings of the FG-INJ rules only."""
    return [f for rule_id in sorted(CATEGORIES.values()) for f in RULES[rule_id].run(app, facts)]


def analyse_suite(app: model.App, analysis: Callable[[model.App, Facts], None]
                  ) -> tuple[model.App, Facts, list[Finding]]:
    """Resolve handlers, run `analysis` and the injection rules over `app`."""
    facts = Facts()
    resolve(app, facts)
    analysis(app, facts)
    return app, facts, injection_findings(app, facts)


def expected_flows(root: Path, files: Iterable[Path], pattern: re.Pattern[str]) -> Flows:
    """(file, line, rule id) of every marker `pattern` finds in `files`."""
    out = set()
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = pattern.search(line)
            if match:
                for rule_id in match.group(1).split(","):
                    out.add((path.relative_to(root).as_posix(), number, rule_id.strip()))
    return out


def precision_recall(got: Flows, want: Flows) -> tuple[float, float]:
    """Precision and recall of `got` against `want` (1.0 when a side is empty)."""
    true_positive = len(got & want)
    precision = true_positive / len(got) if got else 1.0
    recall = true_positive / len(want) if want else 1.0
    return precision, recall


def scored(label: str, findings: list[Finding], want: Flows) -> tuple[Flows, float, float]:
    """The flows reported, their precision and recall against `want`; prints them."""
    got = {(f.location.file, f.location.line, f.rule_id) for f in findings}
    precision, recall = precision_recall(got, want)
    print(f"\n{label}: {len(want)} expected flows, {len(got)} reported; "
          f"precision {precision:.3f}, recall {recall:.3f}")
    return got, precision, recall
