"""Reading one `.tf` file: HCL2 (python-hcl2's parser) into blocks and attributes.

`read_tf(path, rel)` returns the file's top-level blocks. An attribute keeps its
expression as the parser's tree (evaluated later, when variables and references are
known) and the line it was written on; a block keeps its labels, its nested blocks and
its first and last lines. A file that is not valid HCL2 raises `InputError` with the
parser's line; files in Terraform 0.11 syntax that HCL2 cannot read get a hint. Text
nested deeper than `MAX_NESTING` (brackets, templates, conditionals) or with an operator
chain longer than `MAX_CHAIN` (`a.b.c...`, `x[0][0]...`, `a + b + ...`) is refused as soon
as the parser reaches that point: the parser is slow on such text (seconds per 100,000
levels) and nothing past the evaluator's own bound (64 levels) could be read anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedEOF, UnexpectedInput

from faasguard.loaders.documents import MAX_FILE_BYTES, InputError, read_text

#: The parser's stack height past which text is refused as nested too deeply (about
#: 1,900 parentheses, 660 nested objects, 500 conditionals; the .tf files of examples/
#: and tests/ reach 34).
MAX_NESTING = 2000
#: The operators of one chain at one bracket level past which text is refused.
MAX_CHAIN = 1000
#: What a token does to the chains `parse_hcl` counts: continues a left-nested chain (1:
#: `a.b`, `a[0]`, `a + b`, `c ? x : y`), opens a bracket level (2; `[` both), closes one
#: (4), starts a new expression at its level (8).
_ROLES: dict[str, int] = {
    **dict.fromkeys(("DOT", "QMARK", "PLUS", "MINUS", "ASTERISK", "SLASH", "PERCENT",
                     "DOUBLE_EQ", "NEQ", "LT", "GT", "LEQ", "GEQ", "DOUBLE_AMP",
                     "DOUBLE_PIPE"), 1),
    **dict.fromkeys(("LPAR", "LBRACE", "INTERP_START", "DIRECTIVE_START"), 2), "LSQB": 3,
    **dict.fromkeys(("RPAR", "RSQB", "RBRACE"), 4),
    **dict.fromkeys(("COMMA", "EQ", "NL_OR_COMMENT"), 8)}


@dataclass
class Attr:
    """`name = expression`: the expression tree and its line."""

    name: str
    expr: Tree
    line: int


@dataclass
class Block:
    """`type "label" ... { ... }`: attributes, nested blocks, lines, declaring file."""

    type: str
    labels: tuple[str, ...]
    file: str
    line: int
    end_line: int
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def nested(self, kind: str) -> list[Block]:
        """The nested blocks of one type, in order."""
        return [b for b in self.blocks if b.type == kind]


def subtrees(node: Tree) -> list[Tree]:
    """The child trees of a node, without the newline/comment filler."""
    return [c for c in node.children
            if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def line(node: Tree | Token, default: int = 1) -> int:
    """The first line of a tree or token (the default when the parser kept none)."""
    if isinstance(node, Token):
        return node.line or default
    return default if node.meta.empty else node.meta.line


def name_of(node: Tree | Token) -> str:
    """The text of an identifier, keyword, literal or plain string label."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(str(c.children[0]) for c in subtrees(node)
                       if isinstance(c.children[0], Token))
    return "".join(name_of(c) for c in node.children)


def parse_tf(text: str, rel: str, offset: int = 0) -> list[Block]:
    """The top-level blocks of HCL2 source `text` (declared in file `rel`).

    `offset` is added to every line (of blocks, attributes and expression trees), so the
    lines of several files can share one numbering; errors report the file's own line.
    """
    try:
        tree = parse_hcl(text)
    except UnexpectedInput as exc:
        hint = ("; Terraform 0.11 syntax that HCL2 cannot read? `terraform 0.12upgrade` "
                "converts it") if "${" in text else ""
        raise InputError(f"not valid HCL2: {syntax_error(exc)}{hint}",
                         getattr(exc, "line", None)) from None
    except (LarkError, RecursionError) as exc:
        raise InputError(f"not valid HCL2: {type(exc).__name__}") from None
    if offset:
        _shift(tree, offset)
    body = subtrees(tree)[0]
    return _body(body, rel)[1]


def parse_hcl(text: str) -> Tree:
    """python-hcl2's parse tree of `text`; text nested too deeply raises `InputError` with
    the line where it went past the bound, invalid text the parser's exceptions."""
    from hcl2.parser import parser as hcl_parser

    cursor = hcl_parser().parse_interactive(text if text.endswith("\n") else text + "\n")
    state = cursor.parser_state
    stack, feed = state.state_stack, state.feed_token
    chains = [0]  # the operators of the chain at each open bracket level
    token = None
    for token in cursor.lexer_thread.lex(state):  # the loop of the parser's own `parse`
        role = _ROLES.get(token.type, 0)
        if role:
            if role & 1:
                chains[-1] += 1
                if chains[-1] > MAX_CHAIN:
                    raise InputError(f"expression nested too deeply (over {MAX_CHAIN:,} "
                                     "chained operators: a.b, a[0], a + b); refused",
                                     token.line)
            if role & 2:
                chains.append(0)
            elif role == 4:
                if len(chains) > 1:
                    chains.pop()
            elif role == 8:
                chains[-1] = 0
        if len(stack) > MAX_NESTING:
            raise InputError("expression nested too deeply (brackets, templates or "
                             "conditionals); refused", token.line)
        feed(token)
    tree: Tree = cursor.feed_eof(token)
    return tree


def _shift(tree: Tree, offset: int) -> None:
    for node in tree.iter_subtrees():
        if not node.meta.empty:
            node.meta.line += offset
            node.meta.end_line += offset
        for child in node.children:
            if isinstance(child, Token) and child.line is not None:
                child.line += offset


def read_tfvars(path: str, rel: str, max_bytes: int = MAX_FILE_BYTES) -> dict[str, Attr]:
    """The assignments of a `.tfvars` file (bad content raises `InputError`)."""
    return parse_assignments(read_text(path, max_bytes), rel)


def parse_assignments(text: str, rel: str) -> dict[str, Attr]:
    """The `name = expression` assignments of HCL2 text, as a `.tfvars` file holds them
    (bad content raises `InputError`)."""
    try:
        tree = parse_hcl(text)
    except UnexpectedInput as exc:
        raise InputError(f"not valid HCL2: {syntax_error(exc)}",
                         getattr(exc, "line", None)) from None
    except (LarkError, RecursionError) as exc:
        raise InputError(f"not valid HCL2: {type(exc).__name__}") from None
    return _body(subtrees(tree)[0], rel)[0]


def syntax_error(exc: UnexpectedInput) -> str:
    """The parser's complaint in a person's words (not its token names)."""
    where = f" (column {exc.column})" if getattr(exc, "column", -1) > 0 else ""
    token = getattr(exc, "token", None)
    if isinstance(exc, UnexpectedEOF) or (token is not None and token.type == "$END"):
        return "the file ends inside an unclosed string, bracket, brace or heredoc"
    if token is not None:
        return f"unexpected {str(token).strip().splitlines()[0]!r}{where}"
    return str(exc).splitlines()[0].rstrip(".")


def read_tf(path: str, rel: str, offset: int = 0,
            max_bytes: int = MAX_FILE_BYTES) -> list[Block]:
    """Read and parse one .tf file (size-limited; bad content raises `InputError`)."""
    return parse_tf(read_text(path, max_bytes), rel, offset)


def _body(body: Tree, rel: str) -> tuple[dict[str, Attr], list[Block]]:
    attrs: dict[str, Attr] = {}
    blocks: list[Block] = []
    for child in subtrees(body):
        if child.data == "attribute":
            parts = [c for c in child.children if not (isinstance(c, Token) and c.type == "EQ")]
            name = name_of(parts[0])
            attrs[name] = Attr(name, parts[-1], line(child))
        elif child.data == "block":
            blocks.append(_block(child, rel))
    return attrs, blocks


def _block(node: Tree, rel: str) -> Block:
    heads = [c for c in node.children
             if not (isinstance(c, Token) and c.type in ("LBRACE", "RBRACE"))
             and not (isinstance(c, Tree) and c.data in ("body", "new_line_or_comment"))]
    body = next(c for c in node.children if isinstance(c, Tree) and c.data == "body")
    attrs, blocks = _body(body, rel)
    start = line(node)
    end = start if node.meta.empty else node.meta.end_line
    return Block(name_of(heads[0]), tuple(name_of(h) for h in heads[1:]), rel, start, end,
                 attrs, blocks)
