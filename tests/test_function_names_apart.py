"""Rules listing functions name two functions of one name in the list apart by where each
is declared; a name no other function of the list has is printed alone (fixture
tests/fixtures/function_names_apart: orders/ and billing/ each declare
`aws_lambda_function.api`, both with the role ARN billing's `jobs` has too). Before,
FG-PERM-008 listed `aws_lambda_function.api, aws_lambda_function.api,
aws_lambda_function.jobs`."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import scan

ROOTS = Path(__file__).resolve().parent / "fixtures" / "function_names_apart"


def _found(folder: Path, rule_id: str) -> list[tuple[str, dict]]:
    return [(f.message, f.properties) for f in scan(str(folder), Options()).findings
            if f.rule_id == rule_id]


def test_shared_role_names_functions_of_one_name_apart() -> None:
    [(message, properties)] = _found(ROOTS, "FG-PERM-008")
    names = ["aws_lambda_function.api (billing/main.tf:1)",
             "aws_lambda_function.api (orders/main.tf:1)", "aws_lambda_function.jobs"]
    assert f"is shared by 3 functions: {', '.join(names)}; each" in message
    assert properties["functions"] == names


def test_a_name_no_other_function_has_is_listed_alone() -> None:
    """The twin: one root."""
    [(message, properties)] = _found(ROOTS / "billing", "FG-PERM-008")
    assert "shared by 2 functions: aws_lambda_function.api, aws_lambda_function.jobs;" \
        in message
    assert properties["functions"] == ["aws_lambda_function.api", "aws_lambda_function.jobs"]


def test_budget_caps_name_functions_of_one_name_apart() -> None:
    """FG-WALLET-007 on tests/fixtures/cost_two_terraform_roots (a public function URL in
    each root), as `faasguard cost` names its caps."""
    two_roots = ROOTS.parent / "cost_two_terraform_roots"

    def caps(folder: Path) -> str:
        [finding] = [f for f in scan(str(folder), Options(budget_usd_per_day=5)).findings
                     if f.rule_id == "FG-WALLET-007"]
        return finding.message.split("Caps that fit: ")[1]

    assert caps(two_roots) == ("aws_lambda_function.api (billing/main.tf:1): reserved "
                               "concurrency 7; aws_lambda_function.api (orders/main.tf:1): "
                               "reserved concurrency 7.")
    assert caps(two_roots / "orders") == "aws_lambda_function.api: reserved concurrency 14."
