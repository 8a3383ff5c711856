"""FG-PERM-101 on a role several functions share: narrowing the role to one function's
needs would break the others when they need more, so the finding then proposes a role of
the function's own; when they need no more, the usual minimal-policy hint stays."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "awscalls" / "apps"


def test_a_role_shared_with_functions_needing_more_calls_for_a_role_of_its_own() -> None:
    unused = {f.subject: f for f in scan(str(APPS / "shared")).findings
              if f.rule_id == "FG-PERM-101"}
    reader = unused["unused:reader"]
    assert "shared with 'writer', whose code needs more" in reader.message
    assert "`faasguard policy PATH --function reader`" in reader.message
    assert reader.remediation.startswith("# give the function a role of its own")
    assert "--function reader --format" in reader.remediation


def test_functions_needing_the_same_keep_the_minimal_policy_hint() -> None:
    found = check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101" / "serverless-pos-same-needs"))
    assert len(found) == 2
    for finding in found:
        assert "shared with" not in finding.message
        assert finding.message.endswith("for the minimal policy.")
        assert finding.remediation.startswith("# replace the statements")
