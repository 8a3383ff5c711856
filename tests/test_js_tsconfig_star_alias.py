"""A tsconfig.json path alias that maps a specifier to no project file falls back to the
package, as tsc does (review of 746d040): `"paths": {"*": ["*", "src/types/*"]}` (the
TypeScript handbook's pattern for typings of one's own) matches every bare specifier,
and the AWS SDK and the declared packages were taken for code the scan cannot read, which
silenced FG-PERM-101 for every function of the project."""

from __future__ import annotations

import pytest

from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case


@pytest.mark.parametrize("name", ["serverless-pos-ts-star-alias",
                                  "serverless-neg-ts-star-alias"])
def test_fixture(name: str) -> None:
    """FG-PERM-101 on the DeleteItem grant the handler does not use; silent when used."""
    check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101" / name))


def test_packages_matched_by_a_star_alias_are_not_unseen_code() -> None:
    result = scan(str(FIXTURES / "FG-PERM-101" / "serverless-pos-ts-star-alias"))
    calls = result.facts.aws_calls["serverless.yml#show"]
    assert [c.actions for c in calls] == [("dynamodb:GetItem",)]
