"""Reading files in worker processes gives the same report as reading them in one."""

from __future__ import annotations

import json
from pathlib import Path

from faasguard.monitor.detectors import Settings
from faasguard.monitor.engine import analyze_paths
from faasguard.monitor.read import ReadStats
from faasguard.monitor.report import json as json_report


def _access(ip: str, status: int, n: int) -> str:
    return "\n".join(json.dumps({
        "requestId": f"{ip}-{i}", "ip": ip, "requestTime": f"02/Mar/2026:10:{i // 60:02d}:"
        f"{i % 60:02d} +0000", "httpMethod": "POST", "routeKey": "POST /login",
        "path": "/login", "status": str(status), "protocol": "HTTP/1.1"}) for i in range(n))


def test_parallel_reading_matches_the_single_process(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(_access("203.0.113.77", 401, 40) + "\nnot a log line\n")
    (tmp_path / "b.jsonl").write_text(_access("198.51.100.4", 200, 90))
    (tmp_path / "c.jsonl").write_text(_access("203.0.113.78", 403, 25))
    reports = []
    for workers in (1, 2):
        stats = ReadStats()
        analysis = analyze_paths([tmp_path], None, stats, Settings(), workers=workers)
        analysis.read = stats.to_dict()
        reports.append(json_report.document(analysis))
    assert reports[0] == reports[1]
    assert [a["entity"] for a in reports[1]["alerts"]] == ["203.0.113.77", "203.0.113.78"]
    assert reports[1]["read"]["files"] == 3 and reports[1]["read"]["malformed"] == 1
    assert reports[1]["read"]["malformed_samples"][0]["line"] == 41
