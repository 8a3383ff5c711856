"""What web frameworks and middlewares declare about the requests they let through.

A JSON schema the framework checks every request against before the code runs (a Fastify
route's `schema`, @middy/validator's `eventSchema`) holds some fields to values that are
no attack: an `enum` or `const`, a number, integer or boolean, a format of a closed
alphabet (uuid, date, ...) or a `pattern` anchored at both ends that allows no quote,
space or shell character. `validated_paths` reads such a schema, written as an object
literal (or a name declared with one, or the argument of a wrapper such as
`transpileSchema(schema)`), into the access paths of the event those fields are
(`("body", "preset")`); the taint engine reads each of them as clean in the function
the framework runs (JsAnalyzer.analyse's `validated`). Nothing is executed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from faasguard.analysis.js.names import FileIndex
from faasguard.analysis.js.parse import JsModule, first_named, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

#: Access paths into the event (the taint engine's Taint.path) a schema validates.
Paths = frozenset[tuple[str, ...]]

NO_PATHS: Paths = frozenset()
#: The kind of a validating middleware's value (`validator({ eventSchema })`), followed
#: by its key in JsModuleCache.validated (the paths its schema validates).
VALIDATED = "validated:"
#: Formats whose values are of a closed alphabet (no quote, space or shell character).
_CLOSED_FORMATS = frozenset({"uuid", "date", "date-time", "time", "ipv4", "ipv6", "int32",
                             "int64", "duration"})
_CLOSED_TYPES = frozenset({"integer", "number", "boolean", "null"})
#: A pattern anchored at both ends whose characters are word characters, `-`, digits
#: classes and quantifiers: no `.`, no negated class, no `\S`/`\W`, no space.
_CLOSED_PATTERN = re.compile(r"\^(?:[\w\-{},+*?()|]|\\d|\\w|\[(?!\^)[\w\-]*\])*\$")
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                       "non_null_expression"})
_HOPS = 4


def object_value(module: JsModule, node: Node | None, key: str, hops: int = 0) -> Node | None:
    """The value of `key` in an object literal (the literal may be named, or be the
    first argument of a call: `transpileSchema(schema)`); None when not written so."""
    node = _literal(module, node, hops)
    if node is None:
        return None
    for child in node.named_children:
        if child.type == "shorthand_property_identifier" and module.text(child) == key:
            return FileIndex.of(module).value(key)
        if child.type == "pair":
            name = child.child_by_field_id(module.fid.key)
            if name is not None and (string_value(name) if name.type == "string"
                                     else module.text(name)) == key:
                return child.child_by_field_id(module.fid.value)
    return None


def _literal(module: JsModule, node: Node | None, hops: int) -> Node | None:
    """The object literal a node stands for, through names, wrappers and a wrapping call."""
    while node is not None and hops < _HOPS:
        kind = node.type
        if kind == "object":
            return node
        if kind in _WRAPPERS:
            node = first_named(node)
        elif kind == "identifier":
            node = FileIndex.of(module).value(module.text(node))
        elif kind == "call_expression":
            args = node.child_by_field_id(module.fid.arguments)
            node = first_named(args) if args is not None else None
        else:
            return None
        hops += 1
    return None


def _closed(module: JsModule, schema: Node) -> bool:
    """Does a property's schema allow only values that are no attack?"""
    if object_value(module, schema, "enum") is not None or \
            object_value(module, schema, "const") is not None:
        return True
    kind = string_value(object_value(module, schema, "type"))
    if kind in _CLOSED_TYPES:
        return True
    if kind not in (None, "string"):
        return False
    if string_value(object_value(module, schema, "format")) in _CLOSED_FORMATS:
        return True
    pattern = string_value(object_value(module, schema, "pattern"))
    return pattern is not None and _CLOSED_PATTERN.fullmatch(pattern) is not None


def validated_paths(module: JsModule, schema: Node | None,
                    prefix: tuple[str, ...] = ()) -> Paths:
    """The paths below `prefix` whose values an object schema holds to values that are
    no attack (see the module's docstring); empty when the schema is not written out."""
    found: set[tuple[str, ...]] = set()
    _walk(module, schema, prefix, found, 0)
    return frozenset(found)


def _walk(module: JsModule, schema: Node | None, prefix: tuple[str, ...],
          found: set[tuple[str, ...]], depth: int) -> None:
    properties = _literal(module, object_value(module, schema, "properties"), 0)
    if properties is None or depth > 6:
        return
    for child in properties.named_children:
        if child.type != "pair":
            continue
        name = child.child_by_field_id(module.fid.key)
        key = (string_value(name) if name.type == "string" else module.text(name)) \
            if name is not None else None
        value = _literal(module, child.child_by_field_id(module.fid.value), 0)
        if not key or value is None:
            continue
        if _closed(module, value):
            found.add((*prefix, key))
        else:
            _walk(module, value, (*prefix, key), found, depth + 1)


def route_schema_paths(module: JsModule, options: Node | None,
                       parts: dict[str, str]) -> Paths:
    """The paths a route's options' `schema` validates (Fastify: `{ schema: { body,
    querystring, params, headers } }`), each part under the event field `parts` maps it
    to (body -> body, querystring -> queryStringParameters, ...)."""
    schema = object_value(module, options, "schema")
    if schema is None:
        return NO_PATHS
    found: set[tuple[str, ...]] = set()
    for part, field in parts.items():
        _walk(module, object_value(module, schema, part), (field,), found, 0)
    return frozenset(found)
