"""Timestamps as logs write them, parsed to timezone-aware UTC datetimes.

ISO 8601 (``2026-01-05T10:00:00.123Z``, ``+00:00`` offsets, any number of fraction
digits, a space instead of ``T``, the ``,123+0000`` of Python's logging), epoch numbers
(seconds or milliseconds, told apart by size) and the Common Log Format time of access
logs (``05/Jan/2026:10:00:00 +0000``). Python 3.10's `datetime.fromisoformat` knows
only a subset of these, hence the regular expressions.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import cast

_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?"
    r"\s*(Z|[+-]\d\d:?\d\d)?$")
_CLF = re.compile(r"(\d\d)/([A-Za-z]{3})/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\s*([+-]\d{4}))?$")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# Epoch values above this are milliseconds (1e11 seconds is the year 5138).
_MS_THRESHOLD = 1e11
UTC = timezone.utc
_fromisoformat = datetime.fromisoformat
_CLF_CACHE: dict[str, datetime] = {}
_CACHE_SIZE = 4096


def parse_time(value: object) -> datetime:
    """`value` (text or epoch number) as an aware UTC datetime; ValueError if it is none."""
    if value.__class__ is str:
        text = cast(str, value)
        size = len(text)
        # the common forms, 2026-01-05T10:00:00.123Z and (CloudTrail) ...:00Z, go to the
        # C parser; anything it refuses takes the general path below
        if (size == 24 and text[19] == "." or size == 20) and text[-1] == "Z" \
                and text[10] == "T" and text[4] == text[7] == "-" and text[13] == text[16] == ":":
            try:
                return _fromisoformat(text[:-1] + "+00:00")
            except ValueError:
                pass
        return _parse_text(text)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return from_epoch(value)
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    return _parse_text(value)


def _parse_text(value: str) -> datetime:
    text = value.strip()
    match = _ISO.match(text)
    if match:
        return _from_iso(match)
    moment = _CLF_CACHE.get(text)
    if moment is not None:
        return moment
    match = _CLF.match(text)
    if match:
        if len(_CLF_CACHE) >= _CACHE_SIZE:
            _CLF_CACHE.clear()
        moment = _CLF_CACHE[text] = _from_clf(match)  # whole seconds: lines share them
        return moment
    if text.replace(".", "", 1).isdigit():
        return from_epoch(float(text))
    raise ValueError(f"not a timestamp: {value!r}")


def from_epoch(value: float) -> datetime:
    """Epoch seconds or milliseconds as an aware UTC datetime."""
    seconds = value / 1000.0 if value > _MS_THRESHOLD else float(value)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"epoch out of range: {value!r}") from exc


def _from_iso(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                      int(second or 0), micro, tzinfo=UTC)
    return moment - _offset(zone)


def _from_clf(match: re.Match[str]) -> datetime:
    day, month_name, year, hour, minute, second, zone = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        raise ValueError(f"unknown month {month_name!r}")
    moment = datetime(int(year), month, int(day), int(hour), int(minute), int(second),
                      tzinfo=UTC)
    return moment - _offset(zone)


def _offset(zone: str | None) -> timedelta:
    if not zone or zone == "Z":
        return timedelta(0)
    digits = zone[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return delta if zone[0] == "+" else -delta
