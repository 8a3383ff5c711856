"""What the code facts of a file are made of: `CodeFact` and `FileFacts`.

A module of their own (code_facts re-exports both) so that what uses only the two
classes does not import the code facts' analysis: the loaders' template secrets check
(`template_secrets`, run where templates load) leaves its `FileFacts` in
`SourceFile.facts`, and `loaders.prepare` imports it before a scan's loading workers
fork, where the code facts' module, with the handler signatures, the taint package's
parsed-file cache and the text prefilter it builds as it loads, would be serial work that
no template needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from faasguard.model import pickle_by_fields


@dataclass(frozen=True)
class CodeFact:
    """One thing found in a source file: kind, line, what (for the message), key (identity)."""

    kind: str  # "secret", "tls-off", "http-url", "sensitive-log", "error-details", ...
    line: int
    detail: str
    key: str


@pickle_by_fields
@dataclass
class FileFacts:
    """The code facts of one Python file (path relative to the scanned root)."""

    path: str
    facts: list[CodeFact] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[CodeFact]:
        """The facts of one kind, in line order."""
        return sorted((f for f in self.facts if f.kind == kind), key=lambda f: f.line)
