"""JSON and SARIF reports stream to their output: the same bytes as `render`, written in
pieces, each finding made only when the writer reaches it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_support import sample_report

from faasguard.findings import make_finding
from faasguard.model import Location
from faasguard.report import jsontext, render, write
from faasguard.report.base import Report
from faasguard.report.jsontext import Items, dump, dumps


class _Chunks(io.StringIO):
    """A text stream that counts the writes it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _many_findings(count: int) -> Report:
    findings = [make_finding("FG-PERM-001", f"Statement {i} allows every action.",
                             Location(f"svc{i % 7}/serverless.yml", i + 1), f"statement:{i}")
                for i in range(count)]
    for i, finding in enumerate(findings):
        finding.properties["index"] = i
    return Report(findings=findings, diagnostics=[], files_scanned=7, root=".")


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_write_gives_the_bytes_of_render(fmt: str) -> None:
    out = io.StringIO()
    write(sample_report(), fmt, out)
    assert out.getvalue() == render(sample_report(), fmt)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_large_report_is_written_in_pieces(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsontext, "FLUSH_PIECES", 64)
    report = _many_findings(300)
    out = _Chunks()
    write(report, fmt, out)
    assert out.writes > 20
    assert out.getvalue() == render(report, fmt)
    assert len(json.loads(out.getvalue())["findings" if fmt == "json" else "runs"]) >= 1


def test_items_are_made_while_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Item k is produced only after the text of the items before it has gone out."""
    monkeypatch.setattr(jsontext, "FLUSH_PIECES", 1)
    written: list[str] = []

    def produce() -> Iterator[dict[str, int]]:
        for k in range(5):
            if k:
                assert f'"k": {k - 1}' in "".join(written)
            yield {"k": k}

    dump({"items": Items(produce())}, written.append)
    assert json.loads("".join(written)) == {"items": [{"k": k} for k in range(5)]}


def test_empty_items_is_an_empty_array() -> None:
    value = {"a": Items(iter(())), "b": Items([]), "c": [Items([1, "x"])]}
    assert json.loads(dumps(value)) == {"a": [], "b": [], "c": [[1, "x"]]}
    assert dumps(value) == json.dumps({"a": [], "b": [], "c": [[1, "x"]]}, indent=2)


def test_scan_output_file_and_stdout_are_the_same(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.11\n  iamRoleStatements:\n"
        "    - Effect: Allow\n      Action: '*'\n      Resource: '*'\n"
        "functions:\n  f:\n    handler: h.main\n")
    for fmt in ("json", "sarif"):
        target = tmp_path / f"out.{fmt}"
        cmd = [sys.executable, "-m", "faasguard.cli", "scan", str(tmp_path / "proj"),
               "--format", fmt, "--no-progress"]
        to_file = subprocess.run([*cmd, "-o", str(target)], capture_output=True, text=True,
                                 cwd=tmp_path)
        to_stdout = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
        assert to_file.returncode == to_stdout.returncode == 1
        assert target.read_text(encoding="utf-8") == to_stdout.stdout
        assert json.loads(to_stdout.stdout)


def test_findings_in_order_are_not_sorted_again() -> None:
    from faasguard.report.base import finding_order, in_finding_order

    report = _many_findings(50)
    ordered = sorted(report.findings, key=finding_order)
    assert in_finding_order(ordered) is ordered
    shuffled = ordered[::-1]
    again = in_finding_order(shuffled)
    assert again is not shuffled and again == ordered
    assert in_finding_order([]) == []
