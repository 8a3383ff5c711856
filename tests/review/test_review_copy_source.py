"""Review of the AWS-call analysis on S3 copies: CopyObject needs s3:PutObject on the
object it writes and s3:GetObject on the one it copies (`CopySource`). Called by the
client (`copy_object`) or the resource (`Object.copy_from`), both actions were put on the
destination: FG-PERM-103 said the GetObject of ${Processed.Arn}/out/... 'will fail' where
the role allows the copy, and said nothing where the source is not readable. (The managed
`s3.copy` had it right.) The Node.js SDK's copies (v3 CopyObjectCommand, v2 copyObject)
had the same fault: js/awssdk now reads their `CopySource` ("bucket/key", "/bucket/key",
a template or a '+' chain). Fixtures under tests/fixtures/review_copy_source."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_copy_source"


def _not_allowed(folder: str) -> list[str]:
    return [f.message for f in findings(FIXTURES / folder, "FG-PERM-103")]


def test_a_copy_reads_its_source_and_writes_its_destination() -> None:
    assert _not_allowed("neg") == []


def test_a_source_the_role_cannot_read() -> None:
    assert _not_allowed("pos") == [
        "Function 'Promote' calls s3:GetObject on ${Uploads.Arn}/in/report.csv, which its "
        "role 'PromoteRole' does not allow: the call will fail with AccessDenied."]


def test_a_node_copy_reads_its_source() -> None:
    assert _not_allowed("node") == []
    assert _not_allowed("node_neg") == []


def test_a_node_source_the_role_cannot_read() -> None:
    assert _not_allowed("node_pos") == [
        "Function 'Promote' calls s3:GetObject on ${Uploads.Arn}/in/report.csv, "
        "${Uploads.Arn}/in/legacy.csv, which its role 'PromoteRole' does not allow: the "
        "call will fail with AccessDenied."]
