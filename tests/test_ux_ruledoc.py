"""`faasguard rules ID`: readable summary line, and --for in a format the rule has no fix in."""

from __future__ import annotations

from faasguard.findings import RULES
from faasguard.report.ruledoc import text


def _page(rule_id: str, only: str | None = None) -> str:
    import faasguard.rules  # noqa: F401  (registers the rules)

    return text(RULES[rule_id].meta, only)


def test_summary_keeps_acronyms_and_names_capitalised():
    assert "Reports IAM statement allows every action" in _page("FG-PERM-001")
    assert "Reports S3 bucket without" in _page("FG-DATA-009")
    assert "Reports Lambda function without X-Ray" in _page("FG-MON-001")
    assert "Reports command injection from event data" in _page("FG-INJ-001")


def test_for_a_format_without_a_fix_says_so_and_shows_the_others():
    page = _page("FG-INJ-001", "terraform")
    assert "(no Terraform fix: this rule is fixed in the formats below)" in page
    assert "Python handler:" in page and "JavaScript / TypeScript handler:" in page


def test_for_cloudformation_shows_the_sam_fix_alone():
    """FG-DATA-001 writes no CloudFormation snippet: its SAM one serves both."""
    page = _page("FG-DATA-001", "cloudformation")
    assert "AWS SAM / CloudFormation:" in page
    assert "Terraform:" not in page and "Serverless Framework" not in page
    assert "no CloudFormation fix" not in page


def test_every_command_and_monitor_action_help_has_examples():
    import subprocess
    import sys

    commands = (["scan"], ["rules"], ["cost"], ["endpoints"], ["policy"], ["monitor"],
                ["monitor", "analyze"], ["monitor", "generate"])
    # started together: each process spends most of its time starting the interpreter
    processes = [subprocess.Popen([sys.executable, "-m", "faasguard.cli", *argv, "--help"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for argv in commands]
    for argv, process in zip(commands, processes, strict=True):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, (argv, err)
        assert "examples:\n  faasguard " + " ".join(argv) in out, argv
