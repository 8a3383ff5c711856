"""Review of the path-traversal sink on S3-triggered functions: the last segment of an
object key (`key.rsplit("/", 1)[-1]`, `key.split("/").pop()`) holds no '/', as
`os.path.basename` / `path.basename` (sanitisers already) give, so `/tmp/{name}` stays in
/tmp. Fixtures tests/fixtures/review_key_last_segment.

Was pinned: both were FG-INJ-005 (high); the taint engines now clear the path category
of a last segment (tests/test_key_last_segment.py). The whole key written under /tmp
(the next line of each fixture) is traversal and stays reported (control)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_key_last_segment"


@pytest.mark.parametrize(("project", "file"), [("python", "src/app.py"),
                                                ("node", "src/stage.mjs")])
def test_the_last_segment_of_a_key_is_no_traversal(project: str, file: str) -> None:
    lines = [f.location.line for f in findings(FIXTURES / project, "FG-INJ-005")]
    assert lines == [7 if project == "python" else 8]


@pytest.mark.parametrize(("project", "line"), [("python", 7), ("node", 8)])
def test_the_whole_key_under_tmp_is_traversal(project: str, line: int) -> None:
    lines = [f.location.line for f in findings(FIXTURES / project, "FG-INJ-005")]
    assert line in lines
