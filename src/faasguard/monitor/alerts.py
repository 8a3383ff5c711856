"""Alerts: what a monitor detector reports.

An `Alert` names its detector (`FGM-<AREA>-NNN`), the threat of the shared taxonomy
(`faasguard.findings.THREATS`: the same words the scanner and the runtime guard use), a
severity, the time window it covers, the entity it is about (a function, a route, a
client IP, a principal), evidence counts and a few sample lines (``file:line`` of the
raw log lines) so a reader can go and look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from faasguard.monitor.events import iso_z

SEVERITIES = ("critical", "high", "medium", "low", "info")
_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}


@dataclass
class Alert:
    """One detection.

    `entity_kind` says what `entity` is: function, route, client, principal, account.
    `counts` holds the evidence figures (requests, failures, baseline...), `samples` up
    to a few ``file:line`` references of raw lines behind the alert.
    """

    detector: str
    title: str
    threat: str
    severity: str
    start: datetime
    end: datetime
    entity_kind: str
    entity: str
    message: str
    counts: dict[str, float] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    function: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        """Most severe first, then by time, detector and entity."""
        return (-_RANK.get(self.severity, 0), self.start, self.detector, self.entity)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 UTC with ``Z``)."""
        out: dict[str, Any] = {
            "detector": self.detector, "title": self.title, "threat": self.threat,
            "severity": self.severity, "start": iso_z(self.start), "end": iso_z(self.end),
            "entity_kind": self.entity_kind, "entity": self.entity, "message": self.message,
            "counts": {k: _number(v) for k, v in self.counts.items()},
            "samples": list(self.samples),
        }
        if self.function:
            out["function"] = self.function
        return out


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def sort_alerts(alerts: list[Alert]) -> list[Alert]:
    """`alerts` in report order (severity, then time)."""
    return sorted(alerts, key=Alert.sort_key)
