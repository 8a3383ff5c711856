"""FG-TP-001 on a layer of the list a file gives all its functions (serverless.yml
`provider.layers`, SAM `Globals.Function.Layers`): one finding where the list names it,
naming the functions it is attached to; it was one finding per function, at each
function, for one decision. A layer a function lists itself is still reported at the
function."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import Case, check_case

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules_shared_layers"


@pytest.mark.parametrize("name", ["serverless-pos", "serverless-neg", "sam-pos", "sam-neg",
                                  "sam-pos-conditional"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-TP-001", CASES / name))


def _found(name: str) -> list[tuple[int, str, str, list[str] | None]]:
    return sorted((f.location.line, f.severity, f.message, f.properties.get("functions"))
                  for f in scan(str(CASES / name)).findings if f.rule_id == "FG-TP-001")


def test_serverless_messages() -> None:
    assert _found("serverless-pos") == [
        (10, "medium", "Layer 'shared-utils' from account 999999999999 is attached to 3 "
                       "functions: orders, payments, refunds.",
         ["orders", "payments", "refunds"]),
        (11, "low", "Layer 'AWSLambdaPowertoolsPythonV3-python312-x86_64' from AWS-run "
                    "account 017000801446 (Powertools for AWS Lambda (Python)) is attached "
                    "to 3 functions: orders, payments, refunds.",
         ["orders", "payments", "refunds"]),
        (19, "medium", "Function 'reports' uses layer 'pdf-render' from account "
                       "210987654321.", None),
    ]


def test_sam_messages() -> None:
    """SAM adds the Globals' layers to a function's own (Reports), not to a function
    whose IgnoreGlobals names Layers (Audit)."""
    assert _found("sam-pos") == [
        (11, "medium", "Layer 'vendor-sdk' from account 123456789012 is attached to 3 "
                       "functions: Orders, Payments, Reports.",
         ["Orders", "Payments", "Reports"]),
        (23, "medium", "Function 'Reports' uses layer 'pdf-render' from account "
                       "210987654321.", None),
    ]
    assert _found("sam-pos-conditional") == [
        (14, "medium", "Layer 'vendor-sdk' from account 123456789012 may be attached to 2 "
                       "functions: Orders, Payments, when condition UseVendor holds.",
         ["Orders", "Payments"]),
    ]
