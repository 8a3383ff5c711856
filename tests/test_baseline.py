"""The baseline file: stable, sorted, versioned; malformed files are clear errors."""

from __future__ import annotations

import json

import pytest
from pipeline_support import run_cli, sample_report

from faasguard.baseline import BaselineError, read_baseline, render_baseline, write_baseline


def test_written_baseline_is_sorted_stable_and_leaves_out_accepted_findings(tmp_path):
    findings = sample_report().findings
    text = render_baseline(findings)
    assert text == render_baseline(list(reversed(findings)))  # order-independent
    document = json.loads(text)
    assert document["version"] == "1" and document["tool"] == "faasguard"
    entries = document["findings"]
    keys = [(e["file"], e["rule"], e["subject"]) for e in entries]
    assert keys == sorted(keys)
    rules = {e["rule"] for e in entries}
    # FG-DATA-001 is suppressed by a comment: accepted where it is, not baselined again;
    # FG-AUTH-002 was baselined: it stays in a rewritten baseline.
    assert rules == {"FG-AUTH-001", "FG-PERM-001", "FG-AUTH-002"}
    path = tmp_path / "baseline.json"
    assert write_baseline(str(path), findings) == 3
    assert read_baseline(str(path)) == {f.fingerprint for f in findings
                                        if f.rule_id != "FG-DATA-001"}


@pytest.mark.parametrize("content, words", [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "no 'findings'"),
    ('{"version": "7", "findings": []}', "unsupported baseline version"),
    ('{"version": "1", "findings": {}}', "must be a list"),
    ('{"version": "1", "findings": [{"fingerprint": "zz"}]}', "findings[0]"),
    ('{"version": "1", "findings": ["abc"]}', "findings[0]"),
])
def test_malformed_baselines(tmp_path, content, words):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as info:
        read_baseline(str(path))
    assert words in str(info.value) and str(path) in str(info.value)


def test_binary_and_missing_baselines(tmp_path):
    path = tmp_path / "b.json"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(BaselineError, match="not UTF-8"):
        read_baseline(str(path))
    with pytest.raises(BaselineError, match="not found"):
        read_baseline(str(tmp_path / "none.json"))


def test_cli_malformed_baseline_exits_2(tmp_path, capsys):
    bad = tmp_path / "baseline.json"
    bad.write_text("garbage")
    code, out, err = run_cli(capsys, "scan", str(tmp_path), "--baseline", str(bad))
    assert code == 2 and "baseline.json" in err and "Traceback" not in err
    assert out == ""
