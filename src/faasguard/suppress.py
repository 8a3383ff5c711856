"""Suppressions: inline comments, the config file's `ignore` list, and the baseline.

Inline, on the line a finding points at or on comment lines just above it::

    Url:  # faasguard:ignore FG-AUTH-001 public webhook, signed payloads
    # faasguard:ignore FG-DATA-001, FG-PERM-001 legacy stack, tracked in JIRA-12
    x = eval(body)  # faasguard: ignore[FG-INJ-002] body is a constant here
    // faasguard: ignore[FG-INJ-001] (JavaScript/TypeScript; /* ... */ and HCL's too)

A suppressed finding keeps `Finding.suppressed = reason` and
`Finding.properties["suppression"] = {"kind": "inSource"|"external", "source": ...}`; it is
reported (marked), counted, and never counts for `--fail-on`. A comment without a reason
is honoured, with a warning diagnostic asking for one.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from faasguard.config import Config, IgnoreEntry
from faasguard.filebytes import read_head
from faasguard.findings import Finding
from faasguard.model import Diagnostic

MAX_COMMENT_FILE_BYTES = 5 * 1024 * 1024
NO_REASON = "no reason given"

_MARKER = re.compile(r"(?:^|\s)(?:#|//|/\*)\s*faasguard:\s*ignore(?P<rest>.*?)(?:\*/\s*)?$")
_RULE_ID = r"FG-[A-Z0-9]+-\d+"
_PLAIN_IDS = re.compile(rf"\s*(?P<ids>{_RULE_ID}(?:\s*,\s*{_RULE_ID})*)")
_BRACKET_IDS = re.compile(r"\s*\[(?P<ids>[^\]]*)\]")
_COMMENT_ONLY = re.compile(r"^\s*(?:#|//|/\*)")


@dataclass(frozen=True)
class InlineSuppression:
    """One suppression comment: the rule ids it names, its reason, its 1-based line."""

    line: int
    rule_ids: tuple[str, ...]
    reason: str


def parse_comment(text: str, line: int = 1) -> InlineSuppression | None:
    """The suppression a source line carries, if any (None for lines without one)."""
    match = _MARKER.search(text)
    if match is None:
        return None
    rest = match.group("rest")
    ids_match = _BRACKET_IDS.match(rest) or _PLAIN_IDS.match(rest)
    if ids_match is None:
        return InlineSuppression(line, (), "")
    ids = tuple(i.strip() for i in ids_match.group("ids").split(",") if i.strip())
    reason = rest[ids_match.end():].strip().lstrip(":-\u2013\u2014").strip()
    return InlineSuppression(line, ids, reason)


class CommentIndex:
    """Suppression comments of the files findings point at, read once per file.

    The lines of a file are kept only when it has a suppression comment (most files have
    none: a scan of thousands of files keeps next to nothing)."""

    def __init__(self, root: str):
        self.root = root
        self._files: dict[str, tuple[list[str], dict[int, InlineSuppression]]] = {}
        self._reading: threading.Thread | None = None
        self._stop = threading.Event()

    def read_ahead(self, files: Iterable[str]) -> None:
        """Read these files' comments in a thread of their own while the caller goes on:
        a scan starts it when its analyses end, so that the thousands of small reads (the
        waits on the system, which let the interpreter run the caller) overlap the rules
        instead of following them. The first `has_comments` or `lookup` stops it after the
        file it is reading (a scan with few findings needs few files) and waits for that;
        a file it did not read is read when asked for. Start it only where no process is
        forked until it ends (a forked child would not get the thread)."""
        names = list(files)
        self._reading = threading.Thread(target=self._read_all, args=(names,),
                                         name="faasguard-comments", daemon=True)
        self._reading.start()

    def _read_all(self, files: list[str]) -> None:
        for file in files:
            if self._stop.is_set():
                return
            if file not in self._files:
                self._read(file)

    def _ready(self) -> None:
        if self._reading is not None:
            self._stop.set()
            self._reading.join()
            self._reading = None

    def _read(self, file: str) -> tuple[list[str], dict[int, InlineSuppression]]:
        cached = self._files.get(file)
        if cached is not None:
            return cached
        lines: list[str] = []
        try:
            raw = read_head(os.path.join(self.root, file), MAX_COMMENT_FILE_BYTES)
            # no marker, no line to keep: most files are never decoded nor split
            if b"faasguard" in raw and b"\x00" not in raw[:8192]:
                lines = raw.decode("utf-8", "replace").splitlines()
        except OSError:
            pass
        marks: dict[int, InlineSuppression] = {}
        for number, text in enumerate(lines, 1):
            if "faasguard" in text:
                found = parse_comment(text, number)
                if found is not None:
                    marks[number] = found
        if not marks:
            lines = []  # nothing can be suppressed here: `lookup` needs no line of it
        self._files[file] = (lines, marks)
        return lines, marks

    def has_comments(self, file: str) -> bool:
        """Does `file` hold a suppression comment?"""
        self._ready()
        return bool((self._files.get(file) or self._read(file))[1])

    def marks(self, file: str) -> list[InlineSuppression]:
        """The suppression comments of `file`, first line first (as `_read` found them)."""
        self._ready()
        return list(self._read(file)[1].values())

    def lookup(self, file: str, line: int, rule_id: str) -> InlineSuppression | None:
        """The comment suppressing `rule_id` at `file:line`: on that line, or on the
        comment-only lines right above it."""
        self._ready()
        lines, marks = self._files.get(file) or self._read(file)
        if not marks:  # most files: no comment at all
            return None
        candidate = line
        while candidate >= 1:
            mark = marks.get(candidate)
            if mark is not None and rule_id in mark.rule_ids:
                return mark
            candidate -= 1
            if candidate < 1 or candidate > len(lines) or not _COMMENT_ONLY.match(
                    lines[candidate - 1]):
                break
        return None


def mark(finding: Finding, reason: str, kind: str, source: str) -> None:
    """Mark a finding suppressed (kind: SARIF's "inSource" or "external")."""
    finding.suppressed = reason
    finding.properties["suppression"] = {"kind": kind, "source": source}


def apply_suppressions(findings: Iterable[Finding], root: str,
                       ignores: Iterable[IgnoreEntry] = (),
                       baseline: frozenset[str] | set[str] = frozenset(),
                       comments: CommentIndex | None = None) -> list[Diagnostic]:
    """Mark the findings suppressed by a comment, a config `ignore` entry or the baseline.
    `comments`: the files' comments, perhaps being read ahead (default: read here).

    Returns warnings about suppression comments that give no reason (one per comment).
    """
    comments = comments if comments is not None else CommentIndex(root)
    ignore_list = list(ignores)
    found = findings if isinstance(findings, list) else list(findings)
    # the files with a suppression comment, each read once; most scans have none, and no
    # ignore entry nor baseline either: then no finding needs a look
    marked = {file for file in {f.location.file for f in found} if comments.has_comments(file)}
    if not marked and not ignore_list and not baseline:
        return []
    warned: set[tuple[str, int]] = set()
    problems: list[Diagnostic] = [problem for file in sorted(marked)
                                  for problem in _unknown_ids(file, comments.marks(file))]
    for finding in found:
        if finding.suppressed is not None:
            continue
        where = finding.location
        inline = comments.lookup(where.file, where.line, finding.rule_id) \
            if where.file in marked else None
        if inline is not None:
            mark(finding, inline.reason or NO_REASON, "inSource", "comment")
            if not inline.reason and (where.file, inline.line) not in warned:
                warned.add((where.file, inline.line))
                problems.append(Diagnostic(
                    where.file, f"suppression of {', '.join(inline.rule_ids)} gives no reason; "
                                "add one after the rule id", inline.line, "warning",
                    "suppression"))
            continue
        entry = next((e for e in ignore_list
                      if e.matches(finding.rule_id, where.file, finding.threat)),
                     None) if ignore_list else None
        if entry is not None:
            mark(finding, entry.reason, "external", "config")
            continue
        if baseline and finding.fingerprint in baseline:  # a fingerprint is a hash: only if asked
            mark(finding, "baseline", "external", "baseline")
    return problems


def _unknown_ids(file: str, marks: list[InlineSuppression]) -> Iterator[Diagnostic]:
    """A warning for each suppression comment that names no rule id, or an id no rule has
    (a typo, lower case): it suppresses nothing, and nothing else would say so (the
    configuration's unknown ids stop the scan)."""
    from faasguard.findings import RULES
    from faasguard.loaders import did_you_mean

    for mark in marks:
        if not mark.rule_ids:
            yield Diagnostic(file, "suppression comment names no rule id (FG-XXX-NNN, in "
                             "capitals): it suppresses nothing", mark.line, "warning",
                             "suppression")
            continue
        for rule_id in mark.rule_ids:
            if rule_id not in RULES:
                yield Diagnostic(file, f"suppression names '{rule_id}', which is no rule id: "
                                 f"it suppresses nothing{did_you_mean(rule_id, RULES)}",
                                 mark.line, "warning", "suppression")


def unused_ignores(findings: Iterable[Finding], config: Config,
                   root: str) -> list[Diagnostic]:
    """A warning (code `config`) for each `ignore` entry of the configuration file that
    matches no finding of this scan: a mistyped or moved path, or a finding since fixed,
    would otherwise stay in the file unnoticed. An entry is left alone when the scan
    cannot judge it: its rule (or every rule of its threat) did not run, or the file is
    above the scanned folder and the entry's path is outside it (`IgnoreEntry.covered`).
    A finding another suppression already marked counts as matched."""
    from faasguard.findings import RULES

    if not config.ignore or config.source is None:
        return []
    ran = {rule_id for rule_id in RULES if config.rule_enabled(rule_id)}
    threats = {RULES[rule_id].meta.threat for rule_id in ran}
    entries: dict[int, list[IgnoreEntry]] = {}
    for entry in config.ignore:
        entries.setdefault(entry.index, []).append(entry)
    pending = [group for group in entries.values()
               if any(e.covered for e in group)
               and (group[0].rule == "*" or group[0].rule in ran or group[0].rule in threats)]
    for finding in findings:
        if not pending:
            break
        file = finding.location.file
        pending = [group for group in pending if not any(
            e.matches(finding.rule_id, file, finding.threat) for e in group)]
    where = os.path.relpath(config.source, root).replace(os.sep, "/")
    return [Diagnostic(where, f"ignore entry (rule {group[0].rule}, path '{group[0].path}') "
                              "matches no finding of this scan: it suppresses nothing (a path "
                              "mistyped or moved, or findings since fixed: correct or remove "
                              "it)", group[0].line, "warning", "config")
            for group in pending]
