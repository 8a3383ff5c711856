"""Review of the least-privilege rules on grants written by hand: a resource the code
names by its Ref (the table's `${NotesTable.Arn}`) is also what a grant written as its ARN
around its name covers (`!Sub arn:...:table/${NotesTable}`, `table/*`), so FG-PERM-103 does
not say the call fails; nor does a grant naming the account as serverless.yml writes it,
`${aws:accountId}`. A shared role holds, for the others' sake, only what it grants
(FG-PERM-104). Fixtures under tests/fixtures/review_grants."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_grants"


def _not_allowed(folder: str) -> list[str]:
    """The functions FG-PERM-103 says the role does not allow a call of."""
    return sorted(f.message.split("'")[1] for f in findings(FIXTURES / folder, "FG-PERM-103"))


def test_a_table_arn_written_around_its_ref_allows_the_call() -> None:
    # !Sub 'arn:...:table/${NotesTable}' (Export) and 'arn:aws:dynamodb:*:*:table/*' (Show)
    assert _not_allowed("table_arn_written/neg") == []


def test_a_grant_on_another_table_or_on_indexes_does_not() -> None:
    # table/${AuditTable} (Export) and table/*/index/* (Show): AccessDenied on NotesTable
    assert _not_allowed("table_arn_written/pos") == ["ExportFunction", "ShowFunction"]


def test_a_grant_naming_the_account_as_aws_account_id_allows_the_call() -> None:
    # arn:aws:sqs:${aws:region}:${aws:accountId}:<queue name>, ...:parameter/reports/*
    assert _not_allowed("serverless_account_id/neg") == []


def test_a_grant_with_aws_account_id_on_other_resources_does_not() -> None:
    assert _not_allowed("serverless_account_id/pos") == ["build", "build"]


def _shared(folder: str) -> list[str]:
    return [f.message for f in findings(FIXTURES / folder, "FG-PERM-104")]


def test_a_shared_role_holds_only_what_it_grants() -> None:
    # save's PutItem is granted by no statement (FG-PERM-103): show does not hold it, and
    # the role holds nothing beyond what each function uses
    assert _shared("shared_role_not_granted/neg") == []
    assert [f.rule_id for f in findings(FIXTURES / "shared_role_not_granted/neg", "FG-PERM-008")] \
        == ["FG-PERM-008"]


def test_a_shared_role_granting_one_function_more_is_reported() -> None:
    [message] = _shared("shared_role_not_granted/pos")
    assert message.endswith("show uses dynamodb:GetItem yet holds dynamodb:PutItem.")
