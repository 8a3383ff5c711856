"""A local OSV advisory database: read it, and match package versions against it.

The database is what the user points `--osv-db` (Options.osv_db) at: a folder of OSV
JSON files (any depth) or a zip export of them, such as the per-ecosystem `all.zip`
archives the OSV project publishes (see docs/dependencies.md). Nothing is fetched: the
scanner never uses the network.

Matching follows the OSV schema: an advisory affects a package version when the version
is listed in `affected[].versions`, or falls in one of `affected[].ranges` (`ECOSYSTEM`
or `SEMVER` events: introduced / fixed / last_affected). Versions compare with PEP 440
(`packaging`) for PyPI and with semantic versioning for npm (`SemVer` below).
"""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any, Literal

from packaging.version import InvalidVersion, Version

from faasguard.filebytes import read_head
from faasguard.shapes import as_list, as_table

#: OSV ecosystem names faasguard reads, by the normalised name used in our index.
ECOSYSTEMS = {"pypi": "PyPI", "npm": "npm"}
MAX_ADVISORY_BYTES = 2 * 1024 * 1024
#: What reading a damaged archive member raises: a bad CRC or header, encryption, a
#: compression method zipfile lacks, a broken deflate stream, a member cut short.
_MEMBER_ERRORS = (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error,
                  EOFError, OSError)


class OsvError(Exception):
    """The advisory database cannot be read (the message says why)."""


@dataclass(frozen=True)
class Advisory:
    """One OSV advisory as it applies to one package."""

    id: str
    summary: str
    aliases: tuple[str, ...]
    severity: str | None  # database_specific.severity when given (CRITICAL, HIGH, ...)
    ranges: tuple[tuple[tuple[str, str], ...], ...]  # per range: ((event, version), ...)
    versions: frozenset[str]
    fixed: tuple[str, ...]


@dataclass
class OsvDatabase:
    """Advisories indexed by (ecosystem, normalised package name)."""

    source: str
    advisories: dict[tuple[str, str], list[Advisory]] = field(default_factory=dict)
    files_read: int = 0
    skipped: list[str] = field(default_factory=list)  # unreadable entries (name: why)
    #: Records read but not understood (not an object, no id, an 'affected' entry that is
    #: no mapping or names no package): their id, or file name when they have none.
    unshaped: list[str] = field(default_factory=list)
    #: (id, ecosystem) of the 'affected' entries of an ecosystem faasguard does not read,
    #: for a wanted package (any package when all are wanted).
    other_ecosystems: list[tuple[str, str]] = field(default_factory=list)

    def matches(self, ecosystem: str, name: str, version: str) -> list[Advisory]:
        """The advisories that affect `name` at `version` in `ecosystem` (pypi, npm)."""
        found = self.advisories.get((ecosystem, normalise(ecosystem, name)), [])
        return [a for a in found if affects(a, ecosystem, version)]

    def left_out(self) -> tuple[str, Literal["warning", "note"]] | None:
        """What of the database was not read, as one message (counting each kind and
        naming the first few), and its level: a warning when files or records could
        not be read, a note when only other ecosystems' entries were left out; None when
        everything was read."""
        parts = []
        if self.skipped:
            parts.append(f"{_count(len(self.skipped), 'file')} not read "
                         f"({_first(sorted(self.skipped))})")
        if self.unshaped:
            records = sorted(set(self.unshaped))
            parts.append(f"{_count(len(records), 'record')} wholly or in part, of another "
                         f"shape than the OSV schema's ({_first(records)})")
        if self.other_ecosystems:
            ecosystems = sorted({e for _id, e in self.other_ecosystems})
            ids = sorted({i for i, _e in self.other_ecosystems})
            parts.append(f"{_count(len(ids), 'record')} of an ecosystem faasguard does not "
                         f"read ({_first(ecosystems)}; it reads "
                         f"{' and '.join(ECOSYSTEMS.values())}): {_first(ids)}")
        if not parts:
            return None
        return (f"advisory database {self.source} read in part, left out: " + "; ".join(parts),
                "warning" if self.skipped or self.unshaped else "note")


#: How many files or ids a left-out message names before '... and N more'.
_NAMED = 3


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _first(items: list[str]) -> str:
    named = ", ".join(items[:_NAMED])
    return named if len(items) <= _NAMED else f"{named} and {len(items) - _NAMED} more"


def normalise(ecosystem: str, name: str) -> str:
    """A package name as the ecosystem compares it (PEP 503 for PyPI)."""
    if ecosystem == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name.lower()


def load_database(path: str, wanted: Iterable[tuple[str, str]] | None = None) -> OsvDatabase:
    """Read an OSV database folder or zip; only advisories of `wanted` packages are kept
    (all when None). Raises `OsvError` when the path itself cannot be read."""
    names = None if wanted is None else {normalise(e, n) for e, n in wanted}
    db = OsvDatabase(source=path)
    for entry, raw in _entries(path):
        if isinstance(raw, str):
            db.skipped.append(f"{entry}: {raw}")
            continue
        if names is not None and not _mentions(raw, names):
            continue
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            db.skipped.append(f"{entry}: not JSON")
            continue
        db.files_read += 1
        for key, advisory in _advisories(data, entry, names, db):
            if names is None or key[1] in names:
                db.advisories.setdefault(key, []).append(advisory)
    return db


def _entries(path: str) -> Iterator[tuple[str, bytes | str]]:
    """Each JSON file's name and content, or why it is not read (a file that cannot be,
    a FIFO or device, a damaged or encrypted zip member, one over the size limit: a zip
    member is read up to the limit only, whatever size its header claims)."""
    if os.path.isdir(path):
        for dirpath, _dirs, files in os.walk(path):
            for name in sorted(files):
                if name.endswith(".json"):
                    full = os.path.join(dirpath, name)
                    try:
                        raw = read_head(full, MAX_ADVISORY_BYTES + 1)
                    except OSError as exc:
                        yield os.path.relpath(full, path), \
                            f"cannot be read: {exc.strerror or exc}"
                        continue
                    yield os.path.relpath(full, path), _within_limit(raw)
        return
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise OsvError(f"advisory database {path}: not a folder or a zip file ({exc})") \
            from None
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".json"):
                continue
            if info.file_size > MAX_ADVISORY_BYTES:  # its header says so: never inflated
                yield info.filename, _TOO_LARGE
                continue
            try:
                with archive.open(info) as member:
                    raw = member.read(MAX_ADVISORY_BYTES + 1)
            except _MEMBER_ERRORS as exc:
                yield info.filename, f"cannot be read from the archive ({exc})"
                continue
            yield info.filename, _within_limit(raw)


_TOO_LARGE = "larger than the 2 MiB limit"


def _within_limit(raw: bytes) -> bytes | str:
    return raw if len(raw) <= MAX_ADVISORY_BYTES else _TOO_LARGE


_NAME_FIELD = re.compile(rb'"name"\s*:\s*"([^"\\]{1,214})"')


def _mentions(raw: bytes, names: set[str]) -> bool:
    """A cheap prefilter: does the file name one of the wanted packages? (one regex pass
    over the raw bytes; only files that do are parsed as JSON)."""
    for match in _NAME_FIELD.finditer(raw):
        found = match.group(1).decode("utf-8", "replace")
        if normalise("pypi", found) in names or found.lower() in names:
            return True
    return False


def _advisories(data: Any, entry: str, names: set[str] | None,
                db: OsvDatabase) -> Iterator[tuple[tuple[str, str], Advisory]]:
    """The (ecosystem, package) advisories of one OSV record (read from file `entry`); a
    part of another shape than the schema's (a list where a mapping belongs, ...) is left
    out, not the rest. `db` counts what is left out: a record or an 'affected' entry it
    cannot read, an entry of another ecosystem naming one of `names` (None: any)."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        db.unshaped.append(entry)
        return
    severity = as_table(data.get("database_specific")).get("severity")
    if not isinstance(data.get("affected", []), list):
        db.unshaped.append(data["id"])
    for affected in as_list(data.get("affected")):
        if not isinstance(affected, dict) or "package" not in affected:
            if not isinstance(affected, dict):  # none names no package: nothing to match
                db.unshaped.append(data["id"])
            continue
        package = as_table(affected["package"])
        ecosystem = str(package.get("ecosystem", "")).lower()
        name = package.get("name")
        if not isinstance(name, str) or not ecosystem:
            db.unshaped.append(data["id"])
            continue
        if ecosystem not in ECOSYSTEMS:
            if names is None or name.lower() in names or normalise("pypi", name) in names:
                db.other_ecosystems.append((data["id"], str(package["ecosystem"])))
            continue
        if not _schema_shaped(affected):
            db.unshaped.append(data["id"])
        ranges = tuple(tuple((k, str(v)) for event in as_list(r.get("events"))
                             for k, v in as_table(event).items())
                       for r in as_list(affected.get("ranges"))
                       if isinstance(r, dict) and r.get("type") in ("ECOSYSTEM", "SEMVER"))
        fixed = tuple(v for r in ranges for k, v in r if k == "fixed")
        yield (ecosystem, normalise(ecosystem, name)), Advisory(
            id=data["id"], summary=str(data.get("summary") or data.get("details") or "")[:200],
            aliases=tuple(str(a) for a in as_list(data.get("aliases"))),
            severity=str(severity).upper() if isinstance(severity, str) else None,
            ranges=ranges, versions=frozenset(str(v) for v in as_list(affected.get("versions"))),
            fixed=fixed)


def _schema_shaped(affected: dict[str, Any]) -> bool:
    """Are an 'affected' entry's versions and ranges of the schema's shape (lists of
    versions, of range objects, of event objects)?"""
    ranges = affected.get("ranges", [])
    return (isinstance(affected.get("versions", []), list) and isinstance(ranges, list)
            and all(isinstance(r, dict) and isinstance(r.get("events", []), list)
                    and all(isinstance(e, dict) for e in r.get("events", []))
                    for r in ranges))


def affects(advisory: Advisory, ecosystem: str, version: str) -> bool:
    """Is `version` affected by the advisory (listed, or inside one of its ranges)?"""
    if version in advisory.versions:
        return True
    current = parse_version(ecosystem, version)
    if current is None:
        return False
    return any(_in_range(events, ecosystem, current) for events in advisory.ranges)


def _in_range(events: tuple[tuple[str, str], ...], ecosystem: str, current: Any) -> bool:
    """OSV range evaluation: sorted events; introduced opens, fixed/last_affected close."""
    affected = False
    for kind, raw in sorted(events, key=lambda e: _sort_key(ecosystem, e)):
        if kind == "introduced":
            bound = parse_version(ecosystem, raw) if raw != "0" else None
            if raw == "0" or (bound is not None and current >= bound):
                affected = True
        elif kind == "fixed":
            bound = parse_version(ecosystem, raw)
            if bound is not None and current >= bound:
                affected = False
        elif kind == "last_affected":
            bound = parse_version(ecosystem, raw)
            if bound is not None and current > bound:
                affected = False
    return affected


def _sort_key(ecosystem: str, event: tuple[str, str]) -> tuple[int, Any]:
    kind, raw = event
    if kind == "introduced" and raw == "0":
        return (0, "")
    parsed = parse_version(ecosystem, raw)
    return (1, parsed) if parsed is not None else (2, raw)


def parse_version(ecosystem: str, text: str) -> Any:
    """A comparable version (PEP 440 for PyPI, SemVer for npm); None if unparseable."""
    if ecosystem == "pypi":
        try:
            return Version(text)
        except InvalidVersion:
            return None
    return SemVer.parse(text)


_SEMVER = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


@total_ordering
@dataclass(frozen=True)
class SemVer:
    """A semantic version (semver.org 2.0.0 precedence; build metadata ignored)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> SemVer | None:
        """`1.2.3`, `v1.2.3-beta.1`, `1.2` (missing parts are 0); None otherwise."""
        match = _SEMVER.match(text.strip())
        if match is None:
            return None
        pre = tuple(int(p) if p.isdigit() else p for p in (match.group(4) or "").split(".")
                    if p)
        return cls(int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0),
                   pre)

    def _key(self) -> tuple[Any, ...]:
        # a release sorts after its prereleases; numeric identifiers before alphanumeric
        pre = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SemVer):
            return NotImplemented
        return self._key() < other._key()
