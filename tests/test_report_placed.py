"""jsontext.Placed: text a reporter wrote for the depth it stands at is written as it is,
and the document stays what `json.dumps(..., indent=2)` writes."""

from __future__ import annotations

import json

from faasguard.report.jsontext import Items, Placed, Text, dumps, text_of


def test_placed_is_written_as_it_is_where_it_stands():
    value = {"k": [1, {"deep": ["a", "b"]}], "s": "é"}
    document = {"outer": [value, value]}
    placed = Placed(text_of(value, "    "))  # items of "outer" stand two levels deep
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert dumps({"outer": Items([placed, placed])}) == expected
    assert dumps({"outer": [placed, placed]}) == expected


def test_placed_differs_from_text_which_is_reindented():
    value = {"k": [1, 2]}
    top = text_of(value)
    assert dumps({"outer": [Text(top)]}) == json.dumps({"outer": [value]}, indent=2)
    # a Placed made for the top is written unindented: the reporter chose its depth
    assert dumps({"outer": [Placed(top)]}) != json.dumps({"outer": [value]}, indent=2)
