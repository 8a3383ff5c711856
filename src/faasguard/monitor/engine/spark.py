"""The Spark engine: the same detector SQL on Spark (local mode by default, or a cluster).

The events are written as Parquet (batch by batch, bounded memory) to a staging folder,
read by Spark and registered as the ``events`` view; every detector's SQL then runs
unchanged apart from the `SPARK` dialect's spellings. Timestamps are TIMESTAMP_NTZ and
the session time zone is UTC, so both engines see the same instants.

``memory_limit`` sets the driver's heap (``spark.driver.memory``: in local mode the
executor's too) when this engine starts the session.

``master`` is a Spark master URL (``local[*]`` by default; ``spark://host:7077``, ``yarn``,
``k8s://...`` for a cluster, where ``staging`` must be a location every executor
reads, e.g. ``s3a://bucket/faasguard/``). The ``FAASGUARD_SPARK_MASTER`` environment
variable sets the default.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from faasguard.monitor.detectors.base import SPARK, Dialect
from faasguard.monitor.engine.memory import spark_limit
from faasguard.monitor.engine.table import arrow_schema

if TYPE_CHECKING:
    import pyarrow as pa


class SparkEngine:
    """Runs the detectors' SQL on Spark."""

    name = "spark"
    dialect: Dialect = SPARK

    def __init__(self, master: str | None = None, staging: str | None = None,
                 session: Any = None, parallel_queries: int = 4,
                 memory_limit: str | None = None) -> None:
        self.parallel_queries = parallel_queries
        self._own_staging = staging is None
        self.staging = staging or tempfile.mkdtemp(prefix="faasguard-spark-")
        if "://" not in self.staging:
            os.makedirs(self.staging, exist_ok=True)
        self._own_session = session is None
        self.session = session if session is not None else _session(
            master or os.environ.get("FAASGUARD_SPARK_MASTER", "local[*]"), memory_limit)
        self.session.conf.set("spark.sql.session.timeZone", "UTC")
        self.session.sparkContext.setLogLevel("ERROR")
        self.rows = 0

    def load(self, batches: Iterable[pa.RecordBatch]) -> int:
        """Stage the batches as Parquet and register them as the ``events`` view."""
        import pyarrow.parquet as pq

        target = os.path.join(self.staging, "events.parquet")
        with pq.ParquetWriter(target, arrow_schema()) as writer:
            for batch in batches:
                writer.write_batch(batch)
                self.rows += batch.num_rows
        self.session.read.parquet(target).createOrReplaceTempView("events")
        return self.rows

    def load_parquet(self, parts: list[str]) -> int:
        """Register Parquet parts (with the table's columns) as the ``events`` view.

        Not cached: each query reads the columns it needs from the parts, which keeps the
        JVM's heap to the queries' working memory (a cache of 1 GB of logs would not fit
        the default heap and would spill anyway).
        """
        if not parts:
            return self.load([])
        frame = self.session.read.schema(_spark_schema()).parquet(*parts)
        frame.createOrReplaceTempView("events")
        self.rows = int(frame.count())
        return self.rows

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run one query; rows as dicts."""
        return [row.asDict() for row in self.session.sql(sql).collect()]

    def query_many(self, queries: list[str]) -> list[list[dict[str, Any]]]:
        """Run several queries at once (Spark schedules concurrent jobs from threads, which
        hides the per-job overhead that dominates small queries)."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=self.parallel_queries) as pool:
            return list(pool.map(self.query, queries))

    def close(self) -> None:
        """Drop the view and the staging files; stop the session if this engine made it."""
        try:
            self.session.catalog.dropTempView("events")
        finally:
            if self._own_session:
                self.session.stop()
            if self._own_staging:
                shutil.rmtree(self.staging, ignore_errors=True)


def _spark_schema() -> str:
    """The table's columns as a Spark DDL schema string."""
    from faasguard.monitor.engine.table import TABLE_COLUMNS

    types = {"TIMESTAMP": "TIMESTAMP_NTZ", "VARCHAR": "STRING"}
    return ", ".join(f"{name} {types.get(sql, sql)}" for name, sql in TABLE_COLUMNS)


def _session(master: str, memory_limit: str | None = None) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if memory_limit:
        # The driver's heap; in local mode the executor runs in the driver's JVM.
        builder = builder.config("spark.driver.memory", spark_limit(memory_limit))
    return (builder.master(master).appName("faasguard-monitor")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate())
