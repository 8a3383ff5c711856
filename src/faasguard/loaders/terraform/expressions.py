"""Evaluating HCL2 expressions statically, as far as they can be known.

`Evaluator.value(tree)` turns an expression tree into a template value the CloudFormation
readers understand: strings, numbers, booleans, `LDict`/`LList` (every key and item keeps
its line), `Ref`s to resources of the app, and `Unknown` for what only `terraform apply`
knows (a data source's attribute, `count.index`, a function we do not evaluate).

References go through a `Scope` the module loader provides: `var.X`, `local.X`,
`module.M.OUTPUT`, `data.T.N.ATTR`, `path.module`, and `TYPE.NAME.ATTR` for resources.
A string with an interpolated resource reference renders it as `${<id>.<Attr>}`, the way
CloudFormation's `Fn::Sub` is rendered, so ARN patterns stay readable strings.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from lark import Token, Tree

from faasguard.loaders.documents import InputError, LDict, LList
from faasguard.loaders.intrinsics import choices_of
from faasguard.loaders.terraform.hcl import line, name_of, parse_hcl, subtrees
from faasguard.model import CONDITIONAL_PREFIX, Ref, Unknown, Value

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "%": operator.mod, "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    ">": operator.gt, "<=": operator.le, ">=": operator.ge,
    "&&": lambda a, b: a and b, "||": lambda a, b: a or b,
}
#: The attributes of a resource's reference that every applied resource has, never null:
#: its id (a plain Ref) and ARN.
_NEVER_NULL = frozenset({None, "Arn"})


class Scope(Protocol):
    """What an expression may refer to (implemented by the module loader)."""

    def lookup(self, root: str, parts: list[str | int]) -> tuple[Value, int]:
        """The value of a traversal `root.parts...` and how many parts it consumed."""

    def read_file(self, path: Value) -> Value:
        """The text of a file named relative to the module (`file()`), or Unknown."""


class Bound(Tree):
    """An expression of an expanded `dynamic` block with the iterators it sees
    (iterator name -> (key, value)): `<iterator>.key` and `<iterator>.value` are bound
    while it is evaluated; everything else is looked up as usual."""

    def __init__(self, expr: Tree | Token, iterators: dict[str, tuple[Value, Value]]) -> None:
        super().__init__("bound", [expr])
        self.iterators = iterators


def bind(expr: Tree | Token, iterators: dict[str, tuple[Value, Value]]) -> Bound:
    """`expr` with more iterators in scope (the newest shadow an outer one of that name)."""
    if isinstance(expr, Bound):
        return Bound(expr.children[0], {**expr.iterators, **iterators})
    return Bound(expr, iterators)


def is_known(value: Value) -> bool:
    """True when a value (deeply) holds no Unknown."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


class Evaluator:
    """Evaluates expressions of one module instance against its `Scope`."""

    def __init__(self, scope: Scope, depth_limit: int = 64) -> None:
        self.scope = scope
        self.depth_limit = depth_limit
        self._depth = 0
        self._iterators: dict[str, tuple[Value, Value]] = {}  # of the `Bound` being evaluated
        self._loop_vars: dict[str, Value] = {}  # the symbols of the `for` being evaluated

    def value(self, node: Tree | Token) -> Value:
        """The static value of an expression tree."""
        if isinstance(node, Token):
            return _token_value(node)
        self._depth += 1
        try:
            if self._depth > self.depth_limit:
                return Unknown("expression nested too deeply")
            handler = getattr(self, f"_{node.data}", None)
            if handler is None:
                return Unknown(f"{node.data} expression")
            result: Value = handler(node)
            return result
        finally:
            self._depth -= 1

    # ------------------------------------------------------------------ terms

    def _bound(self, node: Tree) -> Value:
        if not isinstance(node, Bound):
            return Unknown("bound expression")
        outer, self._iterators = self._iterators, {**self._iterators, **node.iterators}
        try:
            return self.value(node.children[0])
        finally:
            self._iterators = outer

    def _expr_term(self, node: Tree) -> Value:
        inner = subtrees(node)
        if inner:
            return self.value(inner[0])
        tokens = [c for c in node.children if isinstance(c, Token)]
        return self.value(tokens[0]) if tokens else None

    def _int_lit(self, node: Tree) -> Value:
        return int(str(node.children[0]))

    def _float_lit(self, node: Tree) -> Value:
        return float(str(node.children[0]))

    def _literal_value(self, node: Tree) -> Value:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _identifier(self, node: Tree) -> Value:
        return self._traverse(name_of(node), [])

    def _string(self, node: Tree) -> Value:
        parts: list[Value] = []
        for part in subtrees(node):
            child = part.children[0]
            if isinstance(child, Token):
                text = str(child)
                if child.type.startswith("ESCAPED_"):
                    text = text[1:]  # $${ and %%{ stand for a literal ${ / %{
                parts.append(_unescape(text))
            elif child.data == "interpolation":
                parts.append(self.value(subtrees(child)[0]))
            else:
                return Unknown("template directive")
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${x}" is x itself, whatever its type
        return render(parts)

    def _heredoc_template(self, node: Tree) -> Value:
        text = str(node.children[0].children[0] if isinstance(node.children[0], Tree)
                   else node.children[0])
        body = text.split("\n", 1)[1] if "\n" in text else ""
        body = body.rsplit("\n", 2)[0] + "\n" if body.count("\n") >= 1 else body
        if node.data == "heredoc_template_trim":
            lines = body.splitlines()
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            body = "\n".join(x[indent:] for x in lines) + "\n"
        if "${" not in body and "%{" not in body:
            return body
        return self._reparse_template(body, line(node))

    def _heredoc_template_trim(self, node: Tree) -> Value:
        return self._heredoc_template(node)

    def _reparse_template(self, body: str, at: int) -> Value:
        """A heredoc with interpolations: evaluate it as a quoted template string."""
        from lark.exceptions import LarkError

        quoted = json.dumps(body).replace("\\u0024", "$")
        try:
            tree = parse_hcl(f"x = {quoted}\n")
        except (LarkError, InputError):
            return Unknown(f"heredoc template at line {at}")
        attribute = subtrees(subtrees(tree)[0])[0]
        return self.value(attribute.children[-1])

    def _tuple(self, node: Tree) -> Value:
        out = LList()
        out.line = line(node)
        for item in subtrees(node):
            out.append(self.value(item))
            out.item_lines.append(line(item, out.line))
        return out

    def _object(self, node: Tree) -> Value:
        out = LDict()
        out.line = line(node)
        out.end_line = out.line if node.meta.empty else node.meta.end_line
        for elem in subtrees(node):
            key_node, value_node = subtrees(elem)[0], subtrees(elem)[-1]
            key = self._key(key_node)
            if not isinstance(key, str):
                return Unknown("object with a computed key")
            out[key] = self.value(value_node)
            out.key_lines[key] = line(elem, out.line)
        return out

    def _key(self, node: Tree) -> Value:
        inner = subtrees(node)
        if not inner:  # a keyword used as a key
            return name_of(node)
        term = inner[0]
        bare = subtrees(term)
        if term.data == "expr_term" and len(bare) == 1 and bare[0].data == "identifier":
            return name_of(bare[0])  # `{ Key = ... }`: a bare name is the key itself
        return self.value(term)

    # ------------------------------------------------------------------ traversals

    # each its own method, not an alias in the class body (which the compiled build refuses)
    def _get_attr_expr_term(self, node: Tree) -> Value:
        return self._chain(node)

    def _index_expr_term(self, node: Tree) -> Value:
        return self._chain(node)

    def _attr_splat_expr_term(self, node: Tree) -> Value:
        return self._chain(node)

    def _full_splat_expr_term(self, node: Tree) -> Value:
        return self._chain(node)

    def _chain(self, node: Tree) -> Value:
        parts: list[Any] = []
        current: Tree = node
        while current.data in ("get_attr_expr_term", "index_expr_term",
                               "attr_splat_expr_term", "full_splat_expr_term"):
            base, step = subtrees(current)[0], subtrees(current)[-1]
            parts[:0] = self._steps(step)
            current = base
            if current.data == "expr_term" and len(subtrees(current)) == 1 and \
                    subtrees(current)[0].data != "identifier":
                current = subtrees(current)[0]
        if current.data == "expr_term":
            inner = subtrees(current)
            if len(inner) == 1 and inner[0].data == "identifier":
                return self._traverse(name_of(inner[0]), parts)
            current = inner[0] if inner else current
        return _walk(self.value(current), parts)

    def _steps(self, step: Tree) -> list[Any]:
        if step.data == "get_attr":
            return [name_of(subtrees(step)[0])]
        if step.data == "short_index":
            return [int(str(step.children[-1]))]
        if step.data == "braces_index":
            index = self.value(subtrees(step)[0])
            # a key known only at apply time (`local.auth[var.env]`) picks one of the
            # elements: `_walk` makes that an Unknown with their values as choices
            return [index if isinstance(index, (str, int, Unknown)) else "*"]
        if step.data in ("attr_splat", "full_splat"):
            out: list[str | int] = ["*"]
            for sub in subtrees(step):
                out.extend(self._steps(sub))
            return out
        return ["*"]

    def _traverse(self, root: str, parts: list[Any]) -> Value:
        if root in self._loop_vars:
            return _walk(self._loop_vars[root], parts)
        if root in self._iterators and parts and parts[0] in ("key", "value"):
            key, value = self._iterators[root]
            return _walk(key if parts[0] == "key" else value, parts[1:])
        # the scope picks instances as for a splat where a key is not known
        found, used = self.scope.lookup(root, ["*" if isinstance(p, Unknown) else p
                                               for p in parts])
        return _walk(found, parts[used:])

    # ------------------------------------------------------------------ for expressions

    def _for_tuple_expr(self, node: Tree) -> Value:
        """`[for k, v in coll : expr if cond]`: a list (Unknown when any part is)."""
        intro, *rest = subtrees(node)
        out = LList()
        out.line = line(node)
        for item in self._for_items(intro, rest[-1] if len(rest) > 1 else None):
            if isinstance(item, Unknown):
                return item
            out.append(self._with_vars(item, rest[0]))
        return out

    def _for_object_expr(self, node: Tree) -> Value:
        """`{for k, v in coll : key => value if cond}`: a map (Unknown when any part is,
        or when it groups values with `...`)."""
        if any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children):
            return Unknown("for expression grouping values (...)")
        intro, key_node, value_node, *rest = subtrees(node)
        out = LDict()
        out.line = line(node)
        for item in self._for_items(intro, rest[0] if rest else None):
            if isinstance(item, Unknown):
                return item
            key = self._with_vars(item, key_node)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                return Unknown("for expression with a key not known statically")
            out[str(key)] = self._with_vars(item, value_node)
        return out

    def _for_items(self, intro: Tree, cond: Tree | None) -> list[dict[str, Value] | Unknown]:
        """The loop symbols of each element the `for` keeps (`if` applied)."""
        names = [name_of(c) for c in subtrees(intro) if c.data == "identifier"]
        collection = self.value(next(c for c in subtrees(intro) if c.data != "identifier"))
        if isinstance(collection, dict):
            pairs: list[tuple[Value, Value]] = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return [Unknown("for expression over a collection not known statically")]
        items: list[dict[str, Value] | Unknown] = []
        for key, value in pairs:
            symbols = {names[0]: key, names[1]: value} if len(names) > 1 else {names[0]: value}
            if cond is not None:
                keep = self._with_vars(symbols, subtrees(cond)[0])
                if not isinstance(keep, bool):
                    return [Unknown("for expression filtered by an unknown condition")]
                if not keep:
                    continue
            items.append(symbols)
        return items

    def _with_vars(self, symbols: dict[str, Value], node: Tree) -> Value:
        outer, self._loop_vars = self._loop_vars, {**self._loop_vars, **symbols}
        try:
            return self.value(node)
        finally:
            self._loop_vars = outer

    # ------------------------------------------------------------------ operators

    def _conditional(self, node: Tree) -> Value:
        cond, yes, no = subtrees(node)
        test = self.value(cond)
        if isinstance(test, bool):
            return self.value(yes if test else no)
        left, right = self.value(yes), self.value(no)
        if left == right:
            return left
        on = test.text if isinstance(test, Unknown) else "an unknown value"
        return Unknown(CONDITIONAL_PREFIX + on, choices_of(left, right))

    def _binary_op(self, node: Tree) -> Value:
        left_node, term = subtrees(node)[0], subtrees(node)[1]
        op_node, right_node = subtrees(term)[0], subtrees(term)[-1]
        left, right = self.value(left_node), self.value(right_node)
        op = _BINARY.get(str(op_node.children[0]))
        if str(op_node.children[0]) in ("==", "!=") and (left is None) != (right is None) \
                and isinstance(left or right, Ref) and (left or right).attribute in _NEVER_NULL:
            # `var.authorizer_id == null` given `aws_apigatewayv2_authorizer.jwt.id`: set
            # once applied, so the comparison is decided (a module's "was it given" test)
            return str(op_node.children[0]) == "!="
        if str(op_node.children[0]) in ("==", "!=") and \
                isinstance(left, Unknown) != isinstance(right, Unknown):
            # `var.env == "dev"`: decided by the unknown side (a conditional names it)
            return Unknown((left if isinstance(left, Unknown) else right).text)
        if op is None or not is_known(left) or not is_known(right) or \
                isinstance(left, Ref) or isinstance(right, Ref):
            return Unknown("operation on an unknown value")
        try:
            return op(left, right)
        except (TypeError, ValueError, ZeroDivisionError):
            return Unknown("operation on values of the wrong type")

    def _unary_op(self, node: Tree) -> Value:
        op = str(node.children[0])
        operand = self.value(subtrees(node)[0])
        if op == "!" and isinstance(operand, bool):
            return not operand
        if op == "-" and isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return -operand
        return Unknown("operation on an unknown value")

    # ------------------------------------------------------------------ functions

    def _function_call(self, node: Tree) -> Value:
        name = name_of(subtrees(node)[0])
        args_node = next((c for c in subtrees(node) if c.data == "arguments"), None)
        args = [self.value(a) for a in subtrees(args_node)] if args_node is not None else []
        return call(name, args, self.scope)


def call(name: str, args: list[Value], scope: Scope) -> Value:
    """A Terraform built-in function on static arguments (Unknown when not evaluated)."""
    known = all(is_known(a) for a in args)
    if name in ("jsonencode", "yamlencode", "tolist", "toset", "tomap", "sensitive",
                "nonsensitive", "tostring", "tonumber", "tobool") and len(args) == 1:
        return args[0]
    if name == "jsondecode" and len(args) == 1 and isinstance(args[0], str):
        try:
            return json.loads(args[0])
        except ValueError:
            return Unknown("jsondecode of invalid JSON")
    if name == "file" and len(args) == 1:
        return scope.read_file(args[0])
    if name == "templatefile" and len(args) == 2:
        return fill_template(scope.read_file(args[0]), args[1])
    if name == "lookup" and len(args) in (2, 3) and isinstance(args[1], Unknown) and \
            isinstance(args[0], dict) and is_known(args[0]):
        found = _any_of(args[0], args[1], [])
        if len(args) == 3 and (not args[1].choices or
                               any(c not in args[0] for c in args[1].choices)):
            return Unknown(found.text, choices_of(found, args[2]))  # a key it lacks
        return found
    if not known:
        return Unknown(f"{name}() of an unknown value")
    try:
        return _pure(name, args)
    except (TypeError, ValueError, KeyError, IndexError):
        return Unknown(f"{name}() on arguments of the wrong type")


def _pure(name: str, args: list[Value]) -> Value:
    if name == "merge":
        out = LDict()
        for arg in args:
            out.update(arg or {})
            if isinstance(arg, LDict):
                out.key_lines.update(arg.key_lines)
                out.line = out.line or arg.line
        return out
    if name == "concat":
        return LList(item for arg in args for item in arg)
    if name in ("lower", "upper", "trimspace"):
        text = str(args[0])
        return text.lower() if name == "lower" else text.upper() if name == "upper" \
            else text.strip()
    if name == "join":
        return str(args[0]).join(str(x) for x in args[1])
    if name == "format":
        return str(args[0]).replace("%%", "\0") % tuple(args[1:]) if "%" in str(args[0]) \
            else str(args[0])
    if name == "coalesce":
        return next((a for a in args if a not in (None, "")), None)
    if name == "lookup":
        return args[0].get(args[1], args[2] if len(args) > 2 else None)
    if name == "replace":
        return str(args[0]).replace(str(args[1]), str(args[2]))
    if name in ("max", "min"):
        return (max if name == "max" else min)(args)
    if name == "length":
        return len(args[0])
    return Unknown(f"{name}()")


def render(parts: list[Value]) -> Value:
    """Concatenate the pieces of a template string; references render as `${id.Attr}`."""
    text = []
    for part in parts:
        if isinstance(part, Ref):  # rendered like Fn::Sub: `${<logical id>.<Attr>}`
            text.append(part.as_written())
        elif isinstance(part, Unknown):
            text.append(f"${{{part.text}}}")
        elif isinstance(part, bool):
            text.append("true" if part else "false")
        elif isinstance(part, (str, int, float)):
            text.append(str(part))
        elif part is None:
            continue
        else:
            return Unknown("a collection inside a string")
    return "".join(text)


_TEMPLATE = re.compile(r"(\$\$\{|%%\{)|\$\{\s*([A-Za-z_][\w-]*)\s*\}|\$\{|%\{")


def fill_template(text: Value, symbols: Value) -> Value:
    """A template file's text (`templatefile`, the `template_file` data source) with its
    `${name}` interpolations filled from `symbols` (references render as in `render`);
    Unknown when the text is unknown or uses other expressions or `%{...}` directives."""
    if not isinstance(text, str):
        return text if isinstance(text, Unknown) else Unknown("template of unknown text")
    if not isinstance(symbols, dict):
        return Unknown("template variables not known statically")
    parts: list[Value] = []
    start = 0
    for match in _TEMPLATE.finditer(text):
        parts.append(text[start:match.start()])
        start = match.end()
        escaped, name = match.group(1), match.group(2)
        if escaped:
            parts.append(escaped[1:])  # $${ and %%{ are a literal ${ and %{
        elif name is not None and name in symbols:
            parts.append(symbols[name])
        else:
            return Unknown("template with expressions or directives beyond ${name}")
    parts.append(text[start:])
    return render(parts)


def _has(mapping: Mapping[Any, Any], key: object) -> bool:
    """`key in mapping` through the mapping's own `__contains__`: module.py's instances
    as values (`each.value.function_name`) hold no keys and answer for the attributes they
    compute. (Compiled, `in` on a value typed dict is the plain dict's and said no.)"""
    return key in mapping


def _walk(value: Value, parts: list[Any]) -> Value:
    """Apply the remaining traversal steps to a value."""
    for at, part in enumerate(parts):
        if isinstance(value, (Ref, Unknown)):
            return value
        if isinstance(part, Unknown):
            return _any_of(value, part, parts[at + 1:])
        if part == "*":
            continue
        if isinstance(value, dict) and _has(value, part):
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return Unknown(f"attribute {part} not known")
    return value


def _any_of(collection: Value, key: Unknown, rest: list[Any]) -> Unknown:
    """`collection[key]...rest` for a key known only at apply time: Unknown (the key's
    text), its choices what the elements the key may pick (those its own choices name,
    else every one: Terraform rejects a key the collection lacks) give."""
    if isinstance(collection, dict):
        picks = [collection[c] for c in key.choices if isinstance(c, str) and _has(collection, c)] \
            if key.choices else list(collection.values())
    elif isinstance(collection, list):
        picks = [collection[c] for c in key.choices
                 if type(c) is int and 0 <= c < len(collection)] \
            if key.choices else list(collection)
    else:
        return key
    return Unknown(key.text, choices_of(*(_walk(p, rest) for p in picks)))


def _token_value(token: Token) -> Value:
    text = str(token)
    if token.type in ("INT_LITERAL",):
        return int(text)
    return {"true": True, "false": False, "null": None}.get(text, text)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    try:
        decoded: str = json.loads(f'"{text}"')
        return decoded
    except ValueError:
        return text
