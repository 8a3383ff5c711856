"""FG-INJ-012, reflected cross-site scripting: event data written unescaped into an HTML
response. Python: the review pin tests/fixtures/review_coverage_gaps/reflected_html (a
Lambda proxy result with a text/html Content-Type, and its html.escape twin); Node.js:
tests/fixtures/reflected_html node-pos (Express `res.setHeader("Content-Type",
"text/html")` then `res.status(200).send(...)`; a proxy result's multiValueHeaders) and
node-neg (escape-html; a JSON content type)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _xss(folder: Path) -> list[tuple[str, int]]:
    return sorted((f.location.file, f.location.line) for f in scan(str(folder)).findings
                  if f.rule_id == "FG-INJ-012")


def test_python_proxy_result_serving_html_is_reported() -> None:
    gap = FIXTURES / "review_coverage_gaps" / "reflected_html"
    assert _xss(gap / "pos") == [("src/app.py", 4)]
    assert _xss(gap / "neg") == []


def test_node_html_responses_are_reported() -> None:
    assert _xss(FIXTURES / "reflected_html" / "node-pos") == [("handler.js", 8),
                                                               ("page.mjs", 6)]


def test_node_escaped_or_json_responses_are_not() -> None:
    assert _xss(FIXTURES / "reflected_html" / "node-neg") == []
