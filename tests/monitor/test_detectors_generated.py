"""Every planted attack of a generated log set is found; nothing on attack-free logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.monitor.detectors import Settings
from faasguard.monitor.detectors.shadow import inventory_from_openapi
from faasguard.monitor.engine import Analysis, analyze
from faasguard.monitor.evaluate import score
from faasguard.monitor.generate import generate
from faasguard.monitor.read import ReadStats, iter_events


def _analyze(root: Path) -> tuple[Analysis, ReadStats]:
    stats = ReadStats()
    analysis = analyze(iter_events([root / "logs"], None, stats), Settings(),
                       inventory=inventory_from_openapi(str(root / "openapi.yaml")))
    return analysis, stats


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, dict, ReadStats]:
    root = tmp_path_factory.mktemp("attacked")
    truth = generate(root, 3, seed=11)
    analysis, stats = _analyze(root)
    return analysis, truth, stats


def test_every_planted_attack_is_found_with_high_precision(
        attacked: tuple[Analysis, dict, ReadStats]) -> None:
    analysis, truth, stats = attacked
    assert stats.malformed == 0 and stats.events > 10_000
    result = score(analysis.alerts, truth["attacks"])
    assert result.attacks >= 10
    assert result.missed == [], result.missed
    assert result.recall == 1.0
    assert result.precision >= 0.95, [(a.detector, a.entity) for a in result.false_alerts]


def test_no_alert_on_attack_free_logs(tmp_path: Path) -> None:
    generate(tmp_path, 3, seed=11, attacks=False)
    analysis, stats = _analyze(tmp_path)
    assert stats.events > 10_000
    assert [(a.detector, a.entity, a.message) for a in analysis.alerts] == []
