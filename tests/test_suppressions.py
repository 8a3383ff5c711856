"""Inline suppression comments, config `ignore` entries and their effect on findings."""

from __future__ import annotations

import pytest

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.config import IgnoreEntry
from faasguard.findings import make_finding
from faasguard.model import Location
from faasguard.suppress import CommentIndex, apply_suppressions, parse_comment


@pytest.mark.parametrize("line, ids, reason", [
    ("  Url:  # faasguard:ignore FG-AUTH-001 public webhook", ("FG-AUTH-001",),
     "public webhook"),
    ("# faasguard:ignore FG-DATA-001, FG-PERM-001 legacy stack",
     ("FG-DATA-001", "FG-PERM-001"), "legacy stack"),
    ("x = eval(b)  # faasguard: ignore[FG-INJ-002] constant here", ("FG-INJ-002",),
     "constant here"),
    ("run(cmd); // faasguard: ignore[FG-INJ-001, FG-INJ-005] - vetted",
     ("FG-INJ-001", "FG-INJ-005"), "vetted"),
    ("  # faasguard:ignore FG-AUTH-001", ("FG-AUTH-001",), ""),
    ("# faasguard:ignore", (), ""),
])
def test_parse_comment(line, ids, reason):
    found = parse_comment(line, 7)
    assert found is not None
    assert (found.line, found.rule_ids, found.reason) == (7, ids, reason)


@pytest.mark.parametrize("line", [
    "Name: faasguard:ignore-me",  # not in a comment
    "url: http://x/#faasguard",  # no marker
    "plain: value",
])
def test_lines_without_suppressions(line):
    assert parse_comment(line) is None


TEMPLATE = """\
Resources:
  Api:
    Properties:
      # faasguard:ignore FG-AUTH-001 signed webhook payloads
      # a second comment line
      FunctionUrlConfig:
        AuthType: NONE
      Variables:
        DB_PASSWORD: hunter2  # faasguard:ignore FG-DATA-001
        API_TOKEN: abc
      Other: 1  # faasguard:ignore FG-PERM-001 trailing comment of another line
      Policy: x
"""


def finding(rule_id, line, subject="s", file="template.yaml"):
    return make_finding(rule_id, "msg", Location(file, line), subject)


def test_comment_lookup_same_line_and_comment_lines_above(tmp_path):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    index = CommentIndex(str(tmp_path))
    assert index.lookup("template.yaml", 6, "FG-AUTH-001") is not None  # 2 comment lines up
    assert index.lookup("template.yaml", 6, "FG-DATA-001") is None  # other rule
    assert index.lookup("template.yaml", 7, "FG-AUTH-001") is None  # code line between
    assert index.lookup("template.yaml", 9, "FG-DATA-001") is not None
    assert index.lookup("template.yaml", 10, "FG-DATA-001") is None  # trailing, line above
    assert index.lookup("template.yaml", 12, "FG-PERM-001") is None
    assert index.lookup("template.yaml", 11, "FG-PERM-001") is not None
    assert index.lookup("missing.yaml", 1, "FG-PERM-001") is None


def test_apply_marks_and_warns_once_for_missing_reason(tmp_path):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    url = finding("FG-AUTH-001", 6)
    secret = finding("FG-DATA-001", 9, "env:DB_PASSWORD")
    secret_twice = finding("FG-DATA-001", 9, "env:DB_PASSWORD:other")
    token = finding("FG-DATA-001", 10, "env:API_TOKEN")
    problems = apply_suppressions([url, secret, secret_twice, token], str(tmp_path))
    assert url.suppressed == "signed webhook payloads"
    assert url.properties["suppression"] == {"kind": "inSource", "source": "comment"}
    assert secret.suppressed == "no reason given" and secret_twice.suppressed
    assert token.suppressed is None
    assert len(problems) == 1
    warning = problems[0]
    assert (warning.file, warning.line, warning.level, warning.code) == (
        "template.yaml", 9, "warning", "suppression")
    assert "no reason" in warning.message and "FG-DATA-001" in warning.message


def test_config_ignore_and_baseline_are_external(tmp_path):
    (tmp_path / "template.yaml").write_text("a: 1\n")
    ignored = finding("FG-AUTH-001", 1, file="public/template.yaml")
    baselined = finding("FG-PERM-001", 1)
    fresh = finding("FG-AUTH-001", 1)
    problems = apply_suppressions(
        [ignored, baselined, fresh], str(tmp_path),
        [IgnoreEntry("FG-AUTH-001", "public/*", "webhooks")], {baselined.fingerprint})
    assert problems == []
    assert ignored.suppressed == "webhooks"
    assert ignored.properties["suppression"] == {"kind": "external", "source": "config"}
    assert baselined.suppressed == "baseline"
    assert baselined.properties["suppression"]["source"] == "baseline"
    assert fresh.suppressed is None


def test_binary_file_has_no_comments(tmp_path):
    (tmp_path / "blob.yaml").write_bytes(b"\x00\x01# faasguard:ignore FG-AUTH-001 x\n")
    assert CommentIndex(str(tmp_path)).lookup("blob.yaml", 1, "FG-AUTH-001") is None


def test_index_keeps_lines_only_of_files_with_comments(tmp_path):
    """A scan of thousands of files must not hold all their text until the end."""
    for i in range(20):
        (tmp_path / f"plain{i}.py").write_text("x = 1\n" * 50)
    (tmp_path / "marked.py").write_text(
        "# faasguard:ignore FG-INJ-002 constant\n# another comment\nx = eval(b)\n")
    index = CommentIndex(str(tmp_path))
    for i in range(20):
        assert index.lookup(f"plain{i}.py", 30, "FG-INJ-002") is None
    found = index.lookup("marked.py", 3, "FG-INJ-002")
    assert found is not None and found.reason == "constant"
    assert index.lookup("marked.py", 3, "FG-INJ-001") is None
    kept = {name: len(lines) for name, (lines, _) in index._files.items()}
    assert kept == {**{f"plain{i}.py": 0 for i in range(20)}, "marked.py": 3}
