"""Review of the Node.js AWS SDK analysis on a TypeScript service handing out presigned S3
URLs: `getSignedUrl(s3, new GetObjectCommand({...}))` (@aws-sdk/s3-request-presigner, here
imported under an alias) and `createPresignedPost(s3, { Bucket, Key })`
(@aws-sdk/s3-presigned-post) sign with the function's credentials, so the caller's
download or upload is made as the function's role. Neither was read: the role's
s3:GetObject / s3:PutObject were FG-PERM-101 'never used' (and `faasguard policy` left them
out, breaking the links), and a role missing s3:PutObject was no FG-PERM-103. Fixtures
tests/fixtures/review_node_presigned (neg: both granted on the keys the code signs; pos:
s3:PutObject on uploads/* missing)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_presigned"


def test_presigned_operations_are_used_grants() -> None:
    assert findings(FIXTURES / "neg", "FG-PERM-101") == []
    assert findings(FIXTURES / "neg", "FG-PERM-103") == []


def test_a_presigned_upload_the_role_does_not_allow_is_reported() -> None:
    [found] = findings(FIXTURES / "pos", "FG-PERM-103")
    assert (found.location.file, found.location.line) == ("src/handlers/links.ts", 13)
    assert "s3:PutObject on ${DocumentsBucket.Arn}/uploads/*" in found.message
    assert findings(FIXTURES / "pos", "FG-PERM-101") == []
