"""The values JavaScript's syntax gives a literal, and the shapes of the expressions the
serverless.ts / serverless.js reader looks through (loaders.service_code_values): a
string's escapes (`\\u{...}`, surrogate pairs, line continuations), a number literal as
the double (or BigInt) JavaScript reads, `String(value)` of a scalar, an imported or
exported name, a key; `as`, `satisfies`, `x!`, parentheses; which nodes are functions.
Pure functions of the source text: nothing here reads a file or evaluates a name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from faasguard.model import Unknown

if TYPE_CHECKING:
    from tree_sitter import Node

WRAPPERS = {"as_expression", "satisfies_expression", "non_null_expression",
             "parenthesized_expression"}
FUNCTIONS = {"arrow_function", "function_expression", "function", "function_declaration",
              "generator_function", "generator_function_declaration"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
SPACE = re.compile(r"\s+")
#: a number literal JavaScript reads in base 8 (`0777`; `08` and `09` are decimal)
_LEGACY_OCTAL = re.compile(r"0[0-7]+")


def unwrapped(node: Node) -> Node:
    """The expression inside parentheses and type wrappers (`(x as T)`)."""
    while node.type in WRAPPERS and node.named_child_count:
        node = node.named_child(0) or node
    return node


def short(text: str, limit: int, space: str = " ") -> str:
    """`SPACE.sub(space, text)[:limit]`, collapsing only as much of `text` as that needs:
    the reader asks it of every level of an expression nested as deep as it reads (each
    level's text holds the levels below it), which for a long chain collapsed a large
    file's text again at each level."""
    size = 2 * limit + 16
    while True:
        part = SPACE.sub(space, text[:size])
        if len(part) > limit or size >= len(text):
            return part[:limit]
        size *= 4


def operator_of(node: Node) -> str:
    """The operator of a unary expression (`delete`, `-`, `!`), without its operand's
    text."""
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def export_name(text: str) -> str:
    """An imported or exported name (`default` stays "default"; a string name unquoted)."""
    return key_text(text)


def key_text(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return quoted_value(text)
    return text


def quoted_value(literal: str) -> str:
    """The value of a quoted string literal."""
    body = literal[1:-1] if len(literal) >= 2 else ""
    return paired(re.sub(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|.)",
                          lambda m: escaped_char("\\" + m.group(1)), body, flags=re.S))


def paired(text: str) -> str:
    """`text` with each UTF-16 surrogate pair its escapes wrote (`\\uD83D\\uDE80`, one
    character in JavaScript) made that character; a lone surrogate, which no report can
    encode, is U+FFFD."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class NoCharacter(ValueError):
    """An escape naming no character (`\\u{110000}`): a syntax error in JavaScript.
    `line`: where it is written, once known (a name of an import or export statement)."""

    line: int | None = None


def escaped_char(sequence: str) -> str:
    """The character(s) an escape sequence (`\\n`, `\\u0041`, `\\$`) stands for."""
    body = sequence[1:]
    if body[:2] == "u{" and body.endswith("}"):
        code = int(body[2:-1], 16)
        if code > 0x10FFFF:
            raise NoCharacter(sequence)
        return chr(code)
    if body[:1] in ("u", "x") and len(body) > 1:
        try:
            return chr(int(body[1:], 16))
        except ValueError:
            return body
    if body in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
        return ""  # a line continuation
    return _ESCAPES.get(body, body)


def number_value(text: str) -> int | float | Unknown:
    """The value of a number literal as JavaScript has it: a double (an int when it is a
    safe integer; past the largest double, infinity), a legacy octal `0777` in base 8; a
    BigInt (`123n`) exactly, unless too long to write out (unknown)."""
    digits = text.replace("_", "")
    if digits.endswith("n"):
        try:
            whole = int(digits[:-1], 0)
            str(whole)  # (Python writes out at most so many digits)
        except ValueError:
            return Unknown(text)
        return whole
    try:
        value: float = int(digits, 8 if _LEGACY_OCTAL.fullmatch(digits) else 0)
    except ValueError:
        try:
            value = float(digits)
        except ValueError:
            return Unknown(text)
    if isinstance(value, int) and abs(value) >= 2 ** 53:
        try:
            value = float(value)
        except OverflowError:
            return float("inf")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def js_string(value: Any) -> str | None:
    """`String(value)` for a scalar; None for anything else (an object, an unknown)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return "null"
    return None
