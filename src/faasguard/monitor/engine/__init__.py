"""Batch analysis: load events into an engine, run every detector, collect the results.

    analysis = analyze(iter_events(paths), Settings(), engine="duckdb")
    for alert in analysis.alerts: ...

Both engines (`duckdb.DuckDBEngine`, the default, and `spark.SparkEngine`) run the same
detector SQL (see `faasguard.monitor.detectors.base.Dialect`) and so give the same
alerts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from faasguard.monitor.alerts import Alert, sort_alerts
from faasguard.monitor.detectors import Settings
from faasguard.monitor.detectors.base import Context, Dialect, aware
from faasguard.monitor.detectors.cost import BUDGET, Prices, cost_summary, usage_sql
from faasguard.monitor.detectors.shadow import Inventory
from faasguard.monitor.engine.memory import DEFAULT_MEMORY_LIMITS, READ_BATCH_ROWS
from faasguard.monitor.engine.summary import functions_sql, series, series_sql, step_seconds
from faasguard.monitor.engine.table import record_batches
from faasguard.monitor.events import Event

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What an engine offers: a dialect, loading the table, running a query."""

    name: str
    dialect: Dialect

    def load(self, batches: Iterable[Any]) -> int: ...

    def load_parquet(self, parts: list[str]) -> int: ...

    def query(self, sql: str) -> list[dict[str, Any]]: ...

    def query_many(self, queries: list[str]) -> list[list[dict[str, Any]]]: ...

    def close(self) -> None: ...


@dataclass
class Analysis:
    """Everything one analysis found: alerts, per-function summary, cost, time series."""

    alerts: list[Alert]
    functions: list[dict[str, Any]]
    cost: dict[str, Any]
    series: list[dict[str, Any]]
    step_s: int
    events: int
    start: datetime | None
    end: datetime | None
    engine: str
    budget_usd_per_day: float | None = None
    read: dict[str, Any] = field(default_factory=dict)


def make_engine(name: str, **options: Any) -> Engine:
    """A new engine by name (``duckdb`` or ``spark``)."""
    if name == "duckdb":
        from faasguard.monitor.engine.duckdb import DuckDBEngine

        return DuckDBEngine(**options)
    if name == "spark":
        from faasguard.monitor.engine.spark import SparkEngine

        return SparkEngine(**options)
    raise ValueError(f"unknown engine {name!r} (use {' or '.join(ENGINES)})")


def analyze(events: Iterable[Event], settings: Settings | None = None,
            engine: str | Engine = "duckdb", inventory: Inventory | None = None,
            prices: Prices | None = None) -> Analysis:
    """Load `events` into `engine` (a name or an engine object) and run the detectors."""
    settings = settings or Settings()
    owned = isinstance(engine, str)
    runner: Engine = make_engine(engine) if isinstance(engine, str) else engine
    try:
        runner.load(record_batches(events, inventory, READ_BATCH_ROWS))
        return run_detectors(runner, settings, prices or Prices.load())
    finally:
        if owned:
            runner.close()


def analyze_paths(paths: Iterable[str | os.PathLike[str]], read_config: Any = None,
                  stats: Any = None, settings: Settings | None = None,
                  engine: str | Engine = "duckdb", inventory: Inventory | None = None,
                  workers: int = 1, prices: Prices | None = None,
                  memory_limit: str | None = None) -> Analysis:
    """Read the log files under `paths` and analyse them; with `workers` > 1 the files are
    read by that many processes side by side (see `faasguard.monitor.engine.parallel`).

    `read_config` is a ReadConfig or its mapping; `stats` a ReadStats to fill. An engine
    named here keeps its data in a temporary staging folder (DuckDB: a database file and
    its spill folder; Spark: Parquet) within `memory_limit` (see
    `faasguard.monitor.engine.memory`; None: the engine's own default), so memory stays
    bounded whatever the size of the logs; the folder is removed at the end.
    """
    from faasguard.monitor.engine.parallel import stage, write_part
    from faasguard.monitor.read import ReadStats, iter_events
    from faasguard.monitor.readers.base import ReadConfig

    config = read_config if isinstance(read_config, ReadConfig) \
        else ReadConfig.from_mapping(read_config)
    stats = stats if stats is not None else ReadStats()
    staging = tempfile.mkdtemp(prefix="faasguard-monitor-")
    try:
        runner: Engine = make_engine(engine, **staged_options(engine, staging, memory_limit)) \
            if isinstance(engine, str) else engine
        try:
            if workers <= 1:
                part = os.path.join(staging, "part-000000.parquet")
                parts = [part] if write_part(iter_events(paths, config, stats), part,
                                             inventory) else []
            else:
                parts = stage(paths, config, stats, inventory, staging, workers)
            runner.load_parquet(parts)
            return run_detectors(runner, settings or Settings(), prices or Prices.load())
        finally:
            if runner is not engine:
                runner.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def staged_options(engine: str, staging: str, memory_limit: str | None) -> dict[str, Any]:
    """The options of engine `engine` keeping its data under `staging` within the limit
    (None: the engine's default)."""
    memory_limit = memory_limit or DEFAULT_MEMORY_LIMITS.get(engine)
    if engine == "duckdb":
        return {"memory_limit": memory_limit, "temp_directory": os.path.join(staging, "spill")}
    if engine == "spark":
        return {"staging": os.path.join(staging, "spark"), "memory_limit": memory_limit}
    return {}


def run_detectors(runner: Engine, settings: Settings, prices: Prices) -> Analysis:
    """Run every enabled detector, the summary and the series on a loaded engine."""
    d = runner.dialect
    span = runner.query("SELECT min(time) AS start, max(time) AS stop, count(*) AS n "
                        "FROM events")[0]
    start = aware(span["start"]) if span["start"] is not None else None
    end = aware(span["stop"]) if span["stop"] is not None else None
    context = Context(start, end, settings.budget_usd_per_day, prices)
    detectors = [(detector, settings.params(detector)) for detector in settings.enabled()]
    step = step_seconds(context.span_seconds)
    queries = [detector.query(d, params) for detector, params in detectors]
    queries += [usage_sql(d), functions_sql(d), series_sql(d, step)]
    *found, usage, functions, steps = runner.query_many(queries)
    alerts: list[Alert] = []
    for (detector, params), rows in zip(detectors, found, strict=True):
        alerts.extend(detector.alerts(detector, rows, params, context))
    cost_params = settings.params(BUDGET)
    cost = cost_summary(usage, prices, context.span_seconds, cost_params)
    for row in functions:
        row["usd"] = cost["functions"].get(row["function"], {}).get("usd", 0.0)
    points = series(steps, step, prices, cost_params)
    return Analysis(alerts=sort_alerts(alerts), functions=functions, cost=cost, series=points,
                    step_s=step, events=int(span["n"] or 0), start=start, end=end,
                    engine=runner.name, budget_usd_per_day=settings.budget_usd_per_day)
