"""A baseline named on the command line that is no regular file: a FIFO is read as the
pipe it is (`--baseline <(...)`, as the scan reads its inputs), one no process writes to is
refused at once with a message (it was waited on for ever), and `--write-baseline` to a
FIFO no process reads is refused likewise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from faasguard.baseline import BaselineError, read_baseline, write_baseline

FIFOS = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
FINGERPRINT = "0123456789abcdef0123456789abcdef"
TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "sam"  # a project: 115 findings


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """`faasguard ARGV` in a process of its own: a hang fails the test after 60 s."""
    return subprocess.run([sys.executable, "-m", "faasguard.cli", *argv],
                          capture_output=True, text=True, timeout=60)


@FIFOS
def test_a_fifo_no_process_writes_to_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "baseline.json")
    done = _cli("scan", str(TEMPLATE), "--baseline", str(tmp_path / "baseline.json"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().endswith(
        f"{tmp_path}/baseline.json: not a baseline file (not a regular file (a FIFO, "
        "socket or device); nothing was read)"), done.stderr
    assert "Traceback" not in done.stderr


@FIFOS
def test_a_baseline_given_through_a_pipe_is_read(tmp_path: Path) -> None:
    """bash's <(...) is a pipe (/dev/fd/63): its baseline suppresses what it lists."""
    first = json.loads(_cli("scan", str(TEMPLATE), "--format", "json").stdout)["findings"]
    listed = {"version": "1", "findings": [{"fingerprint": f["fingerprint"]} for f in first]}
    (tmp_path / "b.json").write_text(json.dumps(listed))
    piped = subprocess.run(
        ["bash", "-c", '"$0" -m faasguard.cli scan "$1" --baseline <(cat "$2") --format json',
         sys.executable, str(TEMPLATE), str(tmp_path / "b.json")],
        capture_output=True, text=True, timeout=60)
    findings = json.loads(piped.stdout)["findings"]
    assert first and len(findings) == len(first)
    assert all(f["suppression"]["source"] == "baseline" for f in findings), piped.stderr


def test_an_empty_baseline_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("\n")
    with pytest.raises(BaselineError, match=r"b\.json: not a baseline file \(an empty file"):
        read_baseline(str(tmp_path / "b.json"))


@FIFOS
def test_writing_to_a_fifo_no_process_reads_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "out.json")
    with pytest.raises(BaselineError) as info:
        write_baseline(str(tmp_path / "out.json"), [])
    assert str(info.value) == (f"{tmp_path}/out.json: cannot be written: not a regular "
                               "file (a FIFO, socket or device) that no process reads")


@FIFOS
def test_writing_to_a_fifo_a_process_reads_writes_the_baseline(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(1200):  # until cat has opened the FIFO (at most a minute)
            try:
                assert write_baseline(str(fifo), []) == 0
                break
            except BaselineError:
                time.sleep(0.05)
        out, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert json.loads(out) == {"version": "1", "tool": "faasguard", "findings": []}


def test_a_regular_baseline_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": "1", "findings": [{"fingerprint": FINGERPRINT}]}))
    assert read_baseline(str(path)) == {FINGERPRINT}
