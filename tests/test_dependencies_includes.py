"""Requirements files that name others (`-r FILE`, `--requirement FILE`): read as pip
reads them, relative to the naming file, confined to the scanned root, each file once
per chain. The included requirements keep their own file and line (a pin reported there)."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.dependencies import read_manifest
from faasguard.model import Diagnostic
from faasguard.scan import scan


def _read(root: Path, rel: str) -> tuple[set[tuple[str, str, int]], list[Diagnostic]]:
    notes: dict[str, list[Diagnostic]] = {}
    deps = read_manifest(str(root), rel, notes) or []
    return {(d.name, d.file, d.line) for d in deps}, notes.get(rel, [])


def test_every_form_of_include_is_read_relative_to_its_file(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements.txt").write_text("-r requirements/prod.txt\n")
    (tmp_path / "requirements" / "prod.txt").write_text(
        "--requirement base.txt\n-rextra.txt\n--requirement = more.txt\nshared-db==1.4.0\n")
    (tmp_path / "requirements" / "base.txt").write_text("requests==2.32.3\n")
    (tmp_path / "requirements" / "extra.txt").write_text("# extras\nattrs>=23\n")
    (tmp_path / "requirements" / "more.txt").write_text("-c constraints.txt\nulid-py\n")
    found, notes = _read(tmp_path, "requirements.txt")
    assert found == {("requests", "requirements/base.txt", 1),
                     ("attrs", "requirements/extra.txt", 2),
                     ("ulid-py", "requirements/more.txt", 2),
                     ("shared-db", "requirements/prod.txt", 4)}
    assert notes == []


def test_a_path_leaving_the_root_a_url_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("evil==1.0\n")
    (root / "escape").symlink_to(tmp_path)
    (root / "requirements.txt").write_text(
        "-r ../outside.txt\n-r /etc/requirements.txt\n-r escape/outside.txt\n"
        "-r https://example.com/requirements.txt\n-r missing.txt\nrequests==2.32.3\n")
    found, notes = _read(root, "requirements.txt")
    assert found == {("requests", "requirements.txt", 6)}
    assert [(n.file, n.line, n.level, n.code) for n in notes] == \
        [("requirements.txt", line, "warning", "dependencies") for line in (1, 2, 3, 4, 5)]
    assert "'-r ../outside.txt' leaves the scanned root" in notes[0].message
    assert "leaves the scanned root" in notes[2].message  # through a symbolic link
    assert "is a URL; it is not fetched" in notes[3].message
    assert "'-r missing.txt' cannot be read" in notes[4].message


def test_a_cycle_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r base.txt\nshared-db==1.4.0\n")
    (tmp_path / "base.txt").write_text("requests==2.32.3\n-r requirements.txt\n")
    found, [note] = _read(tmp_path, "requirements.txt")
    assert found == {("requests", "base.txt", 1), ("shared-db", "requirements.txt", 2)}
    assert (note.file, note.line) == ("base.txt", 2)
    assert "already being read (requirements.txt -> base.txt -> requirements.txt)" in \
        note.message


def test_an_included_file_s_pins_are_reported_where_they_are(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  f:\n    handler: handler.f\n")
    (tmp_path / "handler.py").write_text("def f(event, context):\n    return 1\n")
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements.txt").write_text("-r requirements/prod.txt\n-r ../x.txt\n")
    (tmp_path / "requirements" / "prod.txt").write_text("requests==2.32.3\nshared-db>=1\n")
    result = scan(str(tmp_path))
    unpinned = [(f.location.file, f.location.line) for f in result.findings
                if f.rule_id == "FG-TP-102"]
    assert unpinned == [("requirements/prod.txt", 2)]
    assert [(d.file, d.line) for d in result.app.diagnostics
            if d.code == "dependencies"] == [("requirements.txt", 2)]
    deps = result.facts.dependencies
    assert deps is not None and deps.functions == {"serverless.yml#f": ["requirements.txt"]}
