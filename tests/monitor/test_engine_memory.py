"""Bounded memory of a batch analysis: the engines' limit, events queried from Parquet."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from faasguard.cli import main
from faasguard.monitor.detectors import Settings
from faasguard.monitor.detectors.cost import Prices
from faasguard.monitor.detectors.shadow import inventory_from_openapi
from faasguard.monitor.engine import analyze, analyze_paths, run_detectors
from faasguard.monitor.engine.duckdb import DuckDBEngine
from faasguard.monitor.engine.memory import duckdb_limit, memory_mb, spark_limit
from faasguard.monitor.engine.parallel import write_part
from faasguard.monitor.engine.table import record_batches
from faasguard.monitor.generate import generate
from faasguard.monitor.read import ReadStats, iter_events
from faasguard.monitor.report import json as json_report
from tests.monitor.monitor_support import report


@pytest.mark.parametrize("text, mb", [("512MB", 512), ("1GB", 1024), ("1.5g", 1536),
                                      ("768", 768), ("2GiB", 2048), (" 300 mb ", 300)])
def test_memory_sizes_are_read_in_binary_units(text: str, mb: int) -> None:
    assert memory_mb(text) == mb
    assert duckdb_limit(text) == f"{mb}MiB" and spark_limit(text) == f"{mb}m"


@pytest.mark.parametrize("text, message", [("lots", "not a memory size"),
                                           ("-1GB", "not a memory size"),
                                           ("10MB", "below the minimum")])
def test_bad_memory_sizes_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        memory_mb(text)


def test_duckdb_takes_the_limit_and_the_spill_folder(tmp_path: Path) -> None:
    engine = DuckDBEngine(memory_limit="256MB", temp_directory=str(tmp_path / "spill"))
    try:
        settings = engine.query("SELECT current_setting('memory_limit') AS limit, "
                                "current_setting('temp_directory') AS spill")[0]
    finally:
        engine.close()
    assert settings["limit"].startswith("256") and settings["spill"] == str(tmp_path / "spill")


def _events(n: int) -> list:
    return [report(i * 30.0, line=i) for i in range(n)]


def test_parquet_parts_are_viewed_in_place_then_appended(tmp_path: Path) -> None:
    part = str(tmp_path / "a.parquet")
    assert write_part(_events(50), part) == 50
    assert write_part([], str(tmp_path / "empty.parquet")) == 0
    assert not (tmp_path / "empty.parquet").exists()
    engine = DuckDBEngine()
    try:
        assert engine.load_parquet([part]) == 50
        views = engine.query("SELECT view_name FROM duckdb_views() WHERE NOT internal")
        assert [v["view_name"] for v in views] == ["events"]
        viewed = run_detectors(engine, Settings(), Prices.load())
    finally:
        engine.close()
    loaded = analyze(_events(50))
    assert json_report.document(viewed) == json_report.document(loaded)
    engine = DuckDBEngine()
    try:
        engine.load(record_batches(_events(10)))
        assert engine.load_parquet([part]) == 60
    finally:
        engine.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate(root, 1.5, seed=4)
    return root


def test_a_small_limit_gives_the_same_analysis_and_leaves_nothing(
        generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory = inventory_from_openapi(str(generated / "openapi.yaml"))
    in_memory = analyze(iter_events([generated / "logs"]), Settings(), inventory=inventory)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stats = ReadStats()
    bounded = analyze_paths([generated / "logs"], None, stats, Settings(), "duckdb",
                            inventory, memory_limit="64MB")
    assert stats.events == bounded.events > 10_000 and len(bounded.alerts) >= 10
    assert json_report.document(bounded) == json_report.document(in_memory)
    assert list(tmp_path.iterdir()) == []  # the staging folder is removed


def test_cli_memory_limit(generated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = str(generated / "logs" / "apigw")
    with pytest.raises(SystemExit) as exc:
        main(["monitor", "analyze", logs, "--memory-limit", "lots"])
    assert exc.value.code == 2 and "not a memory size: 'lots'" in capsys.readouterr().err
    assert main(["monitor", "analyze", logs, "--memory-limit", "128MB", "--fail-on",
                 "none", "--format", "json"]) == 0
    assert '"alerts"' in capsys.readouterr().out
