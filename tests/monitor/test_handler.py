"""The real-time handler: subscription payloads in, alert lines, EMF and SNS out."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from faasguard.monitor.config import ConfigError, MonitorConfig
from faasguard.monitor.handler import ALERT_TYPE, Limits, Monitor, config_from_env
from tests.shared_data import AWS_EVENTS as EVENTS

BASE_MS = 1_772_409_600_000  # 2026-03-02T00:00:00Z


def guard_line(ms: int, detector: str, ip: str) -> str:
    return json.dumps({"type": "faasguard.security", "time": _iso(ms), "request_id": f"r{ms}",
                       "function": "orders-api", "source": "apigw_http",
                       "client": {"ip": ip, "key": f"ip:{ip}"}, "decision": "block",
                       "detector": detector, "reason": "input", "location": "query.q",
                       "status": 400})


def _iso(ms: int) -> str:
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def payload(lines: list[tuple[int, str]], group: str = "/aws/lambda/orders-api") -> dict[str, Any]:
    body = {"messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": group,
            "logStream": "2026/03/02/[$LATEST]abc", "subscriptionFilters": ["faasguard"],
            "logEvents": [{"id": str(i), "timestamp": ms, "message": message}
                          for i, (ms, message) in enumerate(lines)]}
    data = base64.b64encode(gzip.compress(json.dumps(body).encode())).decode()
    return {"awslogs": {"data": data}}


def scan_batch(start_ms: int, count: int, ip: str = "203.0.113.66") -> dict[str, Any]:
    return payload([(start_ms + i * 1000, guard_line(start_ms + i * 1000, "sql_injection", ip))
                    for i in range(count)])


def test_alert_is_a_structured_line_with_emf_and_goes_to_sns() -> None:
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="security-alerts")["TopicArn"]
        queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        lines: list[str] = []
        monitor = Monitor(MonitorConfig(sns_topic_arn=topic), write=lines.append, sns=sns)

        assert monitor.process(scan_batch(BASE_MS, 2)) == []  # below the threshold
        fresh = monitor.process(scan_batch(BASE_MS + 5000, 2))
        assert [a.detector for a in fresh] == ["FGM-INJ-001"]
        assert monitor.process(scan_batch(BASE_MS + 9000, 2)) == []  # same alert, not again

        record = json.loads(lines[0])
        assert record["type"] == ALERT_TYPE and record["entity"] == "203.0.113.66"
        emf = record["_aws"]["CloudWatchMetrics"][0]
        assert emf["Dimensions"] == [["detector", "severity"]] and record["alerts"] == 1
        assert record["detector"] == "FGM-INJ-001" and record["severity"] == "high"
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        published = json.loads(json.loads(messages[0]["Body"])["Message"])
        assert published["detector"] == "FGM-INJ-001"
        assert len(messages) == 1


def test_state_is_bounded_by_window_and_row_cap() -> None:
    monitor = Monitor(MonitorConfig(), Limits(window_s=600, max_events=50),
                      write=lambda line: None)
    monitor.process(scan_batch(BASE_MS, 40, ip="198.51.100.1"))
    assert monitor.rows() == 40
    monitor.process(scan_batch(BASE_MS + 60_000, 40, ip="198.51.100.2"))
    assert monitor.rows() == 50  # capped: the oldest rows went
    monitor.process(scan_batch(BASE_MS + 3_600_000, 5, ip="198.51.100.3"))
    assert monitor.rows() == 5  # everything older than the window went


def test_real_subscription_shape_without_alerts() -> None:
    event = json.loads((EVENTS / "cloudWatchLogEvent.json").read_text())
    lines: list[str] = []
    monitor = Monitor(write=lines.append)
    assert monitor.process(event) == []
    assert monitor.rows() == 2 and monitor.malformed == 0 and lines == []


def test_configuration_from_the_environment(tmp_path: Path) -> None:
    conf = tmp_path / "monitor.yml"
    conf.write_text("monitor:\n  budget: 5\n  state: {window-s: 900}\n"
                    "  detectors: {FGM-INJ-001: {min-hits: 10}}\n")
    config, limits = config_from_env({"FAASGUARD_MONITOR_CONFIG": str(conf),
                                      "FAASGUARD_MONITOR_SNS_TOPIC": "arn:aws:sns:x:1:t",
                                      "FAASGUARD_MONITOR_MAX_EVENTS": "1000"})
    assert config.budget == 5 and config.sns_topic_arn == "arn:aws:sns:x:1:t"
    assert limits.window_s == 900 and limits.max_events == 1000
    conf.write_text("budget: lots\n")
    with pytest.raises(ConfigError, match="budget"):
        config_from_env({"FAASGUARD_MONITOR_CONFIG": str(conf)})


def test_handler_imports_nothing_of_the_scanner() -> None:
    import subprocess
    import sys

    code = ("import sys; from faasguard.monitor.handler import Monitor; "
            "Monitor(write=print).process({'awslogs': {'data': ''}}); "
            "print(sorted(m for m in sys.modules if m.startswith('faasguard')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = out.strip().splitlines()[-1]
    for scanner in ("faasguard.scan", "faasguard.findings", "faasguard.analysis",
                    "faasguard.loaders", "faasguard.rules", "faasguard.model"):
        assert f"'{scanner}" not in loaded, loaded
    assert "faasguard.monitor.readers.dispatch" in loaded
