"""An S3 copy's CopySource string is read the same way by the Python and the Node.js
AWS-call analyses (analysis/copy_source.split_copy_source): "/bucket/key" names the bucket
after the '/', which S3 accepts (Python read the bucket '' and the key 'bucket/key'), a
computed key after a written bucket keeps its known start, and '?versionId=...' is no
part of the key. Fixtures: tests/fixtures/copy_source_strings."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.copy_source import split_copy_source
from faasguard.analysis.facts import Options
from faasguard.scan import scan

HERE = Path(__file__).resolve().parent / "fixtures" / "copy_source_strings"
DENIED = ("Function 'Promote' calls s3:GetObject on ${Uploads.Arn}/in/legacy.csv, "
          "${Uploads.Arn}/in/*, ${Uploads.Arn}/in/v1.csv, which its role 'PromoteRole' does "
          "not allow")


def _denied(name: str) -> list[tuple[str, int, str]]:
    result = scan(str(HERE / name), Options())
    return [(f.location.file, f.location.line, f.message[:len(DENIED)])
            for f in result.findings if f.rule_id.startswith("FG-PERM")]


@pytest.mark.parametrize(("name", "file", "line"), [("pos", "src/promote.py", 10),
                                                    ("node_pos", "src/promote.mjs", 7)])
def test_each_source_the_role_cannot_read_is_reported(name: str, file: str, line: int) -> None:
    assert _denied(name) == [(file, line, DENIED)]


@pytest.mark.parametrize("name", ["neg", "node_neg"])
def test_sources_the_role_reads_give_nothing(name: str) -> None:
    assert _denied(name) == []


OPAQUE = object()


@pytest.mark.parametrize(("parts", "bucket", "key"), [
    (["b/k/x.csv"], ["b"], ["k/x.csv"]),
    (["/b/k"], ["b"], ["k"]),
    (["b"], ["b"], []),  # no '/': any key
    (["b/"], ["b"], []),
    (["b/k?versionId=v1"], ["b"], ["k"]),
    (["/", OPAQUE, "/in/", OPAQUE], [OPAQUE], ["in/", OPAQUE]),  # '/' + bucket + '/in/' + key
    ([OPAQUE, "/k"], [OPAQUE], ["k"]),
    (["pre", OPAQUE], ["pre", OPAQUE], []),  # no '/' seen: all of it may be the bucket
    (["b/in/", OPAQUE, "?versionId=", OPAQUE], ["b"], ["in/", OPAQUE]),
])
def test_split_copy_source(parts: list, bucket: list, key: list) -> None:
    assert split_copy_source(parts) == (bucket, key)
