"""FG-PERM-105's and FG-PERM-102's fast paths (1b1a3eb) on roles whose chain or grant
comes only through a NotAction statement or a managed policy: the findings of the rules
as they were (checked against the session's starting code)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faasguard.scan import scan

SHARED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "awscalls" / "apps" / \
    "shared"
STATEMENTS = """      statements:
        - Effect: Allow
          Action: ["dynamodb:*", "iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]
          Resource: "*\""""
ONLY = {
    "notaction": """      statements:
        - Effect: Allow
          NotAction: ["s3:*"]
          Resource: "*\"""",
    "managed": """      managedPolicies:
        - arn:aws:iam::aws:policy/AdministratorAccess
      statements:
        - Effect: Allow
          Action: ["dynamodb:GetItem"]
          Resource: "*\"""",
}
DEPLOYER = ("import boto3\n\nLAMBDA = boto3.client('lambda')\n\n\n"
            "def handler(event, context):\n"
            "    return LAMBDA.invoke(FunctionName='worker', Payload=b'{}')\n")


@pytest.mark.parametrize("how,narrowed", [("notaction", False), ("managed", True)])
def test_a_chain_through_notaction_or_a_managed_policy_only(tmp_path: Path, how: str,
                                                            narrowed: bool) -> None:
    app = tmp_path / "app"
    shutil.copytree(SHARED, app)
    config = app / "serverless.yml"
    text = config.read_text()
    assert STATEMENTS in text
    (app / "deployer.py").write_text(DEPLOYER)
    config.write_text(text.replace(STATEMENTS, ONLY[how]).replace(
        "functions:\n", "functions:\n  deployer:\n    handler: deployer.handler\n"))
    found = scan(str(app)).findings
    assert sorted(f.subject for f in found if f.rule_id == "FG-PERM-105") == [
        "escalation-chain:IamRoleLambdaExecution",
        "escalation-chain:IamRoleLambdaExecution:uses:lambda:invokefunction"]
    # a NotAction statement holds no action with a `*`; a managed policy's are not judged
    assert [f.subject for f in found if f.rule_id == "FG-PERM-102"] == \
        (["narrow:IamRoleLambdaExecution:serverless:provider:0"] if narrowed else [])
