"""Review of the Node.js AWS SDK analysis on three client forms teams use, none of them
read, so the function's code 'used no AWS action': its grants were FG-PERM-101 (high for
rds-db:connect, a Permissions management action), `faasguard policy` proposed nothing,
and a role missing the action was no FG-PERM-103.

- lib-dynamodb's aggregated document client, `DynamoDBDocument.from(client).get({...})`
  (its methods are the v2 DocumentClient's; `DynamoDBDocumentClient.from` was read);
- SDK v2's presigned S3 URL, `s3.getSignedUrlPromise("putObject", { Bucket, Key })`
  (boto3's generate_presigned_url was read);
- an RDS Proxy login token, `new Signer({...}).getAuthToken()` of @aws-sdk/rds-signer:
  rds-db:connect (boto3's generate_db_auth_token was read).

Fixtures tests/fixtures/review_node_sdk_clients (SAM, a role per function; neg: each role
grants what its code uses; pos: each misses it)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_sdk_clients"


def test_the_grants_these_clients_use_are_used() -> None:
    assert findings(FIXTURES / "neg", "FG-PERM-101") == []
    assert findings(FIXTURES / "neg", "FG-PERM-103") == []


def test_a_role_missing_what_these_clients_call_is_reported() -> None:
    found = {(f.location.file, f.location.line): f.message
             for f in findings(FIXTURES / "pos", "FG-PERM-103")}
    assert sorted(found) == [("src/db.js", 10), ("src/link.js", 7), ("src/read.js", 7)]
    assert "calls rds-db:connect" in found["src/db.js", 10]
    assert "calls s3:PutObject on ${ReportsBucket.Arn}/uploads/*" in found["src/link.js", 7]
    assert "calls dynamodb:GetItem on ${ReportsTable.Arn}" in found["src/read.js", 7]
