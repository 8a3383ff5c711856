"""Change detection of the serverless.ts / serverless.js reader: which top-level names a
module changes after binding them, so that the reader (loaders.service_code_values) leaves
their values unknown, with a warning, rather than read the literal the framework does not
get. Scope-aware: a name a function, block, `for`, `catch` or parameter binds again is
another variable (`changed_names`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from faasguard.loaders.service_code_syntax import (
    FUNCTIONS,
    SPACE,
    WRAPPERS,
    operator_of,
    short,
    unwrapped,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from faasguard.loaders.service_code_modules import ServiceModule

#: Calls that change an object or array they are given or called on.
_CHANGING_FUNCTIONS = {"Object.assign", "Object.defineProperty", "Object.defineProperties",
                       "Object.setPrototypeOf", "Reflect.set", "Reflect.deleteProperty",
                       # lodash's, which change their first argument (`_.merge(config, x)`)
                       *(f"{prefix}{name}" for prefix in ("_.", "lodash.", "")
                         for name in ("merge", "mergeWith", "defaultsDeep")),
                       *(f"{prefix}{name}" for prefix in ("_.", "lodash.")
                         for name in ("set", "setWith", "unset", "update", "assign",
                                      "assignIn", "extend", "defaults"))}
_CHANGING_METHODS = {"push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill",
                     "copyWithin", "set", "add", "delete", "clear"}


def changed_names(module: ServiceModule) -> dict[str, tuple[int, str]]:
    """The top-level names a module changes anywhere after binding them (`x = ...`, `x.a =
    ...`, `x.a += 1`, `x++`, `delete x.a`, `x.list.push(...)`, `Object.assign(x, ...)`),
    with the first line of each and the name the change is made through ("" for the name
    itself): their values are not what their declarations write. A name bound to a value
    or a part of it (`const p = config.provider`, `const { provider } = config`, `p =
    config.provider`) whose object is then changed (`p.tracing = ...`) changes that value
    too: the change is the value's (`config`), through the alias. So is a parameter of a
    function of the module (`function addRoute(c) { c.functions.a.events = [] }`) for
    what a call gives it (`addRoute(config)`).

    Names are JavaScript's bindings, not spellings: a name a function, block, `for`,
    `catch` or parameter declares again (`function f(config) { config.x = 1 }`, `for
    (const config of list)`) is another binding, whose changes are not the top-level
    one's (`_Scopes`); only inside `with`, which may bind any name, the spelling
    decides."""
    changed: dict[str, int] = {}  # binding -> the first line that changes it
    objects: dict[str, int] = {}  # binding -> the first line that changes its object
    aliases: dict[str, set[str]] = {}  # binding -> the bindings whose values it is part of
    parameters: dict[str, list[str | None]] = {}  # function -> its parameters' bindings
    calls: list[tuple[str, list[str | None]]] = []  # (function, what its arguments are)
    text = module.js.text
    scopes = _Scopes(module)

    def note(target: Node | None, node: Node, inside: bool, scope: _Scope) -> None:
        if target is None:
            return
        root = _chain_root(module, target)
        if root.type in ("identifier", "shorthand_property_identifier_pattern"):
            name = scopes.binding(text(root), scope)
        elif short(text(root), 15, "") == "module.exports" and \
                scopes.binding("module", scope) == "module":
            name = "module.exports"
        else:
            return
        line = module.own_line(node)
        if name == "module.exports" and root is target and not inside:
            return  # `module.exports = ...`: the export itself
        changed[name] = min(changed.get(name, line), line)
        if inside or root is not target:  # its object changed, not the name rebound
            objects[name] = min(objects.get(name, line), line)

    def alias(name: Node | None, value: Node | None, scope: _Scope,
              items: bool = False) -> None:
        """`name` (a pattern) is bound to `value`, or (`items`) to the items of it."""
        sources = _items_of(module, value, scopes, scope) if items and value is not None \
            else [_part_of(module, value, scopes, scope)] if value is not None else []
        for source in sources:
            if name is None or source is None:
                continue
            for local in _bound_names(module, name):
                aliases.setdefault(scopes.binding(local, scope), set()).add(source)

    stack: list[tuple[Node, _Scope]] = [(module.js.root, None)]
    while stack:
        node, scope = stack.pop()
        kind = node.type
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            # (`({ config } = other)`, `[config] = list`: each name or member it sets)
            for target in _pattern_targets(node.child_by_field_name("left")):
                note(target, node, False, scope)
            if kind == "assignment_expression":
                alias(node.child_by_field_name("left"), node.child_by_field_name("right"),
                      scope)
        elif kind == "variable_declarator":
            alias(node.child_by_field_name("name"), node.child_by_field_name("value"), scope)
            value = node.child_by_field_name("value")
            name_node = node.child_by_field_name("name")
            if value is not None and name_node is not None and \
                    unwrapped(value).type in ("arrow_function", "function_expression",
                                               "function"):
                parameters[scopes.binding(text(name_node), scope)] = \
                    scopes.parameters(unwrapped(value), scope)
        elif kind == "function_declaration":
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                parameters[scopes.binding(text(name_node), scope)] = \
                    scopes.parameters(node, scope)
        elif kind == "for_in_statement":
            if node.child_by_field_name("kind") is None:
                # `for (config of list)`, `for (config.key in o)`: set at each turn
                for target in _pattern_targets(node.child_by_field_name("left")):
                    note(target, node, False, scope)
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type == "of":
                # `for (const fn of Object.values(config.functions))`: each a part of it
                alias(node.child_by_field_name("left"), node.child_by_field_name("right"),
                      scopes.enter(node, scope), items=True)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            # a default (`function f(c = config)`): bound to it when nothing is given
            alias(node.child_by_field_name("left"), node.child_by_field_name("right"), scope)
        elif kind in ("required_parameter", "optional_parameter"):
            alias(node.child_by_field_name("pattern"), node.child_by_field_name("value"),
                  scope)  # (TypeScript's parameter with a default)
        elif kind == "update_expression":
            note(node.child_by_field_name("argument"), node, False, scope)
        elif kind == "unary_expression" and operator_of(node) == "delete":
            note(node.child_by_field_name("argument"), node, True, scope)
        elif kind == "call_expression":
            callee = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            holder = callee.child_by_field_name("object") if callee is not None and \
                callee.type == "member_expression" else None
            # (the text of a name or `x.name` only: that of a long chain of calls, for
            # each of its calls, made a large file's reading quadratic)
            name = SPACE.sub("", text(callee)) if callee is not None and (
                callee.type == "identifier" or holder is not None and
                holder.type == "identifier") else ""
            if callee is not None and callee.type == "identifier" and arguments is not None:
                calls.append((scopes.binding(name, scope),
                              [_part_of(module, a, scopes, scope)
                               for a in arguments.named_children if a.type != "comment"]))
            if name in _CHANGING_FUNCTIONS and arguments is not None:
                note(arguments.named_child(0) if arguments.named_child_count else None, node,
                     True, scope)
            elif callee is not None and holder is not None and \
                    _member_name(module, callee) in _CHANGING_METHODS:
                note(holder, node, True, scope)
            if holder is not None and arguments is not None and callee is not None and \
                    _member_name(module, callee) in _ITERATING_METHODS:
                # `Object.values(config.functions).forEach((fn) => ...)`: its first
                # parameter is each item in turn
                callback = unwrapped(arguments.named_child(0)) \
                    if arguments.named_child_count else None
                if callback is not None and callback.type in FUNCTIONS:
                    first = callback.child_by_field_name("parameter")
                    if first is None:
                        listed = callback.child_by_field_name("parameters")
                        first = listed.named_child(0) if listed is not None and \
                            listed.named_child_count else None
                    alias(first, holder, scopes.enter(callback, scope), items=True)
        inner = scopes.enter(node, scope) if kind in _SCOPE_KINDS else scope
        stack.extend([(child, inner) for child in node.named_children])
    for function, given in calls:  # a parameter is an alias of what a call gives it
        for parameter, argument in zip(parameters.get(function, ()), given, strict=False):
            if parameter is not None and argument is not None:
                aliases.setdefault(parameter, set()).add(argument)
    found = {name: (line, "") for name, line in changed.items()}
    # a change through an alias is its value's (and through an alias of an alias)
    through = dict.fromkeys(objects, "")
    for _ in range(len(aliases)):
        moved = False
        for name, sources in aliases.items():
            if name not in objects:
                continue
            for source in sources - {name}:
                line = objects[name]
                if source not in objects or line < objects[source]:
                    objects[source], moved = line, True
                    through[source] = through[name] or name
        if not moved:
            break
    for name, via in through.items():
        if via and (name not in found or objects[name] < found[name][0]):
            spelled = via.partition("@")[0]  # (a parameter named as what it is given: "")
            found[name] = (objects[name], "" if spelled == name else spelled)
    # (the module's own names: another binding's changes are not theirs)
    return {name: change for name, change in found.items()
            if "@" not in name and name not in ("module", "exports")}


#: A scope of a module that binds names again (a function, block, `for`, `catch`): the
#: names it binds (None inside `with`, which may bind any), its key, the scope around it;
#: None is the module's top level.
_Scope: TypeAlias = "tuple[frozenset[str] | None, str, _Scope] | None"


#: Array methods that call a function with each item (its first parameter).
_ITERATING_METHODS = {"forEach", "map", "filter", "some", "every", "find", "findLast",
                      "flatMap", "reduce", "reduceRight"}


def _items_of(module: ServiceModule, value: Node, scopes: _Scopes,
              scope: _Scope) -> list[str | None]:
    """The bindings the items of `value` are parts of: of `Object.values(x)`,
    `Object.entries(x)` and an array that is a part of x, x; of an array literal, each
    item's."""
    value = unwrapped(value)
    if value.type == "array":
        return [_part_of(module, item, scopes, scope) for item in value.named_children
                if item.type != "comment"]
    if value.type == "call_expression":
        callee = value.child_by_field_name("function")
        arguments = value.child_by_field_name("arguments")
        if callee is not None and arguments is not None and arguments.named_child_count and \
                short(module.js.text(callee), 15, "") in ("Object.values", "Object.entries"):
            return [_part_of(module, arguments.named_child(0) or value, scopes, scope)]
    return [_part_of(module, value, scopes, scope)]


#: The nodes that may bind names of their own (`_Scopes.enter`).
_SCOPE_KINDS = frozenset({*FUNCTIONS, "method_definition", "statement_block", "switch_body",
                          "for_statement", "for_in_statement", "catch_clause",
                          "with_statement"})


class _Scopes:
    """Which binding a name written somewhere in a module is: the module's own (`name`),
    or that of the nearest function, block, `for` or `catch` around it that declares it
    again (`name@<that scope>`). Each scope's names are listed once, when the walk of
    `changed_names` enters it."""

    __slots__ = ("module",)

    def __init__(self, module: ServiceModule):
        self.module = module

    @staticmethod
    def binding(name: str, scope: _Scope) -> str:
        """The binding `name` written in `scope` refers to."""
        while scope is not None:
            names, key, scope_around = scope
            if names is None:
                return name  # inside `with`: it cannot tell, so the module's (a warning)
            if name in names:
                return f"{name}@{key}"
            scope = scope_around
        return name

    def parameters(self, function: Node, scope: _Scope) -> list[str | None]:
        """The bindings of a function's parameters, in order (None for a pattern)."""
        inner = self.enter(function, scope)
        return [self.binding(name, inner) if name is not None else None
                for name in _parameter_names(self.module, function)]

    def enter(self, node: Node, scope: _Scope) -> _Scope:
        """The scope of what `node` holds: a new one when it binds names, else `scope`."""
        kind = node.type
        if kind not in _SCOPE_KINDS:
            return scope
        if kind == "with_statement":
            return (None, "", scope)
        names = self._declared(node, kind)
        return (names, f"{node.start_byte}-{node.end_byte}", scope) if names else scope

    def _declared(self, node: Node, kind: str) -> frozenset[str]:
        module = self.module
        found: list[str] = []
        if kind in FUNCTIONS or kind == "method_definition":
            found.extend(_bound_names(module, node.child_by_field_name("parameters") or
                                      node.child_by_field_name("parameter")))
            own = node.child_by_field_name("name")
            if own is not None and kind in ("function_expression", "function",
                                            "generator_function"):
                found.append(module.js.text(own))  # a named function expression's own
            body = node.child_by_field_name("body")
            if body is not None and body.type == "statement_block":
                found.extend(_hoisted(module, body))
        elif kind in ("statement_block", "switch_body"):
            statements = node.named_children if kind == "statement_block" else \
                [s for case in node.named_children for s in case.named_children]
            for statement in statements:
                if statement.type == "lexical_declaration":
                    found.extend(_declarator_names(module, statement))
                elif statement.type in ("function_declaration", "class_declaration",
                                        "generator_function_declaration"):
                    name = statement.child_by_field_name("name")
                    if name is not None:
                        found.append(module.js.text(name))
        elif kind == "for_statement":
            first = node.child_by_field_name("initializer")
            if first is not None and first.type == "lexical_declaration":
                found.extend(_declarator_names(module, first))
        elif kind == "for_in_statement":
            declared = node.child_by_field_name("kind")
            if declared is not None and module.js.text(declared) in ("let", "const"):
                found.extend(_bound_names(module, node.child_by_field_name("left")))
        elif kind == "catch_clause":
            found.extend(_bound_names(module, node.child_by_field_name("parameter")))
        return frozenset(found)


def _declarator_names(module: ServiceModule, declaration: Node) -> list[str]:
    """The names a `const`, `let` or `var` declaration binds."""
    return [name for declarator in declaration.named_children
            if declarator.type == "variable_declarator"
            for name in _bound_names(module, declarator.child_by_field_name("name"))]


def _hoisted(module: ServiceModule, body: Node) -> list[str]:
    """The names a function body's `var` declarations bind (anywhere in it, but in the
    functions it holds): the function's, wherever written."""
    found: list[str] = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in FUNCTIONS or kind in ("method_definition", "class_body"):
            continue
        if kind == "variable_declaration":
            found.extend(_declarator_names(module, node))
        elif kind == "for_in_statement":
            declared = node.child_by_field_name("kind")
            if declared is not None and module.js.text(declared) == "var":
                found.extend(_bound_names(module, node.child_by_field_name("left")))
        stack.extend(node.named_children)
    return found


def _bound_names(module: ServiceModule, pattern: Node | None) -> list[str]:
    """The names a binding pattern binds: `a`, `{ a, b: c = 1, ...d }`, `[e, [f]]`, a
    function's parameters (TypeScript's typed ones too), not the names its default values
    or types use."""
    return [module.js.text(node) for node in _pattern_targets(pattern)
            if node.type in ("identifier", "shorthand_property_identifier_pattern")]


def _pattern_targets(pattern: Node | None) -> list[Node]:
    """What a pattern assigns to: its names, and in an assignment (`({ a, b: x.y } =
    v)`, `for (x.key in o)`) the members it sets too (the pattern itself when it is none
    of the destructuring kinds)."""
    found: list[Node] = []
    stack = [pattern] if pattern is not None else []
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("required_parameter", "optional_parameter"):
            inner = node.child_by_field_name("pattern")
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            inner = node.child_by_field_name("left")
        elif kind == "pair_pattern":
            inner = node.child_by_field_name("value")
        elif kind in ("object_pattern", "array_pattern", "rest_pattern",
                      "formal_parameters"):
            stack.extend(node.named_children)
            continue
        elif kind in ("comment", "this", "type_annotation"):
            continue
        else:
            found.append(node)
            continue
        if inner is not None:
            stack.append(inner)
    return found


def _member_name(module: ServiceModule, member: Node) -> str:
    """The property a member expression names (`push` of `x.list.push`)."""
    prop = member.child_by_field_name("property")
    return module.js.text(prop) if prop is not None else ""


def _parameter_names(module: ServiceModule, function: Node) -> list[str | None]:
    """The names of a function's parameters, in order (None for a pattern)."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [module.js.text(single)]
    parameters = function.child_by_field_name("parameters")
    names: list[str | None] = []
    for item in parameters.named_children if parameters is not None else ():
        if item.type == "comment":
            continue
        pattern = item if item.type == "identifier" else item.child_by_field_name("pattern")
        names.append(module.js.text(pattern) if pattern is not None and
                     pattern.type == "identifier" else None)
    return names


def _part_of(module: ServiceModule, value: Node, scopes: _Scopes, scope: _Scope) -> str | None:
    """The binding whose value (or a part of it: `config.provider`, `config['iam']`)
    `value`, written in `scope`, is, when it is only that."""
    while value.type in WRAPPERS and value.named_child_count:
        value = value.named_child(0) or value
    root = _chain_root(module, value)
    return scopes.binding(module.js.text(root), scope) if root.type == "identifier" \
        else None


def _chain_root(module: ServiceModule, node: Node) -> Node:
    """The object a member/subscript chain starts from, through parentheses and type
    wrappers (`config` of `(config as any).provider!['iam']`); `module.exports` stays
    whole (the object a CommonJS module exports)."""
    while True:
        if node.type in ("member_expression", "subscript_expression"):
            if short(module.js.text(node), 15, "") == "module.exports":
                return node
            inner = node.child_by_field_name("object")
        elif node.type in WRAPPERS:
            inner = node.named_child(0)
        elif node.type == "type_assertion":
            inner = node.named_child(node.named_child_count - 1)
        else:
            return node
        if inner is None:
            return node
        node = inner
