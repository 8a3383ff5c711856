"""Review of the Node.js AWS SDK analysis on a TypeScript service: a table named by
`process.env.ORDERS_TABLE!` (TypeScript's non-null assertion), `... as string` or
`process.env.ORDERS_TABLE ?? "orders-dev"` was not read as the environment variable, only
as text, so the call's table was unknown: FG-PERM-103 did not report a role granting the
DynamoDB actions on another table, and `faasguard policy` proposed '<table named by
`process.env.ORDERS_TABLE!`>'. Python's os.environ.get('ORDERS_TABLE', 'orders-dev') is
the variable. Fixtures tests/fixtures/review_node_sdk_env_ts (lib-dynamodb commands
through a DynamoDBDocumentClient made in another module; neg: the role grants the
actions on OrdersTable; pos: on AuditTable)."""

from __future__ import annotations

from pathlib import Path

from faasguard.model import Ref
from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_sdk_env_ts"


def test_a_table_of_an_asserted_or_defaulted_variable_is_that_table() -> None:
    found = findings(FIXTURES / "pos", "FG-PERM-103")
    assert sorted((f.location.file, f.location.line) for f in found) == [
        ("src/get.ts", 8), ("src/put.ts", 9)]
    assert all("on ${OrdersTable.Arn}" in f.message for f in found)


def test_a_role_granting_that_table_is_enough() -> None:
    assert findings(FIXTURES / "neg", "FG-PERM-103") == []
    result = scan(str(FIXTURES / "neg"))
    tables = {(call.operation, target.name.env, target.resolved)
              for calls in result.facts.aws_calls.values() for call in calls
              for target in call.targets}
    assert tables == {("GetItem", "ORDERS_TABLE", Ref("serverless.yml#OrdersTable")),
                      ("PutItem", "ORDERS_TABLE", Ref("serverless.yml#OrdersTable"))}
