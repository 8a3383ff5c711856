"""What of a Node.js handler's module graph its code can run, read syntactically: to
credit the handler with the AWS calls of that code only.

A file's top-level code runs when the file is loaded (when something that runs requires
or imports it); a top-level function (a declaration, a class, a `const` bound to a
function, a function assigned to `exports.x` or written in `module.exports = {...}`)
runs only when code that runs refers to it. An import binds a name to another file's
export: following it loads that file and reaches the export, so a handler importing one
function from a "barrel" (`index.js` re-exporting several modules) reaches that
function's module, not the others. References are the identifiers written in the code
that runs (property names included: more is reached, never less). A file or an export
this reading cannot place is reached whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import JsModule, JsModuleCache, import_clause_of, string_value
from faasguard.analysis.js.spots import call_specifiers

if TYPE_CHECKING:
    from tree_sitter import Node

ALL = "*"  # the import of a whole module (`import * as ns`, `const ns = require(...)`)
_EXPORTED = "export:"  # the entry key of a function written as an export's value
#: Values that are functions: their body runs only when called.
_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function",
                              "generator_function", "class", "class_declaration"})
_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration",
                           "class_declaration", "abstract_class_declaration"})


@dataclass
class Outline:
    """The top level of one file as `Reach` reads it.

    entries: name -> byte spans of a function-like definition (run only when reached);
    imports: local name -> (specifier, export name, `default` or ALL);
    exports: export name -> the local names (entries, imports, other bindings) it is;
    reexports: export name -> (specifier, export name or ALL); stars: `export * from`;
    spans: the byte spans of the code that runs on load (the rest of the top level);
    loads: specifiers loaded on load for nothing in particular (`import "./x"`).
    """

    entries: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    exports: dict[str, list[str]] = field(default_factory=dict)
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    #: code on load writes exports this reading does not place (`Object.assign(exports,
    #: ...)`, `exports[name] = ...`): any name may be among them
    opaque: bool = False
    #: the names code may refer to (entries, imports), as bytes
    names: tuple[bytes, ...] = ()


def outline(module: JsModule) -> Outline:
    """The outline of a file (worked out once per file)."""
    return module.summary("reach-outline", _outline)


def _outline(module: JsModule) -> Outline:
    found = Outline()
    for statement in module.root.named_children:
        kind = statement.type
        if kind == "import_statement":
            _import(module, statement, found)
        elif kind == "export_statement":
            _export(module, statement, found)
        elif kind in _DECLARATIONS:
            _declaration(module, statement, found)
        elif kind in ("lexical_declaration", "variable_declaration"):
            _variables(module, statement, found, exported=False)
        elif kind == "expression_statement" and _cjs_export(module, statement, found):
            pass
        else:
            found.spans.append((statement.start_byte, statement.end_byte))
    found.opaque = any(module.source.find(b"exports", start, end) >= 0
                       for start, end in found.spans)
    # an entry the file exports under `export:<name>` is referred to as `exports.<name>`,
    # `module.exports.<name>` or `this.<name>` (a method of `module.exports = {...}`)
    found.names = tuple(sorted(n.encode() for n in {
        *(n.removeprefix(_EXPORTED) for n in found.entries), *found.imports}))
    return found


def _import(module: JsModule, statement: Node, found: Outline) -> None:
    spec = string_value(statement.child_by_field_id(module.fid.source))
    if spec is None:
        return
    clause = import_clause_of(statement)
    if clause is None:
        if not any(child.type == "type" for child in statement.children[:2]):
            found.loads.append(spec)  # `import "./x"`: loaded for its top level
        return
    for part in clause.named_children:
        if part.type == "identifier":
            found.imports[module.text(part)] = (spec, "default")
        elif part.type == "namespace_import":
            name = part.named_child(part.named_child_count - 1) if part.named_child_count \
                else None
            if name is not None:
                found.imports[module.text(name)] = (spec, ALL)
        elif part.type == "named_imports":
            for specifier in part.named_children:
                if specifier.type != "import_specifier":
                    continue
                original = specifier.child_by_field_id(module.fid.name)
                alias = specifier.child_by_field_id(module.fid.alias)
                if original is not None:
                    local = alias if alias is not None else original
                    found.imports[module.text(local)] = (spec, module.text(original))


def _export(module: JsModule, statement: Node, found: Outline) -> None:
    fid = module.fid
    spec = string_value(statement.child_by_field_id(fid.source))
    declaration = statement.child_by_field_id(fid.declaration)
    if declaration is not None:
        if declaration.type in _DECLARATIONS:
            name = _declaration(module, declaration, found)
            if name is not None:
                found.exports[name] = [name]
        elif declaration.type in ("lexical_declaration", "variable_declaration"):
            _variables(module, declaration, found, exported=True)
        else:
            found.spans.append((statement.start_byte, statement.end_byte))
        return
    value = statement.child_by_field_id(fid.value)
    if value is not None:  # `export default <expression>`
        _export_value(module, "default", value, found)
        return
    for part in statement.named_children:
        if part.type == "export_clause":
            for specifier in part.named_children:
                original = specifier.child_by_field_id(fid.name)
                alias = specifier.child_by_field_id(fid.alias)
                if original is None:
                    continue
                name = module.text(alias if alias is not None else original)
                if spec is not None:
                    found.reexports[name] = (spec, module.text(original))
                else:
                    found.exports[name] = [module.text(original)]
            return
        if part.type == "namespace_export" and spec is not None:
            name_node = part.named_child(part.named_child_count - 1) \
                if part.named_child_count else None
            if name_node is not None:
                found.reexports[module.text(name_node)] = (spec, ALL)
            return
        if part.type in _DECLARATIONS:  # `export default function f() {}`
            name = _declaration(module, part, found) or f"{_EXPORTED}default"
            found.exports["default"] = [name]
            return
    if spec is not None and any(child.type == "*" for child in statement.children):
        found.stars.append(spec)  # `export * from "./x"`
        return
    found.spans.append((statement.start_byte, statement.end_byte))


def _declaration(module: JsModule, node: Node, found: Outline) -> str | None:
    """A function or class declaration: an entry under its name."""
    name_node = node.child_by_field_id(module.fid.name)
    if name_node is None:
        found.spans.append((node.start_byte, node.end_byte))
        return None
    name = module.text(name_node)
    found.entries.setdefault(name, []).append((node.start_byte, node.end_byte))
    return name


def _variables(module: JsModule, declaration: Node, found: Outline, exported: bool) -> None:
    fid = module.fid
    for declarator in declaration.named_children:
        if declarator.type != "variable_declarator":
            continue
        target = declarator.child_by_field_id(fid.name)
        value = declarator.child_by_field_id(fid.value)
        if target is None:
            continue
        if target.type == "identifier":
            name = module.text(target)
            if exported:
                found.exports[name] = [name]
            required = _required(module, value)
            if required is not None:
                found.imports[name] = required
            elif value is not None and value.type in _FUNCTION_VALUES:
                found.entries.setdefault(name, []).append(
                    (declarator.start_byte, declarator.end_byte))
            else:
                found.spans.append((declarator.start_byte, declarator.end_byte))
        elif target.type == "object_pattern" and _required(module, value) is not None:
            spec = _required(module, value)
            assert spec is not None
            for part in target.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    found.imports[module.text(part)] = (spec[0], module.text(part))
                elif part.type == "pair_pattern":
                    key = part.child_by_field_id(fid.key)
                    local = part.child_by_field_id(fid.value)
                    if key is not None and local is not None and local.type == "identifier":
                        found.imports[module.text(local)] = (spec[0], module.text(key))
                    else:
                        found.spans.append((part.start_byte, part.end_byte))
                else:
                    found.spans.append((part.start_byte, part.end_byte))
        else:
            found.spans.append((declarator.start_byte, declarator.end_byte))


def _required(module: JsModule, value: Node | None) -> tuple[str, str] | None:
    """(specifier, ALL) of `require("x")`, (specifier, name) of `require("x").name`."""
    if value is None:
        return None
    if value.type == "member_expression":
        inner = _required(module, value.child_by_field_id(module.fid.object))
        prop = value.child_by_field_id(module.fid.property)
        return (inner[0], module.text(prop)) if inner is not None and inner[1] == ALL and \
            prop is not None else None
    if value.type != "call_expression":
        return None
    callee = value.child_by_field_id(module.fid.function)
    args = value.child_by_field_id(module.fid.arguments)
    if callee is None or args is None or module.text(callee) != "require" or \
            args.named_child_count != 1:
        return None
    spec = string_value(args.named_child(0))
    return (spec, ALL) if spec is not None else None


def _cjs_export(module: JsModule, statement: Node, found: Outline) -> bool:
    """`exports.x = v`, `module.exports.x = v`, `module.exports = {...}` / `= v`: read
    as exports (True), anything else is code that runs on load (False)."""
    assignment = statement.named_child(0) if statement.named_child_count == 1 else None
    if assignment is None or assignment.type != "assignment_expression":
        return False
    left = assignment.child_by_field_id(module.fid.left)
    right = assignment.child_by_field_id(module.fid.right)
    if left is None or right is None:
        return False
    target = module.text(left).replace(" ", "")
    if target.startswith(("exports.", "module.exports.")) and target.count(".") == \
            (1 if target.startswith("exports.") else 2):
        _export_value(module, target.rsplit(".", 1)[1], right, found)
        return True
    if target != "module.exports":
        return False
    if right.type != "object":
        _export_value(module, "default", right, found)
        return True
    for part in right.named_children:
        if part.type == "shorthand_property_identifier":
            name = module.text(part)
            found.exports[name] = [name]
        elif part.type == "pair":
            key = part.child_by_field_id(module.fid.key)
            value = part.child_by_field_id(module.fid.value)
            if key is None or value is None:
                found.spans.append((part.start_byte, part.end_byte))
                continue
            _export_value(module, module.text(key).strip("'\""), value, found)
        elif part.type == "method_definition":
            key = part.child_by_field_id(module.fid.name)
            name = module.text(key) if key is not None else ""
            found.entries.setdefault(f"{_EXPORTED}{name}", []).append(
                (part.start_byte, part.end_byte))
            found.exports[name] = [f"{_EXPORTED}{name}"]
        else:
            spread = part.named_child(0) if part.type == "spread_element" else None
            required = _required(module, spread)
            if required is not None and required[1] == ALL:  # `...require("./x")`
                found.stars.append(required[0])
            else:  # another spread: runs on load, refers to what it spreads
                found.spans.append((part.start_byte, part.end_byte))
    return True


def _export_value(module: JsModule, name: str, value: Node, found: Outline) -> None:
    """An export whose value is an expression: a name, a function (an entry), or other
    code (it runs on load; the export is what that code refers to)."""
    if value.type == "identifier":
        found.exports[name] = [module.text(value)]
    elif value.type in _FUNCTION_VALUES:
        key = f"{_EXPORTED}{name}"
        found.entries.setdefault(key, []).append((value.start_byte, value.end_byte))
        found.exports[name] = [key]
    else:
        required = _required(module, value)
        if required is not None:
            found.reexports[name] = required
            return
        found.spans.append((value.start_byte, value.end_byte))
        found.exports[name] = []


class Reach:
    """The files loaded and the entries reached from a handler (`from_export`)."""

    def __init__(self, cache: JsModuleCache):
        self.cache = cache
        self.loaded: dict[str, set[str]] = {}  # file -> the entries reached in it
        self._wanted: set[tuple[str, str]] = set()
        self._todo: list[tuple[str, str]] = []  # (file, local name) to reach
        self._queued: set[tuple[str, str]] = set()  # what `_refer` put in `_todo`

    def from_export(self, file: str, export: str) -> Reach:
        """Reach what running `file`'s export `export` can run."""
        self._want(file, export)
        self._drain()
        return self

    def _load(self, file: str) -> Outline | None:
        module = self.cache.try_get(file)
        if module is None:
            return None
        found = outline(module)
        if file not in self.loaded:
            self.loaded[file] = set()
            for start, end in found.spans:
                self._refer(file, module, found, start, end)
            for spec in found.loads:
                self._follow(file, spec, None)
        return found

    def _want(self, file: str, export: str, probe: bool = False) -> None:
        """Reach `file`'s export `export` (ALL: every one). `probe`: looked for through
        an `export *`, where a file without it adds nothing (unless it is opaque)."""
        if (file, export) in self._wanted:
            return
        self._wanted.add((file, export))
        found = self._load(file)
        if found is None:
            return
        if export == "default" and "default" not in found.exports and \
                "default" not in found.reexports:
            export = ALL  # a CommonJS module imported whole (`import lib from "./lib"`)
        if export == ALL:
            for locals_ in found.exports.values():
                self._todo.extend((file, local) for local in locals_)
            for spec, name in found.reexports.values():
                self._follow(file, spec, name)
            for spec in found.stars:
                self._follow(file, spec, ALL)
            return
        if export in found.exports:
            self._todo.extend((file, local) for local in found.exports[export])
        elif export in found.reexports:
            spec, name = found.reexports[export]
            self._follow(file, spec, name)
        elif found.stars:
            for spec in found.stars:
                self._follow(file, spec, export, probe=True)
            if found.opaque:
                self._want(file, ALL)
        elif probe and not found.opaque:
            return  # another module of the `export *` has it
        else:  # not placed (an export this reading does not see): the whole file
            self._want(file, ALL)
            for name in found.entries:
                self._todo.append((file, name))

    def _follow(self, importer: str, spec: str, export: str | None,
                probe: bool = False) -> None:
        target = self.cache.resolve_local(importer, spec)
        if target is None:
            return  # a package, or a file not in the project
        if export is None:
            self._load(target)
        else:
            self._want(target, export, probe)

    def _drain(self) -> None:
        while self._todo:
            file, name = self._todo.pop()
            module = self.cache.try_get(file)
            found = self._load(file)
            if module is None or found is None:
                continue
            reached = self.loaded[file]
            if name in reached:
                continue
            reached.add(name)
            if name in found.entries:
                for start, end in found.entries[name]:
                    self._refer(file, module, found, start, end)
            elif name in found.imports:
                spec, export = found.imports[name]
                self._follow(file, spec, export)

    def _refer(self, file: str, module: JsModule, found: Outline, start: int,
               end: int) -> None:
        """Reach what the code between two offsets of a file refers to, and load what it
        requires or imports itself (`require("./x")` in a function body)."""
        reached = self.loaded[file]
        for raw in found.names:  # (a search of the bytes per name: a file names few)
            if _names(module.source, raw, start, end):
                word = raw.decode()
                for name in (word, _EXPORTED + word):
                    if name not in reached and (name in found.entries or
                                                name in found.imports) and \
                            (file, name) not in self._queued:
                        self._queued.add((file, name))  # (once: spans repeat names)
                        self._todo.append((file, name))
        for spec, at in call_specifiers(module, start, end):
            if start <= at < end:
                self._follow(file, spec, ALL)

    def runs(self, file: str, line: int) -> bool:
        """Can a call at this line of this file run: the file is loaded and the line is
        not within an entry that was not reached?"""
        reached = self.loaded.get(file)
        if reached is None:
            return False
        module = self.cache.try_get(file)
        if module is None:
            return True
        found = outline(module)
        row = line - 1
        for name, spans in found.entries.items():
            if name in reached:
                continue
            for start, end in spans:
                if _row(module, start) <= row <= _row(module, end) and \
                        not _in_reached(module, found, reached, row):
                    return False
        return True


    def imports_run(self, file: str, line: int, spec: str) -> bool:
        """Can the code an import of `spec` at this line brings in run: the line can run
        and, for an import at the top level that binds names, one of them is reached
        (`const soap = require("strong-soap")` in a barrel's other module binds `soap`,
        which nothing the handler runs names)?"""
        if not self.runs(file, line):
            return False
        module = self.cache.try_get(file)
        if module is None:
            return True
        found, reached = outline(module), self.loaded[file]
        if _in_reached(module, found, reached, line - 1):
            return True  # in a function the handler's code runs
        bound = [local for local, (written, _) in found.imports.items() if written == spec]
        return not bound or any(local in reached for local in bound)


def _row(module: JsModule, offset: int) -> int:
    """The 0-based line of a byte offset."""
    return module.source.count(b"\n", 0, offset)


def _in_reached(module: JsModule, found: Outline, reached: set[str], row: int) -> bool:
    return any(_row(module, start) <= row <= _row(module, end)
               for name in reached for start, end in found.entries.get(name, ()))


def _names(source: bytes, name: bytes, start: int, end: int) -> bool:
    """Does `name` occur as a whole word between two offsets of `source`?"""
    at = source.find(name, start, end)
    while at >= 0:
        after = at + len(name)
        if (at == 0 or source[at - 1] not in _WORD_BYTES) and \
                (after >= len(source) or source[after] not in _WORD_BYTES):
            return True
        at = source.find(name, at + 1, end)
    return False


#: Bytes that continue an identifier (ASCII letters, digits, `_`, `$`, any non-ASCII).
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"
                        ) | frozenset(range(0x80, 0x100))
