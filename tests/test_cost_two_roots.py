"""`faasguard cost` over two Terraform roots that each declare `aws_lambda_function.api`
(fixture tests/fixtures/cost_two_terraform_roots: orders/ and billing/, each a public
function URL): the table, the budget's caps and the JSON tell the two apart. Before, the
text printed two rows `aws_lambda_function.api` and two caps of that name, and the
JSON's proposals had no location."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_support import run_cli

ROOTS = Path(__file__).resolve().parent / "fixtures" / "cost_two_terraform_roots"


def _first_cells(text: str) -> list[str]:
    """The FUNCTION cells of the table and the names the caps are proposed for."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("FUNCTION"))
    end = lines.index("", start)
    rows = [line.split("  ")[0] for line in lines[start + 1:end]]
    caps = [line.strip().split(": ")[0] for line in lines if line.startswith("  ")
            and "reserved concurrency" in line]
    return rows + caps


def test_rows_of_functions_with_one_name_name_their_file(capsys) -> None:
    code, out, _ = run_cli(capsys, "cost", str(ROOTS), "--budget", "5")
    assert code == 1  # above the budget
    assert sorted(_first_cells(out)) == [
        "aws_lambda_function.api (billing/main.tf:1)",
        "aws_lambda_function.api (billing/main.tf:1)",
        "aws_lambda_function.api (orders/main.tf:1)",
        "aws_lambda_function.api (orders/main.tf:1)"]
    _, out, _ = run_cli(capsys, "cost", str(ROOTS), "--budget", "5", "--format", "json")
    data = json.loads(out)
    assert sorted((p["function"], p["location"]["file"]) for p in data["proposals"]) == [
        ("aws_lambda_function.api", "billing/main.tf"),
        ("aws_lambda_function.api", "orders/main.tf")]


def test_a_name_no_other_function_has_is_printed_alone(capsys) -> None:
    """The twin: one root's function keeps its bare name."""
    _, out, _ = run_cli(capsys, "cost", str(ROOTS / "orders"), "--budget", "5")
    assert _first_cells(out) == ["aws_lambda_function.api", "aws_lambda_function.api"]
    # (a row, a cap)
