"""Terraform expressions nested 100,000 deep (brackets, calls, templates, conditionals,
`for` expressions) or chaining 100,000 operators (`a.b.c...`, `x[0][0]...`, `a + b + ...`)
are refused with a diagnostic as soon as the parser passes the bound, and the scan goes on
with the other files. Before, python-hcl2's parser read each for 3-48 s (seconds per
100,000 levels) with no diagnostic, and the evaluator then read 64 levels of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.loaders.documents import InputError
from faasguard.loaders.terraform.hcl import MAX_CHAIN, parse_tf
from faasguard.model import Unknown
from faasguard.scan import load_app, scan

DEEP = 100_000

#: Expressions nested n levels deep (the parser's stack grows with each level).
NESTED: dict[str, Callable[[int], str]] = {
    "parentheses": lambda n: "(" * n + "var.x" + ")" * n,
    "lists": lambda n: "[" * n + "var.x" + "]" * n,
    "objects": lambda n: "{a = " * n + "var.x" + "}" * n,
    "calls": lambda n: "lower(" * n + "var.x" + ")" * n,
    "templates": lambda n: '"${' * n + "var.x" + '}"' * n,
    "for": lambda n: "[for x in " * n + "[var.x]" + " : x]" * n,
    "conditionals": lambda n: 'var.x == "a" ? var.x : ' * n + "var.x",
    "conditionals_by_line": lambda n: 'var.x == "a" ? var.x :\n' * n + "var.x",
}
#: Expressions chaining n operators at one level (the tree nests, the stack does not).
CHAINED: dict[str, Callable[[int], str]] = {
    "attributes": lambda n: "var.x" + ".a" * n,
    "indexes": lambda n: "var.x" + "[0]" * n,
    "sums": lambda n: " + ".join(["var.x"] * (n + 1)),
    "conjunctions": lambda n: " && ".join(["var.x"] * (n + 1)),
    "sums_of_parentheses": lambda n: "var.x" + " + (var.x)" * n,
}

FUNCTION = """variable "x" {
  default = "a"
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"
  role          = "arn:aws:iam::123456789012:role/r"
  environment {
    variables = {
      VALUE = %s
    }
  }
}
"""


def _locals(expr: str) -> str:
    return "locals {\n  deep = " + expr + "\n}\n"


def _refused(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_tf(text, "deep.tf")
    return caught.value


@pytest.mark.parametrize("shape", sorted(NESTED))
def test_deep_nesting_is_refused(shape: str) -> None:
    error = _refused(_locals(NESTED[shape](DEEP)))
    assert "nested too deeply" in error.message
    assert error.line is not None and error.line >= 2


@pytest.mark.parametrize("shape", sorted(CHAINED))
def test_long_chains_are_refused(shape: str) -> None:
    error = _refused(_locals(CHAINED[shape](DEEP)))
    assert f"nested too deeply (over {MAX_CHAIN:,} chained operators" in error.message
    assert error.line == 2


@pytest.mark.parametrize("shape", sorted(NESTED) + sorted(CHAINED))
def test_the_same_shapes_at_a_usual_depth_are_read(shape: str) -> None:
    make = NESTED.get(shape) or CHAINED[shape]
    blocks = parse_tf(_locals(make(40)), "deep.tf")
    assert [b.type for b in blocks] == ["locals"]
    assert "deep" in blocks[0].attrs


def test_a_chain_is_counted_per_expression_not_per_file() -> None:
    # 1,200 traversal dots in one object (separated by newlines) and in one list (by commas)
    many = "".join(f"  a{i} = var.x.y.z\n" for i in range(400))
    assert len(parse_tf("locals {\n" + many + "}\n", "many.tf")[0].attrs) == 400
    items = ", ".join(["var.x.y.z.w"] * 400)
    assert parse_tf(_locals(f"[{items}]"), "list.tf")[0].attrs["deep"].line == 2
    # the bound itself: MAX_CHAIN operators are read, one more is refused
    parse_tf(_locals("var" + ".a" * MAX_CHAIN), "edge.tf")
    _refused(_locals("var" + ".a" * (MAX_CHAIN + 1)))


def _function_value(root: Path) -> object:
    app = load_app(str(root), [str(root / "main.tf")])
    [function] = app.functions.values()
    return function.environment["VALUE"].value


def test_a_deep_heredoc_template_is_unknown(tmp_path: Path) -> None:
    # a heredoc is one token to the parser; its interpolations are parsed when evaluated
    heredoc = "<<EOT\n${" + NESTED["parentheses"](DEEP) + "}\nEOT\n"
    (tmp_path / "main.tf").write_text(FUNCTION % heredoc)
    value = _function_value(tmp_path)
    assert isinstance(value, Unknown) and value.text.startswith("heredoc template at line")
    # the twin: a usual heredoc template is evaluated
    (tmp_path / "main.tf").write_text(FUNCTION % "<<EOT\nx-${(var.x)}\nEOT\n")
    assert _function_value(tmp_path) == "x-a\n"


def test_the_scan_goes_on_with_the_other_files(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(FUNCTION % '"plain"')
    (tmp_path / "deep.tf").write_text(_locals(NESTED["objects"](DEEP)))
    (tmp_path / "chain.tf").write_text(_locals(CHAINED["sums"](DEEP)))
    result = scan(str(tmp_path))
    errors = {d.file: d.message for d in result.diagnostics if d.level == "error"}
    assert "nested too deeply" in errors["deep.tf"]
    assert "chained operators" in errors["chain.tf"]
    assert [f.name for f in result.app.functions.values()] == ["fn"]
    assert not [d for d in result.diagnostics if d.code == "internal"]
