"""The monitor's detectors, one module per family, and their registry.

Every detector is a `faasguard.monitor.detectors.base.Detector`: documented thresholds
(its description), configurable parameters (`Settings`), one SQL query run by the
DuckDB or the Spark engine, and a step that turns rows into alerts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faasguard.monitor.detectors import auth, cloudtrail, cost, errors, floods, injection, shadow
from faasguard.monitor.detectors.base import Detector

DETECTORS: tuple[Detector, ...] = (*floods.DETECTORS, *cost.DETECTORS, *auth.DETECTORS,
                                   *injection.DETECTORS, *shadow.DETECTORS,
                                   *cloudtrail.DETECTORS, *errors.DETECTORS)
BY_ID: dict[str, Detector] = {d.id: d for d in DETECTORS}


@dataclass
class Settings:
    """Which detectors run and with what parameters.

    `overrides` maps a detector id to parameter overrides (``enabled: false`` turns it
    off). Build from the config's ``detectors`` mapping with `Settings.from_mapping`.
    """

    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    budget_usd_per_day: float | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None,
                     budget_usd_per_day: float | None = None) -> Settings:
        """Validate ``{detector id: {param: value}}``; a ValueError names what is wrong."""
        overrides: dict[str, dict[str, Any]] = {}
        for key, value in (data or {}).items():
            if key not in BY_ID:
                raise ValueError(f"detectors: unknown detector {key!r} "
                                 f"(known: {', '.join(sorted(BY_ID))})")
            if not isinstance(value, Mapping):
                raise ValueError(f"detectors: {key} must be a mapping of parameters")
            BY_ID[key].params(value)  # validates
            enabled = value.get("enabled", True)
            if not isinstance(enabled, bool):
                raise ValueError(f"detectors: {key}.enabled must be true or false")
            overrides[key] = dict(value)
        return cls(overrides, budget_usd_per_day)

    def enabled(self) -> list[Detector]:
        """The detectors that run, in registry order."""
        return [d for d in DETECTORS if self.overrides.get(d.id, {}).get("enabled", True)]

    def params(self, detector: Detector) -> dict[str, Any]:
        """`detector`'s parameters with the overrides applied."""
        return detector.params(self.overrides.get(detector.id))
