"""A `.tf` file's values as one nested mapping, for analyses that read every literal.

`document(root, rel)` turns `resource "T" "N" { a = "x" }` into
`{"resource": {"T": {"N": {"a": "x"}}}}` (LDicts: every key keeps its line), with
expressions evaluated as far as the file alone allows: literals stay literals, anything
that refers elsewhere becomes Unknown. The template-secrets analysis reads it the way it
reads a YAML or JSON template.
"""

from __future__ import annotations

import os

from faasguard.loaders.documents import LDict
from faasguard.loaders.terraform.hcl import Block, read_tf
from faasguard.loaders.terraform.module import Module, Tree


def document(root: str, rel: str) -> LDict:
    """The values of one .tf file (raises `InputError` when it cannot be read)."""
    return document_of(read_tf(os.path.join(root, rel), rel), root, rel)


def document_of(blocks: list[Block], root: str, rel: str) -> LDict:
    """The values of the parsed blocks of the .tf file `rel` (relative to `root`)."""
    scope = Module(Tree(root, "", lambda _folder: []), os.path.dirname(rel) or ".", [])
    out = LDict()
    out.line = 1
    for block in blocks:
        target = out
        for key in (block.type, *block.labels):
            nested = target.get(key)
            if not isinstance(nested, LDict):
                nested = LDict()
                nested.line = block.line
                target[key] = nested
                target.key_lines[key] = block.line
            target = nested
        _fill(target, block, scope)
    return out


def _fill(target: LDict, block: Block, scope: Module) -> None:
    for name, attr in block.attrs.items():
        target[name] = scope.evaluator.value(attr.expr)
        target.key_lines[name] = attr.line
    for child in block.blocks:
        nested = LDict()
        nested.line = child.line
        _fill(nested, child, scope)
        key = ".".join((child.type, *child.labels))
        target.setdefault(key, nested)
        target.key_lines.setdefault(key, child.line)
