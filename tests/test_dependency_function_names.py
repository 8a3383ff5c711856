"""FG-TP-102 (and FG-TP-101/103, the left-out note: one `function_names`) on a folder three
Terraform roots bundle (fixture tests/fixtures/dependency_two_roots: orders/ and billing/
each declare `aws_lambda_function.api`, audit/ an `aws_lambda_function.audit`, all with
source_dir ../shared, whose requirements.txt leaves `requests` unpinned). The two of one
name are told apart by where each is declared, the third keeps its bare name; before,
the message listed `'aws_lambda_function.api', 'aws_lambda_function.api'`."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import scan

ROOTS = Path(__file__).resolve().parent / "fixtures" / "dependency_two_roots"


def test_unpinned_names_the_functions_of_one_name_apart() -> None:
    [message] = [f.message for f in scan(str(ROOTS), Options()).findings
                 if f.rule_id == "FG-TP-102"]
    assert message == (
        "requests is not pinned to one version (>=2) in shared/requirements.txt, used by "
        "function(s) 'aws_lambda_function.audit', 'aws_lambda_function.api "
        "(billing/main.tf:7)', 'aws_lambda_function.api (orders/main.tf:7)'.")
