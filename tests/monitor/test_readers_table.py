"""The normalised table of the reader fixtures stays what it was before the speed work.

`fixtures/table.golden.json` holds the ``events`` table rows (every column, derived ones
included) and the read statistics of the reader fixtures, as the readers and
`engine.table` produced them before they were made faster (issue #8). Any change to
what comes out of a fixture line fails here; a change meant to alter the table must
update the golden file on purpose (``python3 -m tests.monitor.test_readers_table``),
and say why in its commit.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from faasguard.monitor.detectors.shadow import Inventory
from faasguard.monitor.engine.table import TABLE_COLUMNS, record_batches
from faasguard.monitor.read import ReadStats, iter_events

HERE = Path(__file__).resolve().parent
INPUTS = (HERE / "fixtures" / "readers", HERE / "fixtures" / "table")
GOLDEN = HERE / "fixtures" / "table.golden.json"
ROUTES = ("GET /orders/{id}", "POST /login", "GET /pay/{id}", "ANY /search")


def table_snapshot(batch_rows: int = 7) -> dict[str, Any]:
    """The table rows (JSON-ready) and read statistics of the fixture folders.

    Small batches, so rows cross batch boundaries (``seq`` must run on across them).
    """
    stats = ReadStats()
    rows: list[dict[str, Any]] = []
    events = iter_events([str(path) for path in INPUTS], None, stats)
    for batch in record_batches(events, Inventory.parse(ROUTES), batch_rows=batch_rows):
        rows.extend(_plain(row) for row in batch.to_pylist())
    paths = {str(path): path.name for path in INPUTS}
    text = json.dumps({"rows": rows, "stats": stats.to_dict()}, sort_keys=True)
    for full, short in paths.items():  # the fixture paths, relative to the repo
        text = text.replace(json.dumps(full)[1:-1], short)
    data: dict[str, Any] = json.loads(text)
    return data


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in row.items()}


def test_the_table_of_the_fixtures_is_unchanged() -> None:
    expected = json.loads(GOLDEN.read_text())
    actual = table_snapshot()
    assert actual["stats"] == expected["stats"]
    assert len(actual["rows"]) == len(expected["rows"])
    for number, (got, want) in enumerate(zip(actual["rows"], expected["rows"], strict=True)):
        assert got == want, f"row {number} ({want['ref']}) differs"


def test_the_golden_rows_cover_every_source_and_column() -> None:
    rows = json.loads(GOLDEN.read_text())["rows"]
    assert {row["source"] for row in rows} == {
        "lambda-platform", "lambda-app", "guard", "apigw-access", "cloudtrail"}
    for name, _ in TABLE_COLUMNS:  # no column is always empty in the fixtures
        assert any(row[name] is not None for row in rows), name
    assert [row["seq"] for row in rows] == list(range(len(rows)))


def test_the_table_does_not_depend_on_the_batch_size() -> None:
    assert table_snapshot(batch_rows=1) == table_snapshot(batch_rows=65_536)


if __name__ == "__main__":  # rewrite the golden file (a deliberate change of the table)
    GOLDEN.write_text(json.dumps(table_snapshot(), indent=0, sort_keys=True) + "\n")
    sys.exit(0)
