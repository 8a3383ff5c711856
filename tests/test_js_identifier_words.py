"""demand.identifier_words: the words IDENTIFIER.findall gives, found without the regular
expression where no word starts with a digit (the engine's per-statement word lists)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.js.demand import IDENTIFIER, identifier_words, inert_words

FIXTURES = Path(__file__).parent / "fixtures"

SHAPES = [
    b"",
    b"   \n\t",
    b"const cmd = JSON.parse(record.body).cmd;",
    b"const limit = 256; const hex = 0x1F; const big = 10n; x = 1e9 + y2",
    b"42",
    b"a1 1a _1 $1 1$ $ $$ _$ a$b",
    b"`${name}-${id}` + `$` + '$where'",
    b"\xc3\xa9t\xc3\xa9 caf\xc3\xa9 \xe2\x80\xa8 name\xc2\xa0other",
    b"// comment with words 3rd\n/* 2nd block */ obj?.method(arg)",
    b"\x00\x7f\xff a\x00b",
]


@pytest.mark.parametrize("source", SHAPES)
def test_same_words_as_the_regular_expression(source: bytes) -> None:
    assert identifier_words(source) == IDENTIFIER.findall(source)


def test_every_two_bytes() -> None:
    for first in range(256):
        for second in range(256):
            source = bytes((first, second))
            assert identifier_words(source) == IDENTIFIER.findall(source), source


def test_the_fixture_files_and_their_pieces() -> None:
    files = sorted(p for suffix in ("*.js", "*.mjs", "*.cjs", "*.ts")
                   for p in FIXTURES.rglob(suffix))
    assert len(files) > 100
    for path in files:
        source = path.read_bytes()
        assert identifier_words(source) == IDENTIFIER.findall(source), path
        for line in source.splitlines():  # (statement-sized pieces, numbers in some)
            assert identifier_words(line) == IDENTIFIER.findall(line), (path, line)


def test_inert_words_reads_numbers_as_before() -> None:
    # `2nd` holds the word `nd`, `0x1F` the word `x1F`; `42` none
    assert inert_words(b"sum = 2nd + 0x1F + 42 + b") == ["sum", "nd", "x1F", "b"]
    assert inert_words(b"sum = b + exec") is None  # (a sink name)
