"""FG-PERM-102's replacement names only what the code shows: a resource the code does not
name (a placeholder) is no narrowing of `*`, and a key the code computes under the prefix
the statement already grants keeps that prefix."""

from __future__ import annotations

from .conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-102"


def test_an_unnamed_resource_is_no_narrowing_of_star() -> None:
    assert check_case(Case("FG-PERM-102", CASES / "sam-neg-resource-not-named")) == []


def test_a_computed_key_keeps_the_granted_prefix() -> None:
    (finding,) = check_case(Case("FG-PERM-102", CASES / "serverless-pos-computed-key"))
    assert finding.message.endswith(
        "narrow it to s3:PutObject on arn:aws:s3:::perm102-reports/daily/*.")
    assert finding.properties["replacement"] == {
        "s3:PutObject": ["arn:aws:s3:::perm102-reports/daily/*"]}


def test_a_referenced_resource_is_written_as_in_the_template() -> None:
    (finding,) = check_case(Case("FG-PERM-102", CASES / "sam-pos-ref-resource"))
    assert "grants sqs:Get* on ${Outbox.Arn};" in finding.message
