"""Granted vs. used: IAM matching (wildcards, NotAction, NotResource, explicit Deny) and the
least-privilege rules FG-PERM-101..105 on small apps (positive and negative)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faasguard.analysis.privileges import ANY, PolicyResource, granted_actions, is_granted
from faasguard.model import Location, Ref, Role, Statement, Unknown, logical_id
from faasguard.scan import scan

REPO = Path(__file__).resolve().parents[1]
APPS = REPO / "tests" / "fixtures" / "awscalls" / "apps"
TABLE = PolicyResource("${Items.Arn}", {"Fn::GetAtt": ["Items", "Arn"]},
                       ("${Items.Arn}", "arn:*:dynamodb:*:*:table/items"))
OBJECT = PolicyResource("arn:${AWS::Partition}:s3:::media/*", "x", ("arn:*:s3:::media/*",))


def _allow(actions=(), resources=("*",), not_actions=(), not_resources=(), effect="Allow"):
    return Statement(effect, tuple(actions), tuple(not_actions),
                     tuple(resources) if not not_resources else (), tuple(not_resources))


@pytest.mark.parametrize("statements, action, resource, expected", [
    ([_allow(["dynamodb:Get*"])], "dynamodb:GetItem", TABLE, True),
    ([_allow(["dynamodb:Get*"])], "dynamodb:PutItem", TABLE, False),
    ([_allow(["DynamoDB:getitem"], [Ref("t#Items", "Arn")])], "dynamodb:GetItem", TABLE, True),
    ([_allow(["dynamodb:GetItem"], [Ref("t#Other", "Arn")])], "dynamodb:GetItem", TABLE, False),
    ([_allow(["dynamodb:GetItem"], ["arn:aws:dynamodb:us-east-1:1:table/items"])],
     "dynamodb:GetItem", TABLE, True),
    ([_allow(["dynamodb:GetItem"], ["arn:aws:dynamodb:us-east-1:1:table/other"])],
     "dynamodb:GetItem", TABLE, False),
    ([_allow(["s3:GetObject"], ["arn:aws:s3:::media"])], "s3:GetObject", OBJECT, False),
    ([_allow(["s3:GetObject"], ["arn:aws:s3:::media/*"])], "s3:GetObject", OBJECT, True),
    ([_allow(not_actions=["iam:*"])], "s3:GetObject", OBJECT, True),
    ([_allow(not_actions=["s3:*"])], "s3:GetObject", OBJECT, False),
    ([_allow(["s3:*"], not_resources=["arn:aws:s3:::media/*"])], "s3:GetObject", OBJECT, False),
    ([_allow(["s3:*"], not_resources=["arn:aws:s3:::other/*"])], "s3:GetObject", OBJECT, True),
    ([_allow(["*"]), _allow(["s3:GetObject"], effect="Deny")], "s3:GetObject", OBJECT, False),
    ([_allow(["*"]), _allow(["s3:PutObject"], effect="Deny")], "s3:GetObject", OBJECT, True),
    ([_allow(["s3:GetObject"], [Unknown("a parameter")])], "s3:GetObject", OBJECT, None),
    ([_allow(["sts:AssumeRole"])], "sts:AssumeRole", ANY, True),
])
def test_is_granted(statements, action, resource, expected) -> None:
    assert is_granted(statements, action, resource).granted is expected


def test_granted_actions_expands_wildcards_and_denies() -> None:
    role = Role("r", Location("t", 1), [_allow(["sqs:*"]),
                                         _allow(["sqs:Delete*"], effect="Deny")])
    granted = granted_actions(role)
    assert "sqs:SendMessage" in granted and "sqs:DeleteMessage" not in granted
    assert len(granted_actions(Role("r", Location("t", 1), [_allow(["*"])]))) > 15000


def _ids(path: Path) -> dict[str, list[str]]:
    result = scan(str(path))
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        if finding.rule_id.startswith("FG-PERM-1"):
            found.setdefault(finding.rule_id, []).append(finding.message)
    return found


def test_rules_on_a_shared_over_granted_role() -> None:
    found = _ids(APPS / "shared")
    [unused] = found["FG-PERM-101"]  # one role: one finding naming both functions
    assert "shared by functions 'reader' and 'writer'" in unused
    assert "dynamodb:GetItem on ${Items.Arn}" in unused and "4 Permissions management" in unused
    # the statement's `dynamodb:*` is FG-PERM-002's, which absorbs the narrowing
    assert "FG-PERM-102" not in found
    [service] = [f for f in scan(str(APPS / "shared")).findings if f.rule_id == "FG-PERM-002"]
    assert any("narrow it to dynamodb:GetItem on ${Items.Arn}; dynamodb:PutItem on ${Items.Arn}"
               in message for _, message in service.related)
    assert found["FG-PERM-103"] == [m for m in found["FG-PERM-103"] if "sqs:SendMessage" in m]
    assert "QUEUE_URL" in found["FG-PERM-103"][0]
    assert "reader uses dynamodb:GetItem yet holds dynamodb:PutItem" in found["FG-PERM-104"][0]
    assert len(found["FG-PERM-105"]) == 1  # reader and writer use no step: one finding
    assert found["FG-PERM-105"][0].startswith("Functions 'reader' and 'writer' can escalate")
    assert "iam:PassRole [unused] -> lambda:CreateFunction [unused]" in found["FG-PERM-105"][0]


def test_no_findings_on_a_scoped_role() -> None:
    result = scan(str(APPS / "scoped"))
    assert result.facts.aws_calls  # the code was analysed
    assert [f for f in result.findings if f.rule_id.startswith("FG-PERM-1")] == []


def test_vulnerable_app_over_grants_and_chains() -> None:
    result = scan(str(REPO / "examples" / "vulnerable-app"))
    by_rule: dict[str, list] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    # the seven functions share one role, whose `Action: "*"` FG-PERM-001 reports: the
    # role's FG-PERM-101 is folded into it
    assert "FG-PERM-101" not in by_rule
    [star] = [f for f in by_rule["FG-PERM-001"] if f.location.line == 22]
    [unused] = [a for a in star.properties["absorbed"] if a["rule_id"] == "FG-PERM-101"]
    assert unused["properties"]["functions"] == sorted(
        f.rsplit("#", 1)[-1] for f in result.app.functions)
    assert len(unused["properties"]["functions"]) == 7
    [message] = [m for _, m in star.related if m.startswith("FG-PERM-101 ")]
    assert "dynamodb:Scan on ${OrdersTable.Arn}" in message
    assert "s3:GetObject on arn:${AWS::Partition}:s3:::orders-uploads-vulnerable/*" in message
    assert "s3:PutObject on arn:${AWS::Partition}:s3:::orders-uploads-vulnerable/thumbs/*" \
        in message
    chain = by_rule["FG-PERM-105"][0]
    assert len(by_rule["FG-PERM-105"]) == 1 and len(chain.flow) >= 3
    assert "iam:PassRole" in chain.message and "->" in chain.message


def test_kms_needed_for_a_queue_encrypted_with_a_customer_key() -> None:
    found = _ids(APPS / "cfn")
    assert sorted(m.split(" on ")[0].split()[-1] for m in found["FG-PERM-103"]) == \
        ["kms:Decrypt", "kms:GenerateDataKey"]
    assert "FG-PERM-101" not in found  # sqs:SendMessage on the queue is all it grants


def test_escalation_through_star_only_is_high() -> None:
    result = scan(str(REPO / "examples" / "vulnerable-app"))
    severities = {f.severity for f in result.findings if f.rule_id == "FG-PERM-105"}
    assert severities == {"high"}  # Action "*" itself is critical under FG-PERM-001
    shared = scan(str(APPS / "shared"))
    assert {f.severity for f in shared.findings if f.rule_id == "FG-PERM-105"} == {"critical"}


def test_vulnerable_app_reports_its_shared_role_once() -> None:
    """Seven functions on one `Action: "*"` role, none using a chain step: one finding
    naming them, the first chain in full, and every chain in its flow and properties."""
    result = scan(str(REPO / "examples" / "vulnerable-app"))
    found = [f for f in result.findings if f.rule_id == "FG-PERM-105"]
    assert len(found) == 1
    finding = found[0]
    assert finding.subject == "escalation-chain:IamRoleLambdaExecution"
    assert finding.properties["functions"] == sorted(
        logical_id(f) for f in result.app.functions) and len(result.app.functions) == 7
    assert finding.message.startswith("Functions 'deleteOrder', 'getOrder' and 5 more can "
                                      "escalate privileges through their role "
                                      "'IamRoleLambdaExecution' (")
    chains = finding.properties["chains"]
    assert len(chains) > 3 and finding.message.count(" -> ") == len(chains[0]["steps"]) - 1
    assert f"; and {len(chains) - 1} more chains (--format json or sarif lists them all)." \
        in finding.message
    assert len(finding.flow) == sum(len(c["steps"]) for c in chains)
    assert {step.message.split(":", 1)[0] for step in finding.flow} == \
        {f"chain {n}" for n in range(1, len(chains) + 1)}


def _with_deployer(app_dir: Path) -> Path:
    """The shared app plus a function whose code invokes Lambda: a step of the chain."""
    shutil.copytree(APPS / "shared", app_dir)
    (app_dir / "deployer.py").write_text(
        "import boto3\n\nLAMBDA = boto3.client('lambda')\n\n\n"
        "def handler(event, context):\n"
        "    return LAMBDA.invoke(FunctionName='worker', Payload=b'{}')\n")
    config = app_dir / "serverless.yml"
    config.write_text(config.read_text().replace(
        "functions:\n", "functions:\n  deployer:\n    handler: deployer.handler\n"))
    return app_dir


def test_function_using_a_chain_step_gets_its_own_escalation_finding(tmp_path) -> None:
    result = scan(str(_with_deployer(tmp_path / "app")))
    found = {f.subject: f for f in result.findings if f.rule_id == "FG-PERM-105"}
    assert sorted(found) == ["escalation-chain:IamRoleLambdaExecution",
                             "escalation-chain:IamRoleLambdaExecution:uses:lambda:invokefunction"]
    shared = found["escalation-chain:IamRoleLambdaExecution"]
    assert shared.properties["functions"] == ["reader", "writer"]
    assert "Unlike" not in shared.message
    own = found["escalation-chain:IamRoleLambdaExecution:uses:lambda:invokefunction"]
    assert own.properties["functions"] == ["deployer"]
    assert own.message.startswith("Function 'deployer' can escalate privileges through its role")
    assert "lambda:InvokeFunction [used at deployer.py:7]" in own.message
    assert "Unlike the role's other functions, its code uses chain step lambda:InvokeFunction." \
        in own.message
    assert own.properties["removable"] == ["iam:PassRole", "lambda:CreateFunction"]
    assert [r[0].file for r in own.related] == ["deployer.py"]


def test_escalation_fingerprint_does_not_depend_on_the_line(tmp_path) -> None:
    before = {f.fingerprint for f in scan(str(APPS / "shared")).findings
              if f.rule_id == "FG-PERM-105"}
    shutil.copytree(APPS / "shared", tmp_path / "app")
    config = tmp_path / "app" / "serverless.yml"
    config.write_text("# moved down by this comment\n\n" + config.read_text())
    moved = [f for f in scan(str(tmp_path / "app")).findings if f.rule_id == "FG-PERM-105"]
    assert moved and moved[0].location.line > 2
    assert {f.fingerprint for f in moved} == before


def test_kms_key_declared_in_another_terraform_file(tmp_path):
    """The KMS key of an SSE-KMS bucket is found in another .tf file of the same module."""
    app_dir = tmp_path / "app"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "hardened-app-terraform",
                    app_dir)
    data = (app_dir / "data.tf").read_text()
    start = data.index('resource "aws_kms_key" "data" {')
    end = data.index("\n}\n", start) + 3
    (app_dir / "keys.tf").write_text(data[start:end])
    (app_dir / "data.tf").write_text(data[:start] + data[end:])
    result = scan(str(app_dir))
    assert [f.rule_id for f in result.findings if f.rule_id == "FG-PERM-103"] == []
