"""Small helpers rules share (pure functions of model values)."""

from __future__ import annotations

from collections.abc import Mapping

from faasguard.model import App, Unknown, Value


def as_str(value: Value) -> str | None:
    """The value as a plain string, or None when it is not a known string."""
    return value if isinstance(value, str) else None


def is_known(value: Value) -> bool:
    """False for Unknown values (and None)."""
    return value is not None and not isinstance(value, Unknown)


def remediation_for(app: App, file: str, snippets: Mapping[str, str]) -> str:
    """The snippet of `snippets` in the format of `file` (the preference the scan applies
    to a rule's documented remediation), else the first one.

    For a per-finding remediation (`make_finding(..., remediation=...)`), which the scan
    leaves as it is.
    """
    from faasguard.scan import REMEDIATION_KEYS  # the scan imports the rules

    fmt = next((f.format for f in app.files if f.path == file), "")
    for key in REMEDIATION_KEYS.get(fmt, ()):
        if key in snippets:
            return snippets[key]
    return next(iter(snippets.values()), "")
