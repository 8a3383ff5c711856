"""Byte-level search for the few spots of a JS/TS file an analysis reads.

Visiting every node of a tree-sitter tree from Python (or running a query over all of
it) costs about as much as parsing; a regular expression over the file's bytes runs at C
speed. The finders here search the source for the text a spot must contain, then reach
just those nodes with `descendant_for_byte_range` and check their syntax, so what they
find is what a walk of the whole tree would find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
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


#: Bytes that continue an identifier (ASCII word characters, `$`, any non-ASCII byte).
_WORD = rb"[\w$\x80-\xff]"
_WORD_BYTES = frozenset(i for i in range(256) if re.fullmatch(_WORD, bytes([i])))


@lru_cache(maxsize=4096)
def _word_pattern(name: str, not_before: bytes) -> re.Pattern[bytes]:
    # the word's start is checked apart: a look-behind first would make the search try
    # every position instead of looking for the name's bytes
    after = rb"(?!\s*[" + re.escape(not_before) + rb"])" if not_before else b""
    return re.compile(re.escape(name.encode()) + rb"(?!" + _WORD + rb")" + after)


def word_nodes(module: JsModule, name: str, not_before: bytes = b"",
               span: tuple[int, int] | None = None) -> Iterator[Node]:
    """The smallest nodes whose text is exactly `name` where it stands as a whole word
    in the source (identifiers, and the like in strings or comments), in source order;
    `not_before`: bytes that must not come next (after any white space); `span`: only
    those within these byte offsets (a node's: no word straddles its end)."""
    root, source = module.root, module.source
    pattern = _word_pattern(name, not_before)
    for match in pattern.finditer(source, *span) if span else pattern.finditer(source):
        start, end = match.span()
        if start and source[start - 1] in _WORD_BYTES:
            continue
        node = root.descendant_for_byte_range(start, end)
        if node is not None and node.start_byte == start and node.end_byte == end:
            yield node


#: Where the arguments of a call can start: `f(...)`, and a tagged template f`...`.
_ARGUMENTS_START = re.compile(rb"[(`]")


def calls_within(module: JsModule, start: int, end: int) -> bool:
    """Is there a call expression (`new` aside) whose arguments start in this range?"""
    return next(_calls(module, start, end), None) is not None


def _calls(module: JsModule, start: int, end: int) -> Iterator[Node]:
    root, fid = module.root, module.fid
    for match in _ARGUMENTS_START.finditer(module.source, start, end):
        at = match.start()
        token = root.descendant_for_byte_range(at, at + 1)
        arguments = token.parent if token is not None and token.start_byte == at else None
        if arguments is None or arguments.start_byte != at or \
                arguments.type not in ("arguments", "template_string"):
            continue
        call = arguments.parent
        if call is not None and call.type == "call_expression" and \
                call.child_by_field_id(fid.arguments) == arguments:
            yield call
