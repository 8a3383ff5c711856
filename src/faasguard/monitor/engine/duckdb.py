"""The DuckDB engine (embedded, the default): the event table in an in-process database.

Events arrive as Arrow record batches, appended batch by batch (the Python side never
holds more than one batch), or as Parquet parts staged by a batch analysis
(`analyze_paths`), which ``events`` then views in place. The database lives in memory
unless a file is given (``database=``); with a ``memory_limit`` the hash tables and sorts
of the detectors stay within it (what does not fit goes to ``temp_directory``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from faasguard.monitor.detectors.base import DUCKDB, Dialect, sql_strings
from faasguard.monitor.engine.memory import duckdb_limit
from faasguard.monitor.engine.table import create_table_sql

if TYPE_CHECKING:
    import pyarrow as pa


class DuckDBEngine:
    """Runs the detectors' SQL on DuckDB.

    Parameters
    ----------
    database: a file for the database (default: in memory).
    memory_limit: DuckDB's memory limit, e.g. ``"2GB"`` (default: DuckDB's own, 80% of
        the machine's memory); see `faasguard.monitor.engine.memory`.
    threads: worker threads (default: DuckDB's own, one per core).
    temp_directory: where DuckDB spills what exceeds the limit (default: beside a
        database file, none for an in-memory database).
    """

    name = "duckdb"
    dialect: Dialect = DUCKDB

    def __init__(self, database: str = ":memory:", memory_limit: str | None = None,
                 threads: int | None = None, temp_directory: str | None = None) -> None:
        import duckdb

        self.connection = duckdb.connect(database)
        if memory_limit:
            self.connection.execute(f"SET memory_limit = '{duckdb_limit(memory_limit)}'")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if temp_directory:
            self.connection.execute("SET temp_directory = ?", [temp_directory])
        # Every detector orders explicitly (by seq), so inserts need not keep row order,
        # which lets DuckDB stream them without buffering.
        self.connection.execute("SET preserve_insertion_order = false")
        self.connection.execute("SET TimeZone = 'UTC'")
        self.connection.execute("DROP TABLE IF EXISTS events")
        self.connection.execute(create_table_sql())
        self.rows = 0

    def load(self, batches: Iterable[pa.RecordBatch]) -> int:
        """Append the batches to ``events``; return the number of rows loaded."""
        for batch in batches:
            self.connection.register("incoming", batch)
            try:
                self.connection.execute("INSERT INTO events SELECT * FROM incoming")
            finally:
                self.connection.unregister("incoming")
            self.rows += batch.num_rows
        return self.rows

    def load_parquet(self, parts: list[str]) -> int:
        """Add Parquet parts (with the table's columns) to ``events``.

        Into an empty engine, ``events`` becomes a view over the parts: every query
        reads them (as fast as DuckDB's own table here) and nothing is copied, so the
        engine's memory is its queries' working memory alone.
        """
        if parts:
            files = f"[{sql_strings(parts)[1:-1]}]"
            if self.rows == 0:
                self.connection.execute("DROP TABLE IF EXISTS events")
                self.connection.execute(
                    f"CREATE VIEW events AS SELECT * FROM read_parquet({files})")
            else:
                self.connection.execute(f"INSERT INTO events SELECT * FROM read_parquet({files})")
        self.rows = int(self.query("SELECT count(*) AS n FROM events")[0]["n"])
        return self.rows

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run one query; rows as dicts."""
        cursor = self.connection.execute(sql)
        names = [c[0] for c in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query_many(self, queries: list[str]) -> list[list[dict[str, Any]]]:
        """Run the queries one after the other (DuckDB parallelises each query itself)."""
        return [self.query(sql) for sql in queries]

    def close(self) -> None:
        """Close the database."""
        self.connection.close()
