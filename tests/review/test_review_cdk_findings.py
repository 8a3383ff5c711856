"""Review of a CDK app's findings as its authors meet them: they edit TypeScript or Python
constructs, never cdk.out. A finding in a synthesised template (cdk.out/ApiStack.template
.json) names the resource by its generated logical id ('Fn9270CBC0') at a line of a file
cdk synth rewrites, and shows SAM's fix ('Globals: Function: Tracing: Active',
'FunctionUrlConfig: AuthType: AWS_IAM'): nothing a CDK app can hold. The template's
Metadata has the construct's path (aws:cdk:path 'ApiStack/Fn/Resource', read by the
loader as properties['cdk_path'] and shown nowhere). Pinned; the SAM twin is the control.
Fixtures under tests/fixtures/review_cdk_findings."""

from __future__ import annotations

import re
from pathlib import Path

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import RULES, Finding
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_cdk_findings"


def _finding(folder: str, rule_id: str) -> Finding:
    [found] = [f for f in scan(str(FIXTURES / folder)).findings if f.rule_id == rule_id]
    return found


def test_a_sam_template_gets_sams_fixes() -> None:
    assert _finding("sam", "FG-MON-001").remediation.startswith("Globals:")
    assert _finding("sam", "FG-AUTH-001").remediation.startswith("FunctionUrlConfig:")


def test_a_cdk_template_gets_no_sam_only_fix() -> None:
    tracing = _finding("cdk", "FG-MON-001").remediation
    assert "Globals:" not in tracing
    assert "TracingConfig:\n  Mode: Active" in tracing
    assert tracing.endswith("# CDK: lambda.Function's tracing: lambda.Tracing.ACTIVE")
    url = _finding("cdk", "FG-AUTH-001").remediation
    assert "FunctionUrlConfig" not in url
    assert "Type: AWS::Lambda::Url" in url and "lambda.FunctionUrlAuthType.AWS_IAM" in url


def test_a_cdk_finding_names_its_construct() -> None:
    for rule_id in ("FG-MON-001", "FG-AUTH-001"):
        finding = _finding("cdk", rule_id)
        said = " ".join([finding.message, *(text for _, text in finding.related)])
        assert "ApiStack/Fn" in said
    assert _finding("cdk", "FG-MON-001").message.endswith(
        "It comes from the CDK construct ApiStack/Fn (aws:cdk:path ApiStack/Fn/Resource).")


def test_a_sam_finding_names_no_construct() -> None:
    assert "CDK construct" not in _finding("sam", "FG-MON-001").message


#: SAM's own syntax, which neither CloudFormation nor a CDK app can hold.
_SAM_ONLY = re.compile(r"Globals:|Events:|Policies|FunctionUrlConfig|AWS::Serverless::|"
                       r"^\s*Auth:|Api event|--format sam|EventInvokeConfig:", re.M)


def test_every_sam_only_fix_has_a_cloudformation_form() -> None:
    """A CloudFormation or CDK finding falls back to the SAM snippet: only where it is
    plain CloudFormation."""
    lacking = [rule_id for rule_id, rule in sorted(RULES.items())
               if _SAM_ONLY.search(rule.meta.remediation.get("sam", ""))
               and "cloudformation" not in rule.meta.remediation
               and rule_id != "FG-PERM-005"]  # SAM policy templates: in SAM only
    assert lacking == []
    for rule_id, rule in RULES.items():
        assert next(iter(rule.meta.remediation), "") != "cdk", rule_id
        assert not _SAM_ONLY.search(rule.meta.remediation.get("cloudformation", "")), rule_id
