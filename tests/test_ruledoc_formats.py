"""`faasguard rules ID --for FORMAT` shows the fix a finding in a file of that format
shows: `cdk` (findings in cdk.out get the CloudFormation form and a CDK line, ff75cc2) was
no choice, and `--for cloudformation` showed SAM's own syntax beside CloudFormation's. A
rule that writes a CloudFormation snippet of its own labels its SAM one "AWS SAM", not
"AWS SAM / CloudFormation", here and in docs/rules.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from pipeline_support import run_cli

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import RULES, RemediationChooser

ROOT = Path(__file__).resolve().parents[1]


def _fix_section(capsys, rule_id: str, fix_format: str) -> str:
    code, out, _ = run_cli(capsys, "rules", rule_id, "--for", fix_format)
    assert code == 0
    return out.split("How to fix it\n", 1)[1].split("\nReferences\n", 1)[0]


def test_for_cdk_shows_the_cloudformation_form_and_the_construct_line(capsys) -> None:
    section = _fix_section(capsys, "FG-PERM-001", "cdk")
    assert "  CloudFormation:\n" in section and "AWS::IAM::Policy" in section
    assert "# CDK: table.grantReadData(fn)" in section
    assert "DynamoDBReadPolicy" not in section and "AWS SAM" not in section  # SAM's syntax
    assert "Terraform" not in section and "no AWS CDK fix" not in section


@pytest.mark.parametrize("rule_id", sorted(i for i, r in RULES.items()
                                           if "cdk" in r.meta.remediation))
def test_for_cdk_shows_every_line_a_finding_in_cdk_out_shows(capsys, rule_id) -> None:
    shown = RemediationChooser([("cdk.out/App.template.json", "cdk")]).choose(
        "cdk.out/App.template.json", RULES[rule_id].meta.remediation)
    section = _fix_section(capsys, rule_id, "cdk")
    assert all(line.strip() in section for line in shown.splitlines())


def test_for_cloudformation_and_for_sam_show_their_own_snippet(capsys) -> None:
    cloudformation = _fix_section(capsys, "FG-PERM-001", "cloudformation")
    assert "AWS::IAM::Policy" in cloudformation and "DynamoDBReadPolicy" not in cloudformation
    sam = _fix_section(capsys, "FG-PERM-001", "sam")
    assert "  AWS SAM:\n" in sam and "DynamoDBReadPolicy" in sam
    assert "AWS::IAM::Policy" not in sam


def test_the_sam_label_names_cloudformation_only_where_it_serves_it(capsys) -> None:
    code, own, _ = run_cli(capsys, "rules", "FG-PERM-001")
    assert "  AWS SAM:\n" in own and "  CloudFormation:\n" in own
    assert "AWS SAM / CloudFormation" not in own
    code, shared, _ = run_cli(capsys, "rules", "FG-DATA-001")
    assert "  AWS SAM / CloudFormation:\n" in shared and "  CloudFormation:\n" not in shared


def test_the_rules_page_labels_sam_the_same_way() -> None:
    spec = importlib.util.spec_from_file_location("gen_rules_doc",
                                                  ROOT / "scripts" / "gen_rules_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = module.render()
    section = page.split("## FG-PERM-001: ", 1)[1].split("\n## FG-", 1)[0]
    assert "\nSAM:\n" in section and "\nCloudFormation:\n" in section
    assert "SAM / CloudFormation:" not in section
    shared = page.split("## FG-DATA-001: ", 1)[1].split("\n## FG-", 1)[0]
    assert "\nSAM / CloudFormation:\n" in shared
