"""FG-PERM-101 on a role several functions share: one finding for the role (one fix: the
grants the code of none of them uses), not one per function at the same statement; a
function's own role keeps its own finding. FG-PERM-104 then says what each function holds
for the others' sake, high when that is a Permissions management action."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "awscalls" / "apps"
CASES = FIXTURES / "FG-PERM-101"


def test_a_shared_role_is_reported_once_naming_its_functions() -> None:
    [found] = check_case(Case("FG-PERM-101", CASES / "serverless-pos-shared-role"))
    assert found.subject == "unused-role:IamRoleLambdaExecution"
    assert found.properties["functions"] == ["ping", "read", "write"]
    assert found.message.startswith("Role 'IamRoleLambdaExecution', shared by functions "
                                    "'ping', 'read' and 'write', grants 4 actions; 2 of them "
                                    "are never used (1 Write, 1 Read) by their code.")
    # the union of their needs: neither GetItem (read) nor PutItem (write) is unused
    assert "dynamodb:GetItem on ${Notes.Arn}; dynamodb:PutItem on ${Notes.Arn}" in found.message
    assert found.properties["used"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert found.severity == "medium" and found.confidence == "high"
    assert "--function ping --function read --function write --format serverless" \
        in found.remediation
    # FG-PERM-104 says what each holds for the others: the two name each other
    assert any(message.startswith("see also FG-PERM-104") for _, message in found.related)


def test_a_function_whose_code_was_not_read_is_named_and_lowers_confidence() -> None:
    [found] = check_case(Case("FG-PERM-101", CASES / "serverless-pos-shared-unread"))
    assert found.confidence == "medium"
    assert found.properties["not_analysed"] == ["ping"]
    assert "the code of 'ping' was not analysed in full and may need some of them" \
        in found.message


def test_own_roles_keep_one_finding_per_function_with_the_same_fingerprint() -> None:
    found = check_case(Case("FG-PERM-101", CASES / "sam-pos-own-roles"))
    assert sorted(f.subject for f in found) == ["unused:ReadFunction", "unused:WriteFunction"]
    for finding in found:
        assert finding.message.endswith("for the minimal policy.")
        assert finding.remediation.startswith("# replace the Policies")


def test_functions_needing_the_same_get_one_finding_for_their_role() -> None:
    [found] = check_case(Case("FG-PERM-101", CASES / "serverless-pos-same-needs"))
    assert found.properties["functions"] == ["peek", "show"]
    assert "grants 2 actions; 1 of them are never used (1 Write)" in found.message


def test_shared_app_reports_its_role_once() -> None:
    unused = [f for f in scan(str(APPS / "shared")).findings if f.rule_id == "FG-PERM-101"]
    assert [f.subject for f in unused] == ["unused-role:IamRoleLambdaExecution"]
    assert "4 Permissions management" in unused[0].message


def test_holding_a_permissions_management_action_for_another_function_is_high() -> None:
    [found] = check_case(Case("FG-PERM-104", FIXTURES / "FG-PERM-104" /
                              "serverless-pos-permissions-held"))
    assert found.severity == "high"
    assert "fetch uses s3:GetObject yet holds iam:PutRolePolicy" in found.message


def test_a_shared_role_whose_excess_is_data_actions_stays_medium() -> None:
    [found] = [f for f in scan(str(CASES / "serverless-pos-shared-role")).findings
               if f.rule_id == "FG-PERM-104"]
    assert found.severity == "medium"
