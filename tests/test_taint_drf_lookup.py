"""Django REST framework routers (review of e816a5a, r2): a viewset whose
`lookup_value_regex` admits digits only (`\\d+`, `[0-9]+`) has a detail route whose lookup
is no text, as `<int:pk>` is; a lookup of words stays a source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline_support import expected_marks
from test_taint_frameworks import FIXTURES, _got, _scan


def test_a_digits_only_lookup_is_no_text(capsys: Any) -> None:
    project: Path = FIXTURES / "django_rest_lookup"
    assert _got(_scan(capsys, project)) == set(expected_marks(project))
    assert len(expected_marks(project)) == 1
