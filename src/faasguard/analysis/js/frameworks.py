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
from functools import lru_cache
from typing import NamedTuple

# imported at run time: a compiled NamedTuple looks its fields' classes up when it is made
from tree_sitter import Node

from faasguard.analysis.js.names import FileIndex
from faasguard.analysis.js.parse import JsModule, first_named, string_value, text_in
from faasguard.analysis.js.spots import word_nodes
from faasguard.analysis.nodejs import builtin_data

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
        if child.type == "pair" and key_name(module, child) == key:
            return child.child_by_field_id(module.fid.value)
    return None


def key_name(module: JsModule, pair: Node) -> str | None:
    """The name a pair's key spells (a string key's value, any other key's text)."""
    name = pair.child_by_field_id(module.fid.key)
    if name is None:
        return None
    return string_value(name) if name.type == "string" else module.text(name)


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
    return pattern is not None and _CLOSED_PATTERN.fullmatch(pattern) is not None and \
        _anchored(pattern)


def _anchored(pattern: str) -> bool:
    """Is no `|` of the pattern outside parentheses? `^[a-z]+|[0-9]+$` is `^[a-z]+` or
    `[0-9]+$`: it accepts any text that starts with a letter (`abc; reboot`)."""
    depth = 0
    for char in pattern:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth <= 0:
            return False
    return True


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
        key = key_name(module, child)
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


def router_prefix(module: JsModule, router: Node) -> str:
    """The path a router puts before its routes (@koa/router), the router named where it
    is made: its `prefix` option (`new Router({ prefix: "/media" })`, or options named
    in the file: `new Router(options)`), which a `prefix` call overrides, wherever in the
    file (it also moves the routes added before it): `router.prefix("/media")`, or
    chained, `new Router().prefix("/media")`. "" when none, or when a call's prefix is
    not a string written out."""
    if router.type != "identifier":
        return ""
    name = module.text(router)
    made = FileIndex.of(module).value(name)
    last: Node | None = None  # the prefix call that runs last
    while made is not None and made.type == "call_expression":  # (chained calls)
        called = _prefix_call(module, made)
        if called is None:
            return ""
        if last is None:  # (the outermost call of the chain)
            last = made
        made = called
    if made is None or made.type != "new_expression":
        return ""
    named = _last_prefix_call(module, name)  # (a call on the name runs after the chain)
    last = named if named is not None else last
    if last is not None:
        args = last.child_by_field_id(module.fid.arguments)
        prefix = string_value(first_named(args)) if args is not None else None
    else:
        args = made.child_by_field_id(module.fid.arguments)
        prefix = string_value(object_value(module, first_named(args), "prefix")) \
            if args is not None else None
    return prefix.rstrip("/") if prefix and prefix.startswith("/") else ""


def _prefix_call(module: JsModule, call: Node) -> Node | None:
    """The object of a `<object>.prefix(...)` call, else None."""
    callee = call.child_by_field_id(module.fid.function)
    if callee is None or callee.type != "member_expression" or \
            text_in(module.source, callee.child_by_field_id(module.fid.property)) != "prefix":
        return None
    return callee.child_by_field_id(module.fid.object)


def _last_prefix_call(module: JsModule, name: str) -> Node | None:
    """The last `name.prefix(...)` call of the file, in source order (scopes ignored)."""
    found = None
    for node in word_nodes(module, name):
        member = node.parent
        call = member.parent if member is not None else None
        if call is not None and member is not None and member.type == "member_expression" \
                and call.type == "call_expression" and _prefix_call(module, call) == node:
            found = call
    return found


class NestRoute(NamedTuple):
    """A NestJS controller method served as a route: its label (`GET /orders/:id/label`),
    its method node, and for each parameter a decorator fills from the request: the
    parameter, the event path it is (`("pathParameters", "id")`), and whether it is the
    whole request (`@Req()`)."""

    label: str
    node: Node
    params: tuple[tuple[Node, tuple[str, ...], bool], ...]


@lru_cache(maxsize=1)
def _nest() -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    data = builtin_data()["express"]["nest"]
    return frozenset(data["routes"]), dict(data["parameters"]), frozenset(data["pipes"])


def bootstraps_nest(module: JsModule) -> bool:
    """Does a handler's file make a Nest app (`NestFactory.create`: it imports
    @nestjs/core), whose controllers' routes are the code that runs?"""
    return b"@nestjs/core" in module.source


def file_nest_routes(module: JsModule) -> list[NestRoute]:
    """`nest_routes` of a file, worked out once per file (none without a @nestjs/common
    import)."""
    return module.summary("nest-routes", _file_nest_routes)


def _file_nest_routes(module: JsModule) -> list[NestRoute]:
    return nest_routes(module) if b"@nestjs/common" in module.source else []


def nest_routes(module: JsModule) -> list[NestRoute]:
    """The routes of the NestJS controllers a file declares (read syntactically)."""
    found: list[NestRoute] = []
    for statement in module.root.named_children:
        decorators = [c for c in statement.named_children if c.type == "decorator"]
        cls = next((c for c in statement.named_children if c.type == "class_declaration"),
                   statement if statement.type == "class_declaration" else None)
        if cls is None:
            continue
        decorators += [c for c in cls.named_children if c.type == "decorator"]
        prefix = next((args for name, args in (_decorator(module, d) for d in decorators)
                       if name == "Controller"), None)
        body = cls.child_by_field_id(module.fid.body)
        if prefix is None or body is None:
            continue
        found += _controller_routes(module, body, _path(module, prefix))
    return found


def _controller_routes(module: JsModule, body: Node, prefix: str) -> list[NestRoute]:
    routes, parameters, pipes = _nest()
    found: list[NestRoute] = []
    verb: str | None = None
    path = ""
    for member in body.named_children:
        if member.type == "decorator":
            name, args = _decorator(module, member)
            if name in routes:
                verb, path = name.upper(), _path(module, args)
            continue
        if member.type == "method_definition" and verb is not None:
            given: list[tuple[Node, tuple[str, ...], bool]] = []
            params = member.child_by_field_id(module.fid.parameters)
            for param in params.named_children if params is not None else ():
                for decorator in (c for c in param.named_children if c.type == "decorator"):
                    name, args = _decorator(module, decorator)
                    field = parameters.get(name or "")
                    if field is None:
                        continue
                    key = string_value(args[0]) if args else None
                    if any(a.type == "identifier" and module.text(a) in pipes or
                           a.type == "new_expression" and
                           module.text(a)[4:].split("(")[0].strip() in pipes
                           for a in args):
                        break  # a parsing pipe: a number, UUID, enum member: clean
                    given.append((param, tuple(p for p in (field, key) if p), not field))
                    break
            label = f"{'ANY' if verb == 'ALL' else verb} /" + "/".join(
                part for part in (prefix, path) if part)
            found.append(NestRoute(label, member, tuple(given)))
        verb = None
    return found


def _decorator(module: JsModule, node: Node) -> tuple[str | None, list[Node]]:
    """A decorator's name and argument nodes (`@Get(":id")`: "Get", [":id"])."""
    call = first_named(node)
    if call is not None and call.type == "call_expression":
        callee = call.child_by_field_id(module.fid.function)
        args = call.child_by_field_id(module.fid.arguments)
        name = module.text(callee) if callee is not None else None
        return name, list(args.named_children) if args is not None else []
    if call is not None and call.type == "identifier":
        return module.text(call), []
    return None, []


def _path(module: JsModule, args: list[Node]) -> str:
    """A route or controller decorator's path (its first string argument), no slashes
    at either end."""
    text = string_value(args[0]) if args else None
    return (text or "").strip("/")
