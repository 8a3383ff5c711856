"""Values the user gives a root module's variables (`faasguard scan --param NAME=VALUE`),
read as `terraform -var 'NAME=VALUE'` reads them, and the values a variable allows.

A given value wins over the tfvars files Terraform reads by itself and the default, as
`-var` does. It is text on the command line: a `string` variable (or one without a type)
takes it as it is, `bool` takes `true`/`false`, `number` a number, and a variable of a
collection or structural type (`list(string)`, `map(...)`, `object(...)`) reads it as an
HCL expression (`--param 'subnets=["a","b"]'`). A value the type cannot take, or one the
variable's validation rules out (`validation { condition = contains([...], var.NAME) }`,
`var.NAME == "x"`, `var.NAME != "x"`, those joined by `&&` or `||`: `validation_values`),
is a warning (Terraform would refuse to plan); a value the type cannot take is then not
used.
Names the root module does not declare are left alone: the same `--param` also feeds
CloudFormation parameters and serverless.yml `${param:...}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from lark import Token
from lark import Tree as Syntax

from faasguard.loaders.documents import InputError
from faasguard.loaders.intrinsics import choices_of, setting_choice
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
        allowed = validation_values(block, evaluate)
        if allowed.listed and value not in allowed.listed:
            notes.append((block.file, block.line, f"--param {name}={text}: not one of the "
                          f"values its validation allows "
                          f"({', '.join(map(str, allowed.listed))}); Terraform would "
                          "refuse it"))
        elif value in allowed.excluded:
            notes.append((block.file, block.line, f"--param {name}={text}: a value its "
                          "validation rules out; Terraform would refuse it"))
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


class Allowed(NamedTuple):
    """What a variable's validation says of its values: `listed`, the only values it may
    take (empty: not a listed set); `excluded`, values it may not take (from `!=`)."""

    listed: tuple[Value, ...] = ()
    excluded: tuple[Value, ...] = ()


#: A validation that says nothing readable of the values: any value.
ANY = Allowed()


def allowed_values(block: Block, evaluate: Callable[[Syntax], Value]) -> tuple[Value, ...]:
    """The values a variable's validation allows when its rules list them
    (`validation_values`); empty when they do not."""
    return validation_values(block, evaluate).listed


def validation_values(block: Block, evaluate: Callable[[Syntax], Value]) -> Allowed:
    """What the variable's validation rules (all of them hold) say plainly of its values:
    each condition read as `contains([<literals>], var.NAME)`, `var.NAME == <literal>`
    (a listed set), `var.NAME != <literal>` (an excluded value), and those joined by `&&`
    (both hold: a value a part rules out is out, whatever the other parts say) or `||`
    (either holds: listed only when both sides list). Anything else says nothing (any
    value): a rule that is not read never narrows the values."""
    subject = f"var.{block.labels[0]}" if block.labels else ""
    found = ANY
    for rule in block.nested("validation"):
        condition = rule.attrs.get("condition")
        if condition is not None and isinstance(condition.expr, Syntax):
            found = _both(found, _condition_values(condition.expr, subject, evaluate))
    return found


def _condition_values(node: Syntax, subject: str,
                      evaluate: Callable[[Syntax], Value]) -> Allowed:
    """The values of `subject` a condition allows, as `validation_values` reads it."""
    node = _unwrapped(node)
    call = _call(node)
    if call is not None:
        if call[0] != "contains" or len(call[1]) != 2 or _text(call[1][1]) != subject:
            return ANY
        values = evaluate(call[1][0])
        return Allowed(tuple(values)) if isinstance(values, list) and values and \
            all(isinstance(v, _SCALARS) for v in values) else ANY
    if node.data != "binary_op":
        return ANY
    parts = subtrees(node)
    term = next((p for p in parts if p.data == "binary_term"), None)
    operator = next((p for p in subtrees(term) if p.data == "binary_operator"), None) \
        if term is not None else None
    right = next((p for p in subtrees(term) if p.data != "binary_operator"), None) \
        if term is not None else None
    if operator is None or right is None:
        return ANY
    op = str(operator.children[0])
    if op == "&&":
        return _both(_condition_values(parts[0], subject, evaluate),
                     _condition_values(right, subject, evaluate))
    if op == "||":
        return _either(_condition_values(parts[0], subject, evaluate),
                       _condition_values(right, subject, evaluate))
    if op not in ("==", "!="):
        return ANY
    # var.NAME == "x" or "x" == var.NAME
    sides = [_unwrapped(parts[0]), _unwrapped(right)]
    named = [_text(side) == subject and _plain_reference(side) for side in sides]
    if named.count(True) != 1:
        return ANY
    value = evaluate(sides[named.index(False)])
    if not isinstance(value, _SCALARS):
        return ANY
    return Allowed((value,)) if op == "==" else Allowed(excluded=(value,))


def _both(a: Allowed, b: Allowed) -> Allowed:
    """What two conditions that both hold allow."""
    excluded = tuple(dict.fromkeys((*a.excluded, *b.excluded)))
    if a.listed and b.listed:
        listed = tuple(v for v in a.listed if v in b.listed)
    else:
        listed = a.listed or b.listed
    listed = tuple(v for v in listed if v not in excluded)
    # a listed set that nothing is left of says nothing usable: any value
    return Allowed(listed) if listed else Allowed(excluded=excluded) \
        if not (a.listed or b.listed) else ANY


def _either(a: Allowed, b: Allowed) -> Allowed:
    """What two conditions of which one holds allow."""
    if a.listed and b.listed:
        return Allowed(tuple(dict.fromkeys((*a.listed, *b.listed))))
    if a.listed or b.listed:  # a listed set or everything but some values
        listed, other = (a, b) if a.listed else (b, a)
        return Allowed(excluded=tuple(v for v in other.excluded if v not in listed.listed))
    return Allowed(excluded=tuple(v for v in a.excluded if v in b.excluded))


def _unwrapped(node: Syntax) -> Syntax:
    """An expression without its parentheses and single-child wrappers."""
    while node.data == "expr_term":
        inner = subtrees(node)
        if len(inner) != 1 or inner[0].data == "identifier":
            break
        node = inner[0]
    return node


def _plain_reference(node: Syntax) -> bool:
    """Is the expression a reference alone (`var.name`), not a call or operation on one?"""
    return node.data in ("get_attr_expr_term", "expr_term") and _call(node) is None and \
        not any(t.data in ("binary_op", "function_call", "index_expr_term", "conditional")
                for t in node.iter_subtrees())


def named_by_validation(block: Block, values: tuple[str, ...]) -> tuple[str, ...]:
    """Those of `values` a variable's validation conditions write in a string, as a whole
    word (`can(regex("^(AWS_IAM|NONE)$", var.x))`, `var.x == "NONE" || ...`): values the
    author considered, which the condition may accept. A string compared with `!=`
    (`var.x != "NONE"`) is left out, the value refused."""
    found: list[str] = []
    for rule in block.nested("validation"):
        condition = rule.attrs.get("condition")
        if condition is None or not isinstance(condition.expr, Syntax):
            continue
        tokens = [(t.type, str(t)) for t in condition.expr.scan_values(
            lambda v: isinstance(v, Token))]
        for index, (kind, text) in enumerate(tokens):
            if kind != "STRING_CHARS" or any(
                    0 <= at < len(tokens) and tokens[at][0] == "NEQ"
                    for at in (index - 2, index + 2)):
                continue
            found.extend(v for v in values if v not in found and
                         re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text))
    return tuple(found)


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
    values the attribute takes but those the validation rules out, `unlisted` but for the
    default); any other expression
    naming variables with a default (`var.x ? a : b`, `local.auth[var.env]`,
    `lookup(var.by_env, var.env)`): its value with their defaults set aside (the
    conditional's branches, the map's values). None where the value is a fact (or not a
    choice between several). Read for the attributes that say whether an endpoint
    authenticates. The values the project's other var-files give `var.x`
    (`Module.var_files`) are written choices, those its validation allows. In a called
    module, `var.x` is its caller's input for `x` (`x = var.y`, the usual pass-through):
    the caller's choice for that input, up to the root module, less what `x`'s own
    validation rules out."""
    if not isinstance(expr, Syntax):
        return None
    if module.caller is not None:
        name = _plain_variable(expr)
        if name is None or name not in module.inputs or name not in module.variables:
            return None
        with module.caller.within(module):  # this instance of the call (each, count)
            passed = deployment_choice(module.caller, module.inputs[name].expr, domain)
        if passed is None:
            return None
        listed, excluded = validation_values(module.variables[name], module.evaluator.value)
        choices = tuple(c for c in passed.choices
                        if c not in excluded and (not listed or c in listed))
        return Unknown(passed.text, choices,
                       tuple(c for c in passed.unlisted if c in choices)) \
            if len(choices) > 1 else None
    names = _variables_named(expr)
    name = _plain_variable(expr)
    if name is not None and _settable(module, name):
        block = module.variables[name]
        listed, excluded = validation_values(block, module.evaluator.value)
        from_files = tuple(v for v in module.var_files.get(name, ())
                           if v not in excluded and (not listed or v in listed))
        written = choices_of(module.variable(name), *listed, *from_files)
        if not listed:  # a validation read no plainer may still accept some of `domain`
            written = choices_of(*written, *named_by_validation(block, domain))
        return setting_choice(f"var.{name}", written, () if listed else
                              (c for c in domain if c not in excluded))
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
