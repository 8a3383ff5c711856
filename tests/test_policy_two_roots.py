"""`faasguard policy` over two Terraform roots that each declare `aws_lambda_function.api`
(fixture tests/fixtures/policy_two_terraform_roots: orders/ sends to a queue, billing/
reads a table). Both functions' policies are printed, each keyed by the name followed by
where it is declared; before, the second overwrote the first (one JSON key, one policy)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_support import run_cli

ROOTS = Path(__file__).resolve().parent / "fixtures" / "policy_two_terraform_roots"


def _actions(policy: dict) -> list[str]:
    return sorted(a for s in policy["Statement"] for a in s["Action"]
                  if not a.startswith("logs:"))


def test_json_keys_functions_of_one_name_by_where_they_are_declared(capsys) -> None:
    code, out, _ = run_cli(capsys, "policy", str(ROOTS), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {key: _actions(policy) for key, policy in data.items()} == {
        "aws_lambda_function.api (billing/main.tf:7)": ["dynamodb:GetItem"],
        "aws_lambda_function.api (orders/main.tf:7)": ["sqs:SendMessage"]}


def test_diff_and_text_keep_both(capsys) -> None:
    _, out, _ = run_cli(capsys, "policy", str(ROOTS), "--format", "json", "--diff")
    assert sorted(json.loads(out)) == ["aws_lambda_function.api (billing/main.tf:7)",
                                       "aws_lambda_function.api (orders/main.tf:7)"]
    _, out, _ = run_cli(capsys, "policy", str(ROOTS))
    headers = [line for line in out.splitlines() if line.startswith("# aws_lambda")]
    assert headers == ["# aws_lambda_function.api (billing/main.tf:7) (billing/src/app.py)",
                       "# aws_lambda_function.api (orders/main.tf:7) (orders/src/app.py)"]
    # the Terraform it prints names the data source after the resource, as written
    assert out.count('data "aws_iam_policy_document" "api" {') == 2


def test_a_name_no_other_function_has_keys_it_alone(capsys) -> None:
    """The twin: one root's function keeps its bare name."""
    _, out, _ = run_cli(capsys, "policy", str(ROOTS / "orders"), "--format", "json")
    data = json.loads(out)
    assert {key: _actions(policy) for key, policy in data.items()} == {
        "aws_lambda_function.api": ["sqs:SendMessage"]}
