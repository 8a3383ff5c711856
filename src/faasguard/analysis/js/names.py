"""What the names of one JS/TS file are bound to, read syntactically.

A light index for analyses that need no taint (AWS SDK calls, JWT handling): which
package each imported or required name comes from, and the value each declared name was
given (the last declaration wins; scopes are ignored).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import (
    JsModule,
    JsModuleCache,
    first_named,
    import_clause_of,
    string_value,
    text_in,
)
from faasguard.analysis.js.reach import ALL, outline
from faasguard.analysis.js.spots import word_nodes
from faasguard.analysis.js.values import package_name

if TYPE_CHECKING:
    from tree_sitter import Node

#: How many re-exports `export_origin` follows (a barrel of barrels is two).
REEXPORT_DEPTH = 8


class FileIndex:
    """What the names of one file are bound to (last binding wins; scopes ignored).

    Worked out per name on first use, from the name's occurrences in the source bytes
    (spots.word_nodes): `value(name)` is the value of the last declarator of the name,
    `imported(name)` the (package, export) an import statement binds it to (the last
    one), else a destructuring `require` (the last one)."""

    def __init__(self, module: JsModule):
        self.module = module
        self._values: dict[str, Node | None] = {}
        self._imports: dict[str, tuple[str, str | None] | None] = {}

    @classmethod
    def of(cls, module: JsModule) -> FileIndex:
        """The index of a module (kept on the module)."""
        if not isinstance(module.names, FileIndex):
            module.names = cls(module)
        return module.names

    def value(self, name: str) -> Node | None:
        """The value the last declarator of `name` gives it (None: no such declarator)."""
        if name not in self._values:
            self._look_up(name)
        return self._values[name]

    def imported(self, name: str) -> tuple[str, str | None] | None:
        """(package, export) `name` is imported as (export None: the package itself)."""
        if name not in self._imports:
            self._look_up(name)
        return self._imports[name]

    def _look_up(self, name: str) -> None:
        value: Node | None = None
        required: tuple[str, str | None] | None = None
        imported: tuple[str, str | None] | None = None
        for node in word_nodes(self.module, name):
            parent = node.parent
            if parent is None:
                continue
            kind = parent.type
            if kind == "variable_declarator":
                found = self._declared(node, parent)
                if found is not None:
                    value = found
            elif kind in ("object_pattern", "pair_pattern"):
                found_require = self._destructured(node, parent, name)
                if found_require is not None:
                    required = found_require
            elif kind in ("import_clause", "namespace_import", "import_specifier"):
                found_import = self._imported(node, parent, name)
                if found_import is not None:
                    imported = found_import
        self._values[name] = value
        self._imports[name] = imported if imported is not None else required

    def _declared(self, node: Node, declarator: Node) -> Node | None:
        """The value of `const name = value` (node: the name)."""
        fid = self.module.fid
        if node.type != "identifier" or declarator.child_by_field_id(fid.name) != node:
            return None
        return declarator.child_by_field_id(fid.value)

    def _destructured(self, node: Node, parent: Node, name: str) -> tuple[str, str] | None:
        """(package, export) of `const { name } = require("pkg")` or `{ export: name }`."""
        fid, source = self.module.fid, self.module.source
        pattern: Node | None = parent
        if parent.type == "object_pattern":
            if node.type != "shorthand_property_identifier_pattern":
                return None
            export = name
        else:
            if node.type != "identifier" or parent.child_by_field_id(fid.value) != node:
                return None
            pattern = parent.parent
            export = text_in(source, parent.child_by_field_id(fid.key))
            if pattern is None or pattern.type != "object_pattern" or not export:
                return None
        declarator = pattern.parent if pattern is not None else None
        if declarator is None or declarator.type != "variable_declarator" or \
                declarator.child_by_field_id(fid.name) != pattern:
            return None
        value = declarator.child_by_field_id(fid.value)
        package = required_package(value) if value is not None else None
        return (package, export) if package is not None else None

    def _imported(self, node: Node, parent: Node, name: str
                  ) -> tuple[str, str | None] | None:
        """(package, export) of `import name`, `import * as name`, `import { x as name }`."""
        fid, source = self.module.fid, self.module.source
        kind = parent.type
        export: str | None = None
        if kind == "import_specifier":
            alias = parent.child_by_field_id(fid.alias)
            original = parent.child_by_field_id(fid.name)
            if (alias if alias is not None else original) != node:
                return None
            export = text_in(source, original)
            if not export:
                return None
            levels = 2  # specifier < named imports < clause
        elif kind == "namespace_import":
            if not node.is_named:  # the keyword `as`
                return None
            levels = 1
        else:
            if node.type != "identifier":
                return None
            levels = 0
        statement = self._import_of(parent, levels)
        if statement is None:
            return None
        spec = string_value(statement.child_by_field_id(fid.source))
        return (package_name(spec), export) if spec is not None else None

    def _import_of(self, part: Node, levels: int) -> Node | None:
        """The import statement whose import clause is `levels` levels above `part`, if
        that clause is the statement's (first) one. A file's imports are top-level
        statements: the top-level node around `part` is looked at first, and the clause
        reached from it downwards (a few cheap steps, where each `.parent` searches
        down from the root); anywhere else, `.parent` decides."""
        top = self.module.root.first_named_child_for_byte(part.start_byte)
        if top is not None and top.start_byte <= part.start_byte and \
                top.type == "import_statement":
            step = import_clause_of(top)
            for _ in range(levels):  # (exactly `levels` steps down to `part`)
                if step is None or step == part:
                    step = None
                    break
                step = step.child_with_descendant(part)
            if step is not None and step == part:
                return top
        clause: Node | None = part
        for _ in range(levels):
            clause = clause.parent if clause is not None else None
        statement = clause.parent if clause is not None else None
        if clause is None or statement is None or statement.type != "import_statement" or \
                import_clause_of(statement) != clause:
            return None
        return statement


def required_package(node: Node) -> str | None:
    """The package of `require("pkg")` (also `await import("pkg")`)."""
    while node.type in ("await_expression", "parenthesized_expression") and \
            (inner := first_named(node)) is not None:
        node = inner
    if node.type != "call_expression":
        return None
    func = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    first = first_named(args) if args is not None else None
    if func is None or func.text not in (b"require", b"import") or first is None:
        return None
    spec = string_value(first)
    return package_name(spec) if spec is not None else None


def export_origin(cache: JsModuleCache, file: str, export: str) -> str:
    """The project file that defines `file`'s export `export`, following re-exports
    (`export { default as users } from "./users.js"`, `export { users } from ...`,
    `export * from ...`, `module.exports = { users: require("./users") }`) at most
    REEXPORT_DEPTH deep; `file` itself when it defines the export or this reading
    cannot place it (a re-export from a package, a cycle)."""
    found = _origin(cache, file, export, set(), 0)
    return found if found is not None else file


def _origin(cache: JsModuleCache, file: str, export: str, seen: set[tuple[str, str]],
            depth: int) -> str | None:
    """export_origin's search: None where `file` does not have `export` (an `export *`
    looks in each module it names for the one that has it)."""
    if depth > REEXPORT_DEPTH or (file, export) in seen:
        return None
    seen.add((file, export))
    module = cache.try_get(file)
    if module is None:
        return None
    found = outline(module)
    if export in found.exports:
        return file
    if export in found.reexports:
        spec, name = found.reexports[export]
        target = cache.resolve_local(file, spec)
        if target is None:  # a package's export
            return file
        if name == ALL:  # the module itself (`users: require("./users")`)
            return target
        deeper = _origin(cache, target, name, seen, depth + 1)
        return deeper if deeper is not None else target
    for spec in found.stars:
        target = cache.resolve_local(file, spec)
        deeper = _origin(cache, target, export, seen, depth + 1) \
            if target is not None else None
        if deeper is not None:
            return deeper
    return None
