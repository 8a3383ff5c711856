"""What a Terraform variable's validation says of its values: `contains([...], var.x)`,
`var.x == "A"` (either order, in parentheses) and `var.x != "NONE"`, joined by `&&` or
`||`, are a listed set or excluded values (`variables.validation_values`); anything else
says nothing (the variable stays unlisted). So an authorisation whose validation refuses
NONE is never open, one that writes NONE (`== "NONE"` in an `||`) is the author's NONE
(the rule's severity), and one the scan cannot read keeps the domain's NONE (one level
lower, low confidence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.loaders.terraform.expressions import Evaluator
from faasguard.loaders.terraform.hcl import parse_tf
from faasguard.loaders.terraform.variables import Allowed, validation_values
from faasguard.model import Unknown, Value
from faasguard.scan import scan

CASES = Path(__file__).resolve().parent / "fixtures" / "rules" / "FG-AUTH-002"


class _Literals:
    """A scope with nothing in it: validations' literals only."""

    def lookup(self, root: str, parts: list[str | int]) -> tuple[Value, int]:
        return Unknown(root), 0

    def read_file(self, path: Value) -> Value:
        return Unknown("file")


def _read(*conditions: str) -> Allowed:
    rules = "".join(f"  validation {{\n    condition = {c}\n    error_message = \"x\"\n  }}\n"
                    for c in conditions)
    [block] = parse_tf(f'variable "auth" {{\n  type = string\n{rules}}}\n', "main.tf")
    return validation_values(block, Evaluator(_Literals()).value)


@pytest.mark.parametrize("conditions, expected", [
    (['contains(["AWS_IAM", "NONE"], var.auth)'], Allowed(("AWS_IAM", "NONE"))),
    (['var.auth == "AWS_IAM"'], Allowed(("AWS_IAM",))),
    (['"AWS_IAM" == var.auth'], Allowed(("AWS_IAM",))),
    (['(var.auth == "AWS_IAM")'], Allowed(("AWS_IAM",))),
    (['var.auth != "NONE"'], Allowed(excluded=("NONE",))),
    (['var.auth == "AWS_IAM" || var.auth == "CUSTOM"'], Allowed(("AWS_IAM", "CUSTOM"))),
    (['contains(["AWS_IAM", "NONE"], var.auth) && var.auth != "NONE"'],
     Allowed(("AWS_IAM",))),
    (['var.auth != "NONE" && var.auth != "CUSTOM"'], Allowed(excluded=("NONE", "CUSTOM"))),
    # every rule holds: two validation blocks narrow as && does
    (['var.auth != "NONE"', 'contains(["AWS_IAM", "NONE", "JWT"], var.auth)'],
     Allowed(("AWS_IAM", "JWT"))),
    # a part that is not read narrows nothing in an &&, and opens everything in an ||
    (['var.auth != "NONE" && length(var.auth) > 3'], Allowed(excluded=("NONE",))),
    (['var.auth == "AWS_IAM" || length(var.auth) > 3'], Allowed()),
    (['var.auth == "AWS_IAM" || var.auth != "CUSTOM"'], Allowed(excluded=("CUSTOM",))),
    (['var.auth != "NONE" || var.auth != "CUSTOM"'], Allowed()),
    # not the variable alone, not a literal, another variable, a negation: not read
    (['upper(var.auth) != "NONE"'], Allowed()),
    (['var.auth[0] == "A"'], Allowed()),
    (['var.auth == var.other'], Allowed()),
    (['var.other != "NONE"'], Allowed()),
    (['!(var.auth == "NONE")'], Allowed()),
    (['can(regex("^(AWS_IAM|CUSTOM)$", var.auth))'], Allowed()),
    # nothing left: Terraform could plan no value; read as saying nothing
    (['var.auth == "AWS_IAM" && var.auth == "NONE"'], Allowed()),
])
def test_validation_values(conditions, expected):
    assert _read(*conditions) == expected


def _found(case: str, **options: object) -> dict[str, tuple[str, str]]:
    result = scan(str(CASES / case), Options(**options))  # type: ignore[arg-type]
    return {f.subject.rsplit(":", 2)[-2] + " " + f.subject.rsplit(":", 1)[-1]:
            (f.severity, f.confidence) for f in result.findings if f.rule_id == "FG-AUTH-002"}


def test_a_validation_refusing_none_leaves_no_route_open():
    assert _found("terraform-neg-validation-equality") == {}


def test_a_validation_letting_none_through_by_what_it_writes():
    assert _found("terraform-pos-validation-equality") == {
        "POST /orders": ("high", "high"),  # == "AWS_IAM" || == "NONE": NONE written
        "DELETE /orders": ("high", "high"),  # contains([.., "NONE"]) && length(...)
        "PUT /orders": ("medium", "low"),  # != "CUSTOM": NONE only from the domain
        "PATCH /orders": ("medium", "low"),  # upper(var.x) != "NONE": not read
        "GET /orders": ("low", "low"),  # == "AWS_IAM" || length(...): not read
    }


def test_a_value_the_validation_rules_out_is_a_warning():
    result = scan(str(CASES / "terraform-neg-validation-equality"),
                  Options(parameters={"other_auth": "NONE", "equal_auth": "NONE"}))
    notes = sorted(d.message for d in result.diagnostics
                   if d.message.startswith("--param"))
    assert notes == [
        "--param equal_auth=NONE: not one of the values its validation allows (AWS_IAM); "
        "Terraform would refuse it",
        "--param other_auth=NONE: a value its validation rules out; Terraform would "
        "refuse it"]
    # the value is still used, as for contains([...]): the routes it opens are reported
    assert {k: v for k, v in _found("terraform-neg-validation-equality",
                                     parameters={"other_auth": "NONE"}).items()} == \
        {"PUT /orders": ("high", "high")}
