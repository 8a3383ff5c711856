"""Negative twins for the fixes of the least-privilege pins (review of eb9ab7f): a module
named like the standard library at the task root does run (SAM CodeUri src/: src/ is the
task root), so its unseen import keeps FG-PERM-101 silent (fixture
tests/fixtures/review_s12/stdlib_name_task_root)."""

from __future__ import annotations

from .support import FIXTURES, findings


def test_a_stdlib_named_module_at_the_task_root_shadows() -> None:
    assert findings(FIXTURES / "stdlib_name_task_root", "FG-PERM-101") == []
