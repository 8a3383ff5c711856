"""FG-AUTH-007: a Cognito identity pool letting unauthenticated identities in whose guest
role may invoke a function (the recall review's identity_pool_guest gap): the pool,
its role attachment and the guest role's statements, in SAM/CloudFormation,
serverless.yml resources and Terraform."""

from __future__ import annotations

import pytest

from tests.rules.conftest import cases, check_case


@pytest.mark.parametrize("case", cases("FG-AUTH-007"), ids=str)
def test_fixture(case) -> None:
    check_case(case)
