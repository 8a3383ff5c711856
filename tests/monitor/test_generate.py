"""The synthetic log generator: every format, the planted attacks as the truth says,
ordinary traffic that looks ordinary, the same bytes for the same seed."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml

from faasguard.monitor.events import Event
from faasguard.monitor.generate import generate, main
from faasguard.monitor.read import ReadStats, iter_events
from faasguard.monitor.readers.times import parse_time
from faasguard.monitor.synth.app import SEARCH_WORDS, SHADOW_ROUTE, documented_routes
from faasguard.monitor.synth.attacks import INJECTION_PAYLOADS
from faasguard.runtime.detectors import STRING_DETECTORS, string_hits

ATTACKER_PREFIXES = ("203.0.113.", "198.18.", "198.19.")
ATTACKER_IDENTITIES = ("arn:aws:iam::111122223333:root", "user/ops-admin", "user/legacy-deployer")


def _read(folder: Path) -> tuple[list[Event], ReadStats]:
    stats = ReadStats()
    return list(iter_events([folder / "logs"], None, stats)), stats


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[Event],
                                                                 ReadStats]:
    out = tmp_path_factory.mktemp("attacked")
    truth = generate(out, 2.0, seed=11)
    events, stats = _read(out)
    return truth, events, stats


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Event]]:
    out = tmp_path_factory.mktemp("ordinary")
    generate(out, 1.5, seed=11, attacks=False)
    return out, _read(out)[0]


def test_every_format_is_written_and_read_without_a_malformed_line(
        attacked: tuple[dict[str, Any], list[Event], ReadStats]) -> None:
    truth, events, stats = attacked
    assert stats.malformed == 0 and not stats.file_errors, stats.summary()
    assert set(stats.sources) == {"apigw-access", "lambda-platform", "lambda-app", "guard",
                                  "cloudtrail"}
    files = {e.file for e in events}
    for marker in ("shop-http-access.jsonl", "shop-rest-access.log", "/000000.gz",
                   "auth-api.jsonl", "filter-log-events-", "subscription/search-api.jsonl",
                   "_CloudTrail_eu-west-1_", "lookup-events-"):
        assert any(marker in (name or "") for name in files), marker
    volume = truth["volume"]
    assert volume["requests"] == stats.sources["apigw-access"]
    assert volume["cloudtrail"] == stats.sources["cloudtrail"]
    reports = [e for e in events if e.kind == "report"]
    assert len(reports) == volume["invocations"]
    assert {e.function for e in reports} == {"orders-api", "search-api", "reports-export",
                                             "auth-api", "image-resize"}
    assert any(e.cold_start for e in reports) and sum(e.cold_start for e in reports) < \
        len(reports) / 5


def _in_window(event: Event, attack: dict[str, Any]) -> bool:
    return parse_time(attack["start"]) <= event.time <= parse_time(attack["end"])


def test_each_planted_attack_is_in_the_logs_as_the_truth_says(
        attacked: tuple[dict[str, Any], list[Event], ReadStats]) -> None:
    truth, events, _ = attacked
    kinds = Counter(a["kind"] for a in truth["attacks"])
    assert kinds == {"dow-blast": 1, "dow-leech": 1, "auth-failure-burst": 1,
                     "credential-stuffing": 1, "injection-scan": 1, "access-denied-probing": 1,
                     "shadow-route": 1, "privilege-change": 3, "console-login-no-mfa": 1,
                     "root-activity": 1}
    last_day = parse_time(truth["end"]).timestamp() - 86400
    for attack in truth["attacks"]:
        entity = attack["entity"]
        assert parse_time(attack["start"]).timestamp() >= last_day, attack["id"]
        if attack["kind"] in ("access-denied-probing", "privilege-change",
                              "console-login-no-mfa", "root-activity"):
            hits = [e for e in events if e.source == "cloudtrail"
                    and e.principal == entity["principal"] and _in_window(e, attack)]
            assert len(hits) >= attack["events"], attack
        else:
            hits = [e for e in events if e.source == "apigw-access"
                    and e.client_ip in entity["client_ip"] and _in_window(e, attack)]
            assert len(hits) == attack["events"], attack
    by_kind = {a["kind"]: a for a in truth["attacks"]}
    probe = [e for e in events if e.principal == by_kind["access-denied-probing"]["entity"][
        "principal"] and e.client_ip == "203.0.113.200"]
    assert all(e.error_code in ("AccessDenied", "Client.UnauthorizedOperation") for e in probe)
    assert len({e.api_action for e in probe}) >= 10
    stuffing = [e for e in events if e.client_ip in by_kind["credential-stuffing"]["entity"][
        "client_ip"]]
    assert len({e.principal for e in stuffing}) > 300
    assert sum(e.status == 401 for e in stuffing) > 400
    blocked = [e for e in events if e.source == "guard" and e.client_ip == "203.0.113.66"]
    assert len(blocked) == by_kind["injection-scan"]["events"]
    assert {e.decision for e in blocked} == {"block"}
    assert {e.detector for e in blocked} >= {"sql_injection", "path_traversal",
                                            "template_injection"}


def test_privilege_changes_carry_what_makes_them_dangerous(
        attacked: tuple[dict[str, Any], list[Event], ReadStats]) -> None:
    _, events, _ = attacked
    changes = {e.api_action: json.loads(e.params or "{}") for e in events
               if e.principal and e.principal.endswith("user/legacy-deployer")}
    assert changes["iam.amazonaws.com:AttachRolePolicy"]["policyArn"].endswith(
        "AdministratorAccess")
    assert changes["lambda.amazonaws.com:AddPermission"]["principal"] == "*"
    assert changes["lambda.amazonaws.com:UpdateFunctionUrlConfig"]["authType"] == "NONE"
    no_mfa = [e for e in events if e.api_action == "signin.amazonaws.com:ConsoleLogin"
              and e.mfa_used is False]
    assert [e.principal for e in no_mfa] == ["arn:aws:iam::111122223333:user/ops-admin"]
    assert any(e.principal_type == "Root" for e in events)


def test_leech_stays_under_one_request_a_second(
        attacked: tuple[dict[str, Any], list[Event], ReadStats]) -> None:
    truth, events, _ = attacked
    leech = next(a for a in truth["attacks"] if a["kind"] == "dow-leech")
    times = sorted(e.time.timestamp() for e in events
                   if e.source == "apigw-access" and e.client_ip in leech["entity"]["client_ip"])
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 1.0
    assert times[-1] - times[0] > 5 * 3600


def test_ordinary_traffic_has_no_attack_in_it(ordinary: tuple[Path, list[Event]]) -> None:
    out, events = ordinary
    assert json.loads((out / "ground-truth.json").read_text())["attacks"] == []
    assert not [e for e in events if e.client_ip and e.client_ip.startswith(ATTACKER_PREFIXES)]
    assert not [e for e in events if e.principal and e.principal.endswith(ATTACKER_IDENTITIES)]
    assert not [e for e in events if e.api_action == "signin.amazonaws.com:ConsoleLogin"
                and e.mfa_used is not True]
    assert not [e for e in events if e.route == SHADOW_ROUTE.key]
    assert not [e for e in events if e.source == "guard" and e.decision == "block"
                and e.detector != "auth"]
    active = frozenset(STRING_DETECTORS)
    assert not [e for e in events if e.source == "apigw-access"
                and string_hits(unquote((e.path or "") + "?" + (e.query or "")), active)]


def test_ordinary_mishaps_are_scattered(ordinary: tuple[Path, list[Event]]) -> None:
    _, events = ordinary
    failures: dict[tuple[str | None, int], int] = defaultdict(int)
    denied: dict[tuple[str | None, int], int] = defaultdict(int)
    per_client: Counter[str | None] = Counter()
    for e in events:
        bucket = int(e.time.timestamp() // 300)
        if e.kind == "request":
            per_client[e.client_ip] += 1
            if e.status in (401, 403):
                failures[(e.client_ip, bucket)] += 1
        if e.error_code == "AccessDenied":
            denied[(e.principal, bucket)] += 1
    assert failures and max(failures.values()) <= 4
    assert denied and max(denied.values()) <= 2
    requests = sum(per_client.values())
    assert max(per_client.values()) < requests * 0.03


def test_traffic_follows_the_day(ordinary: tuple[Path, list[Event]]) -> None:
    _, events = ordinary
    hours = Counter(e.time.hour for e in events if e.kind == "request")
    assert hours[15] > 2.5 * hours[3]


def test_same_seed_same_logs_other_seed_other_logs(tmp_path: Path) -> None:
    def snapshot(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes()
                for p in sorted((folder / "logs").rglob("*")) if p.is_file()}

    generate(tmp_path / "a", 0.5, seed=5, days=1)
    generate(tmp_path / "b", 0.5, seed=5, days=1)
    generate(tmp_path / "c", 0.5, seed=6, days=1)
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert first == second
    assert snapshot(tmp_path / "c") != first


def test_size_is_about_what_was_asked(tmp_path: Path) -> None:
    truth = generate(tmp_path, 3.0, seed=2, attacks=False, days=1)
    assert 0.7 * 3e6 < truth["volume"]["text_bytes"] < 1.4 * 3e6


def test_openapi_lists_the_documented_routes_only(tmp_path: Path) -> None:
    generate(tmp_path, 0.3, seed=1, days=1, attacks=False)
    document = yaml.safe_load((tmp_path / "openapi.yaml").read_text())
    listed = {f"{method.upper()} {path}" for path, item in document["paths"].items()
              for method in item if method != "parameters"}
    assert listed == set(documented_routes())
    assert SHADOW_ROUTE.template not in document["paths"]


def test_payloads_trip_the_guard_and_search_words_do_not() -> None:
    active = frozenset(STRING_DETECTORS)
    assert all(string_hits(p, active) for p in INJECTION_PAYLOADS)
    assert not [w for w in SEARCH_WORDS if string_hits(w, active)]


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "set"
    assert main([str(out), "--size-mb", "0.3", "--seed", "4", "--days", "1"]) == 0
    printed = capsys.readouterr().out
    assert "planted attacks" in printed and str(out) in printed
    truth = json.loads((out / "ground-truth.json").read_text())
    assert truth["seed"] == 4 and len(truth["attacks"]) == 12
    assert datetime.fromisoformat(truth["start"].replace("Z", "+00:00")).hour == 0
    for bad in ([str(out)], [str(tmp_path / "x"), "--size-mb", "0"],
                [str(tmp_path / "y"), "--start", "yesterday"]):
        with pytest.raises(SystemExit) as exit_info:
            main(bad)
        assert exit_info.value.code == 2
    assert "exists and is not empty" in capsys.readouterr().err


def test_sam_template_gives_the_scanner_the_documented_routes(tmp_path: Path) -> None:
    from faasguard.analysis.endpoints import build_endpoints
    from faasguard.scan import discover_paths, load_app

    generate(tmp_path, 0.3, seed=1, days=1, attacks=False)
    base, found = discover_paths([str(tmp_path / "app")], [])
    app = load_app(base, found.templates, "dev")
    endpoints = build_endpoints(app)
    assert {f"{e.method} {e.path}" for e in endpoints} == set(documented_routes())
    assert {f"{e.method} {e.path}" for e in endpoints if e.auth == "none"} == {
        "GET /search", "GET /products/{id}", "POST /login", "POST /token/refresh"}
