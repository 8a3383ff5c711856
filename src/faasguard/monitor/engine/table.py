"""The ``events`` table both engines load: the event columns plus derived columns.

Derived columns are computed once, in Python, while the events stream in, because they
need Python-side knowledge that SQL does not have:

- ``route_key``: ``METHOD /path`` of a request (its route template when known);
- ``ref``: ``file:line`` of the raw line (the samples of an alert);
- ``attack``: the injection detector an event shows (`detectors.injection.attack_of`:
  the runtime guard's detectors over request paths and queries, or the guard's own);
- ``documented``: whether the app's inventory lists the request's route (NULL without
  an inventory, or for other events);
- ``seq``: the event's position in the input (it breaks ties between events of the same
  instant, so both engines pick the same sample lines).

Events are turned into Arrow record batches of `BATCH_ROWS` rows, so memory holds one
batch at a time whatever the size of the logs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from faasguard.monitor.detectors.injection import attack_of
from faasguard.monitor.events import COLUMN_NAMES, EVENT_COLUMNS, Event, utc_naive

if TYPE_CHECKING:
    import pyarrow as pa

    from faasguard.monitor.detectors.shadow import Inventory

DERIVED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("route_key", "VARCHAR"), ("ref", "VARCHAR"), ("attack", "VARCHAR"),
    ("documented", "BOOLEAN"), ("seq", "BIGINT"))
TABLE_COLUMNS: tuple[tuple[str, str], ...] = EVENT_COLUMNS + DERIVED_COLUMNS
BATCH_ROWS = 65_536
_VALUES = attrgetter(*COLUMN_NAMES[1:])  # every column but time (the first)


def table_row(event: Event, inventory: Inventory | None = None, seq: int = 0) -> tuple[Any, ...]:
    """One row of the ``events`` table (columns of `TABLE_COLUMNS`)."""
    ref = f"{event.file}:{event.line}" if event.file else None
    documented = None
    if inventory is not None and event.kind == "request":
        documented = inventory.documents_event(event)
    # Event.row(), spelled out for speed: this runs once per event of the logs.
    return (utc_naive(event.time), *_VALUES(event), event.route_key, ref, attack_of(event),
            documented, seq)


def arrow_schema() -> pa.Schema:
    """The Arrow schema of the table (timestamps naive, microseconds: UTC by convention)."""
    import pyarrow as pa

    types = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
             "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us")}
    return pa.schema([(name, types[sql]) for name, sql in TABLE_COLUMNS])


def record_batches(events: Iterable[Event], inventory: Inventory | None = None,
                   batch_rows: int = BATCH_ROWS, first_seq: int = 0) -> Iterator[pa.RecordBatch]:
    """The events as Arrow record batches of at most `batch_rows` rows (``seq`` counting
    from `first_seq`)."""
    schema = arrow_schema()
    rows: list[tuple[Any, ...]] = []
    for seq, event in enumerate(events, first_seq):
        rows.append(table_row(event, inventory, seq))
        if len(rows) >= batch_rows:
            yield _batch(rows, schema)
            rows = []
    if rows:
        yield _batch(rows, schema)


def _batch(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    columns = list(zip(*rows, strict=True))
    return pa.RecordBatch.from_arrays(
        [pa.array(column, type=f.type) for column, f in zip(columns, schema, strict=True)],
        schema=schema)


def create_table_sql() -> str:
    """``CREATE TABLE events (...)`` with the table's columns."""
    columns = ", ".join(f"{name} {sql}" for name, sql in TABLE_COLUMNS)
    return f"CREATE TABLE events ({columns})"
