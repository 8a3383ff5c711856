"""The monitor's configuration file (``faasguard monitor analyze --config FILE`` and the
real-time handler's ``FAASGUARD_MONITOR_CONFIG``).

YAML or JSON; the keys may also sit under a top-level ``monitor:`` key::

    budget: 25                        # USD per day (FGM-WALLET-005)
    read:                             # the readers' options (faasguard.monitor.read)
      apigw-fields: {client_ip: [sourceIp]}
    detectors:                        # per detector id: parameters, or enabled: false
      FGM-WALLET-001: {factor: 8, min_count: 1000}
      FGM-IAM-002: {enabled: false}
    routes: ["GET /orders/{id}", "POST /orders"]   # the inventory for FGM-SHADOW-001
    sns-topic-arn: arn:aws:sns:us-east-1:123456789012:security-alerts   # handler only
    state: {window-s: 3600, max-events: 100000}                         # handler only

An unknown key or a bad value is a `ConfigError` naming it. Only PyYAML and the standard
library are used, so the Lambda handler can read it without the scanner.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faasguard.monitor.detectors import Settings
from faasguard.monitor.detectors.shadow import Inventory

KEYS = ("budget", "read", "detectors", "routes", "sns_topic_arn", "state", "namespace")
STATE_KEYS = ("window_s", "max_events", "max_alert_keys")


class ConfigError(ValueError):
    """A configuration problem, with the file and key in its message."""


@dataclass
class MonitorConfig:
    """The validated configuration."""

    budget: float | None = None
    read: dict[str, Any] = field(default_factory=dict)
    detectors: dict[str, Any] = field(default_factory=dict)
    routes: list[str] = field(default_factory=list)
    sns_topic_arn: str | None = None
    state: dict[str, int] = field(default_factory=dict)
    namespace: str = "faasguard/monitor"
    source: str | None = None

    def settings(self, budget: float | None = None) -> Settings:
        """The detector settings (`budget` overrides the file's)."""
        return Settings.from_mapping(self.detectors, budget if budget is not None
                                     else self.budget)

    def inventory(self) -> Inventory | None:
        """The inventory of ``routes``, or None when none are listed."""
        return Inventory.parse(self.routes) if self.routes else None


def parse(data: Any, where: str = "config") -> MonitorConfig:
    """Validate a decoded document; a ConfigError names the bad key."""
    if data is None:
        return MonitorConfig(source=where)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: the monitor configuration must be a mapping")
    if "monitor" in data:
        data = data["monitor"]
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}: monitor must be a mapping")
    config = MonitorConfig(source=where)
    for raw_key, value in data.items():
        key = str(raw_key).replace("-", "_")
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {raw_key!r} "
                              f"(known: {', '.join(k.replace('_', '-') for k in KEYS)})")
        try:
            _set(config, key, value)
        except ValueError as exc:
            raise ConfigError(f"{where}: {raw_key}: {exc}") from None
    return config


def _set(config: MonitorConfig, key: str, value: Any) -> None:
    if key == "budget":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not 0 < value < math.inf:  # NaN (.nan) and infinity (.inf, 1e999) too
            raise ValueError(f"expected a positive number of USD per day, got {value!r}")
        config.budget = float(value)
    elif key in ("read", "detectors"):
        if not isinstance(value, Mapping):
            raise ValueError("expected a mapping")
        setattr(config, key, dict(value))
        if key == "detectors":
            Settings.from_mapping(config.detectors)
        else:
            from faasguard.monitor.readers.base import ReadConfig

            ReadConfig.from_mapping(config.read)
    elif key == "routes":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of 'METHOD /path' strings")
        Inventory.parse(value)
        config.routes = list(value)
    elif key in ("sns_topic_arn", "namespace"):
        if not isinstance(value, str) or not value:
            raise ValueError("expected a non-empty string")
        setattr(config, key, value)
    else:  # state
        if not isinstance(value, Mapping):
            raise ValueError("expected a mapping")
        for raw, number in value.items():
            name = str(raw).replace("-", "_")
            if name not in STATE_KEYS:
                raise ValueError(f"unknown key {raw!r} (known: {', '.join(STATE_KEYS)})")
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                raise ValueError(f"{raw} must be a whole number of 1 or more")
            config.state[name] = number


def load(path: str) -> MonitorConfig:
    """Read and validate a YAML or JSON configuration file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(1 << 20)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8 text") from None
    import yaml

    try:
        if path.endswith(".json"):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{at}: not valid YAML/JSON: "
                          f"{getattr(exc, 'problem', None) or exc}") from None
    return parse(data, path)
