"""Django regex routes (review of 92590b0, r2): a group that matches digits only
(`re_path(r"^articles/(?P<year>[0-9]{4})/$", ...)`, `(?P<pk>\\d+)`) is no text, as
`<int:year>` is; a group of words (`(?P<slug>[-\\w]+)`) stays a source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline_support import expected_marks
from test_taint_frameworks import FIXTURES, _got, _scan


def test_a_regex_group_of_digits_is_no_text(capsys: Any) -> None:
    project: Path = FIXTURES / "django_regex_groups"
    assert _got(_scan(capsys, project)) == set(expected_marks(project))
    assert len(expected_marks(project)) == 1
