"""Review of the Python taint analysis on a project's own methods: a call of a method the
project's class defines (`users.find(name)` on its repository class) is followed into its
code, and not also judged as the library method of that name (MongoDB's `find`): it was
FG-INJ-004 'NoSQL injection ... reaches .find' on a class running a parameterised SQL
query. Fixtures under tests/fixtures/review_taint_own_methods."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_taint_own_methods"


def _injections(folder: str) -> list[str]:
    return sorted(f"{f.rule_id} {f.location.file}:{f.location.line}"
                  for f in scan(str(FIXTURES / folder)).findings
                  if f.rule_id.startswith("FG-INJ-"))


def test_a_project_method_named_find_is_its_own_code() -> None:
    assert _injections("neg") == []


def test_its_code_and_a_real_collection_find_are_still_judged() -> None:
    assert _injections("pos") == ["FG-INJ-003 src/lib/users.py:20",
                                  "FG-INJ-004 src/worker.py:16"]
