"""Findings and SARIF results are written from text put together by their reporters
(jsontext.Text, members, elements, text_of): the bytes must stay those `json.dumps(...,
indent=2, ensure_ascii=False)` writes for the same document."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pipeline_support import sample_report

from faasguard.findings import FlowStep, make_finding
from faasguard.model import Location
from faasguard.report import jsontext, render, write
from faasguard.report.base import Report
from faasguard.report.jsontext import Items, Text, dumps, elements, members, string_text, text_of


def _stdlib(text: str) -> str:
    """What the standard library writes for the document `text` holds."""
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def _odd_report() -> Report:
    """Findings with every shape and awkward strings: quotes, backslashes, newlines,
    control characters, non-ASCII, absolute paths, nested properties."""
    odd = make_finding("FG-INJ-001", 'a "quoted" \\ message\nwith\ttabs \x01 é 漢字 😀',
                       Location("dir with space/h\u00e9.py", 0, 0), "sink:\"x\"")
    odd.flow.extend([FlowStep(Location("h.py", 2, 5), "source \u2028 line"),
                     FlowStep(Location("/abs/olute.py", 9), "")])
    odd.related.append((Location("t.yaml", 3, 1), "related \"one\""))
    odd.properties.update({"nested": {"deep": [1, 2.5, None, True, {"k": []}]}, "empty": {},
                           "n": 0, "s": "", "list": [], "none": None})
    suppressed = make_finding("FG-AUTH-001", "m", Location("t.yaml", 7), "s")
    suppressed.suppressed = "reviewed: \"ok\""
    suppressed.properties["suppression"] = {"kind": "inSource", "source": "comment"}
    plain = make_finding("FG-PERM-001", "m", Location("t.yaml", 8, 12), "p", remediation="")
    return Report(findings=[odd, suppressed, plain], diagnostics=[], files_scanned=3,
                  root="/tmp/scanned", srcroot="/tmp")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
@pytest.mark.parametrize("make", [sample_report, _odd_report])
def test_report_text_is_what_json_dumps_writes(fmt: str, make: Any) -> None:
    text = render(make(), fmt)
    assert text == _stdlib(text)


def test_odd_finding_keeps_its_values() -> None:
    document = json.loads(render(_odd_report(), "json"))
    odd = next(f for f in document["findings"] if f["rule_id"] == "FG-INJ-001")
    assert odd["message"] == 'a "quoted" \\ message\nwith\ttabs \x01 é 漢字 😀'
    assert odd["location"] == {"file": "dir with space/h\u00e9.py", "line": 1, "end_line": 1}
    assert odd["flow"][0] == {"location": {"file": "h.py", "line": 2, "end_line": 5},
                              "message": "source \u2028 line"}
    assert odd["related"] == [{"location": {"file": "t.yaml", "line": 3, "end_line": 3},
                               "message": "related \"one\""}]
    assert odd["properties"]["nested"] == {"deep": [1, 2.5, None, True, {"k": []}]}
    sarif = json.loads(render(_odd_report(), "sarif"))["runs"][0]["results"]
    steps = sarif[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert steps[1]["location"]["physicalLocation"]["artifactLocation"] == {
        "uri": "file:///abs/olute.py"}
    assert steps[0]["location"]["physicalLocation"]["artifactLocation"] == {
        "uri": "scanned/h.py", "uriBaseId": "%SRCROOT%"}
    assert [r.get("suppressions", [{}])[0].get("justification") for r in sarif] == \
        [None, 'reviewed: "ok"', None]


def test_text_is_indented_where_it_stands() -> None:
    inner = members("", f'"a": {elements("  ", ["1", string_text("x")])}', '"b": {}')
    value = {"top": [Text(inner), {"k": Text(inner)}], "alone": Text("[]")}
    expected = {"top": [{"a": [1, "x"], "b": {}}, {"k": {"a": [1, "x"], "b": {}}}],
                "alone": []}
    assert dumps(value) == json.dumps(expected, indent=2)
    assert dumps(Text(inner)) == json.dumps(expected["top"][0], indent=2)


class _Label(str):
    pass


@pytest.mark.parametrize("value", [
    None, "s\n\"", 0, -3, 1.5, True, [], {}, [1, [2]], {"a": {"b": [None]}}, (1,),
    ["a", "é\t", _Label("sub")], ["a", 1, None, [], {"x": ["y", "z"]}],
    {1: "int key", None: [], "k": {"deep": [{"e": {}}]}}, [float("nan"), False],
])
def test_text_of_is_dumps_at_its_depth(value: Any) -> None:
    assert text_of(value) == dumps(value)
    assert text_of(value, "    ") == dumps(value).replace("\n", "\n    ")
    assert dumps({"x": {"y": Text(text_of(value))}}) == \
        json.dumps({"x": {"y": value}}, indent=2, ensure_ascii=False)


def test_elements_of_nothing_is_an_empty_array() -> None:
    assert elements("    ", []) == "[]"


def test_texts_count_by_their_lines_when_flushing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding written as one Text still lets the report out in pieces of about
    FLUSH_PIECES lines."""
    monkeypatch.setattr(jsontext, "FLUSH_PIECES", 40)
    big = Text(members("", *(f'"k{i}": {i}' for i in range(30))))
    written: list[str] = []
    jsontext.dump({"items": Items([big] * 10)}, written.append)
    assert len(written) >= 5
    assert json.loads("".join(written)) == {"items": [{f"k{i}": i for i in range(30)}] * 10}


def test_streamed_sarif_of_odd_report_is_its_render() -> None:
    out = io.StringIO()
    write(_odd_report(), "sarif", out)
    assert out.getvalue() == render(_odd_report(), "sarif")
