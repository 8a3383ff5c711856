"""What the names of one JS/TS file are bound to, read syntactically.

A light index for analyses that need no taint (AWS SDK calls, JWT handling): which
package each imported or required name comes from, and the value each declared name was
given (the last declaration wins; scopes are ignored).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import JsModule, string_value, text_in
from faasguard.analysis.js.values import package_name

if TYPE_CHECKING:
    from tree_sitter import Node


class FileIndex:
    """What the names of one file are bound to (last binding wins; scopes ignored)."""

    def __init__(self, module: JsModule):
        self.module = module
        self.values: dict[str, Node] = {}
        self.imports: dict[str, tuple[str, str | None]] = {}  # name -> (package, export)
        for node in module.nodes("decl"):
            self._declarator(node)
        for node in module.nodes("import"):
            self._import(node)

    @classmethod
    def of(cls, module: JsModule) -> FileIndex:
        """The index of a module (built once, kept on the module)."""
        if not isinstance(module.names, FileIndex):
            module.names = cls(module)
        return module.names

    def _declarator(self, node: Node) -> None:
        fid, source = self.module.fid, self.module.source
        target = node.child_by_field_id(fid.name)
        value = node.child_by_field_id(fid.value)
        if target is None or value is None:
            return
        kind = target.type
        if kind == "identifier":
            name = text_in(source, target)
            if name:
                self.values[name] = value
        elif kind == "object_pattern":
            package = required_package(value)
            for child in target.named_children:
                child_kind = child.type
                if child_kind == "shorthand_property_identifier_pattern":
                    name = text_in(source, child)
                    if name and package is not None:
                        self.imports[name] = (package, name)
                elif child_kind == "pair_pattern":
                    key = text_in(source, child.child_by_field_id(fid.key))
                    alias = child.child_by_field_id(fid.value)
                    if package is not None and key and alias is not None and \
                            alias.type == "identifier" and (local := text_in(source, alias)):
                        self.imports[local] = (package, key)

    def _import(self, node: Node) -> None:
        fid, text = self.module.fid, self.module.source
        source = string_value(node.child_by_field_id(fid.source))
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if source is None or clause is None:
            return
        package = package_name(source)
        for part in clause.named_children:
            kind = part.type
            if kind == "identifier":
                name = text_in(text, part)
                if name:
                    self.imports[name] = (package, None)
            elif kind == "namespace_import":
                for ident in part.named_children:
                    name = text_in(text, ident)
                    if name:
                        self.imports[name] = (package, None)
            elif kind == "named_imports":
                for spec in part.named_children:
                    name = text_in(text, spec.child_by_field_id(fid.name))
                    alias = spec.child_by_field_id(fid.alias)
                    local = text_in(text, alias) if alias is not None else name
                    if name and local:
                        self.imports[local] = (package, name)


def required_package(node: Node) -> str | None:
    """The package of `require("pkg")` (also `await import("pkg")`)."""
    while node.type in ("await_expression", "parenthesized_expression") and node.named_children:
        node = node.named_children[0]
    if node.type != "call_expression":
        return None
    func = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if func is None or func.text not in (b"require", b"import") or args is None or \
            not args.named_children:
        return None
    spec = string_value(args.named_children[0])
    return package_name(spec) if spec is not None else None
