"""A finding's fix is about what the finding is about: FG-PERM-103's grants the action the
code calls, on a resource of its service (it showed sqs:SendMessage for a DynamoDB call),
FG-PERM-102's narrows to the actions the code uses (it showed dynamodb:Scan for an S3
grant), FG-INJ-005's guards the sink reached (it showed a tar.extractall line for open(),
and a path check for an archive). Fixtures under tests/fixtures/remediation_fit."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "remediation_fit"


def _fixes(folder: str, rule_id: str) -> dict[str, str]:
    return {f.location.file: f.remediation for f in scan(str(FIXTURES / folder)).findings
            if f.rule_id == rule_id}


def test_a_missing_grant_is_fixed_with_its_own_action_and_service() -> None:
    fix = _fixes("perms", "FG-PERM-103")["saver.py"]
    assert "Action: [dynamodb:PutItem]" in fix and "OrdersTable" in fix
    assert "sqs" not in fix.lower()


def test_a_wildcard_is_narrowed_to_the_actions_the_code_uses() -> None:
    [fix] = _fixes("perms", "FG-PERM-102").values()
    assert "Action: [s3:GetObject]" in fix and "UploadsBucket" in fix
    assert "dynamodb" not in fix


def test_a_path_traversal_fix_guards_the_sink_reached() -> None:
    fixes = _fixes("path", "FG-INJ-005")
    assert "os.path.realpath" in fixes["report.py"] and "extract" not in fixes["report.py"]
    assert fixes["unpack.py"].startswith('tar.extractall(dest, filter="data")')
    assert "realpath" not in fixes["unpack.py"]


def test_each_format_names_the_actions_and_an_example_of_their_service() -> None:
    from faasguard.rules.leastpriv import statement_fixes

    fixes = statement_fixes(["s3:ListBucket", "s3:GetObject", "sqs:SendMessage"])
    assert 'actions   = ["s3:ListBucket"]\n  resources = [aws_s3_bucket.uploads.arn]' in \
        fixes["terraform"]
    assert 'resources = ["${aws_s3_bucket.uploads.arn}/*"]' in fixes["terraform"]
    assert '"Resource": "arn:aws:sqs:us-east-1:123456789012:queue"' in fixes["chalice"]
    assert fixes["sam"].startswith("Policies:\n  - Statement:\n      - Effect: Allow")
    other = statement_fixes(["rds-db:connect"])["serverless"]
    assert "arn:${AWS::Partition}:rds-db:" in other and "RESOURCE" in other
