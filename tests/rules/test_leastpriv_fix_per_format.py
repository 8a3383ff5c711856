"""FG-PERM-103 writes and chooses the fix of an action once for the findings in files of
one format, not once per finding: a scan holding a serverless.yml project and a SAM
project whose handlers make the same call the role does not allow shows each finding the
fix of its own format (the choice is kept per action and remediation keys, never per
action alone), the same text `remediation_for` chooses for that file."""

from __future__ import annotations

import shutil
from pathlib import Path

from faasguard.scan import scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "remediation_fit" / "perms"

_SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Saver:
    Type: AWS::Serverless::Function
    Properties:
      Handler: saver.handler
      Runtime: python3.12
      CodeUri: .
      Policies:
        - Statement:
            - Effect: Allow
              Action: [logs:CreateLogStream, logs:PutLogEvents]
              Resource: "*"
"""


def test_each_format_gets_its_own_fix_of_one_action(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "a-sls")
    (tmp_path / "b-sam").mkdir()
    shutil.copy(FIXTURE / "saver.py", tmp_path / "b-sam" / "saver.py")
    (tmp_path / "b-sam" / "template.yaml").write_text(_SAM)
    fixes = {f.location.file: f.remediation for f in scan(str(tmp_path)).findings
             if f.rule_id == "FG-PERM-103" and "dynamodb:PutItem" in f.message}
    assert set(fixes) == {"a-sls/saver.py", "b-sam/saver.py"}
    assert fixes["a-sls/saver.py"].startswith("- Effect: Allow\n  Action: [dynamodb:PutItem]")
    assert fixes["b-sam/saver.py"].startswith("Policies:\n  - Statement:\n")
    assert "Action: [dynamodb:PutItem]" in fixes["b-sam/saver.py"]
