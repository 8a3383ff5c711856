"""Detectors and the inspector, one behaviour at a time."""

from __future__ import annotations

import pytest
from guard_events import http_v2, s3, sqs

from faasguard.runtime import detectors as d
from faasguard.runtime.events import normalize
from faasguard.runtime.inspect import Inspector, resolve_modes

ALL = frozenset(d.STRING_DETECTORS)


def _hits(event: object, **options: object) -> list[tuple[str, str, str]]:
    modes = resolve_modes(options.pop("detectors", None), str(options.pop("mode", "block")))
    inspector = Inspector(modes, **options)  # type: ignore[arg-type]
    return [(h.detector, h.location, h.mode) for h in inspector.inspect(normalize(event))]


@pytest.mark.parametrize("encoded", [
    "%2e%2e%2f", "%252e%252e%252f", "%25252e%25252e%25252f", "..%c0%af", "%c0%ae%c0%ae/",
    "..%u2215", "\uff0e\uff0e\uff0f", "..%5c",
])
def test_canonical_form_decodes_traversal_encodings(encoded: str) -> None:
    assert "../" in d.canonical(encoded) or "..\\" in d.canonical(encoded)


def test_gate_skips_plain_words_quickly() -> None:
    assert d.string_hits("hello world", ALL) == []
    assert d.string_hits("../x", frozenset()) == []


def test_precision_markers() -> None:
    benign = ["O'Brien", "select the best option", "Drop table tennis practice",
              "{{first_name}}", "${amount}", "<%= title %>", "<!DOCTYPE html>",
              "see /etc/hosts in the docs", "Price $5 or $6", "a OR b", "union station",
              "50% off", "Array.prototype.map", "it's 5 o'clock -- late"]
    for text in benign:
        assert d.string_hits(text, ALL) == [], text


def test_command_metacharacters_only_in_identifier_fields() -> None:
    event = http_v2({"order_id": "1; reboot", "comment": "a; b | c && d"})
    assert _hits(event) == [("command_injection", "body.order_id", "block")]
    assert _hits(event, id_fields=[]) == []
    assert _hits(event, id_fields=["comment"]) == [("command_injection", "body.comment",
                                                    "block")]


def test_query_names_and_values() -> None:
    event = http_v2(None, method="GET", query={"user[$ne]": "x", "q": "{{7*7}}",
                                               "__proto__[admin]": "1"})
    found = {(det, loc) for det, loc, _ in _hits(event)}
    assert found == {("nosql_injection", "query.user[$ne]"),
                     ("template_injection", "query.q"),
                     ("prototype_pollution", "query.__proto__[admin]")}


def test_nosql_operator_keys_but_not_dollar_values() -> None:
    assert _hits(http_v2({"price": "$5", "note": "$ne is an operator"})) == []
    assert _hits(http_v2({"price": {"$numberDecimal": "5"}})) == []
    assert _hits(http_v2({"a": [{"b": {"$gt": ""}}]})) == [
        ("nosql_injection", "body.a[0].b.$gt", "block")]


def test_prototype_pollution_forms() -> None:
    assert _hits(http_v2({"constructor": {"prototype": {"x": 1}}}))[0][0] == \
        "prototype_pollution"
    assert _hits(http_v2({"constructor": "Brunel", "prototype": "v2"})) == []


def test_modes_report_and_off() -> None:
    event = http_v2({"q": "' OR '1'='1", "f": "../../etc/passwd"})
    hits = _hits(event, detectors={"sql_injection": "report", "path_traversal": "off"})
    assert hits == [("sql_injection", "body.q", "report")]
    assert _hits(event, mode="off") == []


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown detector"):
        resolve_modes({"nope": "block"})
    with pytest.raises(ValueError, match="unknown mode"):
        resolve_modes({"xxe": "maybe"})


def test_size_and_structure_limits() -> None:
    assert _hits(http_v2({"x": "a" * 200}), max_body_bytes=100) == [
        ("oversize", "body", "block")]
    deep: object = "leaf"
    for _ in range(10):
        deep = {"n": deep}
    assert _hits(http_v2(deep), max_depth=5)[0][:2] == ("structure", "body.n.n.n.n.n.n")
    assert _hits(http_v2(deep), max_depth=20) == []
    assert _hits(http_v2({f"k{i}": i for i in range(50)}), max_keys=10)[0][:2] == \
        ("structure", "body")
    assert _hits(sqs("x" * 50), max_body_bytes=10) == [("oversize", "records[0]", "block")]


def test_s3_keys_are_inspected_decoded() -> None:
    assert _hits(s3("uploads/../../secret")) == [("path_traversal", "records[0]", "block")]
    assert _hits(s3("uploads/my photo (1).jpg")) == []


def test_deep_documents_are_still_inspected_when_structure_only_reports() -> None:
    deep: object = {"q": "' OR '1'='1"}
    for _ in range(40):
        deep = {"n": deep}
    found = {det for det, _, _ in _hits(http_v2(deep), detectors={"structure": "report"})}
    assert found == {"structure", "sql_injection"}
    blocked = {det for det, _, _ in _hits(http_v2(deep))}
    assert blocked == {"structure"}  # block mode stops at the first structural breach


def test_padding_does_not_hide_a_payload_when_oversize_only_reports() -> None:
    event = http_v2({"pad": "x" * 300, "q": "' OR '1'='1"})
    found = {det for det, _, _ in _hits(event, max_body_bytes=100,
                                        detectors={"oversize": "report"})}
    assert found == {"oversize", "sql_injection"}
    assert {det for det, _, _ in _hits(event, max_body_bytes=100)} == {"oversize"}
