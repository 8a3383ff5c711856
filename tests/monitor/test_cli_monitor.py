"""`faasguard monitor analyze` and `generate` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faasguard.cli import main

ACCESS = "\n".join(
    json.dumps({"requestId": f"r{i}", "ip": "203.0.113.77", "requestTime": "02/Mar/2026:10:00:"
                f"{i % 60:02d} +0000", "httpMethod": "POST", "routeKey": "POST /login",
                "path": "/login", "status": "401", "protocol": "HTTP/1.1",
                "responseLength": "12"})
    for i in range(30)) + "\n"


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    (tmp_path / "access.jsonl").write_text(ACCESS + "{broken\n")
    return tmp_path


def test_analyze_reports_alerts_and_exits_1(logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "analyze", str(logs), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [a["detector"] for a in doc["alerts"]] == ["FGM-AUTH-001"]
    assert doc["read"]["malformed"] == 1
    assert main(["monitor", "analyze", str(logs), "--fail-on", "high"]) == 0


def test_analyze_writes_html_and_sarif(logs: Path, tmp_path: Path) -> None:
    out, page = tmp_path / "m.sarif", tmp_path / "m.html"
    main(["monitor", "analyze", str(logs / "access.jsonl"), "--format", "sarif", "-o", str(out),
          "--html", str(page)])
    assert json.loads(out.read_text())["runs"][0]["results"][0]["ruleId"] == "FGM-AUTH-001"
    assert "<svg" in page.read_text()


def test_config_disables_a_detector(logs: Path, tmp_path: Path) -> None:
    conf = tmp_path / "monitor.yml"
    conf.write_text("detectors:\n  FGM-AUTH-001: {enabled: false}\n")
    assert main(["monitor", "analyze", str(logs / "access.jsonl"), "--config", str(conf)]) == 0


@pytest.mark.parametrize("extra, message", [
    (["--config", "missing.yml"], "cannot be read"),
    (["--openapi", "missing.yaml"], "missing.yaml"),
])
def test_usage_errors_exit_2(logs: Path, extra: list[str], message: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "analyze", str(logs), *extra]) == 2
    assert message in capsys.readouterr().err


def test_bad_budget_is_refused_by_the_parser(logs: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["monitor", "analyze", str(logs), "--budget", "-3"])
    assert exc.value.code == 2


def test_bad_config_key_and_unreadable_logs_exit_2(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "monitor.yml"
    conf.write_text("detectors:\n  FGM-AUTH-001: {min-failure: 3}\n")
    (tmp_path / "empty.log").write_text("")
    assert main(["monitor", "analyze", str(tmp_path / "empty.log"), "--config", str(conf)]) == 2
    assert "unknown parameter 'min-failure'" in capsys.readouterr().err
    assert main(["monitor", "analyze", str(tmp_path / "empty.log")]) == 2
    assert "no log events" in capsys.readouterr().err
    assert main(["monitor", "analyze", str(tmp_path / "nowhere")]) == 2


def test_generate_delegates_to_the_generator(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "generate", str(tmp_path / "g"), "--size-mb", "0.5",
                 "--seed", "3", "--days", "1"]) == 0
    assert (tmp_path / "g" / "ground-truth.json").is_file()
    assert "planted attack" in capsys.readouterr().out
