"""A Python file with a PEP 263 coding line is decoded as Python decodes it (the declared
encoding, read by tokenize.detect_encoding, nothing executed) and analysed; it was
refused as 'not valid UTF-8'. A coding line Python refuses stays a diagnostic naming the
file and the reason, the code not analysed. Fixtures: tests/fixtures/python_coding."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.loaders.documents import InputError, read_python
from faasguard.scan import scan

HERE = Path(__file__).resolve().parent / "fixtures" / "python_coding"


def _scan(name: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, str]]]:
    result = scan(str(HERE / name), Options())
    found = sorted((f.rule_id, f.location.file, f.location.line) for f in result.findings
                   if f.rule_id in ("FG-INJ-001", "FG-AUTH-002"))
    return found, [(d.file, d.message) for d in result.diagnostics
                   if d.file != ".chalice/config.json"]  # chalice_latin1 has no policy file


def test_a_latin1_handler_is_analysed() -> None:
    assert _scan("latin1_pos") == ([("FG-AUTH-002", "template.yaml", 11),
                                    ("FG-INJ-001", "src/app.py", 8)], [])


def test_a_latin1_handler_that_does_nothing_unsafe_gives_nothing() -> None:
    assert _scan("latin1_neg") == ([("FG-AUTH-002", "template.yaml", 11)], [])


def test_an_unknown_encoding_is_a_diagnostic() -> None:
    """Python refuses to import such a file (SyntaxError: unknown encoding), so Lambda
    would too: the code is not analysed, and the diagnostic says why."""
    assert _scan("unknown") == ([("FG-AUTH-002", "template.yaml", 11)], [(
        "src/app.py", "handler file of function 'Fn' cannot be decoded: unknown encoding: "
        "latin-9x (its coding line); skipped; its code was not analysed")])


def test_a_latin1_chalice_app_is_read() -> None:
    assert _scan("chalice_latin1") == ([("FG-AUTH-002", "app.py", 8)], [])


@pytest.mark.parametrize(("content", "text"), [
    (b"x = '\xc3\xa9'\n", "x = '\u00e9'\n"),  # no coding line: UTF-8
    (b"\xef\xbb\xbfx = 1\n", "x = 1\n"),  # a BOM: UTF-8, the BOM dropped
    (b"#!/usr/bin/env python\n# coding=cp1252\nx = '\x80'\n",
     "#!/usr/bin/env python\n# coding=cp1252\nx = '\u20ac'\n"),  # on the second line
    (b"x = 1\n\n# coding: latin-1\ny = '\xc3\xa9'\n",  # on the third: not a coding line
     "x = 1\n\n# coding: latin-1\ny = '\u00e9'\n"),
])
def test_python_source_is_decoded_as_python_decodes_it(tmp_path: Path, content: bytes,
                                                       text: str) -> None:
    (tmp_path / "m.py").write_bytes(content)
    assert read_python(str(tmp_path / "m.py")) == text


@pytest.mark.parametrize(("content", "message", "line"), [
    (b"# coding: rot13\nx = 1\n", "cannot be decoded: 'rot13' is not a text encoding", None),
    (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "cannot be decoded: a UTF-8 byte-order mark "
     "and a coding line naming another encoding; skipped", None),
    (b"# coding: ascii\n\nx = '\xe9'\n", "not valid ascii (byte 22); skipped", 3),
    (b"x = '\xe9'\n", "not valid UTF-8 (byte 5); skipped", 1),
    # 'coding' in a comment that is no coding line: not UTF-8 as without it
    (b"# caf\xe9: no coding line here\nx = 1\n", "not valid UTF-8 (byte 5); skipped", 1),
])
def test_what_python_would_refuse_is_refused(tmp_path: Path, content: bytes, message: str,
                                             line: int | None) -> None:
    (tmp_path / "m.py").write_bytes(content)
    with pytest.raises(InputError) as info:
        read_python(str(tmp_path / "m.py"))
    assert info.value.message.startswith(message) and info.value.line == line
    assert info.value.message.endswith("; skipped")
