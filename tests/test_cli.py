"""The command line: exit codes, formats, output files, baseline, rules, help, laziness."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys

import pytest
from compiled_support import COMPILED
from pipeline_support import FIXTURES, run_cli

from faasguard import __version__
from faasguard.findings import RULES

APP = str(FIXTURES / "app")


def test_version_says_which_build_runs(capsys):
    code, out, _ = run_cli(capsys, "--version")
    kind = "compiled (mypyc)" if COMPILED else "pure Python"
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert code == 0
    assert out == (f"faasguard {__version__}, {kind} build, Python {python} "
                   f"({sys.implementation.name})\n")


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run_cli(capsys)
    assert code == 2 and "scan" in out and "rules" in out
    assert "examples:" in out and "exit codes:" in out


@pytest.mark.parametrize("command, example", [("scan", "--write-baseline"),
                                               ("rules", "faasguard rules FG-AUTH-001")])
def test_help_has_examples(capsys, command, example):
    code, out, _ = run_cli(capsys, command, "--help")
    assert code == 0 and "examples:" in out and example in out


def test_findings_exit_1_and_fail_on_threshold(capsys):
    code, out, _ = run_cli(capsys, "scan", APP)
    assert code == 1 and "FG-PERM-001" in out and "serverless.yml:10" in out
    code, out, _ = run_cli(capsys, "scan", APP, "--fail-on", "none")
    assert code == 0 and "FG-PERM-001" in out
    code, _, _ = run_cli(capsys, "scan", APP, "--fail-on", "critical")
    assert code == 1  # FG-PERM-001 is critical


def test_fail_on_ignores_suppressed_findings(tmp_path, capsys):
    config = tmp_path / "faasguard.yml"
    config.write_text("fail-on: critical\n")
    code, out, _ = run_cli(capsys, "scan", str(FIXTURES / "suppressed"), "--config",
                           str(config))
    assert code == 0  # the critical FG-PERM-001 is suppressed
    assert "Suppressed (2)" in out
    code, _, _ = run_cli(capsys, "scan", str(FIXTURES / "suppressed"), "--fail-on", "high")
    assert code == 1  # FG-AUTH-001 (high) is not suppressed


def test_stage_from_command_line_and_config(tmp_path, capsys):
    staged = str(FIXTURES / "staged")
    assert "FG-DATA-001" not in run_cli(capsys, "scan", staged)[1]
    assert "FG-DATA-001" in run_cli(capsys, "scan", staged, "--stage", "prod")[1]
    config = tmp_path / "c.yml"
    config.write_text("stage: prod\n")
    assert "FG-DATA-001" in run_cli(capsys, "scan", staged, "--config", str(config))[1]
    assert "FG-DATA-001" not in run_cli(capsys, "scan", staged, "--config", str(config),
                                        "--stage", "dev")[1]


def test_usage_errors_exit_2(capsys):
    for argv in (["scan"], ["scan", APP, "--format", "xml"], ["scan", APP, "--jobs", "0"],
                 ["scan", APP, "--budget", "lots"], ["scan", APP, "--fail-on", "bad"]):
        code, _, err = run_cli(capsys, *argv)
        assert code == 2 and "usage:" in err and "Traceback" not in err


def test_missing_path_alone_exits_2_beside_a_good_one_scans(tmp_path, capsys):
    missing = str(tmp_path / "nope")
    code, out, _ = run_cli(capsys, "scan", missing)
    assert code == 2 and "path does not exist" in out and "nothing could be scanned" in out
    code, out, _ = run_cli(capsys, "scan", missing, APP, "--fail-on", "none")
    assert code == 0 and "path does not exist" in out and "FG-AUTH-001" in out


def test_output_file_and_formats(tmp_path, capsys):
    target = tmp_path / "report.json"
    code, out, _ = run_cli(capsys, "scan", APP, "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    document = json.loads(target.read_text())
    assert document["summary"]["failed"] is True
    assert {f["rule_id"] for f in document["findings"]} >= {"FG-AUTH-001", "FG-PERM-001"}
    code, out, _ = run_cli(capsys, "scan", APP, "--format", "sarif")
    assert json.loads(out)["runs"][0]["results"]
    code, _, err = run_cli(capsys, "scan", APP, "-o", str(tmp_path / "no" / "dir" / "r.txt"))
    assert code == 2 and "cannot be written" in err


def test_quiet_and_colours(capsys, monkeypatch):
    code, out, _ = run_cli(capsys, "scan", APP, "--quiet")
    assert "FG-AUTH-001" in out and "scanned" not in out
    _, out, _ = run_cli(capsys, "scan", APP, "--color", "always")
    assert "\x1b[" in out
    _, out, _ = run_cli(capsys, "scan", APP)  # captured output is not a terminal
    assert "\x1b[" not in out


def test_write_then_use_a_baseline(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    code, _, err = run_cli(capsys, "scan", APP, "--write-baseline", str(baseline))
    assert code == 1 and "wrote" in err
    first = baseline.read_text()
    run_cli(capsys, "scan", APP, "--write-baseline", str(baseline))
    assert baseline.read_text() == first  # stable
    code, out, _ = run_cli(capsys, "scan", APP, "--baseline", str(baseline))
    assert code == 0 and "[baseline] baseline" in out
    assert out.splitlines()[-1].startswith("0 findings, ")


def test_rules_catalogue_and_pages(capsys):
    code, out, _ = run_cli(capsys, "rules")
    assert code == 0 and "Broken authentication (auth)" in out
    assert all(rule_id in out for rule_id in RULES)
    code, out, _ = run_cli(capsys, "rules", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == sorted(RULES)
    code, out, _ = run_cli(capsys, "rules", "--threat", "data")
    assert "FG-DATA-001" in out and "FG-AUTH-001" not in out
    code, out, _ = run_cli(capsys, "rules", "fg-auth-001")
    for heading in ("What it does", "Why is this bad?", "How to fix it", "References",
                    "CWE-306", "Checkov"):
        assert heading in out
    assert "Serverless Framework" in out and "Terraform" in out
    code, out, _ = run_cli(capsys, "rules", "FG-AUTH-001", "--for", "sam")
    assert "AuthType: AWS_IAM" in out and "Terraform" not in out
    code, out, _ = run_cli(capsys, "rules", "FG-AUTH-001", "--format", "markdown")
    assert out.startswith("# FG-AUTH-001: ") and "```yaml" in out


def test_unknown_rule_and_threat_exit_2(capsys):
    code, out, err = run_cli(capsys, "rules", "FG-AUTH-01")
    assert code == 2 and out == "" and "unknown rule id 'FG-AUTH-01'" in err
    assert "Did you mean" in err and "FG-AUTH-001" in err.split("Did you mean")[1]
    code, _, err = run_cli(capsys, "rules", "--threat", "nope")
    assert code == 2 and "unknown threat" in err


def test_cli_start_imports_no_scanner():
    """`faasguard --help` and an empty scan start fast: the CLI imports lazily."""
    probe = ("import sys; from faasguard.cli import _build_parser; _build_parser(); "
             "heavy = [m for m in ('yaml', 'faasguard.scan', 'faasguard.loaders', "
             "'faasguard.rules', 'jsonschema') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert out.stdout.strip() == "[]"


def test_a_command_line_builds_only_its_command(tmp_path):
    """`faasguard scan EMPTY` imports no other command and none of the analyses, loaders'
    parsers or rules; `faasguard --help` still lists every command."""
    probe = ("import sys; from faasguard.cli import main; code = main(['scan', sys.argv[1]]); "
             "heavy = [m for m in ('faasguard.commands.policy', 'faasguard.commands.rules', "
             "'faasguard.commands.monitor', 'faasguard.rules', 'faasguard.analysis.handlers', "
             "'faasguard.loaders.documents', 'yaml', 'botocore', 'jsonschema', 'tree_sitter', "
             "'hcl2') if m in sys.modules]; print(code, heavy, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True,
                          text=True, check=True)
    assert done.stderr.strip() == "0 []"
    listing = subprocess.run([sys.executable, "-m", "faasguard.cli", "--help"],
                             capture_output=True, text=True)
    from faasguard.commands import COMMANDS

    assert all(f"\n    {name}" in listing.stdout for name in COMMANDS)


def test_real_entry_point_no_traceback(tmp_path):
    bad = tmp_path / ".faasguard.yml"
    bad.write_text("rules: [oops\n")
    done = subprocess.run([sys.executable, "-m", "faasguard.cli", "scan", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "invalid YAML" in done.stderr and "Traceback" not in done.stderr


def test_progress_bar_only_on_a_terminal_and_for_many_files():
    import io

    from faasguard.progress import ProgressBar

    piped = io.StringIO()
    bar = ProgressBar(piped, min_files=2, interval_s=0)
    for done in range(1, 6):
        bar(done, 5)
    bar.close()
    assert piped.getvalue() == ""  # not a terminal: CI logs and pipes stay clean

    master, slave = os.openpty()
    with os.fdopen(slave, "w") as terminal:
        few = ProgressBar(terminal, min_files=10, interval_s=0)
        few(1, 3)
        off = ProgressBar(terminal, enabled=False, min_files=2, interval_s=0)
        off(1, 3)
        terminal.flush()
        many = ProgressBar(terminal, min_files=2, interval_s=0)
        for done in range(1, 4):
            many(done, 3)
        many.close()
    chunks = []
    while select.select([master], [], [], 0.5)[0]:  # a pty hands out one write at a time
        chunk = os.read(master, 4096)
        chunks.append(chunk)
        if chunk.endswith(b"\x1b[2K"):
            break
    os.close(master)
    shown = b"".join(chunks).decode()
    assert shown.startswith("\rscanning [")  # nothing from `few` nor `off` before it
    assert "2/3 templates" in shown and "files" not in shown
    assert "scanning: 3 templates loaded; analysing the code" in shown
    assert shown.endswith("\r\x1b[2K")


def test_the_program_ends_with_its_output_written_and_its_exit_code():
    """`faasguard.cli.run` ends the process at once (no teardown): what it printed into a
    pipe (block-buffered) is all there, and the exit code is the command's."""
    done = subprocess.run([sys.executable, "-m", "faasguard.cli", "scan", APP, "--format",
                           "json", "--no-progress"], capture_output=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["findings"] and done.returncode == 1
    done = subprocess.run([sys.executable, "-m", "faasguard.cli", "scan", APP, "--format",
                           "json", "--fail-on", "none", "--no-progress"], capture_output=True,
                          timeout=120)
    assert json.loads(done.stdout)["findings"] and done.returncode == 0


def test_closed_pipe_is_not_a_crash():
    """`faasguard scan . | head -1`: the reader leaves early; no traceback."""
    process = subprocess.Popen([sys.executable, "-m", "faasguard.cli", "scan", APP],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # gone before the report is written
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) in (0, 1)
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_auto_colour_follows_the_terminal_and_no_color(monkeypatch):
    import io

    from faasguard.commands.scan import _color

    master, slave = os.openpty()
    with os.fdopen(slave, "w") as terminal:
        monkeypatch.delenv("NO_COLOR", raising=False)
        assert _color("auto", terminal) is True
        assert _color("auto", io.StringIO()) is False
        assert _color("never", terminal) is False
        monkeypatch.setenv("NO_COLOR", "1")
        assert _color("auto", terminal) is False
        assert _color("always", io.StringIO()) is True
    os.close(master)
