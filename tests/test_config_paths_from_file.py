"""A configuration file's `openapi:` and `osv-db:` paths are relative to the file's
folder (as a requirements file's `-r` is to its file's), wherever faasguard runs and
whatever folder it scans. Fixture tests/fixtures/config_paths_from_file: the root
.faasguard.yml names specs/api.yml (documenting GET /orders) and the OSV folder osv/
(FGTEST-PY-0001, fgdemo-http < 2.4.0); services/api deploys GET /orders and GET /admin
(FG-SHADOW-001 on the undocumented one) and pins fgdemo-http==2.3.1 (FG-TP-101)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_support import run_cli

ROOT = Path(__file__).resolve().parent / "fixtures" / "config_paths_from_file"


def _found(capsys, *argv: str) -> tuple[list[tuple[str, str, int]], list[str]]:
    code, out, _ = run_cli(capsys, "scan", *argv, "--format", "json")
    assert code in (0, 1)
    data = json.loads(out)
    return (sorted((f["rule_id"], f["location"]["file"], f["location"]["line"])
                   for f in data["findings"] if f["rule_id"] in ("FG-SHADOW-001", "FG-TP-101")),
            [d["message"] for d in data["diagnostics"] if d["level"] == "error"
             or d.get("code") == "openapi"])


@pytest.mark.parametrize(("cwd", "scanned", "prefix"), [
    (".", ".", "services/api/"),                # the control: right before too
    (".", "services/api", ""),                  # right before too (relative to the current folder)
    ("services/api", ".", ""),                  # before: spec not found, database unread
    ("/", str(ROOT), "services/api/"),          # before: database unread
])
def test_paths_are_read_from_the_configuration_files_folder(capsys, monkeypatch, cwd,
                                                            scanned, prefix) -> None:
    monkeypatch.chdir(ROOT / cwd)
    found, problems = _found(capsys, scanned)
    assert found == [("FG-SHADOW-001", f"{prefix}serverless.yml", 10),
                     ("FG-TP-101", f"{prefix}requirements.txt", 1)]
    assert problems == []


def test_a_path_leaving_the_project_is_the_users_choice(capsys, monkeypatch,
                                                        tmp_path) -> None:
    """A path out of the project is read, as `--osv-db /elsewhere` is (an OSV export is
    often kept outside the repository): the file's paths are the user's own, where a
    scanned template's `${file(../x)}` or a requirements file's `-r ../x` are not."""
    config = tmp_path / "ci" / "faasguard.yml"
    config.parent.mkdir()
    # from the file's folder up to the filesystem's root, then down to the fixture
    there = "/".join([".."] * (len(config.parent.parts) - 1)) + "/" + \
        ROOT.relative_to(ROOT.anchor).as_posix()
    config.write_text(f"version: 1\nopenapi: [{there}/specs/api.yml]\nosv-db: {there}/osv\n")
    monkeypatch.chdir(ROOT / "services")
    found, problems = _found(capsys, "api", "--config", str(config))
    assert found == [("FG-SHADOW-001", "serverless.yml", 10),
                     ("FG-TP-101", "requirements.txt", 1)]
    assert problems == []
