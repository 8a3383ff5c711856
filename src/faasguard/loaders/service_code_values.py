"""The evaluator of a serverless.ts / serverless.js service file's export: the part of
the reader that works out the values (loaders.service_code is the loader's entry).

`ServiceReader` parses a service file with the tree-sitter grammars of the Node.js
analysis (analysis.js.parse), its modules read by `ModuleReader`
(loaders.service_code_modules), and evaluates the exported expression where its value is
written in the source:

- object and array literals (shorthand properties, computed keys that are known, spreads
  of known objects and arrays), strings, template strings, numbers, booleans, `null`,
  string `+` concatenation, `x.key` / `x['key']` of a known object;
- `as`, `satisfies`, `<T>x`, `x!` and parentheses (the value inside);
- a function called where it is written, without arguments, whose body only returns a
  value (`(async () => ({...}))()`: the framework awaits the promise); an exported
  function is refused with a warning, as the framework refuses it (it does not call it);
- identifiers bound at the top level of the same module (`const`, `let`, `var`) that it
  never changes (an assignment, `x.a = `, `x.list.push()`, `Object.assign(x)` anywhere,
  also through a name bound to it or a part of it: `const p = x.provider; p.a = `, make
  the name unknown, with a warning);
- the default, named and namespace imports (`import`, `require`, `import x = require`,
  `export ... from`) of the project's own modules: relative specifiers and tsconfig.json
  `paths` / `baseUrl` names (as the Node.js analysis resolves them, never outside the
  scanned folder), and the project's JSON files (`require('./config.json')`); an import
  cycle is stopped where it closes;
- `handlerPath(__dirname)`, the TypeScript template's helper: a call whose one argument
  is `__dirname` of a function that returns that folder relative to the working folder,
  written as `p.split(process.cwd())[1].substring(1)` (or `.slice(1)`, `.substr(1)`) or
  `relative(process.cwd(), p)`, each optionally followed by `.replace(..., '/')`,
  `.replaceAll(..., '/')` or `.split(sep).join('/')` (separators made `/`), in a template
  string or not, returned directly or through one `const`; the value is the module's
  folder relative to the service's folder (the framework runs from there).

Anything else (a call, `process.env`, a changed name, a package's export, a function) is
an explicit `Unknown` with a note at its line, never a guess; a spread of such a value is
left out with a warning. Strings keep `${...}` Serverless variables as written (`\\${...}`
in a template string): the serverless loader resolves them as in serverless.yml.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING, Any

from faasguard.loaders import LoadContext
from faasguard.loaders.documents import Document, InputError, LDict, LList, read_text
from faasguard.loaders.service_code_modules import ModuleReader, ServiceModule
from faasguard.loaders.service_code_syntax import (
    FUNCTIONS,
    SPACE,
    WRAPPERS,
    NoCharacter,
    escaped_char,
    js_string,
    key_text,
    number_value,
    operator_of,
    paired,
    quoted_value,
    short,
    unwrapped,
)
from faasguard.model import Unknown

if TYPE_CHECKING:
    from tree_sitter import Node

#: Expressions nested deeper than this (or bindings or imports chained further) are left
#: unknown.
MAX_DEPTH = 200
FUNCTION_EXPORT = ("it exports a function, which the Serverless Framework does not call "
                    "(it takes the exported value as it is, awaits a promise, and accepts "
                    "only a plain object: write the object, or a promise of it)")
#: what may follow the folder in `handlerPath`: separators made `/`
_TO_SLASH = (r"(?:\.replace(?:All)?\([^()]*,(['\"`])/\1\)"
             r"|\.split\((?:path\.)?sep\)\.join\((['\"`])/\2\))*")


# (plain classes, not dataclasses: a dataclass gets precompiled methods, a table kept for
# the model's; these few values live only while one file is read)
class _DirName:
    """`__dirname` in a module: its folder (root-relative)."""

    __slots__ = ("folder",)

    def __init__(self, folder: str):
        self.folder = folder


class _PathHelper:
    """A function recognised as the template's `handlerPath`."""

    __slots__ = ()


class _Namespace:
    """A module's exports as one value (`import * as m`, `require` of an ES module)."""

    __slots__ = ("module",)

    def __init__(self, module: str):
        self.module = module


class ServiceReader(ModuleReader):
    """Evaluates the configuration a service file exports (see the module docstring)."""

    def __init__(self, ctx: LoadContext):
        super().__init__(ctx)
        self.service_dir = posixpath.dirname(ctx.file.replace(os.sep, "/"))
        self._active: list[tuple[str, str]] = []  # (module, name) being evaluated
        self._depth = 0
        self._walking: set[str] = set()  # modules whose `export *` are being followed
        #: module -> line -> the values of the string literals written there that the
        #: configuration was computed from (a module that wrote an object or array of
        #: it: at least empty)
        self.written: dict[str, dict[int, set[str]]] = {}

    # ------------------------------------------------------------------ public

    def read(self) -> Document:
        """The service file's exported configuration as a document (raises InputError
        when there is none the reader understands)."""
        read_text(self.ctx.abs_path, self.ctx.max_bytes)  # size, binary, encoding: refused
        main = self._module(self.ctx.file.replace(os.sep, "/"), None, None)
        if main is None:
            raise InputError("cannot be read")
        exported = main.exports.get("default")
        if exported is None:
            raise InputError("exports no configuration (no `module.exports =`, `export "
                             "default` or `export =` at its top level)")
        if _is_function(main, exported[-1]):
            raise InputError(FUNCTION_EXPORT, main.own_line(exported[-1]))
        changed = main.changed.get("module.exports")
        if changed is not None and changed[0] > main.own_line(exported[-1]) and \
                SPACE.sub("", main.js.text(exported[-1].parent or exported[-1])
                           ).startswith("module.exports="):
            self._note(main, changed[0], f"'module.exports' is changed after it is "
                       f"assigned (line {changed[0]}): its value is left unknown", "warning")
            raise InputError("its exported configuration is not an object the scanner can "
                             "read statically (module.exports, changed after it is "
                             "assigned)", main.own_line(exported[-1]))
        value = self._export(main, "default", exported)
        if isinstance(value, _Namespace):
            value = Unknown("a module's namespace")
        if not isinstance(value, LDict):
            what = value.text if isinstance(value, Unknown) else _kind(value)
            raise InputError(f"its exported configuration is not an object the scanner "
                             f"can read statically ({what})", main.own_line(exported[-1]))
        _without_undefined(value)  # as the framework's JSON copy of the export drops them
        # (no `text`: the variable resolver would take it for the lines of every value,
        # and skip the `${` of an imported module's, numbered past it)
        return Document(value)

    def writers(self) -> list[tuple[ServiceModule, dict[int, set[str]]]]:
        """The imported modules (not the service file) that wrote values of the
        configuration, with the string literals the reader evaluated there, by line."""
        found = []
        for rel, lines in self.written.items():
            module = self.modules.get(rel)
            if module is not None and module.index:
                found.append((module, lines))
        return found

    def _required(self, module: ServiceModule, spec: str, at: Node) -> Any:
        """What `require(spec)` gives: a CommonJS module's `module.exports` (its default),
        an ES module's namespace, a JSON file's data."""
        if spec.lower().endswith(".json"):
            return self._json(module, spec, at)
        if spec.startswith(".") and self.cache.resolve_local(module.rel, spec) is None and \
                self.cache.exists(posixpath.normpath(posixpath.join(
                    posixpath.dirname(module.rel), spec + ".json"))):
            return self._json(module, spec + ".json", at)  # Node.js tries .js, then .json
        target = self._import(module, spec, at)
        if target is None:
            return Unknown(f"require('{spec}')")
        if "default" in target.exports and not target.es_default:
            return self._export(target, "default")
        return _Namespace(target.rel)  # (its `.default` is an ES module's default export)

    # ------------------------------------------------------------------ names

    def _export(self, module: ServiceModule, name: str, entry: tuple[Any, ...] | None = None,
                importer: tuple[ServiceModule, Node] | None = None) -> Any:
        """The value `module` exports as `name` ("default", a name, "*": its namespace);
        `importer`: the module and statement asking for it, where a name `module` does not
        export is said."""
        if name == "*":
            return _Namespace(module.rel)
        key = f"export {name}"
        if key in module.values:
            return module.values[key]
        entry = entry or module.exports.get(name)
        if entry is None:
            default = module.exports.get("default")
            whole = self._export(module, "default") if default is not None and \
                name != "default" else None
            if isinstance(whole, LDict) and name in whole:  # a CommonJS object's key
                return whole[name]
            found, unread = self._from_stars(module, name)
            if found is not _MISSING:
                return found
            if unread is not None:
                return self._unknown(module, unread, "a name `export * from` may give")
            if importer is not None and (whole is None or isinstance(whole, LDict)):
                self._note(importer[0], importer[0].own_line(importer[1]), f"{module.rel} "
                           f"exports no '{name}': its value is left unknown", "warning")
            return Unknown(f"{name} of {module.rel}")
        if (module.rel, key) in self._active:
            return self._cycle(module, entry[-1], name)
        if self._depth >= MAX_DEPTH:  # (imports chained: each a level, as nesting is)
            return self._unknown(module, entry[-1], f"nested more than {MAX_DEPTH} levels")
        self._active.append((module.rel, key))
        self._depth += 1
        try:
            kind = entry[0]
            if kind == "node":
                value = self._eval(module, entry[1])
            elif kind == "local":
                value = self._name(module, entry[1], entry[2])
            else:  # ("from", spec, name, at): a re-export
                target = self._import(module, entry[1], entry[3])
                value = self._export(target, entry[2], importer=(module, entry[3])) \
                    if target is not None else Unknown(f"{entry[2]} of '{entry[1]}'")
        finally:
            self._active.pop()
            self._depth -= 1
        module.values[key] = value
        return value

    def _name(self, module: ServiceModule, name: str, at: Node) -> Any:
        """The value of an identifier at the top level of `module`."""
        if name == "__dirname":
            return _DirName(posixpath.dirname(module.rel))
        if name in module.values:
            return module.values[name]
        binding = module.bindings.get(name)
        if binding is None:
            return self._unknown(module, at, "a name not bound at the module's top level")
        changed = module.changed.get(name)
        if changed is not None and binding[0] in ("const", "member", "mutable", "import",
                                                  "require"):
            line, via = changed
            where = f"line {line}, through '{via}'" if via else f"line {line}"
            self._note(module, line, f"'{name}' is changed after it is declared ({where}): "
                       "its value is left unknown", "warning")
            unknown = module.values[name] = Unknown(name)
            return unknown
        if (module.rel, name) in self._active:
            return self._cycle(module, at, name)
        self._active.append((module.rel, name))
        try:
            value = self._bound(module, name, binding, at)
        finally:
            self._active.pop()
        module.values[name] = value
        return value

    def _bound(self, module: ServiceModule, name: str, binding: tuple[Any, ...], at: Node) -> Any:
        kind = binding[0]
        if kind == "const":
            return self._eval(module, binding[1])
        if kind == "member":
            return self._member(module, self._eval(module, binding[1]), binding[2], at)
        if kind == "function":
            return _PathHelper() if _is_path_helper(module, binding[1]) else \
                Unknown(f"function {name}")
        if kind == "require":
            return self._required(module, binding[1], binding[2])
        if kind == "import":
            spec, imported, statement = binding[1], binding[2], binding[3]
            if spec.lower().endswith(".json"):
                data = self._json(module, spec, statement)
                return data if imported in ("default", "*") else \
                    self._member(module, data, imported, statement)
            target = self._import(module, spec, statement)
            return self._export(target, imported, importer=(module, statement)) \
                if target is not None else Unknown(f"{imported} of '{spec}'")
        return self._unknown(module, binding[1], f"'{name}' is declared without a value")

    def _cycle(self, module: ServiceModule, at: Node, name: str) -> Unknown:
        files = [rel for index, (rel, _) in enumerate(self._active)
                 if index == 0 or self._active[index - 1][0] != rel]
        if files[-1] != module.rel:
            files.append(module.rel)
        self._note(module, module.own_line(at), f"import cycle ({' -> '.join(files)}): "
                   f"'{name}' is needed to compute itself; its value is left unknown",
                   "warning")
        return Unknown(f"cycle at {name}")

    def _unknown(self, module: ServiceModule, node: Node, why: str) -> Unknown:
        text = short(module.js.text(node), 61).strip()
        text = text if len(text) <= 60 else text[:57] + "..."
        self._note(module, module.own_line(node), f"`{text}` is not evaluated statically "
                   f"({why}); its value is left unknown")
        return Unknown(text)

    # ------------------------------------------------------------------ expressions

    def _eval(self, module: ServiceModule, node: Node) -> Any:
        """The value of an expression of `module`."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                return self._unknown(module, node, f"nested more than {MAX_DEPTH} levels")
            return self._value(module, node)
        except NoCharacter as exc:  # JavaScript refuses the file
            line = module.own_line(node)
            problem = f"syntax error near line {line}: `{exc}` names no character"
            if module.index == 0:
                raise InputError(problem, line) from None
            self._note(module, line, f"{problem}; its value is left unknown", "warning")
            return Unknown(str(exc))
        finally:
            self._depth -= 1

    def _value(self, module: ServiceModule, node: Node) -> Any:  # noqa: C901 - one case per kind
        kind = node.type
        text = module.js.text
        if kind in ("object", "array", "string", "template_string"):
            written = self.written.setdefault(module.rel, {})
            if kind == "object":
                return self._object(module, node)
            if kind == "array":
                return self._array(module, node)
            value = quoted_value(text(node)) if kind == "string" else self._template(module, node)
            if isinstance(value, str):
                written.setdefault(module.own_line(node), set()).add(value)
            return value
        if kind == "number":
            return number_value(text(node))
        if kind in ("true", "false"):
            return kind == "true"
        if kind == "null":
            return None
        if kind == "undefined":
            return _UNDEFINED
        if kind in WRAPPERS:
            inner = node.named_child(0)
            return self._eval(module, inner) if inner is not None else None
        if kind == "type_assertion":  # <T>value
            inner = node.named_child(node.named_child_count - 1)
            return self._eval(module, inner) if inner is not None else None
        if kind == "identifier":
            return self._name(module, text(node), node)
        if kind == "unary_expression" and operator_of(node) in ("-", "+"):
            argument = node.child_by_field_name("argument")
            value = self._eval(module, argument) if argument is not None else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return -value if operator_of(node) == "-" else value
        if kind == "binary_expression":
            return self._plus(module, node)
        if kind in ("member_expression", "subscript_expression"):
            return self._access(module, node)
        if kind == "call_expression":
            return self._call(module, node)
        if kind in ("arrow_function", "function_expression", "function"):
            return _PathHelper() if _is_path_helper(module, node) else \
                self._unknown(module, node, "a function")
        return self._unknown(module, node, "code the scanner does not run")

    def _value_of(self, module: ServiceModule, node: Node) -> Any:
        """The value of an expression written as an object's or array's item: a module
        namespace is its named exports (`functions: ns`), as in JavaScript."""
        value = self._eval(module, node)
        return self._namespace_object(value, module.line(node)) \
            if isinstance(value, _Namespace) else value

    def _object(self, module: ServiceModule, node: Node) -> LDict:
        text = module.js.text
        result = LDict()
        result.line, result.end_line = module.line(node), module.line(node) + \
            node.end_point[0] - node.start_point[0]
        lines = result.key_lines
        for item in node.named_children:
            kind = item.type
            if kind == "pair":
                key_node = item.child_by_field_name("key")
                value_node = item.child_by_field_name("value")
                if key_node is None or value_node is None:
                    continue
                key = self._key(module, key_node)
                if isinstance(key, Unknown):
                    continue
                value = self._value_of(module, value_node)
            elif kind == "shorthand_property_identifier":
                key = text(item)
                value = self._name(module, key, item)
                if isinstance(value, _Namespace):  # `{ functions }`: its named exports
                    value = self._namespace_object(value, module.line(item))
                if isinstance(value, (LDict, LList)) and value.line:
                    # `{ hello }`: declared where its object is written (another module's)
                    result[key] = value
                    lines[key] = value.line
                    continue
            elif kind == "spread_element":
                spread = self._spread(module, item)
                if isinstance(spread, dict):
                    for spread_key, spread_value in spread.items():  # (key: any type)
                        result[spread_key] = spread_value
                        lines[spread_key] = spread.line_of(spread_key) if isinstance(
                            spread, LDict) else module.line(item)
                continue
            elif kind == "comment":
                continue
            else:  # a method, a getter: code
                name = item.child_by_field_name("name")
                if name is None:
                    continue
                key = key_text(text(name))
                value = self._unknown(module, item, "a method")
            # (a key set to `undefined` stays until the end: a spread copies it, and it
            # hides the key of an object spread before; `_without_undefined`)
            result[key] = value
            lines[key] = module.line(item)
        return result

    def _key(self, module: ServiceModule, node: Node) -> str | Unknown:
        text = module.js.text(node)
        if node.type == "computed_property_name":
            inner = node.named_child(0)
            value = self._eval(module, inner) if inner is not None else None
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(js_string(value))
            return self._unknown(module, node, "a computed key")
        if node.type == "string":
            return quoted_value(text)
        if node.type == "number":
            number = number_value(text)
            return str(js_string(number)) if not isinstance(number, Unknown) else text
        return text

    def _array(self, module: ServiceModule, node: Node) -> LList:
        result = LList()
        result.line, result.end_line = module.line(node), module.line(node) + \
            node.end_point[0] - node.start_point[0]
        lines = result.item_lines
        for item in node.named_children:
            if item.type == "comment":
                continue
            if item.type == "spread_element":
                spread = self._spread(module, item)
                if isinstance(spread, list):
                    for index, value in enumerate(spread):
                        result.append(value)
                        lines.append(spread.line_of(index) if isinstance(spread, LList)
                                     else module.line(item))
                continue
            value = self._value_of(module, item)
            result.append(None if value is _UNDEFINED else value)
            lines.append(module.line(item))
        return result

    def _spread(self, module: ServiceModule, node: Node) -> Any:
        inner = node.named_child(0)
        value = self._eval(module, inner) if inner is not None else None
        if isinstance(value, _Namespace):
            value = self._namespace_object(value, module.line(node))
        if isinstance(value, (dict, list)):
            return value
        if value is None or value is _UNDEFINED:
            return None  # `...undefined` adds nothing
        # a warning: the keys it may set are missing, so a setting it would have made
        # reads as not written
        self._note(module, module.own_line(node), f"`{SPACE.sub(' ', module.js.text(node))}`"
                   " spreads a value not known statically; what it adds is left out "
                   "(a setting it makes reads as not written)", "warning")
        return None

    def _namespace_object(self, namespace: _Namespace, line: int) -> LDict:
        """A module's named exports as one object (`{...namespace}`), those its `export *
        from` statements give too (its own first; `default` is not one)."""
        module = self.modules[namespace.module]
        assert module is not None
        result = LDict()
        result.line = result.end_line = line
        for name, entry in module.exports.items():
            if name not in ("default", "*"):
                value = result[name] = self._export(module, name)
                # an object or list written elsewhere (`export { hello } from './hello'`)
                # is declared where it is written, as a shorthand property's is
                result.key_lines[name] = value.line if isinstance(value, (LDict, LList)) \
                    and value.line else module.line(entry[-1])
        if module.rel in self._walking:  # a cycle of `export *`: what it gives is here
            return result
        self._walking.add(module.rel)
        try:
            for statement in module.stars:
                target = self._star_target(module, statement)
                if target is None:
                    written = SPACE.sub(" ", module.js.text(statement))
                    self._note(module, module.own_line(statement), f"`{written}` gives "
                               "names not known statically; they are left out (a setting "
                               "they make reads as not written)", "warning")
                    continue
                given = self._namespace_object(_Namespace(target.rel), line)
                for name, value in given.items():
                    if name not in result and name != "default":
                        result[name] = value
                        result.key_lines[name] = given.line_of(name)
        finally:
            self._walking.discard(module.rel)
        return result

    def _star_target(self, module: ServiceModule, statement: Node) -> ServiceModule | None:
        """The project module an `export * from` statement names (None: not read)."""
        from faasguard.analysis.js.parse import string_value

        spec = string_value(statement.child_by_field_name("source"))
        return self._import(module, spec, statement) if spec is not None else None

    def _from_stars(self, module: ServiceModule, name: str) -> tuple[Any, Node | None]:
        """The value the `export * from` statements of `module` give as `name`
        (`_MISSING` when none does), and the first of them that could not be read (a
        package's), if any."""
        unread: Node | None = None
        if name == "default" or module.rel in self._walking:
            return _MISSING, None
        self._walking.add(module.rel)
        try:
            for statement in module.stars:
                target = self._star_target(module, statement)
                if target is None:
                    unread = unread or statement
                    continue
                if name in target.exports and name != "*":
                    return self._export(target, name), None
                found, inner = self._from_stars(target, name)
                if found is not _MISSING:
                    return found, None
                unread = unread or inner
        finally:
            self._walking.discard(module.rel)
        return _MISSING, unread

    def _template(self, module: ServiceModule, node: Node) -> Any:
        text = module.js.text
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(escaped_char(text(child)))
            elif child.type == "template_substitution":
                inner = child.named_child(0)
                value = self._eval(module, inner) if inner is not None else None
                piece = js_string(value)
                if piece is None:
                    return Unknown(short(text(node), 80))
                parts.append(piece)
        return paired("".join(parts))

    def _plus(self, module: ServiceModule, node: Node) -> Any:
        operator = node.child_by_field_name("operator")
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if operator is None or module.js.text(operator) != "+" or left_node is None or \
                right_node is None:
            return self._unknown(module, node, "an operator other than +")
        left = self._eval(module, left_node)
        right = self._eval(module, right_node)
        if isinstance(left, str) or isinstance(right, str):
            left_text, right_text = js_string(left), js_string(right)
            if left_text is not None and right_text is not None:
                return left_text + right_text
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool)
                 for v in (left, right)):
            try:
                return left + right
            except OverflowError:  # a BigInt past any double: JavaScript refuses mixing them
                pass
        return Unknown(short(module.js.text(node), 80))

    def _access(self, module: ServiceModule, node: Node) -> Any:
        holder = node.child_by_field_name("object")
        if holder is None:
            return self._unknown(module, node, "an access")
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            key: Any = module.js.text(prop) if prop is not None else None
        else:
            index = node.child_by_field_name("index")
            key = self._eval(module, index) if index is not None else None
        if short(module.js.text(holder), 12, "") in ("process.env", "process", "module"):
            return self._unknown(module, node, "known only where the framework runs")
        return self._member(module, self._eval(module, holder), key, node)

    def _member(self, module: ServiceModule, holder: Any, key: Any, at: Node) -> Any:
        """`holder[key]` of a known object, array or module namespace."""
        if isinstance(holder, _Namespace):
            target = self.modules.get(holder.module)
            return self._export(target, str(key), importer=(module, at)) \
                if target is not None and isinstance(key, str) else Unknown(str(key))
        if isinstance(holder, dict) and isinstance(key, (str, int, float)):
            name = js_string(key)  # (a number or boolean key is its string)
            if name in holder:
                return holder[name]
            return self._unknown(module, at, f"no key '{name}' in the object")
        if isinstance(holder, list) and isinstance(key, (int, float)) and \
                not isinstance(key, bool) and (isinstance(key, int) or key.is_integer()) and \
                0 <= key < len(holder):
            return holder[int(key)]
        if isinstance(holder, Unknown):
            return Unknown(short(module.js.text(at), 80))
        return self._unknown(module, at, "an access the scanner cannot follow")

    def _call(self, module: ServiceModule, node: Node) -> Any:
        from faasguard.analysis.js.parse import string_value

        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] \
            if arguments is not None else []
        if callee is None:
            return self._unknown(module, node, "a call")
        returned = _invoked_literal(module, callee) if not args else None
        if returned is not None:  # (async () => ({...}))(): the promise of that value
            return self._eval(module, returned)
        if callee.type == "identifier" and module.js.text(callee) == "require" and \
                "require" not in module.bindings and len(args) == 1:
            spec = string_value(args[0])
            if spec is not None:
                return self._required(module, spec, node)
        if callee.type == "identifier" and len(args) == 1:
            self._quiet += 1
            try:
                helper = self._name(module, module.js.text(callee), callee)
            finally:
                self._quiet -= 1
            folder = self._eval(module, args[0]) if isinstance(helper, _PathHelper) else None
            if isinstance(folder, _DirName):
                return self._handler_path(module, folder.folder, node)
        return self._unknown(module, node, "a call; faasguard never runs scanned code")

    def _handler_path(self, module: ServiceModule, folder: str, node: Node) -> Any:
        """`handlerPath(__dirname)`: the folder relative to the service's folder."""
        relative = posixpath.relpath(folder or ".", self.service_dir or ".")
        if relative == ".." or relative.startswith("../"):
            return self._unknown(module, node, "a folder outside the service's folder")
        return "" if relative == "." else relative


class _Undefined:
    """JavaScript's `undefined`: a key set to it is no key."""

    def __repr__(self) -> str:
        return "undefined"


_UNDEFINED = _Undefined()
#: No module gives the name (`ServiceReader._from_stars`).
_MISSING: Any = object()


def _kind(value: Any) -> str:
    """What JavaScript calls a known value that is no object (said of an export)."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (str, _DirName)):
        return "a string"
    if isinstance(value, _PathHelper):
        return "a function"
    return "null" if value is None else "undefined" if value is _UNDEFINED else \
        type(value).__name__


def _without_undefined(value: Any) -> None:
    """Remove, in place, the keys set to `undefined` from the objects of a value (an
    array's `undefined` is null), as JSON.stringify does."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            for key in [k for k, v in item.items() if v is _UNDEFINED]:
                del item[key]
                if isinstance(item, LDict):
                    item.key_lines.pop(key, None)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if element is _UNDEFINED:
                    item[index] = None
                elif isinstance(element, (dict, list)):
                    stack.append(element)


def _returned(module: ServiceModule, block: Node) -> Node | None:
    """The expression a function body of one `return x` returns; or of `const p = x;
    return p;` (nothing else in the body)."""
    statements = [s for s in block.named_children if s.type != "comment"]
    if not statements or len(statements) > 2 or statements[-1].type != "return_statement" \
            or statements[-1].named_child_count != 1:
        return None
    returned = statements[-1].named_child(0)
    if len(statements) == 1 or returned is None:
        return returned
    declaration = statements[0]
    declarators = [d for d in declaration.named_children if d.type == "variable_declarator"]
    if declaration.type != "lexical_declaration" or len(declarators) != 1 or \
            not module.js.text(declaration).lstrip().startswith("const"):
        return None
    name = declarators[0].child_by_field_name("name")
    if name is None or module.js.text(name) != module.js.text(returned):
        return None
    return declarators[0].child_by_field_name("value")


def _is_function(module: ServiceModule, node: Node) -> bool:
    """Is this exported expression a function (written there, or a top-level function
    or `const` of the module it names)?"""
    for _ in range(MAX_DEPTH):
        node = unwrapped(node)
        if node.type in FUNCTIONS:
            return True
        binding = module.bindings.get(module.js.text(node)) \
            if node.type == "identifier" else None
        if binding is None or binding[0] not in ("const", "function"):
            return False
        node = binding[1]
    return False


def _invoked_literal(module: ServiceModule, callee: Node) -> Node | None:
    """The expression a function written at its call and called without arguments
    returns, when its body is only that (`(async () => ({...}))()`, `(function () {
    return {...}; })()`): it has no parameters and no statement besides the return."""
    function = unwrapped(callee)
    if function.type not in ("arrow_function", "function_expression", "function"):
        return None
    parameters = function.child_by_field_name("parameters") or \
        function.child_by_field_name("parameter")
    body = function.child_by_field_name("body")
    if body is None or (parameters is not None and (
            parameters.type == "identifier" or parameters.named_child_count)):
        return None
    return _returned(module, body) if body.type == "statement_block" else body


def _is_path_helper(module: ServiceModule, function: Node) -> bool:
    """Does this function return its one argument's folder relative to the working
    folder, as the TypeScript template's `handlerPath` does (module docstring)?"""
    parameters = function.child_by_field_name("parameters") or \
        function.child_by_field_name("parameter")
    body = function.child_by_field_name("body")
    if parameters is None or body is None:
        return False
    if parameters.type == "identifier":
        names = [module.js.text(parameters)]
    else:
        names = []
        for item in parameters.named_children:
            pattern = item.child_by_field_name("pattern") if item.type != "identifier" \
                else item
            if pattern is None or pattern.type != "identifier":
                return False
            names.append(module.js.text(pattern))
    if len(names) != 1:
        return False
    if body.type == "statement_block":
        found = _returned(module, body)
        if found is None:
            return False
        body = found
    returned = SPACE.sub("", module.js.text(body))
    while returned.startswith("(") and returned.endswith(")"):
        returned = returned[1:-1]
    wrapped = re.fullmatch(r"`\$\{(.*)\}`", returned, re.S)
    if wrapped is not None and "`" not in wrapped.group(1):
        returned = wrapped.group(1)
    name = re.escape(names[0])
    split = rf"{name}\.split\(process\.cwd\(\)\)\[1\]\.(?:substring|slice|substr)\(1\)"
    relative = rf"(?:path\.)?relative\(process\.cwd\(\),{name}\)"
    return re.fullmatch(rf"(?:{split}|{relative}){_TO_SLASH}", returned) is not None
