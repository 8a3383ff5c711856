"""Zappa reads its settings from zappa_settings.json, .toml, .yml or .yaml, the first of
them a folder holds; faasguard read the JSON and YAML ones only, and every one of them in
a folder. Now zappa_settings.toml is read into the same model (its keys located at their
lines), and where a folder holds several, the one Zappa reads is read and the others are
a note. Fixtures: tests/fixtures/zappa_settings_formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.loaders.documents import InputError
from faasguard.loaders.toml_document import load_toml
from faasguard.scan import scan

HERE = Path(__file__).resolve().parent / "fixtures" / "zappa_settings_formats"
WATCHED = ("FG-INJ-001", "FG-AUTH-002", "FG-DATA-001", "FG-SHADOW-004")


def _scan(name: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, str]]]:
    result = scan(str(HERE / name), Options())
    found = sorted((f.rule_id, f.location.file, f.location.line) for f in result.findings
                   if f.rule_id in WATCHED)
    return found, [(d.file, d.level, d.message) for d in result.diagnostics
                   if "Zappa manages the role" not in d.message]


def test_a_toml_settings_file_is_read() -> None:
    assert _scan("toml_pos") == ([
        ("FG-AUTH-002", "zappa_settings.toml", 2), ("FG-AUTH-002", "zappa_settings.toml", 2),
        ("FG-DATA-001", "zappa_settings.toml", 10), ("FG-INJ-001", "app.py", 13)], [])


def test_a_toml_settings_file_of_a_safe_app_gives_no_such_finding() -> None:
    assert _scan("toml_neg") == ([("FG-SHADOW-004", "zappa_settings.toml", 2)], [])


def test_where_several_are_the_one_zappa_reads_is_read() -> None:
    """zappa_settings.json first, as Zappa picks (JSON, TOML, .yml, .yaml): its
    iam_authorization holds; the TOML's open routes and secret are not deployed."""
    not_read = "not read: Zappa reads zappa_settings.json in this folder, before this file"
    assert _scan("json_first") == (
        [("FG-INJ-001", "app.py", 13), ("FG-SHADOW-004", "zappa_settings.json", 2)],
        [("zappa_settings.toml", "note", not_read), ("zappa_settings.yml", "note", not_read)])


def test_toml_keys_tables_and_arrays_of_tables_know_their_lines() -> None:
    data = load_toml('[dev]\na = 1\ntext = """\nb = 2\n"""\nlist = [\n  {c = 3},\n]\n\n'
                     '[dev.environment_variables]\nX = "x"\n"d.e" = 4\nf.g = 5\n\n'
                     '[[dev.items]]\nn = 1\n[[dev.items]]\nn = 2\n').data
    dev = data["dev"]
    assert (data.line_of("dev"), dev.key_lines) == (1, {
        "a": 2, "text": 3, "list": 6, "environment_variables": 10, "items": 15})
    assert dev["environment_variables"].key_lines == {"X": 11, "d.e": 12, "f": 13}
    assert dev["environment_variables"]["f"].line_of("g") == 13
    assert dev["items"].item_lines == [15, 17]
    assert dev["items"][1].line_of("n") == 18
    assert "b" not in dev  # inside the multi-line string: no key


def test_toml_that_does_not_parse_is_an_error_at_its_line() -> None:
    with pytest.raises(InputError) as info:
        load_toml("[dev]\napp_function = \n")
    assert info.value.message.startswith("invalid TOML: ") and info.value.line == 2


def test_a_broken_toml_settings_file_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "zappa_settings.toml").write_text("[dev\napp_function = 'app.app'\n")
    result = scan(str(tmp_path), Options())
    assert [(d.file, d.level, d.line) for d in result.diagnostics] == [
        ("zappa_settings.toml", "error", 1)]
    assert result.diagnostics[0].message.startswith("invalid TOML: ")
