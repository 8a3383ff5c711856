"""jsontext.Items(placed=True): text a reporter wrote for the depth it stands at is written
as it is, and the document stays what `json.dumps(..., indent=2)` writes."""

from __future__ import annotations

import json

from faasguard.report.jsontext import Items, Text, dumps, text_of


def test_placed_is_written_as_it_is_where_it_stands():
    value = {"k": [1, {"deep": ["a", "b"]}], "s": "é"}
    document = {"outer": [value, value]}
    placed = text_of(value, "    ")  # items of "outer" stand two levels deep
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert dumps({"outer": Items([placed, placed], placed=True)}) == expected


def test_placed_items_are_written_as_they_are_without_being_placed_one_by_one():
    value = {"k": [1, {"deep": ["a", "b"]}], "s": "é"}
    document = {"outer": [value, value], "empty": []}
    text = text_of(value, "    ")  # a plain str, made for the depth it stands at
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert dumps({"outer": Items(iter([text, text]), placed=True),
                  "empty": Items(iter(()), placed=True)}) == expected
    # not placed: a plain str item is a JSON string
    assert json.loads(dumps({"outer": Items([text])}))["outer"] == [text]


def test_placed_differs_from_text_which_is_reindented():
    value = {"k": [1, 2]}
    top = text_of(value)
    assert dumps({"outer": [Text(top)]}) == json.dumps({"outer": [value]}, indent=2)
    # a placed item made for the top is written unindented: the reporter chose its depth
    assert dumps({"outer": Items([top], placed=True)}) != \
        json.dumps({"outer": [value]}, indent=2)


def test_findings_sharing_property_values_and_odd_keys_write_what_json_writes():
    import faasguard.rules  # noqa: F401  (registers the rules)
    from faasguard.findings import make_finding
    from faasguard.model import Location
    from faasguard.report import render
    from faasguard.report.base import Report

    shared_list, shared_dict = ["s3:GetObject", "é"], {"Read": 2, "Write": {"n": [1]}}
    findings = [make_finding("FG-PERM-101", "m", Location("t.yml", line), f"s{line}",
                             properties={"used": shared_list, "by": shared_dict,
                                         "empty": [], "n": line})
                for line in (1, 2, 3)]
    findings.append(make_finding("FG-PERM-101", "m", Location("t.yml", 4), "odd",
                                 properties={1: ["x"], 2: None}))
    text = render(Report(findings=findings, diagnostics=[]), "json")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    written = json.loads(text)["findings"]
    assert [f["properties"] for f in written[:3]] == [
        {"by": shared_dict, "empty": [], "n": n, "used": shared_list} for n in (1, 2, 3)]
    assert written[3]["properties"] == {"1": ["x"], "2": None}
