"""Real-time mode: a Lambda entry point for a CloudWatch Logs subscription filter.

Deploy `faasguard.monitor.handler.handler` as a function subscribed to the log groups
to watch (Lambda functions, API Gateway access logs, a CloudTrail log group). Each
invocation receives one subscription payload (``{"awslogs": {"data": base64 gzip}}``),
decodes it with the monitor's readers, appends the events to a bounded in-memory DuckDB
table (the last ``window_s`` seconds, at most ``max_events`` rows: the state survives
between warm invocations and can never grow past the caps), and runs the same detectors
as ``faasguard monitor analyze``. Each new alert is written as one structured JSON log
line (``"type": "faasguard.monitor.alert"``) carrying a CloudWatch Embedded Metric Format
block (metric ``alerts`` by detector and severity), and, when a topic is configured,
published to SNS.

Configuration (environment variables, or the file named by ``FAASGUARD_MONITOR_CONFIG``,
see `faasguard.monitor.config`):

- ``FAASGUARD_MONITOR_CONFIG``: a monitor config file packaged with the function;
- ``FAASGUARD_MONITOR_SNS_TOPIC``: an SNS topic ARN for alerts (or ``sns-topic-arn``);
- ``FAASGUARD_MONITOR_BUDGET``: the daily budget in USD (or ``budget``);
- ``FAASGUARD_MONITOR_WINDOW_S`` / ``FAASGUARD_MONITOR_MAX_EVENTS``: the state caps
  (or ``state: {window-s, max-events}``; defaults 3600 s and 200000 events).

Detectors that need more history than the window (the slow leech, role baselines) only
see what the window holds: run ``faasguard monitor analyze`` on the archived logs for
those. Nothing here imports the scanner; duckdb and boto3 are imported on first use.
"""

from __future__ import annotations

import json
import os
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from faasguard.monitor.alerts import Alert
from faasguard.monitor.config import MonitorConfig
from faasguard.monitor.config import load as load_config

DEFAULT_WINDOW_S = 3600
DEFAULT_MAX_EVENTS = 200_000
DEFAULT_MAX_ALERT_KEYS = 10_000
ALERT_TYPE = "faasguard.monitor.alert"


@dataclass
class Limits:
    """The caps of the in-memory state."""

    window_s: int = DEFAULT_WINDOW_S
    max_events: int = DEFAULT_MAX_EVENTS
    max_alert_keys: int = DEFAULT_MAX_ALERT_KEYS


class Monitor:
    """The detectors over a bounded, rolling window of events (one per warm container).

    Parameters
    ----------
    config: the monitor configuration.
    limits: the state caps.
    write: where alert lines go (default: stdout, the function's log).
    sns: an SNS client (default: boto3's, created when a topic is configured).
    """

    def __init__(self, config: MonitorConfig | None = None, limits: Limits | None = None,
                 write: Callable[[str], Any] | None = None, sns: Any = None) -> None:
        from faasguard.monitor.detectors.cost import Prices
        from faasguard.monitor.engine.duckdb import DuckDBEngine
        from faasguard.monitor.readers.base import ReadConfig

        self.config = config or MonitorConfig()
        self.limits = limits or Limits()
        self.settings = self.config.settings()
        self.inventory = self.config.inventory()
        self.read_config = ReadConfig.from_mapping(self.config.read)
        self.engine = DuckDBEngine(threads=1)
        self.prices = Prices.load()
        self.write = write or (lambda line: sys.stdout.write(line + "\n"))
        self._sns = sns
        self._seen: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self.malformed = 0

    def process(self, payload: Any, source: str = "subscription") -> list[Alert]:
        """Take one subscription payload; emit and return the alerts that are new."""
        from faasguard.monitor.engine import run_detectors
        from faasguard.monitor.engine.table import record_batches
        from faasguard.monitor.events import Event
        from faasguard.monitor.readers.base import Context
        from faasguard.monitor.readers.dispatch import events_from_value

        events: list[Event] = []
        for item in events_from_value(payload, Context(source, 1, self.read_config)):
            if isinstance(item, Event):
                events.append(item)
            else:
                self.malformed += 1
        if not events:
            return []
        self.engine.load(record_batches(events, self.inventory, first_seq=self.engine.rows))
        self._trim()
        analysis = run_detectors(self.engine, self.settings, self.prices)
        fresh = [a for a in analysis.alerts if self._is_new(a)]
        for alert in fresh:
            self._emit(alert)
        return fresh

    def rows(self) -> int:
        """How many events the state holds."""
        return int(self.engine.query("SELECT count(*) AS n FROM events")[0]["n"])

    def _trim(self) -> None:
        newest = self.engine.query("SELECT max(time) AS t FROM events")[0]["t"]
        if newest is None:
            return
        cutoff = newest - timedelta(seconds=self.limits.window_s)
        self.engine.connection.execute("DELETE FROM events WHERE time < ?", [cutoff])
        excess = self.rows() - self.limits.max_events
        if excess > 0:  # keep the newest max_events rows
            self.engine.connection.execute(
                "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events "
                "ORDER BY time LIMIT ?)", [excess])

    def _is_new(self, alert: Alert) -> bool:
        key = (alert.detector, alert.entity, alert.start.isoformat())
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > self.limits.max_alert_keys:
            self._seen.popitem(last=False)
        return True

    def _emit(self, alert: Alert) -> None:
        record = {"type": ALERT_TYPE, **alert.to_dict(), **_emf(alert, self.config.namespace)}
        self.write(json.dumps(record, separators=(",", ":"), default=str))
        if self.config.sns_topic_arn:
            if self._sns is None:
                import boto3

                self._sns = boto3.client("sns")
            self._sns.publish(
                TopicArn=self.config.sns_topic_arn,
                Subject=f"[{alert.severity}] {alert.detector} {alert.title}"[:100],
                Message=json.dumps(alert.to_dict(), indent=2),
                MessageAttributes={
                    "severity": {"DataType": "String", "StringValue": alert.severity},
                    "detector": {"DataType": "String", "StringValue": alert.detector}})


def _emf(alert: Alert, namespace: str) -> dict[str, Any]:
    return {
        "_aws": {"Timestamp": int(datetime.now().timestamp() * 1000),
                 "CloudWatchMetrics": [{"Namespace": namespace,
                                        "Dimensions": [["detector", "severity"]],
                                        "Metrics": [{"Name": "alerts", "Unit": "Count"}]}]},
        "alerts": 1,
    }


def config_from_env(environ: dict[str, str] | None = None) -> tuple[MonitorConfig, Limits]:
    """The configuration and caps from the environment (and the file it names)."""
    env = os.environ if environ is None else environ
    path = env.get("FAASGUARD_MONITOR_CONFIG")
    config = load_config(path) if path else MonitorConfig()
    if env.get("FAASGUARD_MONITOR_SNS_TOPIC"):
        config.sns_topic_arn = env["FAASGUARD_MONITOR_SNS_TOPIC"]
    if env.get("FAASGUARD_MONITOR_BUDGET"):
        config.budget = float(env["FAASGUARD_MONITOR_BUDGET"])
    limits = Limits(
        window_s=int(env.get("FAASGUARD_MONITOR_WINDOW_S")
                     or config.state.get("window_s", DEFAULT_WINDOW_S)),
        max_events=int(env.get("FAASGUARD_MONITOR_MAX_EVENTS")
                       or config.state.get("max_events", DEFAULT_MAX_EVENTS)),
        max_alert_keys=config.state.get("max_alert_keys", DEFAULT_MAX_ALERT_KEYS))
    return config, limits


_monitor: Monitor | None = None


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The Lambda entry point: process one subscription payload."""
    global _monitor
    if _monitor is None:
        config, limits = config_from_env()
        _monitor = Monitor(config, limits)
    alerts = _monitor.process(event)
    return {"alerts": len(alerts), "events_held": _monitor.rows(),
            "malformed": _monitor.malformed}
