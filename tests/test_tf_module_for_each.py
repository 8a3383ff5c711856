"""Terraform `for_each = module.fn` over a module call with for_each: each instance is
`each.value`, whose attributes are that instance's outputs (`each.value.invoke_arn`), so
an integration made per instance links its route to the instance's function. An output
the module does not declare stays unknown (no function). Fixtures
tests/fixtures/tf_module_for_each pos (each.value.invoke_arn) and neg
(each.value.arn_of_invoke, not an output of the module)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tf_module_for_each"
_FN = 'modules/fn/main.tf#module.fn["{}"].aws_lambda_function.this'


def _routes(folder: str) -> dict[str, str | None]:
    return {f"{r.method} {r.path}": r.function for r in scan(str(FIXTURES / folder)).app.routes}


def test_each_value_of_a_module_for_each_reads_the_instances_outputs() -> None:
    assert _routes("pos") == {"GET /orders": _FN.format("list"),
                              "POST /orders": _FN.format("create")}


def test_an_output_the_module_does_not_declare_links_nothing() -> None:
    assert _routes("neg") == {"GET /orders": None, "POST /orders": None}
