"""Bad input through the real pipeline: each problem is a diagnostic naming the file and
the reason in the text, JSON and SARIF reports, and the scan goes on to the good file."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pipeline_support import FIXTURES, run_cli

BOMB = "\n".join(
    ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:",
     "  a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"  {chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]"
       for i in range(1, 9)]) + "\n"
TEMPLATE_HEAD = b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"


@dataclass
class Case:
    """One kind of bad input: where it is, what it holds, what the report must say."""

    name: str
    file: str  # relative to the bad folder
    content: bytes | None
    reason: str
    level: str = "error"
    config: str = ""


CASES = [
    Case("invalid-yaml", "template.yaml", TEMPLATE_HEAD + b"  Fn: [unclosed\n",
         "invalid YAML/JSON"),
    Case("invalid-json", "template.json",
         b'{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {"Fn": {"Type": "x"}\n',
         "invalid YAML/JSON"),
    Case("unknown-tag", "serverless.yml",
         b"service: x\nprovider:\n  name: aws\n  stage: !Weird prod\n",
         "unknown tag '!Weird'", "warning"),
    Case("duplicate-keys", "serverless.yml",
         b"service: x\nprovider:\n  name: aws\nservice: y\n", "duplicate key 'service'",
         "warning"),
    Case("alias-bomb", "template.yaml", BOMB.encode(), "alias bomb"),
    Case("cyclic-alias", "template.yaml", TEMPLATE_HEAD + b"  Loop: &r\n    Self: *r\n",
         "cyclic alias"),
    Case("deep-nesting", "template.json",
         b'{"Resources": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nested more than"),
    Case("oversized", "template.yaml", TEMPLATE_HEAD + b"#" * 3000 + b"\n",
         "larger than the 2,000 bytes limit", config="max-file-size: 2000\n"),
    Case("binary", "template.yaml", b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20, "binary content"),
    Case("non-utf8", "template.yaml", TEMPLATE_HEAD + b"  Caf\xe9:\n    Type: AWS::SNS::Topic\n",
         "not valid UTF-8"),
    Case("symlink-loop", "loop", None, "symlink loop", "warning"),
    Case("symlink-out", "out", None, "symlink leaves the scanned folder", "warning"),
]


def good_app(project: Path) -> Path:
    """A copy of the good app at `project`, its role granting one action instead of `*`:
    a `*` grant costs the least-privilege rule a walk of every IAM action (about 80% of
    each scan here), and these tests are about the bad files beside it."""
    shutil.copytree(FIXTURES / "app", project)
    manifest = project / "serverless.yml"
    text = manifest.read_text()
    assert text.count('Action: "*"') == 1
    manifest.write_text(text.replace('Action: "*"', 'Action: "s3:GetObject"'))
    return project


def build(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    """A project: the good app beside a `bad` folder holding the case's file."""
    project = good_app(tmp_path / "project")
    bad = project / "bad"
    bad.mkdir()
    target = bad / case.file
    if case.name == "symlink-loop":
        os.symlink(bad, target)
    elif case.name == "symlink-out":
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "template.yaml").write_bytes(TEMPLATE_HEAD + b"  T:\n    Type: X\n")
        os.symlink(outside, target)
    else:
        assert case.content is not None
        target.write_bytes(case.content)
    if case.config:
        for folder in (project, bad):
            (folder / ".faasguard.yml").write_text(case.config)
    return project, bad


def reports(capsys, *argv: str) -> dict[str, tuple[int, str]]:
    return {fmt: run_cli(capsys, "scan", *argv, "--format", fmt)[:2]
            for fmt in ("text", "json", "sarif")}


def assert_diagnostic(outputs: dict[str, tuple[int, str]], file: str, reason: str,
                      level: str) -> None:
    text = outputs["text"][1]
    assert any(file in line and reason in line and level in line
               for line in text.splitlines()), text
    diagnostics = json.loads(outputs["json"][1])["diagnostics"]
    assert any(d["file"] == file and reason in d["message"] and d["level"] == level
               for d in diagnostics), diagnostics
    notes = json.loads(outputs["sarif"][1])["runs"][0]["invocations"][0][
        "toolExecutionNotifications"]
    assert any(n["level"] == level and reason in n["message"]["text"] and file in
               n["message"]["text"] for n in notes), notes


def good_finding_reported(outputs: dict[str, tuple[int, str]]) -> None:
    assert "serverless.yml:16  FG-AUTH-001" in outputs["text"][1]
    findings = json.loads(outputs["json"][1])["findings"]
    assert ("serverless.yml", 16, "FG-AUTH-001") in {
        (f["location"]["file"], f["location"]["line"], f["rule_id"]) for f in findings}
    results = json.loads(outputs["sarif"][1])["runs"][0]["results"]
    assert any(r["ruleId"] == "FG-AUTH-001" for r in results)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_beside_a_good_one(tmp_path, capsys, case):
    project, _ = build(tmp_path, case)
    outputs = reports(capsys, str(project))
    assert_diagnostic(outputs, f"bad/{case.file}", case.reason, case.level)
    good_finding_reported(outputs)
    assert {code for code, _ in outputs.values()} == {1}  # findings, not "nothing scanned"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_alone(tmp_path, capsys, case):
    _, bad = build(tmp_path, case)
    code, out, err = run_cli(capsys, "scan", str(bad), "--format", "json")
    assert "Traceback" not in err
    document = json.loads(out)
    assert any(case.reason in d["message"] for d in document["diagnostics"])
    # an unreadable file alone: nothing could be scanned (2); a warning: the file was read
    # or there was nothing to read (0)
    assert code == (2 if case.level == "error" else 0)
    assert document["summary"]["failed"] is (code != 0)


def test_missing_path_beside_a_good_one(tmp_path, capsys):
    missing = str(tmp_path / "no-such-folder")
    outputs = reports(capsys, missing, str(good_app(tmp_path / "app")))
    assert_diagnostic(outputs, missing, "path does not exist", "error")
    good_finding_reported(outputs)
    assert {code for code, _ in outputs.values()} == {1}
    outputs = reports(capsys, missing)
    assert {code for code, _ in outputs.values()} == {2}
    sarif = json.loads(outputs["sarif"][1])
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_unreadable_file(tmp_path, capsys):
    project = good_app(tmp_path / "project")
    locked = project / "bad" / "template.yaml"
    locked.parent.mkdir()
    locked.write_bytes(TEMPLATE_HEAD + b"  Topic:\n    Type: AWS::SNS::Topic\n")
    os.chmod(locked, 0)
    try:
        readable_anyway = os.access(locked, os.R_OK)  # root (as in CI) reads it regardless
        outputs = reports(capsys, str(project))
    finally:
        os.chmod(locked, 0o644)
    good_finding_reported(outputs)
    files = {d["file"] for d in json.loads(outputs["json"][1])["diagnostics"]}
    if readable_anyway:
        assert "bad/template.yaml" not in files  # read like any other file
    else:
        assert_diagnostic(outputs, "bad/template.yaml", "permission denied", "error")


def _app_in_odd_folder(tmp_path: Path) -> Path:
    """A project whose app sits in a folder named `odd` + the byte 0xff (not UTF-8)."""
    project = good_app(tmp_path / "project")
    odd = os.fsdecode(os.fsencode(str(project)) + b"/odd\xff")
    os.mkdir(odd)
    for name in ("serverless.yml", "handler.py"):
        shutil.move(str(project / name), os.path.join(odd, name))
    return project


def test_file_name_not_utf8(tmp_path, capsys):
    """A folder whose name is not UTF-8 (Python holds it as a lone surrogate): the JSON
    report is valid JSON that gives the name back, the SARIF report validates with the
    name's own bytes percent-encoded in its URI, and fingerprints hash those bytes."""
    import io

    import jsonschema
    from pipeline_support import load_json

    from faasguard.cli import _escape_unencodable
    from tests.shared_data import SARIF_SCHEMA

    project = _app_in_odd_folder(tmp_path)
    written = {}
    for fmt in ("json", "sarif"):
        out = tmp_path / f"report.{fmt}"
        code, _, err = run_cli(capsys, "scan", str(project), "--format", fmt, "-o", str(out))
        assert code == 1 and "Traceback" not in err, err
        written[fmt] = json.loads(out.read_bytes().decode("utf-8"))  # strict UTF-8
    files = {f["location"]["file"] for f in written["json"]["findings"]}
    assert "odd\udcff/serverless.yml" in files
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in written["sarif"]["runs"][0]["results"]}
    assert "odd%FF/serverless.yml" in uris
    jsonschema.Draft7Validator(load_json(SARIF_SCHEMA)).validate(written["sarif"])
    fingerprints = [f["fingerprint"] for f in written["json"]["findings"]]
    assert len(fingerprints) == len(set(fingerprints))
    # standard output that would refuse the name: escaped as in the files
    strict = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    _escape_unencodable(strict, "json")
    strict.write('"odd\udcff"')
    strict.flush()
    assert json.loads(strict.buffer.getvalue()) == "odd\udcff"  # type: ignore[attr-defined]
    kept = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    _escape_unencodable(kept, "text")
    assert kept.errors == "surrogateescape"


@pytest.mark.parametrize("command", ["scan", "endpoints", "cost", "policy"])
def test_file_name_not_utf8_on_a_strict_terminal(tmp_path, command):
    """Standard output that refuses lone surrogates (a UTF-8 locale's): every command's
    text output names the folder with a `\\udcff` escape instead of crashing."""
    import subprocess
    import sys

    project = _app_in_odd_folder(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    done = subprocess.run([sys.executable, "-m", "faasguard.cli", command, str(project)],
                          capture_output=True, env=env, timeout=120)
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert done.returncode in (0, 1)
    if command != "cost":  # cost's text names functions, not files
        assert b"odd\\udcff" in done.stdout + done.stderr
