"""The JSON reporter writes each finding as literal text at fixed depths (f-strings, file
names encoded once per report): the document must stay what `json.dumps(..., indent=2,
ensure_ascii=False)` writes of the same finding as a dict, for any string (quotes,
backslashes, control characters, non-ASCII, lone surrogates), any shape (no related
locations, empty or long flows, properties of every type) and any number of files (the
per-report file cache is bounded)."""

from __future__ import annotations

import io
import json
from typing import Any

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import Finding, FlowStep, make_finding
from faasguard.model import Location
from faasguard.report import json as json_report
from faasguard.report import jsontext, render, write
from faasguard.report.base import INFORMATION_URI, TOOL_NAME, Report, summary, suppression_of
from tests.compiled_support import pure_only

ODD = ['a"b', "back\\slash", "tab\tnl\nnul\x00us\x1fdel\x7f", "é/日本/🙂", "\u2028\u2029",
       "lone \ud800 high", "lone \udcff low", "</script>", "", " ", "*"]


def _location(location: Location) -> dict[str, Any]:
    line = location.line if location.line > 1 else 1
    end = location.end_line or 0
    return {"file": location.file, "line": line, "end_line": end if end > line else line}


def _expected(report: Report) -> str:
    """The document as a dict, written by `json.dumps` (what the reporter must write)."""
    findings = [{
        "rule_id": f.rule_id, "title": f.title, "threat": f.threat, "severity": f.severity,
        "confidence": f.confidence, "message": f.message, "location": _location(f.location),
        "subject": f.subject, "fingerprint": f.fingerprint, "remediation": f.remediation,
        "related": [{"location": _location(loc), "message": m} for loc, m in f.related],
        "flow": [{"location": _location(s.location), "message": s.message} for s in f.flow],
        "suppression": suppression_of(f),
        "properties": {k: v for k, v in sorted(f.properties.items()) if k != "suppression"},
    } for f in report.findings]
    document = {"version": json_report.REPORT_VERSION,
                "tool": {"name": TOOL_NAME, "version": report.version,
                         "informationUri": INFORMATION_URI},
                "summary": summary(report), "findings": findings, "diagnostics": []}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def _finding(file: str, line: int, subject: str, **extra: Any) -> Finding:
    return make_finding("FG-PERM-101", extra.pop("message", "m"), Location(file, line),
                        subject, **extra)


def test_adversarial_strings_and_shapes_write_what_json_dumps_writes() -> None:
    findings = []
    for i, text in enumerate(ODD):
        # a file name or subject with a lone surrogate cannot be fingerprinted (UTF-8):
        # lone surrogates are tried in every other text
        lone = "\ud800" in text or "\udcff" in text
        file = "f.yml" if lone else f"{text}.yml"
        findings.append(_finding(
            file, i, f"s{i}" if lone else f"s{i}{text}", message=f"message {text}",
            remediation=f"fix {text}",
            related=[(Location(file, 0), text), (Location(f"other{text}", 5, 3), "")],
            flow=[FlowStep(Location(file, i + 2, i + 9), f"step {text}")],
            properties={text: text, "n": i, "odd": [text, {text: [text]}]}))
    long_flow = [FlowStep(Location(f"flow{i % 3}.py", i, None), f"step {i} \"q\"")
                 for i in range(400)]
    findings.append(_finding("z.yml", 1, "long", flow=long_flow))
    findings.append(_finding("z.yml", 2, "bare"))  # no related, flow or properties
    findings.append(_finding("z.yml", 3, "empties", related=[], flow=[],
                             properties={"e": [], "d": {}, "s": ""}))
    findings.append(_finding("z.yml", 4, "types", properties={
        "int": -7, "big": 10**30, "float": 1.5, "nan": float("nan"), "inf": float("inf"),
        "true": True, "false": False, "none": None, "tuple": (1, "a"), "nested": {"a": [
            {"b": None}, [], {}]}, "object": Location("x", 1), "str": "\\\"",
    }))
    suppressed = _finding("z.yml", 5, "suppressed", properties={
        "suppression": {"kind": "inSource", "source": "z.yml:5"}, "kept": 1})
    suppressed.suppressed = 'reason "quoted"\n'
    findings.append(suppressed)
    findings.sort(key=lambda f: (f.location.file, f.location.line, f.rule_id, f.subject))
    report = Report(findings=findings, diagnostics=[], files_scanned=3, root=".")
    expected = _expected(report)
    assert render(report, "json") == expected
    out = io.StringIO()
    write(report, "json", out)
    assert out.getvalue() == expected


@pure_only("lowers _Known.LIMIT, a compiled class's attribute")
def test_file_cache_is_bounded_and_right_after_eviction(monkeypatch) -> None:
    monkeypatch.setattr(json_report._Known, "LIMIT", 8)
    files = [f"dir{i}/\"f{i}\".yml" for i in range(30)]
    # each file met again after the cache was cleared, in findings and in their steps
    findings = sorted((_finding(files[i % 30], i, f"s{i}",
                                related=[(Location(files[(i * 7) % 30], 1), "r")],
                                flow=[FlowStep(Location(files[(i * 11) % 30], 2), "f")])
                       for i in range(200)),
                      key=lambda f: (f.location.file, f.location.line, f.subject))
    report = Report(findings=findings, diagnostics=[], files_scanned=30, root=".")
    assert render(report, "json") == _expected(report)
    known = json_report._Known()
    for file in files:
        known.file(file)
    assert len(known.files) <= 8
    assert known.files[files[-1]] == json.dumps(files[-1], ensure_ascii=False)


def test_reports_share_no_file_texts() -> None:
    # one process, two scans: the second report's files are its own
    first = Report(findings=[_finding("a.yml", 1, "s")], diagnostics=[], root=".")
    second = Report(findings=[_finding("b.yml", 1, "s")], diagnostics=[], root=".")
    assert render(first, "json") == _expected(first)
    assert render(second, "json") == _expected(second)
    assert render(first, "json") == _expected(first)


def test_placed_findings_are_streamed_in_batches(monkeypatch) -> None:
    made = []
    writes: list[str] = []

    def counted(finding: Finding, known: Any) -> str:
        made.append(finding.subject)
        return original(finding, known)

    original = json_report._finding
    monkeypatch.setattr(json_report, "_finding", counted)
    findings = [_finding(f"f{i:05}.yml", 1, f"s{i}", message="x" * 500) for i in range(2000)]
    report = Report(findings=findings, diagnostics=[], root=".")

    def sink(text: str) -> None:
        writes.append(text)
        # never more than a few batches made ahead of what was written
        written = sum(t.count('"fingerprint"') for t in writes)
        assert len(made) - written <= 2 * (jsontext.FLUSH_PIECES // jsontext.PLACED_BATCH)

    jsontext.dump(json_report.document(report), sink)
    assert len(writes) > 10
    assert max(map(len, writes)) < 400_000
    assert "".join(writes) + "\n" == _expected(report)
