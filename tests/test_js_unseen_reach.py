"""Code the scan cannot read counts only where the handler can run it (review of cf5f534
and 095367a, r2): a package imported by a barrel's other module, or bound at the top level
of a file to a name nothing the handler runs refers to, no longer keeps FG-PERM-101 from
judging the function's grants."""

from __future__ import annotations

import pytest

from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-node-barrel-unseen",
                                  "serverless-neg-node-barrel-unseen"])
def test_fixture(name: str) -> None:
    """DeleteItem reported unused when only getItem runs; silent when the handler also
    runs the function whose package is not read."""
    check_case(Case("FG-PERM-101", CASES / name))


def test_only_the_unseen_code_the_handler_runs_is_kept() -> None:
    def unseen(name: str) -> list[tuple[str | None, int | None]]:
        calls = scan(str(CASES / name)).facts.aws_calls["serverless.yml#show"]
        return [(c.file, c.line) for c in calls if not c.actions]

    assert unseen("serverless-pos-node-barrel-unseen") == []
    assert unseen("serverless-neg-node-barrel-unseen") == [("lib/quotes.js", 3)]
