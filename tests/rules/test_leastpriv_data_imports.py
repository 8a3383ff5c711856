"""Least privilege and the files a Node.js handler requires that hold no code: a
`require("./config.json")` runs nothing, so it does not make the handler's AWS calls
unknown (FG-PERM-101 still judges its grants); a missing module still does."""

from __future__ import annotations

import pytest

from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-node-json",
                                  "serverless-neg-node-json-generated"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_a_required_json_file_is_no_unseen_code() -> None:
    result = scan(str(CASES / "serverless-pos-node-json"))
    assert all(c.known for c in result.facts.aws_calls["serverless.yml#show"])
    assert not [d for d in result.app.diagnostics if "config.json" in d.message]
    result = scan(str(CASES / "serverless-neg-node-json-generated"))
    unseen = [c.method.split(":")[0] for c in result.facts.aws_calls["serverless.yml#show"]
              if not c.known]
    assert unseen == ["imports './generated/store', which is not in the scanned files"]
