"""Helpers of the reader tests (not a test module itself)."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

from faasguard.monitor.events import Event
from faasguard.monitor.read import ReadConfig, ReadStats, iter_events

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"


def read(*paths: Path | str, config: ReadConfig | dict[str, Any] | None = None,
         ) -> tuple[list[Event], ReadStats]:
    """All events of `paths`, and the stats of the read."""
    stats = ReadStats()
    events = list(iter_events(list(paths), config, stats))
    return events, stats


def encode_payload(payload: dict[str, Any]) -> str:
    """A decoded subscription payload as CloudWatch Logs sends it: gzip, then base64."""
    return base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()


def by_request(events: list[Event], request_id: str) -> list[Event]:
    """The events of one request id, in order."""
    return [event for event in events if event.request_id == request_id]
