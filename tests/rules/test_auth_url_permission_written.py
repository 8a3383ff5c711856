"""A permission letting anyone invoke a function URL with `FunctionUrlAuthType: NONE` is
the template writing NONE for that URL: a URL whose AuthType is a parameter defaulting to
AWS_IAM (no AllowedValues) is then reported as the template's NONE would be (high/high),
no longer at low confidence as a NONE only the setting's domain offers
(tests/review/test_review_auth_unlisted.py, fixture cfn_url_public_permission). A
permission that is not for anyone, or not for a URL without authentication, writes no
NONE; nor does it open the URL (the URL is an AWS::Lambda::Url, for which nothing else adds
a permission): it is then `low` at low confidence, saying AWS refuses every call
(tests/rules/test_auth_url_permission_needed.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "review_s12" / \
    "cfn_url_public_permission"


@pytest.mark.parametrize("old, new", [
    ("FunctionUrlAuthType: NONE", "FunctionUrlAuthType: AWS_IAM"),
    ('Principal: "*"', 'Principal: "123456789012"'),
    ("Action: lambda:InvokeFunctionUrl", "Action: lambda:InvokeFunction"),
])
def test_a_permission_that_writes_no_none_leaves_the_url_at_low_confidence(
        tmp_path: Path, old: str, new: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    template = project / "template.yaml"
    text = template.read_text()
    assert old in text
    template.write_text(text.replace(old, new))
    [finding] = [f for f in scan(str(project)).findings if f.rule_id == "FG-AUTH-001"]
    assert (finding.severity, finding.confidence) == ("low", "low")
    assert "AWS refuses every call to the URL until one is added" in finding.message
