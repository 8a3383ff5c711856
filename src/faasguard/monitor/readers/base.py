"""What every reader shares: where a line came from, the reading options, value helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

try:
    import orjson
except ImportError:  # no monitor extra: `json` alone, and the engines ask for the extra
    orjson = None  # type: ignore[assignment]

from faasguard.monitor.events import clip

# A Lambda function's log group (or a path holding one): /aws/lambda/<name>
_LAMBDA_GROUP = re.compile(r"(?:^|/)aws/lambda/([^/\\]+)")


# json.dumps(separators=(",", ":"), sort_keys=True, default=str), built once
_COMPACT = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str)


class Malformed(ValueError):
    """A line or record that cannot be read; the message says why."""


@dataclass(frozen=True)
class ReadConfig:
    """Options of the readers (the ``monitor.read`` section of the config, or defaults).

    apigw_fields: extra names of access-log JSON fields, canonical name -> the name(s)
        your ``$context`` access-log format uses (canonical names: request_id, client_ip,
        principal, method, path, query, route, status, time, duration_ms, user_agent,
        error_type). They are tried before the usual names.
    function: the function name for files whose path and content name none.
    max_line_bytes: longer lines are malformed (and skipped without being held in memory).
    max_document_bytes: cap of a JSON document that is not a record list and must be read whole.
    malformed_samples: how many malformed lines `ReadStats` keeps as samples.
    """

    apigw_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    function: str | None = None
    max_line_bytes: int = 1 << 20
    max_document_bytes: int = 64 << 20
    malformed_samples: int = 20

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> ReadConfig:
        """Build from a config mapping (hyphens and underscores interchangeable).

        Raises ValueError naming the key for an unknown key or a bad value.
        """
        if not data:
            return cls()
        values: dict[str, Any] = {}
        for raw_key, value in data.items():
            key = str(raw_key).replace("-", "_")
            if key == "apigw_fields":
                values[key] = _field_mapping(value)
            elif key == "function":
                if not isinstance(value, str):
                    raise ValueError("monitor config: 'function' must be a string")
                values[key] = value
            elif key in ("max_line_bytes", "max_document_bytes", "malformed_samples"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"monitor config: {raw_key!r} must be a number >= 0")
                values[key] = value
            else:
                raise ValueError(f"monitor config: unknown key {raw_key!r}")
        return cls(**values)


def _field_mapping(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ValueError("monitor config: 'apigw-fields' must map names to field names")
    out: dict[str, tuple[str, ...]] = {}
    for name, fields in value.items():
        names = (fields,) if isinstance(fields, str) else fields
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"monitor config: apigw-fields.{name} must be a name or a list")
        out[str(name).replace("-", "_")] = tuple(names)
    return out


@dataclass(slots=True)
class Context:
    """Where a line or record comes from, and what the container around it told us."""

    file: str
    line: int
    config: ReadConfig
    function: str | None = None
    # The time of the CloudWatch log event (or export line) that carried the message.
    time: datetime | None = None
    log_group: str | None = None

    def at(self, *, time: datetime | None = None, function: str | None = None,
           log_group: str | None = None) -> Context:
        """A copy with the time, function or log group replaced (None keeps them)."""
        return Context(self.file, self.line, self.config, function or self.function,
                       time or self.time, log_group or self.log_group)


def function_from_group(name: str | None) -> str | None:
    """The function name of a Lambda log group or of a path holding ``aws/lambda/<name>``."""
    if not name:
        return None
    match = _LAMBDA_GROUP.search(name.replace("\\", "/"))
    return match.group(1) if match else None


def text(value: Any) -> str | None:
    """`value` as text (None and empty or ``-`` placeholders as None)."""
    if value is None:
        return None
    out = value if isinstance(value, str) else str(value)
    return None if out in ("", "-") else out


#: The event table's integers are 64-bit (BIGINT): a value beyond them is no number.
_INT64 = range(-2**63, 2**63)


def integer(value: Any) -> int | None:
    """`value` as an int, or None when it is not a number (or not a 64-bit one)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = int(float(value)) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return out if out in _INT64 else None


def number(value: Any) -> float | None:
    """`value` as a float, or None when it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def loads(data: str | bytes) -> Any:
    """A JSON text as `json.loads` reads it, at orjson's speed.

    Texts orjson refuses but `json.loads` reads (NaN and Infinity, lone surrogate
    escapes, very deep nesting) are read by `json.loads`, so they give the value they
    always gave. One difference remains: an integer beyond 64 bits (over 20 digits) is
    read as the nearest float. Raises `json.JSONDecodeError` (or RecursionError) as
    `json.loads` does.
    """
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def compact_json(value: Any) -> str | None:
    """`value` as compact JSON text, clipped; None for None or empty containers."""
    if value is None or value == {} or value == []:
        return None
    return clip(_COMPACT.encode(value))
