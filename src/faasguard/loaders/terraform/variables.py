"""Values the user gives a root module's variables (`faasguard scan --param NAME=VALUE`),
read as `terraform -var 'NAME=VALUE'` reads them, and the values a variable allows.

A given value wins over `terraform.tfvars`, `*.auto.tfvars` and the variable's default, as
`-var` does. It is text on the command line: a `string` variable (or one without a type)
takes it as it is, `bool` takes `true`/`false`, `number` a number, and a variable of a
collection or structural type (`list(string)`, `map(...)`, `object(...)`) reads it as an
HCL expression (`--param 'subnets=["a","b"]'`). A value the type cannot take, or one the
variable's `validation { condition = contains([...], var.NAME) }` rules out, is a warning
(Terraform would refuse to plan); a value the type cannot take is then not used.
Names the root module does not declare are left alone: the same `--param` also feeds
CloudFormation parameters and serverless.yml `${param:...}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lark import Token
from lark import Tree as Syntax

from faasguard.loaders.documents import InputError
from faasguard.loaders.intrinsics import choices_of
from faasguard.loaders.terraform.hcl import Block, name_of, parse_assignments, subtrees
from faasguard.model import Unknown, Value

#: (file, line, message) for `Tree.notes`
Note = tuple[str, int | None, str]
_SCALARS = (str, int, float, bool)


def given_variables(blocks: list[Block], given: Mapping[str, str],
                    evaluate: Callable[[Syntax], Value]) -> tuple[dict[str, Value], list[Note]]:
    """The values `given` sets for the variables `blocks` declare (a root module's), and a
    note for each value the variable cannot take. `evaluate` turns an HCL expression
    with no references (a literal) into its value."""
    values: dict[str, Value] = {}
    notes: list[Note] = []
    for block in blocks:
        if block.type != "variable" or not block.labels or block.labels[0] not in given:
            continue
        name, text = block.labels[0], given[block.labels[0]]
        kind = type_name(block)
        value, problem = _converted(text, kind, evaluate)
        if problem is not None:
            notes.append((block.file, block.line, f"--param {name}={text}: {problem}; "
                          "Terraform would refuse it, so it is not used"))
            continue
        allowed = allowed_values(block, evaluate)
        if allowed and value not in allowed:
            notes.append((block.file, block.line, f"--param {name}={text}: not one of the "
                          f"values its validation allows ({', '.join(map(str, allowed))}); "
                          "Terraform would refuse it"))
        values[name] = value
    return values, notes


def type_name(block: Block) -> str | None:
    """The name of a variable's type constraint (`string`, `bool`, `list`, `object`, ...);
    None when it has none."""
    attr = block.attrs.get("type")
    node: Syntax | Token | None = attr.expr if attr is not None else None
    while isinstance(node, Syntax):
        if node.data == "identifier":
            return name_of(node)
        children = subtrees(node)
        node = children[0] if children else None
    return None


def allowed_values(block: Block, evaluate: Callable[[Syntax], Value]) -> tuple[Value, ...]:
    """The values a variable's validation allows when a rule says it plainly:
    `contains([<literals>], var.NAME)`; empty when no rule does."""
    name = block.labels[0] if block.labels else ""
    for rule in block.nested("validation"):
        condition = rule.attrs.get("condition")
        call = _call(condition.expr) if condition is not None else None
        if call is None or call[0] != "contains" or len(call[1]) != 2:
            continue
        listed, subject = call[1]
        if _text(subject) != f"var.{name}":
            continue
        values = evaluate(listed)
        if isinstance(values, list) and values and \
                all(isinstance(v, _SCALARS) for v in values):
            return tuple(values)
    return ()


def _converted(text: str, kind: str | None,
               evaluate: Callable[[Syntax], Value]) -> tuple[Value, str | None]:
    """`text` as a variable of type `kind` takes it, or the reason it cannot."""
    if kind in (None, "string", "any"):
        return text, None
    if kind == "bool":
        if text in ("true", "false"):
            return text == "true", None
        return None, "a bool variable takes true or false"
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None, "a number variable takes a number"
        return (int(number) if number.is_integer() and "." not in text else number), None
    try:
        attrs = parse_assignments(f"value = {text}\n", "--param")
    except InputError as exc:
        return None, f"not an HCL value of type {kind} ({exc.message})"
    value = evaluate(attrs["value"].expr) if "value" in attrs else Unknown("--param")
    if isinstance(value, Unknown):
        return None, f"not a literal value of type {kind}"
    return value, None


def _call(node: Syntax) -> tuple[str, list[Syntax]] | None:
    """A function call expression as (name, its argument trees); None for anything else."""
    while isinstance(node, Syntax) and node.data == "expr_term" and \
            len(subtrees(node)) == 1 and subtrees(node)[0].data != "identifier":
        node = subtrees(node)[0]
    if not isinstance(node, Syntax) or node.data != "function_call":
        return None
    parts = subtrees(node)
    arguments = next((p for p in parts if p.data == "arguments"), None)
    return name_of(parts[0]), subtrees(arguments) if arguments is not None else []


def _text(node: Syntax) -> str:
    """The source text of a plain reference (`var.name`): its names, joined by dots."""
    names = [str(t) for t in node.scan_values(lambda v: isinstance(v, Token)
                                               and v.type == "NAME")]
    return ".".join(names)


def deployment_choice(module: Any, expr: Syntax, domain: tuple[str, ...]) -> Unknown | None:
    """An attribute a root module's variables decide where neither `-var`/`--param` nor a
    tfvars file gives them: the deployment's choice (`terraform apply -var x=...`), as a
    CloudFormation parameter's Default is (cfn_parameters). `var.x` itself: Unknown
    (`var.x`, its choices its default and what its validation allows, else `domain`, the
    values the attribute takes, `unlisted` but for the default); any other expression
    naming variables with a default (`var.x ? a : b`, `local.auth[var.env]`,
    `lookup(var.by_env, var.env)`): its value with their defaults set aside (the
    conditional's branches, the map's values). None where the value is a fact (or not a
    choice between several). Read for the attributes that say whether an endpoint
    authenticates."""
    if module.caller is not None or not isinstance(expr, Syntax):
        return None
    names = _variables_named(expr)
    name = _plain_variable(expr)
    if name is not None and _settable(module, name):
        listed = allowed_values(module.variables[name], module.evaluator.value)
        written = choices_of(module.variable(name), *listed)
        choices = choices_of(*written, *(() if listed else domain))
        return Unknown(f"var.{name}", choices,
                       tuple(c for c in choices if c not in written)) \
            if len(choices) > 1 else None
    # the selectors: a map or list variable's default is the table they pick from
    defaulted = [n for n in names if _settable(module, n) and
                 "default" in module.variables[n].attrs and
                 isinstance(module.variable(n), _SCALARS)]
    if not defaulted:
        return None
    value = module.released(defaulted, expr)
    return value if isinstance(value, Unknown) and len(value.choices) > 1 else None


def _plain_variable(node: Syntax) -> str | None:
    """The name of the variable an expression is (`var.x`, `"${var.x}"`), else None."""
    tokens = [(t.type, str(t)) for t in node.scan_values(lambda v: isinstance(v, Token))]
    if len(tokens) == 3 and tokens[0] == ("NAME", "var") and tokens[1][0] == "DOT" and \
            tokens[2][0] == "NAME":
        return tokens[2][1]
    return None


def _variables_named(node: Syntax) -> list[str]:
    """The names of the variables an expression reads (`var.NAME`), each once."""
    tokens = [(t.type, str(t)) for t in node.scan_values(lambda v: isinstance(v, Token))]
    return list(dict.fromkeys(
        tokens[i + 2][1] for i in range(len(tokens) - 2)
        if tokens[i] == ("NAME", "var") and tokens[i + 1][0] == "DOT"
        and tokens[i + 2][0] == "NAME"))


def _settable(module: Any, name: str) -> bool:
    """Is `name` a variable of the module that no tfvars file or `--param` sets?"""
    return name in module.variables and name not in module.tfvars
