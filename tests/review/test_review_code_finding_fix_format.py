"""Review of the remediation a finding in handler code shows: FG-PERM-103 (a call the
role does not allow) is reported at the call, in a .py file, and its fix is a grant in the
deployment format. A SAM or Terraform project's finding showed the serverless.yml snippet
(the rule's first), so a Terraform user was told to write `!GetAtt Queue.Arn`. Now the
snippet of the deployment format beside the code: the template's folder above it, else
the app's only deployment format (Terraform in infra/ beside src/). Fixtures
tests/fixtures/review_code_finding_fix_format/{sam,terraform,serverless}."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.findings import RemediationChooser

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_code_finding_fix_format"


@pytest.mark.parametrize(("project", "snippet"), [
    ("sam", "Policies:\n  - Statement:\n      - Effect: Allow\n        Action: [sqs:SendMessage]"),
    ("terraform", 'actions   = ["sqs:SendMessage"]'),
    ("serverless", "Resource: !GetAtt Queue.Arn"),
])
def test_a_code_finding_shows_the_fix_of_the_projects_format(project: str, snippet: str
                                                              ) -> None:
    [finding] = findings(FIXTURES / project, "FG-PERM-103")
    assert finding.location.file == "src/app.py"
    assert snippet in finding.remediation


def test_the_nearest_template_decides_and_several_formats_leave_the_default() -> None:
    chooser = RemediationChooser([("serverless.yml", "serverless"), ("src/a.py", "python"),
                                  ("infra/sam/template.yaml", "sam"),
                                  ("infra/sam/src/b.py", "python"), ("tools/c.py", "python")])
    assert chooser.keys("src/a.py") == ("python", "serverless")
    assert chooser.keys("infra/sam/src/b.py") == ("python", "sam", "cloudformation")
    assert chooser.keys("tools/c.py") == ("python", "serverless")  # the root's
    two = RemediationChooser([("infra/main.tf", "terraform"), ("deploy/template.yaml", "sam"),
                              ("src/a.py", "python")])
    assert two.keys("src/a.py") == ("python",)
