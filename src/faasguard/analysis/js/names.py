"""What the names of one JS/TS file are bound to, read syntactically.

A light index for analyses that need no taint (AWS SDK calls, JWT handling): which
package each imported or required name comes from, and the value each declared name was
given (the last declaration wins; scopes are ignored).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import JsModule, string_value
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
        target = node.child_by_field_id(self.module.fid.name)
        value = node.child_by_field_id(self.module.fid.value)
        if target is None or value is None:
            return
        if target.type == "identifier" and target.text:
            self.values[target.text.decode()] = value
        elif target.type == "object_pattern":
            package = required_package(value)
            for child in target.named_children:
                if child.type == "shorthand_property_identifier_pattern" and child.text:
                    name = child.text.decode()
                    if package is not None:
                        self.imports[name] = (package, name)
                elif child.type == "pair_pattern":
                    key = child.child_by_field_id(self.module.fid.key)
                    alias = child.child_by_field_id(self.module.fid.value)
                    if package is not None and key is not None and alias is not None and \
                            key.text and alias.text and alias.type == "identifier":
                        self.imports[alias.text.decode()] = (package, key.text.decode())

    def _import(self, node: Node) -> None:
        source = string_value(node.child_by_field_id(self.module.fid.source))
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if source is None or clause is None:
            return
        package = package_name(source)
        for part in clause.named_children:
            if part.type == "identifier" and part.text:
                self.imports[part.text.decode()] = (package, None)
            elif part.type == "namespace_import":
                for ident in part.named_children:
                    if ident.text:
                        self.imports[ident.text.decode()] = (package, None)
            elif part.type == "named_imports":
                for spec in part.named_children:
                    name = spec.child_by_field_id(self.module.fid.name)
                    alias = spec.child_by_field_id(self.module.fid.alias) or name
                    if name is not None and alias is not None and name.text and alias.text:
                        self.imports[alias.text.decode()] = (package, name.text.decode())


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
