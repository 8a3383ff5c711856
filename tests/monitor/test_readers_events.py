"""The normalised event and its table schema."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from faasguard.monitor.events import COLUMN_NAMES, EVENT_COLUMNS, Event, clip, iso_z


def test_columns_follow_the_dataclass_fields_in_order() -> None:
    assert COLUMN_NAMES == tuple(f.name for f in dataclasses.fields(Event))
    types = dict(EVENT_COLUMNS)
    assert types["time"] == "TIMESTAMP"
    assert types["status"] == "BIGINT"
    assert types["duration_ms"] == "DOUBLE"
    assert types["mfa_used"] == "BOOLEAN"
    assert types["api_action"] == "VARCHAR"


def test_row_holds_naive_utc_time_and_values_in_column_order() -> None:
    paris = timezone(timedelta(hours=1))
    event = Event(datetime(2026, 1, 5, 11, 0, tzinfo=paris), "apigw-access", "request",
                  client_ip="198.51.100.7", status=401, line=3)
    row = event.row()
    assert len(row) == len(EVENT_COLUMNS)
    assert row[0] == datetime(2026, 1, 5, 10, 0)
    assert row[0].tzinfo is None
    assert row[COLUMN_NAMES.index("status")] == 401
    assert row[COLUMN_NAMES.index("client_ip")] == "198.51.100.7"
    assert row[COLUMN_NAMES.index("line")] == 3


def test_to_dict_leaves_out_unknown_fields() -> None:
    event = Event(datetime(2026, 1, 5, 10, 0, 0, 123000, tzinfo=timezone.utc), "guard", "guard",
                  decision="block", detector="sql_injection")
    assert event.to_dict() == {"time": "2026-01-05T10:00:00.123Z", "source": "guard",
                               "kind": "guard", "decision": "block",
                               "detector": "sql_injection"}
    assert iso_z(datetime(2026, 1, 5, 10, 0)) == "2026-01-05T10:00:00.000Z"


def test_route_key_and_cold_start() -> None:
    when = datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert Event(when, "apigw-access", "request", method="GET", path="/a/1").route_key == "GET /a/1"
    assert Event(when, "apigw-access", "request", method="GET", path="/a/1",
                 route="GET /a/{id}").route_key == "GET /a/{id}"
    assert Event(when, "cloudtrail", "api-call").route_key is None
    assert Event(when, "lambda-platform", "report", init_ms=180.5).cold_start
    assert not Event(when, "lambda-platform", "report").cold_start


def test_clip_bounds_free_text() -> None:
    assert clip("x" * 10, 4) == "xxx\u2026"
    assert clip("abc", 4) == "abc"
    assert clip(None) is None
