"""What every detector is made of, and the SQL pieces they share.

A detector is metadata (id, title, threat, severity, rationale, default parameters) plus
two functions: `query(dialect, params)` returns one SQL ``SELECT`` over the ``events``
table, and `alerts(detector, rows, params, context)` turns its rows into `Alert`s. The
SQL is written once; `Dialect` is the tiny translation between DuckDB and Spark SQL
(epoch seconds and exact percentiles are the only spellings that differ), so both
engines run the same text and get the same alerts.

The ``events`` table has the columns of `faasguard.monitor.events.EVENT_COLUMNS` plus
the derived columns of `faasguard.monitor.engine.table` (``route_key``, ``ref``,
``attack``, ``documented``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from faasguard.monitor.alerts import Alert

Params = Mapping[str, Any]
Row = dict[str, Any]

#: A merge of adjacent windows: buckets at most this many buckets apart become one alert.
DEFAULT_MERGE_GAP = 2


@dataclass(frozen=True)
class Dialect:
    """The few SQL spellings that differ between the engines."""

    name: str
    epoch_template: str
    quantile_template: str

    def epoch(self, column: str = "time") -> str:
        """Seconds since 1970 of a TIMESTAMP column."""
        return self.epoch_template.format(column)

    def bucket(self, seconds: int, column: str = "time") -> str:
        """The index of the `seconds`-long window holding `column` (BIGINT)."""
        return f"CAST(floor({self.epoch(column)} / {int(seconds)}) AS BIGINT)"

    def quantile(self, column: str, fraction: float) -> str:
        """The exact (interpolated) `fraction` quantile of `column`."""
        return self.quantile_template.format(column, float(fraction))


DUCKDB = Dialect("duckdb", "epoch({0})", "quantile_cont({0}, {1})")
SPARK = Dialect("spark", "unix_timestamp({0})", "percentile({0}, {1})")


@dataclass(frozen=True)
class Context:
    """What detectors know beyond the rows: the span of the data, the budget, prices."""

    start: datetime | None = None
    end: datetime | None = None
    budget_usd_per_day: float | None = None
    prices: Any = None  # faasguard.monitor.detectors.cost.Prices

    @property
    def span_seconds(self) -> float:
        """Seconds between the first and the last event (0 when there are none)."""
        if self.start is None or self.end is None:
            return 0.0
        return max(0.0, (self.end - self.start).total_seconds())


QueryFn = Callable[[Dialect, Params], str]
AlertsFn = Callable[["Detector", list[Row], Params, Context], list[Alert]]
#: What a windowed detector says of one merged window: its message and its counts.
DescribeFn = Callable[[Mapping[str, Any], Params], tuple[str, Mapping[str, float]]]


@dataclass(frozen=True)
class Detector:
    """One detector: metadata, default parameters, its SQL and its row-to-alert step.

    `description` is the user-facing documentation: what it finds, why, and what each
    parameter means (the thresholds and their rationale).
    """

    id: str
    title: str
    threat: str
    severity: str
    description: str
    defaults: Mapping[str, Any]
    query: QueryFn
    alerts: AlertsFn
    tags: tuple[str, ...] = field(default=())

    def params(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The defaults with `overrides` applied; a ValueError names a bad key or value."""
        params = dict(self.defaults)
        for raw_key, value in (overrides or {}).items():
            key = str(raw_key).replace("-", "_")
            if key == "enabled":
                continue
            if key not in params:
                known = ", ".join(sorted(params)) or "none"
                raise ValueError(f"{self.id}: unknown parameter {raw_key!r} (known: {known})")
            params[key] = _coerce(self.id, key, params[key], value)
        return params


def _coerce(detector: str, key: str, default: Any, value: Any) -> Any:
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, int):
        if number and float(value).is_integer():
            return int(value)
    elif isinstance(default, float):
        if number:
            return float(value)
    elif isinstance(default, (list, tuple)):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
    elif isinstance(default, str) and isinstance(value, str):
        return value
    raise ValueError(f"{detector}: {key} must be like {default!r}, got {value!r}")


def when(bucket: int, seconds: int) -> datetime:
    """The UTC start of window `bucket` of `seconds`-long windows."""
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=bucket * seconds)


def aware(moment: datetime) -> datetime:
    """A naive UTC datetime (as SQL returns it) made timezone-aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def sql_strings(values: Iterable[str]) -> str:
    """A SQL list of string literals, quotes doubled: ``('a', 'b')``."""
    quoted = ["'" + str(v).replace("'", "''") + "'" for v in values]
    return "(" + ", ".join(quoted or ["''"]) + ")"


def windowed_sql(d: Dialect, *, where: str, entity: str, seconds: int, min_count: float,
                 lookback: int = 0, factor: float = 0.0, distinct: str | None = None,
                 min_distinct: float = 0, baseline_required: bool = False) -> str:
    """Counts per (entity, window) of the events matching `where`, kept when they stand out.

    A window is kept when its count reaches `min_count` and, with `factor` > 0, is at
    least `factor` times the entity's baseline: the mean count of its `lookback`
    preceding non-empty windows (a new entity has no baseline: kept only when
    `baseline_required` is False). With `distinct`, the number of distinct values of
    that expression in the window must also reach `min_distinct`.

    Columns: entity, function, bucket, n, base, users, first_ref, last_ref.
    """
    users = f"count(DISTINCT {distinct})" if distinct else "0"
    baseline = (f"avg(n) OVER (PARTITION BY entity ORDER BY bucket "
                f"ROWS BETWEEN {int(lookback)} PRECEDING AND 1 PRECEDING)"
                if lookback > 0 else "CAST(NULL AS DOUBLE)")
    base_test = ""
    if factor > 0:
        missing = "FALSE" if baseline_required else "TRUE"
        base_test = (f" AND (CASE WHEN base IS NULL THEN {missing}"
                     f" ELSE n >= {float(factor)} * base END)")
    return f"""
WITH counted AS (
  SELECT {entity} AS entity, min(function) AS function, {d.bucket(seconds)} AS bucket,
         count(*) AS n, {users} AS users,
         min_by(ref, seq) AS first_ref, max_by(ref, seq) AS last_ref
  FROM events
  WHERE ({where}) AND ({entity}) IS NOT NULL
  GROUP BY 1, 3
), based AS (
  SELECT *, {baseline} AS base FROM counted
)
SELECT entity, function, bucket, n, base, users, first_ref, last_ref FROM based
WHERE n >= {float(min_count)} AND users >= {float(min_distinct)}{base_test}
ORDER BY entity, bucket
"""


def merge_windows(rows: Iterable[Row], seconds: int,
                  gap: int = DEFAULT_MERGE_GAP) -> list[dict[str, Any]]:
    """Rows of `windowed_sql` merged per entity: windows at most `gap` windows apart join.

    Each result: entity, function, start, end, n (sum), peak (max window count),
    base (the smallest baseline seen, or None), users (max), samples.
    """
    merged: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for row in sorted(rows, key=lambda r: (str(r["entity"]), int(r["bucket"]))):
        bucket = int(row["bucket"])
        if current is not None and current["entity"] == row["entity"] \
                and bucket - current["last_bucket"] <= gap:
            current["n"] += int(row["n"])
            current["peak"] = max(current["peak"], int(row["n"]))
            current["users"] = max(current["users"], int(row["users"] or 0))
            if row["base"] is not None:
                current["base"] = row["base"] if current["base"] is None \
                    else min(current["base"], row["base"])
            current["last_bucket"] = bucket
            current["end"] = when(bucket + 1, seconds)
            if row["last_ref"]:
                current["samples"][1:] = [row["last_ref"]]
            continue
        current = {"entity": row["entity"], "function": row["function"],
                   "start": when(bucket, seconds), "end": when(bucket + 1, seconds),
                   "n": int(row["n"]), "peak": int(row["n"]), "base": row["base"],
                   "users": int(row["users"] or 0), "last_bucket": bucket,
                   "samples": [r for r in (row["first_ref"], row["last_ref"]) if r]}
        merged.append(current)
    for item in merged:
        item["samples"] = list(dict.fromkeys(item["samples"]))
        del item["last_bucket"]
    return merged


def make_alert(detector: Detector, window: Mapping[str, Any], entity_kind: str, message: str,
               counts: Mapping[str, float], severity: str | None = None) -> Alert:
    """An alert of `detector` over a merged window (see `merge_windows`)."""
    return Alert(detector=detector.id, title=detector.title, threat=detector.threat,
                 severity=severity or detector.severity, start=aware(window["start"]),
                 end=aware(window["end"]), entity_kind=entity_kind,
                 entity=str(window["entity"]), message=message,
                 counts={k: float(v) for k, v in counts.items() if v is not None},
                 samples=list(window.get("samples", ())), function=window.get("function"))


def window_query(where: str, entity: str, min_count: str | int, *, trend: bool = False,
                 baseline_required: bool = False, distinct: str | None = None,
                 min_distinct: str | None = None) -> QueryFn:
    """The `query` of a detector counting `where` events per `entity` (see `windowed_sql`).

    Windows last ``window_s``; `min_count` and `min_distinct` name parameters (an int
    `min_count` is a fixed floor); with `trend`, the ``lookback`` and ``factor``
    parameters compare each window with the entity's baseline.
    """
    def query(d: Dialect, p: Params) -> str:
        return windowed_sql(
            d, where=where, entity=entity, seconds=p["window_s"],
            min_count=min_count if isinstance(min_count, int) else p[min_count],
            lookback=p["lookback"] if trend else 0, factor=p["factor"] if trend else 0.0,
            baseline_required=baseline_required, distinct=distinct,
            min_distinct=p[min_distinct] if min_distinct else 0)
    return query


def window_alerts(entity_kind: str, describe: DescribeFn,
                  gap_param: str | None = None) -> AlertsFn:
    """The `alerts` of a `window_query` detector: one alert per merged window.

    `describe(window, params)` gives each alert's message and counts; with `gap_param`,
    that parameter is the merge gap (else `DEFAULT_MERGE_GAP`).
    """
    def alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
        gap = p[gap_param] if gap_param else DEFAULT_MERGE_GAP
        out = []
        for window in merge_windows(rows, p["window_s"], gap=gap):
            message, counts = describe(window, p)
            out.append(make_alert(det, window, entity_kind, message, counts))
        return out
    return alerts
