"""What the taint engine can skip: text that no report and no lasting effect can come from.

The engine reports a flow only where a sink is called (its name, however imported or
renamed, is written somewhere in the files involved: a property, an import, a
destructuring key), where an object literal has a key it reports (DynamoDB expressions,
`$where`, a `Location` header), where a `Location` header is assigned, where a response
is HTML (`text/html`, `res.type("html")`: the word `html`), or where a module is loaded
by a specifier computed at run time (`require(name)`, an `import()` of a template
string). A source with none of those words cannot report anything, which a scan of its
bytes (C speed) tells before any walk of its tree.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import lru_cache

from faasguard.analysis.js.parse import JsModule
from faasguard.analysis.js.table import DYNAMO_EXPRESSIONS, js_table

#: An identifier-like word of the source (also in strings and comments: a superset).
IDENTIFIER = re.compile(rb"[A-Za-z_$][\w$]*")
#: `identifier_words`' translations: the bytes IDENTIFIER's words are made of (`\w` of a
#: bytes pattern: ASCII letters, digits, `_`; and `$`) kept, every other byte a space; and
#: the same with each digit a `0` and each other word byte an `a`.
_WORD_TABLE = bytes(i if re.fullmatch(rb"[\w$]", bytes([i])) else 0x20 for i in range(256))
_DIGIT_TABLE = bytes((0x30 if 0x30 <= i <= 0x39 else 0x61) if byte != 0x20 else 0x20
                     for i, byte in enumerate(_WORD_TABLE))
#: An assignment of any kind (a superset: an `=` in a string counts).
ASSIGNMENT = re.compile(rb"(?<![=!<>])=(?!=)|<<=|>>=")
#: What follows `import(` / `require(` when the specifier is no plain string literal (a
#: name, a template string, a concatenation): a module chosen at run time, a
#: code-injection sink (a superset: a template string without substitutions counts).
DYNAMIC_SPECIFIER = re.compile(rb"\s*[^\s\"')]")
_QUOTES = frozenset(b"\"'")
#: `name.method` / `name?.method`: a method's receiver when it is a bare name.
RECEIVER = re.compile(rb"([A-Za-z_$][\w$]*)\s*\??\.\s*([A-Za-z_$][\w$]*)")


@lru_cache(maxsize=2)
def reporting_words(calls: bool = True) -> tuple[frozenset[bytes], tuple[bytes, ...]]:
    """The words one of which a source must hold for the engine to report in it (besides
    `location` in any case): the last part of each sink's name (`exec` of
    `child_process.exec`), sink methods (`calls`: for code with calls), reported keys;
    as identifier-like words, and as the other texts (package names: `cross-spawn`)."""
    table = js_table()
    words = DYNAMO_EXPRESSIONS | {"$where", "html"}  # `html`: an HTML response (text/html)
    if calls:
        words |= {name.rsplit(".", 1)[-1] for name in table.calls} | set(table.methods)
    plain = frozenset(w.encode() for w in words if IDENTIFIER.fullmatch(w.encode()))
    return plain, tuple(sorted(w.encode() for w in words if w.encode() not in plain))


@lru_cache(maxsize=1)
def effect_words() -> frozenset[bytes]:
    """Words of code that may change what the engine knows beyond one function's
    bindings: loading a module, registering an Express route, making a function or a
    class, writing a field of `this`."""
    return frozenset({b"require", b"import", b"function", b"class", b"this",
                      *(route.encode() for route in js_table().routes)})


def identifier_words(source: bytes) -> list[bytes]:
    """`IDENTIFIER.findall(source)` (the same words in the same order): where no run of
    word bytes starts with a digit (no number), the runs themselves, by one `translate`
    and one `split` (where the regular expression is tried at every byte)."""
    marks = source.translate(_DIGIT_TABLE)
    if marks.find(b" 0") >= 0 or marks.startswith(b"0"):
        return IDENTIFIER.findall(source)  # (`0x1F` holds the word `x1F`, `42` none)
    return source.translate(_WORD_TABLE).split()


def may_report(source: bytes, calls: bool = True, file_clear: bool = False) -> bool:
    """Can the engine report anything in code whose text is `source` (`calls`: False for
    code known to call nothing: only reported keys count then; `file_clear` as for
    `inert_words`)?"""
    plain, others = reporting_words(calls)
    if not file_clear and _holds_other_words(source, others):
        return True
    return any(match.group() in plain for match in IDENTIFIER.finditer(source))


def _holds_other_words(source: bytes, others: tuple[bytes, ...]) -> bool:
    """Does a source hold `location` (any case) or one of the non-identifier words?"""
    return _holds_location(source) or holds_any(source, others)


def _holds_location(source: bytes) -> bool:
    """Does a source hold `location` in any case?"""
    return source.lower().find(b"location") >= 0


def holds_any(source: bytes, words: tuple[bytes, ...]) -> bool:
    """Does a source hold one of these words (anywhere)?"""
    # (`find`, not `in`: `in` on bytes first tries its operand as an integer, raising
    # and clearing a TypeError on every test; a loop, not an `any` over a generator,
    # which costs a frame and its closing per test)
    for word in words:
        if source.find(word) >= 0:
            return True
    return False


def loads_dynamically(source: bytes) -> bool:
    """Does a source load a module by a specifier computed at run time (`require(name)`,
    an `import()` of a template string)? Asked of a whole file that `may_report` clears
    (project.may_report): a piece of code holding `require` or `import` is never inert
    anyway (`effect_words`)."""
    end = len(source)
    for call in (b"import(", b"require("):
        at = source.find(call)
        while at >= 0:
            at += len(call)
            # a quote right after the parenthesis (the common case) is a literal specifier
            if at < end and source[at] not in _QUOTES and DYNAMIC_SPECIFIER.match(source, at):
                return True
            at = source.find(call, at)
    return False


def holds_other_words(source: bytes, calls: bool = True) -> bool:
    """Does a source hold `location` (any case) or a reporting word that is no identifier
    (`cross-spawn`; `calls` as for `may_report`)? Asked once of a whole file, it answers
    for every piece of it (`inert_words`' `file_clear`)."""
    return _holds_other_words(source, reporting_words(calls)[1])


def clear_of_other_words(module: JsModule, calls: bool = True) -> bool:
    """Does a file hold none of the words `holds_other_words` looks for (asked once per
    file, whatever number of its pieces `inert_words` and `may_report` read; `location`,
    looked for whatever `calls`, once for both)?"""
    if module.summary("location", _location_in):
        return False
    if calls:
        return not module.summary("other-words", _other_words_in)
    return not module.summary("other-words:no-calls", _other_words_without_calls_in)


# (`clear_of_other_words`' summaries: module-level functions, not a lambda made per call)
def _location_in(module: JsModule) -> bool:
    return _holds_location(module.source)


def _other_words_in(module: JsModule) -> bool:
    return holds_any(module.source, reporting_words(True)[1])


def _other_words_without_calls_in(module: JsModule) -> bool:
    return holds_any(module.source, reporting_words(False)[1])


def inert_words(source: bytes, calls: bool = True, file_clear: bool = False
                ) -> list[str] | None:
    """The identifier-like words of a piece of code that cannot report anything nor have
    any effect the engine keeps (no sink name, no reported key, no effect word, no arrow
    function; `calls` as for `may_report`); None when it may. `file_clear`: the file the
    piece comes from holds none of the words `holds_other_words` looks for (with the same
    `calls`), so the piece need not be searched for them again."""
    plain, others = reporting_words(calls)
    if source.find(b"=>") >= 0 or not file_clear and _holds_other_words(source, others):
        return None
    words = identifier_words(source)  # one pass: the reporting and the effect words
    if not plain.isdisjoint(words) or not effect_words().isdisjoint(words):
        return None
    return [word.decode() for word in words]


def call_only_writes(source: bytes, words: list[str], methods: AbstractSet[str]
                     ) -> list[str] | None:
    """The names an expression statement may write (`source`: its text, `words`: the
    words in it), when it can write names only by calling one of `methods` on them
    (`list.push(x)` adds `x`'s taint to `list`): the receivers of those calls. None when
    it may write otherwise (an assignment) or the text holds a comment (code a byte
    search would misread)."""
    if source.find(b"//") >= 0 or source.find(b"/*") >= 0 or \
            source.find(b"=") >= 0 and ASSIGNMENT.search(source):
        return None
    if methods.isdisjoint(words):
        return []
    return [match.group(1).decode() for match in RECEIVER.finditer(source)
            if match.group(2).decode() in methods]
