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
_VALUES = attrgetter(*COLUMN_NAMES)
# Requests repeat their paths, queries and routes: the derived values are memoised, in
# dicts emptied when they reach this size (memory stays bounded).
_MEMO_SIZE = 8192


def table_row(event: Event, inventory: Inventory | None = None, seq: int = 0) -> tuple[Any, ...]:
    """One row of the ``events`` table (columns of `TABLE_COLUMNS`)."""
    ref = f"{event.file}:{event.line}" if event.file else None
    documented = None
    if inventory is not None and event.kind == "request":
        documented = inventory.documents_event(event)
    return (utc_naive(event.time), *_VALUES(event)[1:], event.route_key, ref,
            attack_of(event), documented, seq)


def arrow_schema() -> pa.Schema:
    """The Arrow schema of the table (timestamps naive, microseconds: UTC by convention)."""
    import pyarrow as pa

    types = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
             "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us")}
    return pa.schema([(name, types[sql]) for name, sql in TABLE_COLUMNS])


def record_batches(events: Iterable[Event], inventory: Inventory | None = None,
                   batch_rows: int = BATCH_ROWS, first_seq: int = 0) -> Iterator[pa.RecordBatch]:
    """The events as Arrow record batches of at most `batch_rows` rows (``seq`` counting
    from `first_seq`); each row as `table_row` makes it."""
    import pyarrow as pa

    schema = arrow_schema()
    # every column but seq, converted in one call from the rows' tuples
    row_type = pa.struct(list(schema)[:-1])
    derive = _Derived(inventory)
    rows: list[tuple[Any, ...]] = []
    seq = first_seq
    for event in events:
        rows.append(_VALUES(event) + derive(event))
        if len(rows) >= batch_rows:
            yield _batch(rows, seq, row_type, schema)
            seq += len(rows)
            rows = []
    if rows:
        yield _batch(rows, seq, row_type, schema)


class _Derived:
    """(route_key, ref, attack, documented) of an event, memoised per request shape."""

    def __init__(self, inventory: Inventory | None) -> None:
        self.inventory = inventory
        self.requests: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}

    def __call__(self, event: Event) -> tuple[Any, ...]:
        ref = f"{event.file}:{event.line}" if event.file else None
        kind = event.kind
        if kind == "request":
            key = (event.route, event.method, event.path, event.query)
            known = self.requests.get(key)
            if known is None:
                if len(self.requests) >= _MEMO_SIZE:
                    self.requests.clear()
                documented = None if self.inventory is None \
                    else self.inventory.documents_event(event)
                known = self.requests[key] = (event.route_key, attack_of(event), documented)
            return (known[0], ref, known[1], known[2])
        return (event.route_key, ref, attack_of(event) if kind == "guard" else None, None)


def _batch(rows: list[tuple[Any, ...]], first_seq: int, row_type: pa.StructType,
           schema: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    # aware datetimes are converted to UTC by Arrow (naive ones are UTC already)
    arrays = pa.array(rows, type=row_type).flatten()
    arrays.append(pa.array(range(first_seq, first_seq + len(rows)), type=pa.int64()))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def create_table_sql() -> str:
    """``CREATE TABLE events (...)`` with the table's columns."""
    columns = ", ".join(f"{name} {sql}" for name, sql in TABLE_COLUMNS)
    return f"CREATE TABLE events ({columns})"
