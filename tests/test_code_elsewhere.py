"""Functions whose code is not source in the scanned folder (inline in the template, in
S3, a built archive, a container image, a folder outside the root): the loaders record
where it is and the handler look-ups say so in a note, instead of searching the root for
a file that cannot be there (and finding a decoy of the same name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.model import CODE_ELSEWHERE
from faasguard.scan import scan

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sam" / "code_elsewhere"

ELSEWHERE = {
    "Inline": "inline in the template (InlineCode)",
    "Uploaded": "in S3 (s3://deploy-artifacts/uploaded.zip)",
    "UploadedParts": "in S3 (s3://deploy-artifacts/parts.zip)",
    "Archive": "a built archive (build/archive.zip)",
    "Outside": "outside the scanned folder (../shared/)",
    "Container": "a container image (ImageUri)",
    "RawInline": "inline in the template (Code.ZipFile)",
    "RawUploaded": "in S3 (s3://deploy-artifacts/raw.zip)",
    "RawArchive": "a built archive (./dist/raw.zip)",
}


@pytest.fixture(scope="module")
def result():
    return scan(str(FIXTURE))


def test_loaders_record_where_the_code_is(result) -> None:
    functions = {fid.split("#")[-1]: fn for fid, fn in result.app.functions.items()}
    assert {name: fn.properties.get(CODE_ELSEWHERE) for name, fn in functions.items()
            if fn.properties.get(CODE_ELSEWHERE)} == ELSEWHERE
    assert functions["Local"].code_dir == "src"
    assert functions["Staged"].code_dir == "asset.cdk1"


def test_no_decoy_is_taken_for_code_that_is_elsewhere(result) -> None:
    resolved = {fid.split("#")[-1]: fn.source_file for fid, fn in result.app.functions.items()
                if fn.source_file is not None}
    assert resolved == {"Local": "src/app.py", "Staged": "asset.cdk1/app.py"}


def test_each_is_one_note_saying_where_the_code_is(result) -> None:
    handler_diagnostics = [d for d in result.diagnostics if d.code == "handler"]
    assert {d.level for d in handler_diagnostics} == {"note"}
    by_function = {d.message.split("'")[1]: d.message for d in handler_diagnostics}
    looked_up = set(ELSEWHERE) - {"Container"}  # an image without Runtime has no handler
    assert set(by_function) == looked_up
    for name in looked_up:
        assert f"its code is {ELSEWHERE[name]}, which the scan does not read" in by_function[name]
    assert not any("not found" in d.message for d in result.diagnostics)
