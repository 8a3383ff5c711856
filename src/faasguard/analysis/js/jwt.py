"""Tokens decoded without verifying their signature in Node.js handler code.

Node.js: `jsonwebtoken.decode`, `jwt-decode`, `jose.decodeJwt`, `jws.decode`, or the
base64 of a token's middle segment (`Buffer.from(t.split(".")[1], "base64")`, `atob`)
in a handler's module graph where no verifying call (`jsonwebtoken.verify`,
`jose.jwtVerify`, `aws-jwt-verify` verifiers, `jws.verify`) appears. The Python side
(and the `TokenDecode` record both give) is analysis.jwt_python. The facts land in
`facts.jwt_decodes`; rules/jwt.py reports them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from faasguard.analysis.js.names import FileIndex, required_package
from faasguard.analysis.js.parse import (
    JsModule,
    JsModuleCache,
    file_summaries,
    first_named,
    import_clause_of,
    line,
)
from faasguard.analysis.js.spots import word_nodes
from faasguard.analysis.js.table import js_table
from faasguard.analysis.jwt_python import TokenDecode
from faasguard.model import Location

if TYPE_CHECKING:
    from tree_sitter import Node

#: `x.split(".")[1]`: the payload segment of a compact JWS.
MIDDLE_SEGMENT = re.compile(r"""\.split\(\s*(['"])\.\1\s*\)\s*\[\s*1\s*\]""")
BASE64_DECODERS = {"Buffer.from", "atob", "base64url.decode", "base64url"}


def _callee(index: FileIndex, func: Node) -> str | None:
    """The package-qualified name of a callee (`jwt.decode` -> `jsonwebtoken.decode`)."""
    if func.type == "identifier" and func.text:
        name = func.text.decode()
        found = index.imported(name)
        if found is None:
            value = index.value(name)
            return (required_package(value) if value is not None else None) or name
        package, export = found
        return package if export is None else f"{package}.{export}"
    if func.type == "member_expression":
        obj = func.child_by_field_name("object")
        prop = func.child_by_field_name("property")
        if obj is None or prop is None or not prop.text:
            return None
        head = _callee(index, obj)
        return f"{head}.{prop.text.decode()}" if head else None
    return None


@cache
def _name_heads() -> tuple[tuple[bytes, str], ...]:
    """What the source of a file that decodes or verifies a token must contain: the
    first part of each name (a package or a global) a call is recognised by (its bytes
    and its text)."""
    names = js_table().jwt
    wanted = {*names["verify"], *names["decode"], *BASE64_DECODERS}
    return tuple((head.encode(), head) for head in sorted({name.split(".", 1)[0]
                                                           for name in wanted}))


def _heads_in(source: bytes) -> tuple[str, ...]:
    """The heads of `_name_heads` a source holds (anywhere)."""
    # (`find`, not `in`: see demand.holds_any)
    return tuple(head for raw, head in _name_heads() if source.find(raw) >= 0)


def js_decodes(cache: JsModuleCache, files: list[str], function: str) -> list[TokenDecode]:
    """Unverified decodes in one handler's module graph (none when it verifies)."""
    found: list[TokenDecode] = []
    for file, (verifies, decodes) in file_summaries(cache, files, "jwt", _file_tokens):
        if verifies:
            return []
        found.extend(TokenDecode(Location(file, at), how, "javascript", function)
                     for at, how in decodes)
    return found


def _file_tokens(module: JsModule) -> tuple[bool, tuple[tuple[int, str], ...]]:
    """Does a file verify a token somewhere; its unverified decodes (line, how)."""
    heads = _heads_in(module.source)
    if not heads:
        return False, ()  # a recognised name starts with a package or global named here
    names = js_table().jwt
    verifies = False
    decodes: list[tuple[int, str]] = []
    index = FileIndex.of(module)
    for node in token_calls(module, heads):
        func = node.child_by_field_name("function" if node.type == "call_expression"
                                        else "constructor")
        qname = _callee(index, func) if func is not None else None
        if qname is None:
            continue
        if qname in names["verify"] or qname.rsplit(".", 1)[0] in names["verify"]:
            verifies = True
        elif qname in names["decode"]:
            decodes.append((line(node), qname))
        elif qname in BASE64_DECODERS:
            args = node.child_by_field_name("arguments")
            first = first_named(args) if args is not None else None
            if first is not None and MIDDLE_SEGMENT.search(module.text(first)):
                decodes.append((line(node), "base64 of the token's middle segment"))
    return verifies, tuple(decodes)


def token_calls(module: JsModule, heads: tuple[str, ...] | None = None) -> list[Node]:
    """The calls, then the `new` expressions, of a file whose callee may be one `_callee`
    names after a token package or global: a name or member chain starting at a global
    named in the table (`Buffer`, `atob`) or at a name an import or a `require` of such a
    package binds (a superset, found from the source bytes), each kind in source order.
    `heads`: those of `_name_heads` the file holds, if known (`_heads_in`)."""
    fid = module.fid
    if heads is None:
        heads = _heads_in(module.source)
    roots = set(heads)
    for word in ("require", "import"):
        for node in word_nodes(module, word):
            roots.update(_bound_names(module, node, heads))
    found: dict[tuple[int, int], Node] = {}
    for name in roots:
        for node in word_nodes(module, name):
            if node.type != "identifier":
                continue
            top, parent = node, node.parent
            while parent is not None and parent.type == "member_expression" and \
                    parent.child_by_field_id(fid.object) == top:
                top, parent = parent, parent.parent
            if parent is not None and parent.child_by_field_id(
                    fid.function if parent.type == "call_expression" else fid.constructor
            ) == top and parent.type in ("call_expression", "new_expression"):
                found[parent.start_byte, parent.end_byte] = parent
    return sorted(found.values(), key=lambda n: (n.type != "call_expression", n.start_byte,
                                                 -n.end_byte))


def _bound_names(module: JsModule, word: Node, heads: tuple[str, ...]) -> set[str]:
    """The names an import statement or a `require(...)`/`import(...)` declaration
    binds, when its specifier holds one of `heads` (`word`: its `require`/`import`; a
    specifier is file text: only the heads the file holds need testing)."""
    fid = module.fid
    holder = word.parent
    if holder is not None and holder.type == "import":  # `import(...)`: the keyword's node
        word, holder = holder, holder.parent
    if holder is None:
        return set()
    if holder.type == "import_statement":
        source = holder.child_by_field_id(fid.source)
        spec = module.text(source) if source is not None else ""
        clause = import_clause_of(holder)
        if clause is None or not any(head in spec for head in heads):
            return set()
        return {module.text(n) for n in _descendants(clause) if n.type == "identifier"}
    if holder.type != "call_expression" or holder.child_by_field_id(fid.function) != word:
        return set()
    args = holder.child_by_field_id(fid.arguments)
    first = first_named(args) if args is not None else None
    text = module.text(first) if first is not None else ""
    if not any(head in text for head in heads):
        return set()
    top, parent = holder, holder.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
        top, parent = parent, parent.parent
    if parent is None or parent.type != "variable_declarator" or \
            parent.child_by_field_id(fid.value) != top:
        return set()
    target = parent.child_by_field_id(fid.name)
    if target is None:
        return set()
    if target.type == "identifier":
        return {module.text(target)}
    return {module.text(n) for n in _descendants(target)
            if n.type in ("identifier", "shorthand_property_identifier_pattern")}


def _descendants(node: Node) -> list[Node]:
    """The named nodes under `node` (a small one: an import clause, a pattern)."""
    out, stack = [], list(node.named_children)
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(child.named_children)
    return out
