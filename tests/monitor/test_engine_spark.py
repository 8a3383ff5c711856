"""The Spark engine (local mode) runs the same detector SQL as DuckDB and finds the same.

One Spark session for the module: starting the JVM is most of the cost. The session is
tuned for small data, which halves the JVM's CPU time here (start 20 -> 10 CPU-s, the
analysis 66 -> 36): the JIT compiles with C1 only, queries run without whole-stage code
generation (no Janino compile per query) and without adaptive re-planning.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from faasguard.monitor.detectors import Settings
from faasguard.monitor.detectors.shadow import inventory_from_openapi
from faasguard.monitor.engine import Analysis, analyze
from faasguard.monitor.engine.spark import SparkEngine
from faasguard.monitor.evaluate import score
from faasguard.monitor.generate import generate
from faasguard.monitor.read import iter_events
from faasguard.monitor.report import json as json_report
from tests.monitor.monitor_support import call, guard, report

ROLE = "arn:aws:sts::111122223333:assumed-role/orders-api-role/orders-api"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pyspark = pytest.importorskip("pyspark.sql", reason="the monitor extra is not installed")
    session = (pyspark.SparkSession.builder.master("local[2]").appName("faasguard-test")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
               .config("spark.sql.codegen.wholeStage", "false")
               .config("spark.sql.adaptive.enabled", "false")
               .getOrCreate())
    yield session
    session.stop()


def _both(events: list[Any], spark: Any, **kwargs: Any) -> tuple[Analysis, Analysis]:
    engine = SparkEngine(session=spark)
    try:
        on_spark = analyze(events, engine=engine, **kwargs)
    finally:
        engine.close()
    return analyze(events, engine="duckdb", **kwargs), on_spark


def _same(duck: Analysis, on_spark: Analysis) -> None:
    a, b = json_report.document(duck), json_report.document(on_spark)
    a.pop("engine"), b.pop("engine")
    assert a == b


def test_same_alerts_summary_and_series_on_generated_logs(spark: Any, tmp_path: Path) -> None:
    truth = generate(tmp_path, 1.5, seed=5)
    events = list(iter_events([tmp_path / "logs"]))
    extra = [report(i * 60.0, error_type="Runtime.ExitError", line=i) for i in range(3)]
    extra += [call(i * 1800.0, "dynamodb.amazonaws.com:GetItem", ROLE, line=i)
              for i in range(60)] + [call(26 * 3600.0, "iam.amazonaws.com:ListRoles", ROLE)]
    extra += [guard(i, "sql_injection", line=i) for i in range(3)]
    duck, on_spark = _both(events + extra, spark, settings=Settings(budget_usd_per_day=1e-6),
                           inventory=inventory_from_openapi(str(tmp_path / "openapi.yaml")))
    assert on_spark.engine == "spark" and on_spark.events == len(events) + len(extra)
    assert {a.detector for a in duck.alerts} >= {"FGM-WALLET-005", "FGM-IAM-002",
                                                 "FGM-INJ-001", "FGM-SHADOW-001"}
    _same(duck, on_spark)
    assert score(on_spark.alerts, truth["attacks"]).recall == 1.0
