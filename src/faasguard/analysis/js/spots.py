"""Byte-level search for the few spots of a JS/TS file an analysis reads.

Visiting every node of a tree-sitter tree from Python (or running a query over all of
it) costs about as much as parsing; a regular expression over the file's bytes runs at C
speed. The finders here search the source for the text a spot must contain, then reach
just those nodes with `descendant_for_byte_range` and check their syntax, so what they
find is what a walk of the whole tree would find.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import JsModule, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

#: A string or template literal whose text starts like a relative or absolute path: the
#: only specifiers `require`/`import` resolve to project files.
_PATH_LITERAL = re.compile(rb"""['"`][./]""")
_QUOTES = ("'", '"', "`")


def local_specifiers(module: JsModule) -> list[str]:
    """The path-like specifiers (`./x`, `../x`, `/x`) of a file's `import ... from`,
    `export ... from`, `require(...)` and `import(...)`: those of import statements, then
    of export statements, then of calls, each in source order."""
    imports: list[str] = []
    exports: list[str] = []
    calls: list[str] = []
    fid = module.fid
    for match in _PATH_LITERAL.finditer(module.source):
        start = match.start()
        quote = module.root.descendant_for_byte_range(start, start + 1)
        if quote is None or quote.start_byte != start or quote.type not in _QUOTES:
            continue
        literal = quote.parent
        holder = literal.parent if literal is not None else None
        if literal is None or holder is None:
            continue
        kind = holder.type
        if kind in ("import_statement", "export_statement"):
            if holder.child_by_field_id(fid.source) == literal:
                spec = string_value(literal)
                if spec is not None:
                    (imports if kind == "import_statement" else exports).append(spec)
        elif kind == "arguments" and holder.named_child(0) == literal and \
                _is_require(holder, module):
            spec = string_value(literal)
            if spec is not None:
                calls.append(spec)
    return [*imports, *exports, *calls]


def _is_require(arguments: Node, module: JsModule) -> bool:
    """Are these the arguments of `require(...)` or `import(...)`?"""
    call = arguments.parent
    if call is None or call.type != "call_expression" or \
            call.child_by_field_id(module.fid.arguments) != arguments:
        return False
    callee = call.child_by_field_id(module.fid.function)
    if callee is None:
        return False
    return callee.type == "import" or (
        callee.type == "identifier" and module.text(callee) in ("require", "import"))
