"""Reading `.tf` files ahead of their module trees, so loading workers can parse them.

Parsing a `.tf` file with python-hcl2's parser (pure Python) is nearly all the cost of
loading Terraform: about 9 ms for a 2 KB file, where evaluating its module tree afterwards
takes a tenth of that. A module tree is evaluated in one process (a root module reads the
local modules it calls), but its files need not be parsed there: `scan.load_app` hands
each `.tf` file to the loading workers as a `ReadAhead` job, which sends back the parsed
blocks (`ParsedTf`: plain, picklable data), and `load_tree(..., ahead=...)` evaluates the
trees with them, parsing only the files it was not given.

The lines of all the `.tf` files of a scan share one numbering: the i-th file `load_tree`
reads (from 0, in `read_order`) has its lines counted from (i + 1) * SPAN, so a job knows
its numbering before any other file is read.

The same parse gives the file's template secrets (`analysis.template_secrets`), judged on
its literal values (`literals.document_of`) as that analysis would judge them, so the
analysis does not parse the file a second time.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.loaders.documents import MAX_FILE_BYTES, InputError, read_text
from faasguard.loaders.terraform.hcl import Block, parse_tf

#: The lines of the i-th file read are numbered from (i + 1) * SPAN while loading.
SPAN = 1_000_000


@dataclass
class ParsedTf:
    """One `.tf` file as parsed: its blocks (lines numbered from `offset`), or the
    problem that kept it from being read, and its template secrets (None: not judged)."""

    file: str
    offset: int
    blocks: list[Block] = field(default_factory=list)
    #: (message, line) of the `InputError` it raised (an exception loses its line when
    #: pickled)
    error: tuple[str, int | None] | None = None
    secrets: Any = None

    def problem(self) -> InputError | None:
        """The `InputError` reading the file raised, if any."""
        return None if self.error is None else InputError(*self.error)


@dataclass(frozen=True)
class ReadAhead:
    """A job for a loading worker: parse one `.tf` file with its place in the numbering."""

    root: str
    file: str
    offset: int
    max_bytes: int = MAX_FILE_BYTES

    def run(self) -> ParsedTf:
        """Parse the file (`read_tf`), judging its template secrets on the way."""
        return read_file(self.root, self.file, self.offset, self.max_bytes)


def prepare() -> None:
    """Import what parsing a `.tf` file and judging its secrets import, and build the
    parser (python-hcl2's, from its cache file: 0.1 s), before loading workers fork:
    each inherits them instead of doing it again."""
    from hcl2.parser import parser

    from faasguard.analysis import template_secrets  # noqa: F401
    from faasguard.loaders.terraform import literals  # noqa: F401

    parser()


def by_folder(tf_files: Iterable[str]) -> dict[str, list[str]]:
    """The files grouped by folder ("." the root), folders in the order of the sorted
    paths, files sorted within each: the order `load_tree` reads them in."""
    folders: dict[str, list[str]] = {}
    for rel in sorted(tf_files):
        folders.setdefault(posixpath.dirname(rel) or ".", []).append(rel)
    return folders


def read_order(tf_files: Iterable[str]) -> list[str]:
    """The files in the order `load_tree` reads them: file i gets lines from (i+1)*SPAN."""
    return [rel for names in by_folder(tf_files).values() for rel in names]


def plan(root: str, tf_files: Iterable[str], max_bytes: int | None = None) -> list[ReadAhead]:
    """A `ReadAhead` job for each file, numbered as `load_tree` will number them."""
    limit = max_bytes or MAX_FILE_BYTES
    return [ReadAhead(root, rel, (n + 1) * SPAN, limit)
            for n, rel in enumerate(read_order(tf_files))]


def read_file(root: str, rel: str, offset: int, max_bytes: int = MAX_FILE_BYTES) -> ParsedTf:
    """Read and parse one `.tf` file (a file that cannot be read: `ParsedTf.error`)."""
    try:
        text = read_text(os.path.join(root, rel), max_bytes)
        blocks = parse_tf(text, rel, offset)
    except InputError as exc:
        return ParsedTf(rel, offset, error=(exc.message, exc.line))
    return ParsedTf(rel, offset, blocks, secrets=_secrets(root, rel, blocks, max_bytes))


def _secrets(root: str, rel: str, blocks: list[Block], max_bytes: int) -> Any:
    """The file's template secrets, as `analysis.template_secrets` finds them when it
    reads the file itself; None (the analysis then does) above the default size limit,
    which the analysis reads with, or when judging fails."""
    if max_bytes > MAX_FILE_BYTES:
        return None
    from faasguard.analysis.template_secrets import secrets_in
    from faasguard.loaders.terraform.literals import document_of

    try:
        found = secrets_in(document_of(blocks, root, rel), rel)
    except Exception:  # noqa: BLE001 (the analysis reads the file again and reports it)
        return None
    # the parse numbered the lines from the offset (a line below SPAN is one an evaluated
    # value numbered itself, a heredoc template parsed again: the same either way)
    found.facts = [replace(fact, line=fact.line % SPAN) if fact.line >= SPAN else fact
                   for fact in found.facts]
    return found
