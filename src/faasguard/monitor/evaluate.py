"""Scoring alerts against a ground truth (the generator's ``ground-truth.json``).

An alert is a true positive when it overlaps, in time and entity, a planted attack its
detector is meant to catch (`DETECTS`): the time windows overlap (with `slack` on
either side, since alerts cover whole windows) and the alert's entity (or function) is
one of the attack's entities (client IPs, principal, route, function, paths). Precision
is the share of alerts that are true positives; recall the share of planted attacks
found by at least one alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from faasguard.monitor.alerts import Alert

#: attack kind (generator) -> detector ids that catch it.
DETECTS: dict[str, frozenset[str]] = {
    "dow-blast": frozenset({"FGM-WALLET-001", "FGM-WALLET-002", "FGM-WALLET-003",
                            "FGM-WALLET-005", "FGM-OPS-001"}),
    "dow-leech": frozenset({"FGM-WALLET-004", "FGM-WALLET-005"}),
    "auth-failure-burst": frozenset({"FGM-AUTH-001"}),
    "credential-stuffing": frozenset({"FGM-AUTH-002", "FGM-AUTH-001"}),
    "injection-scan": frozenset({"FGM-INJ-001"}),
    "access-denied-probing": frozenset({"FGM-IAM-001", "FGM-IAM-002"}),
    "shadow-route": frozenset({"FGM-SHADOW-001"}),
    "privilege-change": frozenset({"FGM-IAM-003"}),
    "console-login-no-mfa": frozenset({"FGM-IAM-004"}),
    "root-activity": frozenset({"FGM-IAM-005"}),
}


@dataclass
class Score:
    """Precision, recall and what did not match."""

    alerts: int
    attacks: int
    true_alerts: int
    found: int
    false_alerts: list[Alert] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of alerts that match a planted attack (1.0 when there are no alerts)."""
        return self.true_alerts / self.alerts if self.alerts else 1.0

    @property
    def recall(self) -> float:
        """Share of planted attacks found (1.0 when none were planted)."""
        return self.found / self.attacks if self.attacks else 1.0


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _values(entity: Any) -> set[str]:
    if isinstance(entity, Mapping):
        return set().union(*(_values(v) for v in entity.values())) if entity else set()
    if isinstance(entity, (list, tuple)):
        return set().union(*(_values(v) for v in entity)) if entity else set()
    return {str(entity)} if entity is not None else set()


def matches(alert: Alert, attack: Mapping[str, Any], slack: timedelta) -> bool:
    """Does `alert` report `attack`?"""
    if alert.detector not in DETECTS.get(str(attack.get("kind")), frozenset()):
        return False
    start, end = _parse(attack["start"]) - slack, _parse(attack["end"]) + slack
    if alert.end < start or alert.start > end:
        return False
    if alert.entity_kind == "account":
        return True
    names = _values(attack.get("entity"))
    route = alert.entity.split(" ", 1)
    return alert.entity in names or (alert.function in names if alert.function else False) \
        or (len(route) == 2 and any(route[1] == n or n.endswith(" " + route[1])
                                    for n in names))


def score(alerts: Iterable[Alert], attacks: Iterable[Mapping[str, Any]],
          slack: timedelta = timedelta(minutes=10)) -> Score:
    """Score `alerts` against the planted `attacks`."""
    alerts, attacks = list(alerts), list(attacks)
    result = Score(alerts=len(alerts), attacks=len(attacks), true_alerts=0, found=0)
    for alert in alerts:
        if any(matches(alert, a, slack) for a in attacks):
            result.true_alerts += 1
        else:
            result.false_alerts.append(alert)
    for attack in attacks:
        if any(matches(a, attack, slack) for a in alerts):
            result.found += 1
        else:
            result.missed.append(dict(attack))
    return result
