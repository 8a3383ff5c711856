"""The baseline: fingerprints of accepted findings, so only new ones fail a build.

`faasguard scan --write-baseline FILE` writes it; `--baseline FILE` marks the findings it
lists as suppressed ("baseline"). The file is versioned JSON, sorted and free of
timestamps, so it diffs cleanly in review::

    {"version": "1", "tool": "faasguard",
     "findings": [{"fingerprint": "...", "rule": "FG-AUTH-001", "file": "template.yaml",
                   "subject": "function-url:Api"}]}

Fingerprints (`Finding.fingerprint`) depend on rule id, file and subject, not on lines.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable

from faasguard.filebytes import NOT_REGULAR, read_head
from faasguard.findings import Finding

BASELINE_VERSION = "1"
#: A baseline's size limit: about 150 bytes a fingerprint, so over a million findings.
MAX_BASELINE_BYTES = 256 * 1024 * 1024
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")


class BaselineError(Exception):
    """A baseline file that cannot be used; the message says which and why."""


def render_baseline(findings: Iterable[Finding]) -> str:
    """The baseline document for these findings (those suppressed inline or by the config
    are left out: they are accepted already, where a reader can see why)."""
    entries = {
        f.fingerprint: {"fingerprint": f.fingerprint, "rule": f.rule_id,
                        "file": f.location.file, "subject": f.subject}
        for f in findings
        if f.suppressed is None or f.properties.get("suppression", {}).get("source") == "baseline"
    }
    ordered = sorted(entries.values(), key=lambda e: (e["file"], e["rule"], e["subject"],
                                                      e["fingerprint"]))
    document = {"version": BASELINE_VERSION, "tool": "faasguard", "findings": ordered}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: str, findings: Iterable[Finding]) -> int:
    """Write the baseline file; returns how many fingerprints it holds.

    A FIFO is opened without waiting for a reader: one that no process reads is refused
    at once (it would wait for ever), one that is read (`/dev/stdout` into a pipe) is
    written.
    """
    text = render_baseline(findings)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o666)
        os.set_blocking(fd, True)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if _not_regular(path):
            reason = f"{NOT_REGULAR} that no process reads"
        raise BaselineError(f"{path}: cannot be written: {reason}") from None
    return len(json.loads(text)["findings"])


def _not_regular(path: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_baseline(path: str) -> frozenset[str]:
    """The fingerprints a baseline file lists; BaselineError when it is not one.

    Read as the scan's inputs are (filebytes.read_head): a FIFO is read as the pipe it is
    (`--baseline <(...)`), and one no process writes to reads empty and is refused with a
    message rather than waited on for ever.
    """
    try:
        raw = read_head(path, MAX_BASELINE_BYTES + 1)
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found "
                            "(create it with --write-baseline)") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a name no file has: a NUL or a lone surrogate in it
        raise BaselineError(f"{path}: cannot be read: {exc}") from None
    if len(raw) > MAX_BASELINE_BYTES:
        raise BaselineError(f"{path}: not a baseline file (larger than "
                            f"{MAX_BASELINE_BYTES // (1024 * 1024)} MiB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: not a baseline file (not UTF-8 text)") from None
    if not text.strip():
        what = NOT_REGULAR if _not_regular(path) else "an empty file"
        raise BaselineError(f"{path}: not a baseline file ({what}; nothing was read)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: not a baseline file (invalid JSON: "
                            f"{exc.msg})") from None
    if not isinstance(document, dict) or "findings" not in document:
        raise BaselineError(f"{path}: not a faasguard baseline (no 'findings' list)")
    if str(document.get("version")) != BASELINE_VERSION:
        raise BaselineError(f"{path}: unsupported baseline version "
                            f"{document.get('version')!r} (this faasguard reads "
                            f"{BASELINE_VERSION})")
    entries = document["findings"]
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    fingerprints: set[str] = set()
    for index, entry in enumerate(entries):
        value = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not _FINGERPRINT.match(value):
            raise BaselineError(f"{path}: findings[{index}] has no valid 'fingerprint' "
                                "(32 hex digits)")
        fingerprints.add(value)
    return frozenset(fingerprints)
