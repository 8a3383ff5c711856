"""Does a redirect target start with an origin the code fixes (`"https://host/" + x`,
`` `${SITE}/${x}` `` with SITE a literal URL or `https://${process.env.HOST}`)? Then the
part the request controls is a path on that host, not the place the browser goes: no
open redirect.

Read from the syntax: the leading pieces of a `+` concatenation or a template string are
joined while they are string literals, `process.env.X` (deployment settings, standing in
as a non-empty host part, so a whole configured URL, `${process.env.SITE_URL}/${x}`, is
not known to fix one; never as the first character of a path either: an empty or `/app`
setting after a leading `/` gives `//`) or names the frame holds untainted whose
declaration is such a piece; the first other piece stops the reading. The target is
fixed when that literal shape is `scheme://host` followed by `/`, `?` or `#`, or a path
`/x` whose second character is neither `/` nor `\\` (`"/" + x` could become
`//evil.example`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from faasguard.analysis.js.names import FileIndex
from faasguard.analysis.js.parse import JsModule, string_value
from faasguard.analysis.js.spots import word_nodes

if TYPE_CHECKING:
    from tree_sitter import Node

_ENV = "\x00"  # a configured value: a non-empty piece of a host name, not of a path
_FIXED = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\\s]+[/?#]|^/[^/\\\x00]")
MAX_HOPS = 4
#: Where a name is a function's parameter (JavaScript, and TypeScript's typed forms).
_PARAMETERS = ("formal_parameters", "required_parameter", "optional_parameter",
               "assignment_pattern", "object_pattern", "array_pattern", "rest_pattern")


def fixed_origin(node: Node | None, module: JsModule,
                 untainted: Callable[[str], bool]) -> bool:
    """Is `node` (a redirect target) a string whose origin the code fixes? `untainted`
    says whether a name's current value carries no request data."""
    shape = _prefix(node, module, untainted, 0)
    return shape is not None and bool(_FIXED.match(shape[0]))


def _prefix(node: Node | None, module: JsModule, untainted: Callable[[str], bool],
            hops: int) -> tuple[str, bool] | None:
    """(the literal shape of the leading pieces, whether the whole expression was read)."""
    if node is None or hops > MAX_HOPS:
        return None
    kind = node.type
    if kind in ("parenthesized_expression", "as_expression", "non_null_expression") and \
            node.named_children:
        return _prefix(node.named_children[0], module, untainted, hops)
    literal = string_value(node)
    if literal is not None:
        return literal, True
    if kind == "member_expression" and module.text(node).startswith("process.env."):
        return _ENV, True
    if kind == "identifier":
        name = module.text(node)
        if not untainted(name) or _bound_again(name, module):
            return None
        return _prefix(FileIndex.of(module).value(name), module, untainted, hops + 1)
    operator = node.child_by_field_name("operator") if kind == "binary_expression" else None
    if operator is not None and module.text(operator) == "+":
        return _join([node.child_by_field_name("left"), node.child_by_field_name("right")],
                     module, untainted, hops)
    if kind == "template_string":
        return _join(node.named_children, module, untainted, hops)
    if kind == "template_substitution" and node.named_children:
        return _prefix(node.named_children[0], module, untainted, hops)
    if kind == "string_fragment":
        return module.text(node), True
    return None


def _bound_again(name: str, module: JsModule) -> bool:
    """Can `name` hold another value than its declaration's? (The file's index keeps one
    declarator per name, scopes ignored: a second declarator, a parameter of that name or
    an assignment to it may give the name "" or any other prefix.)"""
    declarators = 0
    for node in word_nodes(module, name):
        parent = node.parent
        if parent is None or node.type not in ("identifier",
                                               "shorthand_property_identifier_pattern"):
            continue
        kind = parent.type
        if kind == "variable_declarator" and parent.child_by_field_name("name") == node:
            declarators += 1
        elif kind in _PARAMETERS or (kind == "arrow_function" and
                                     parent.child_by_field_name("parameter") == node):
            return True
        elif kind in ("assignment_expression", "augmented_assignment_expression") and \
                parent.child_by_field_name("left") == node:
            return True
    return declarators > 1


def _join(pieces: Sequence[Node | None], module: JsModule, untainted: Callable[[str], bool],
          hops: int) -> tuple[str, bool] | None:
    text = ""
    for piece in pieces:
        found = _prefix(piece, module, untainted, hops)
        if found is None:
            return (text, False) if text else None
        text += found[0]
        if not found[1]:
            return text, False
    return text, True
