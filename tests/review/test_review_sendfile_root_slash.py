"""Review of 66cfcc6 / ce76650 (Express's `root` option confines res.sendFile and
res.download): a root of '/' confines nothing. It is what a user writes to let an
absolute path through (sendFile refuses a relative path without a root), and with it the
request's `file` reads any file of the function (/proc/self/environ holds its
credentials). `{ root: "/" }` was read as confinement and the traversal not reported;
now a root written as '/' (or '', which Express ignores) is no root: FG-INJ-005 as
without one. Fixtures tests/fixtures/review_sendfile_root_slash pos (a literal and a named
options object with root '/') and neg (the same with /var/task/public: nothing)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_sendfile_root_slash"


def test_a_root_of_slash_confines_nothing() -> None:
    found = findings(FIXTURES / "pos", "FG-INJ-005")
    assert sorted(f.location.line for f in found) == [8, 12]


def test_a_root_folder_confines_the_path() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-005") == []
