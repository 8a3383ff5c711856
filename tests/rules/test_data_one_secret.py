"""One secret, one finding: a secret written in the templates (serverless.yml custom: or
params:, a parameter's Default, a Terraform variable's default) that an environment
variable receives by reference is FG-DATA-002's finding where it is written, the variable
a related location; the same value written literally in the environment too is a
second place, and a second finding."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, Case, check_case, findings_of, scan_case


@pytest.mark.parametrize("case", [
    Case("FG-DATA-001", FIXTURES / "FG-DATA-001" / "serverless-neg-from-custom"),
    Case("FG-DATA-001", FIXTURES / "FG-DATA-001" / "sam-neg-from-parameter-default"),
    Case("FG-DATA-001", FIXTURES / "FG-DATA-001" / "terraform-neg-from-variable-default"),
    Case("FG-DATA-001", FIXTURES / "FG-DATA-001" / "serverless-pos-written-twice"),
    Case("FG-DATA-002", FIXTURES / "FG-DATA-002" / "serverless-pos-reaches-env"),
], ids=str)
def test_fixture(case: Case) -> None:
    check_case(case)


def test_the_written_secret_names_the_variables_it_reaches() -> None:
    result = scan_case(Case("FG-DATA-002",
                            FIXTURES / "FG-DATA-002" / "serverless-pos-reaches-env"))
    related = {f.location.line: [(loc.line, text.split(":")[0]) for loc, text in f.related]
               for f in findings_of(result, "FG-DATA-002")}
    assert related == {5: [(13, "FG-DATA-001 (Secret in a plaintext environment variable)")],
                       8: [(18, "FG-DATA-001 (Secret in a plaintext environment variable)"),
                           (22, "FG-DATA-001 (Secret in a plaintext environment variable)")]}


@pytest.mark.parametrize(("name", "written", "variable"), [
    ("sam-neg-from-parameter-default", ("template.yaml", 8), ("template.yaml", 17)),
    ("terraform-neg-from-variable-default", ("variables.tf", 5), ("main.tf", 9)),
])
def test_a_parameter_or_variable_default_is_reported_where_written(
        name: str, written: tuple[str, int], variable: tuple[str, int]) -> None:
    result = scan_case(Case("FG-DATA-001", FIXTURES / "FG-DATA-001" / name))
    [found] = findings_of(result, "FG-DATA-002")
    assert (found.location.file, found.location.line) == written
    assert [(loc.file, loc.line) for loc, _ in found.related] == [variable]


def test_a_secret_written_twice_is_two_findings() -> None:
    result = scan_case(Case("FG-DATA-001",
                            FIXTURES / "FG-DATA-001" / "serverless-pos-written-twice"))
    [written] = findings_of(result, "FG-DATA-002")
    assert written.location.line == 5
    # the reference (refund) folds into it; the literal (pay) stays a finding of its own
    assert [loc.line for loc, _ in written.related] == [17]
