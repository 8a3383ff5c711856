"""Byte-level search for the few spots of a JS/TS file an analysis reads.

Visiting every node of a tree-sitter tree from Python (or running a query over all of
it) costs about as much as parsing; a regular expression over the file's bytes runs at C
speed. The finders here search the source for the text a spot must contain, then reach
just those nodes with `descendant_for_byte_range` and check their syntax, so what they
find is what a walk of the whole tree would find.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from faasguard.analysis.js.parse import JsModule, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

#: How a string or template literal whose text starts like a relative or absolute path
#: begins (a quote, then `.` or `/`): the only specifiers `require`/`import` resolve to
#: project files. `_PATH_TABLE` turns each quote into `'` and `/` into `.` (every other
#: byte kept), so that they all read `_PATH_START`.
_PATH_TABLE = bytes.maketrans(b'"`/', b"''.")
_PATH_START = b"'."
_QUOTES = ("'", '"', "`")


def _path_literal_starts(source: bytes) -> list[int]:
    """Where a quote followed by `.` or `/` occurs in `source`, in order: one literal
    search of the source with `_PATH_TABLE` applied. (Six searches, one per quote and
    byte after it, cost about three times as much on a handler file; a regular expression
    that starts with a character class tests the class at every byte.)"""
    found: list[int] = []
    marked = source.translate(_PATH_TABLE)
    at = marked.find(_PATH_START)
    while at >= 0:  # (no two overlap: the text ends with no quote)
        found.append(at)
        at = marked.find(_PATH_START, at + 2)
    return found


def local_specifiers(module: JsModule) -> list[str]:
    """The path-like specifiers (`./x`, `../x`, `/x`) of a file's `import ... from`,
    `export ... from`, `require(...)` and `import(...)`: those of import statements, then
    of export statements, then of calls, each in source order."""
    source = module.source
    return [spec for spec, _, _ in _specifiers(module, [
        at for at in _path_literal_starts(source) if _may_follow_keyword(source, at)])]


#: The last byte of what may come right before a specifier's literal: the `(` of a call,
#: `from`, `import` (`import "./x"`), the `*/` of a comment.
_BEFORE_SPECIFIER = frozenset(b"(mt/")
_SPACE_BYTES = frozenset(b" \t\n\r\f\v")


def _may_follow_keyword(source: bytes, at: int) -> bool:
    """May the literal at `at` be a specifier, by the bytes before it? Not when the last
    byte before it, white space aside, ends no token a specifier follows (`=`, `,`, `+`:
    `const BASE = "/tmp"`). A line break between (a line comment may end there) or a
    non-ASCII byte (JavaScript's other white space) leaves it to the tree."""
    before = at - 1
    while before >= 0 and source[before] in _SPACE_BYTES:
        if source[before] == 10 or source[before] == 13:
            return True
        before -= 1
    return before < 0 or source[before] in _BEFORE_SPECIFIER or source[before] >= 0x80


#: Where a specifier's quote may be, each search starting with its keyword's bytes (a
#: pattern that starts with `\b` or an alternation is tried at every position of the file:
#: one such pattern cost about 220k instructions a handler file, the three about 15k):
#: after `require(`, after `import(` or `import`, after `from`. (`\b` before the keyword
#: is checked apart, as `_keyword_quotes` does.) Group 1 is the quote; groups 2 to 4 the
#: literal's text where the bytes alone spell it, read ahead (not consumed: a quote in a
#: comment is no literal's, and the next keyword may be before its like).
_LITERAL = rb"""(['"`])(?=(?<=')([^'\\\n\r]*)'|(?<=")([^"\\\n\r]*)"|(?<=`)([^`\\$]*)`|)"""
_SPECIFIER_SEARCHES = (re.compile(rb"""require\s*\(\s*""" + _LITERAL),
                       re.compile(rb"""import\s*(?:\(\s*)?""" + _LITERAL),
                       re.compile(rb"""from\s*""" + _LITERAL))
#: Bytes `\b` counts as a word's (ASCII letters, digits and `_`: a bytes pattern's `\w`).
_ASCII_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _keyword_quotes(source: bytes, calls_only: bool = False,
                    skip: Callable[[str], bool] | None = None) -> list[tuple[int, int]]:
    """(quote offset, keyword offset) of each `require(`, `import(`, `import` and `from`
    (a whole word) followed by a quote, white space between, in quote order; with
    `calls_only`, those of `require(` and `import(` only; with `skip`, not those whose
    literal the bytes alone spell (no escape, substitution or line break: what
    `string_value` gives for it) as a text `skip` rules out. (The quotes one regular
    expression, the keywords as one alternation after a word boundary, finds.)"""
    found: list[tuple[int, int]] = []
    for pattern in _SPECIFIER_SEARCHES[:2] if calls_only else _SPECIFIER_SEARCHES:
        for match in pattern.finditer(source):
            start, quote = match.start(), match.start(1)
            if start and source[start - 1] in _ASCII_WORD:
                continue
            if calls_only and source.find(b"(", start, quote) < 0:
                continue  # (`import "x"`: a statement)
            if skip is not None and (last := match.lastindex or 0) > 1 and \
                    skip(match.group(last).decode("utf-8", "replace")):
                continue
            found.append((quote, start))
    found.sort()
    return found


def specifiers(module: JsModule) -> list[tuple[str, int]]:
    """Every specifier (package or path) of a file's imports, re-exports, `require(...)`
    and `import(...)`, with its line, in `local_specifiers`' order; type-only imports
    (`import type`) are left out."""
    found: list[tuple[str, int]] = module.summary("specifiers", _all_specifiers)
    return found  # (found once per file: every handler whose graph holds it asks)


def _all_specifiers(module: JsModule) -> list[tuple[str, int]]:
    return [(spec, at) for spec, at, _ in _keyword_specifiers(
        module, _keyword_quotes(module.source), skip_types=True)]


def specifiers_unless(module: JsModule, skip: Callable[[str], bool]) -> list[tuple[str, int]]:
    """`specifiers(module)` less the specifiers `skip` rules out. A quote whose literal
    the bytes alone spell as a text `skip` rules out is not looked up in the tree:
    whatever the tree makes of it, it gives that specifier or none. (The unseen-code
    check judges every specifier of a file but a modelled package's, most of a handler's:
    a look-up costs about 19k instructions.)"""
    known: list[tuple[str, int]] | None = module.summaries.get("specifiers")
    if known is not None:
        return [(spec, at) for spec, at in known if not skip(spec)]
    return [(spec, at) for spec, at, _ in _keyword_specifiers(
        module, _keyword_quotes(module.source, skip=skip), skip_types=True) if not skip(spec)]


def call_specifiers(module: JsModule, start: int, end: int) -> list[tuple[str, int]]:
    """The specifiers of the `require(...)` and `import(...)` calls between two offsets
    of a file, with the offset of each (the file's are found once, in offset order)."""
    found: tuple[list[tuple[str, int]], list[int]] = module.summary("call-specifiers",
                                                                  _call_specifiers)
    calls, offsets = found
    return calls[bisect_left(offsets, start):bisect_left(offsets, end)]


def _call_specifiers(module: JsModule) -> tuple[list[tuple[str, int]], list[int]]:
    calls = [(spec, at) for spec, _, at in _keyword_specifiers(
        module, _keyword_quotes(module.source, calls_only=True))]
    return calls, [at for _, at in calls]


_STATEMENTS = ("import_statement", "export_statement")


def _keyword_specifiers(module: JsModule, quotes: list[tuple[int, int]],
                        skip_types: bool = False) -> list[tuple[str, int, int]]:
    """What `_specifiers` gives for these quotes (`_keyword_quotes`), each reached without
    `Node.parent` (which this tree-sitter works out by searching down from the root)
    where it can be: a top-level import or export statement is the top-level node around
    its quote, a `require(...)` / `import(...)` call the smallest named node around its
    keyword and quote. Any other quote (a statement nested in a TypeScript `declare
    module`, a word in a string or a comment) goes through `_specifiers`."""
    imports: _Found = []
    exports: _Found = []
    calls: _Found = []
    others: list[int] = []
    root, fid, kinds, source = module.root, module.fid, module.kinds, module.source
    for start, keyword in quotes:
        top = root.first_named_child_for_byte(start)
        kind = kinds[top.kind_id] if top is not None and top.start_byte <= start else ""
        if kind in _STATEMENTS:
            literal = top.child_by_field_id(fid.source)  # type: ignore[union-attr]
            if literal is not None and literal.start_byte == start:
                spec = string_value(literal)
                if spec is not None and not (skip_types and _type_only(top)):  # type: ignore[arg-type]
                    (imports if kind == "import_statement" else exports).append(
                        (spec, literal.start_point[0] + 1, start))
                continue
        elif source[keyword] != 102:  # not `from`: `require(` or `import(`, maybe
            call = root.named_descendant_for_byte_range(keyword, start + 1)
            if call is not None and kinds[call.kind_id] == "call_expression":
                callee = call.child_by_field_id(fid.function)
                arguments = call.child_by_field_id(fid.arguments)
                literal = arguments.named_child(0) if arguments is not None and \
                    kinds[arguments.kind_id] == "arguments" else None
                if callee is not None and callee.start_byte == keyword and \
                        literal is not None and literal.start_byte == start and \
                        kinds[literal.kind_id] in ("string", "template_string") and \
                        (kinds[callee.kind_id] == "import" or (
                            kinds[callee.kind_id] == "identifier" and
                            module.text(callee) in ("require", "import"))):
                    spec = string_value(literal)
                    if spec is not None:
                        calls.append((spec, literal.start_point[0] + 1, start))
                    continue
        others.append(start)
    if others:  # (rare: merged in source order within each kind)
        for found, more in zip((imports, exports, calls),
                               _classified(module, others, skip_types), strict=True):
            if more:
                found.extend(more)
                found.sort(key=lambda item: item[2])
    return [*imports, *exports, *calls]


def _specifiers(module: JsModule, starts: list[int],
                skip_types: bool = False) -> list[tuple[str, int, int]]:
    """The specifiers (with their lines and offsets) whose literal starts at one of
    `starts` (offsets of the opening quote): import statements first, then export
    statements, then calls."""
    imports, exports, calls = _classified(module, starts, skip_types)
    return [*imports, *exports, *calls]


_Found = list[tuple[str, int, int]]


def _classified(module: JsModule, starts: list[int],
                skip_types: bool = False) -> tuple[_Found, _Found, _Found]:
    """`_specifiers`' specifiers as three lists: of import statements, of export
    statements, of calls."""
    imports: _Found = []
    exports: _Found = []
    calls: _Found = []
    fid = module.fid
    for start in starts:
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
                if spec is not None and not (skip_types and _type_only(holder)):
                    (imports if kind == "import_statement" else exports).append(
                        (spec, literal.start_point[0] + 1, start))
        elif kind == "arguments" and holder.named_child(0) == literal and \
                _is_require(holder, module):
            spec = string_value(literal)
            if spec is not None:
                calls.append((spec, literal.start_point[0] + 1, start))
    return imports, exports, calls


def _type_only(statement: Node) -> bool:
    """`import type {...} from` / `export type {...} from`: erased when compiled. (The
    first two children read one by one: `children` makes a node of each child.)"""
    return any(child is not None and child.type == "type"
               for child in (statement.child(1), statement.child(0)))


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
    # (`word_spans` and `word_node_at` inlined: a generator and a call less per word, on
    # the commonest search: 4.5 us a search against 5.4 us through them, best of 15 over
    # 3,038 searches of 101 JS/TS files of c1k, examples, tests)
    for match in pattern.finditer(source, *span) if span else pattern.finditer(source):
        start, end = match.span()
        if start and source[start - 1] in _WORD_BYTES:
            continue
        node = root.descendant_for_byte_range(start, end)
        if node is not None and node.start_byte == start and node.end_byte == end:
            yield node


def word_node_at(module: JsModule, start: int, end: int) -> Node | None:
    """The node `word_nodes` gives for a word at these offsets of `word_spans` (None: it
    gives none there, as in a longer string or a comment)."""
    node = module.root.descendant_for_byte_range(start, end)
    return node if node is not None and node.start_byte == start and \
        node.end_byte == end else None


def word_spans(module: JsModule, name: str, not_before: bytes = b"",
               span: tuple[int, int] | None = None) -> Iterator[tuple[int, int]]:
    """Where `name` stands as a whole word in the source (as for `word_nodes`: the
    offsets of the text only, a superset of where its nodes are)."""
    source = module.source
    pattern = _word_pattern(name, not_before)
    for match in pattern.finditer(source, *span) if span else pattern.finditer(source):
        start, end = match.span()
        if not start or source[start - 1] not in _WORD_BYTES:
            yield start, end


def keyword_owners(module: JsModule, keyword: str, kind: str) -> Iterator[Node]:
    """The nodes of kind `kind` that begin with `keyword` (`new` of a `new_expression`),
    in source order: those `word_nodes` would give the keyword token of, as their
    parent, without reading `Node.parent` (this tree-sitter searches down from the root
    for it). The keyword token is anonymous, so the smallest named node around its text
    is the node it begins, if any."""
    find = module.root.named_descendant_for_byte_range
    for start, end in word_spans(module, keyword):
        node = find(start, end)
        if node is not None and node.start_byte == start and node.type == kind:
            yield node


def method_calls(module: JsModule, method: str, not_before: bytes = b"") -> Iterator[Node]:
    """The calls `x.method(...)` (also `x.method?.(...)`, `x.method<T>(...)`) where
    `method` is the property identifier of the callee, in source order: the calls
    `word_nodes`' property identifiers would give as their grandparent, without reading
    `Node.parent` (`not_before` as for `word_nodes`). Nothing but the callee ends between
    the name and the call's end, so the smallest named node spanning the name and the
    byte after it is the call."""
    find, fid = module.root.named_descendant_for_byte_range, module.fid
    kinds = module.kinds
    for start, end in word_spans(module, method, not_before):
        call = find(start, end + 1)
        if call is None or kinds[call.kind_id] != "call_expression":
            continue
        callee = call.child_by_field_id(fid.function)
        prop = callee.child_by_field_id(fid.property) if callee is not None and \
            callee.end_byte == end and kinds[callee.kind_id] == "member_expression" else None
        if prop is not None and prop.start_byte == start and prop.end_byte == end and \
                kinds[prop.kind_id] == "property_identifier":
            yield call


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
