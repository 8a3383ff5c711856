"""Each detector on small hand-built event sets: a positive and a negative case."""

from __future__ import annotations

import pytest

from faasguard.monitor.alerts import Alert
from faasguard.monitor.detectors import BY_ID, DETECTORS, Settings
from faasguard.monitor.detectors.injection import attack_of
from faasguard.monitor.detectors.shadow import Inventory
from faasguard.monitor.engine import analyze
from faasguard.monitor.events import Event
from tests.monitor.monitor_support import call, guard, report, request, steady_traffic

ROLE = "arn:aws:sts::111122223333:assumed-role/orders-api-role/orders-api"
USER = "arn:aws:iam::111122223333:user/deployer"


def alerts(events: list[Event], detector: str, budget: float | None = None,
           inventory: Inventory | None = None, **params: object) -> list[Alert]:
    overrides: dict[str, dict[str, object]] = {d.id: {"enabled": False} for d in DETECTORS
                                               if d.id != detector}
    overrides[detector] = dict(params)
    settings = Settings.from_mapping(overrides, budget)
    found = analyze(events, settings, inventory=inventory).alerts
    return [a for a in found if a.detector == detector]


def test_every_detector_is_documented_with_its_parameters() -> None:
    ids = [d.id for d in DETECTORS]
    assert len(ids) == len(set(ids))
    for d in DETECTORS:
        assert d.id.startswith("FGM-") and d.threat and d.severity in ("critical", "high",
                                                                        "medium", "low")
        for name in d.defaults:
            assert name in d.description, (d.id, name)


# --- floods ------------------------------------------------------------------------------

def test_invocation_flood_against_the_function_baseline() -> None:
    events = steady_traffic(hours=1)
    burst = [report(3600 + i * 0.1, line=10_000 + i) for i in range(600)]
    found = alerts(events + burst, "FGM-WALLET-001")
    assert len(found) == 1
    assert found[0].entity == "orders-api" and found[0].counts["events"] >= 600
    assert found[0].samples[0] == "orders-api.log:10000"


def test_steady_or_slowly_growing_invocations_are_no_flood() -> None:
    events = steady_traffic(hours=1, per_minute=20)
    later = [report(3600 + i * 1.5, line=20_000 + i) for i in range(2400)]  # 40/min: 2x
    assert alerts(events + later, "FGM-WALLET-001") == []


def test_client_flood_above_the_floor() -> None:
    burst = [request(i * 0.15, ip="203.0.113.50", line=i) for i in range(400)]
    found = alerts(steady_traffic(hours=0.5) + burst, "FGM-WALLET-002")
    assert [a.entity for a in found] == ["203.0.113.50"]
    assert alerts(steady_traffic(hours=0.5) + burst[:250], "FGM-WALLET-002") == []


def test_route_flood_from_many_clients_each_under_the_client_floor() -> None:
    burst = [request(3600 + i * 0.1, ip=f"198.18.0.{i % 50}", path="/reports/7/export",
                     route="GET /reports/{id}/export", line=i) for i in range(600)]
    baseline = [request(i * 60.0, path="/reports/1/export", route="GET /reports/{id}/export")
                for i in range(60)]
    found = alerts(steady_traffic(hours=1) + baseline + burst, "FGM-WALLET-003")
    assert [a.entity for a in found] == ["GET /reports/{id}/export"]
    assert alerts(steady_traffic(hours=1) + baseline, "FGM-WALLET-003") == []
    assert alerts(steady_traffic(hours=0.5) + burst, "FGM-WALLET-002") == []


def test_slow_leech_calls_nearly_every_minute_for_hours() -> None:
    leech = [request(i * 50.0, ip="198.18.33.9", path="/reports/1/export",
                     route="GET /reports/{id}/export", line=i) for i in range(360)]
    found = alerts(steady_traffic(hours=5, per_minute=4) + leech, "FGM-WALLET-004")
    assert [a.entity for a in found] == ["198.18.33.9"]
    assert found[0].counts["hours"] >= 4 and found[0].counts["peak"] <= 2


def test_sessions_with_pauses_are_no_leech() -> None:
    # The same 360 requests, in 20-minute sessions once an hour.
    sessions = [request(hour * 3600 + k * 20.0, ip="198.18.33.9", line=hour * 100 + k)
                for hour in range(6) for k in range(60)]
    assert alerts(sessions, "FGM-WALLET-004") == []


def test_projected_spend_over_budget() -> None:
    heavy = [report(i * 36.0, function="reports-export", duration=9000.0, memory=3008, line=i)
             for i in range(100)]  # one hour: 100 x 9 s x 3 GB = 2.6 k GB-s
    found = alerts(heavy, "FGM-WALLET-005", budget=1.0)
    assert len(found) == 1 and found[0].counts["projected_usd_per_day"] > 1.0
    assert "reports-export" in found[0].message
    assert alerts(heavy, "FGM-WALLET-005", budget=5000.0) == []
    assert alerts(heavy, "FGM-WALLET-005") == []  # no budget, no alarm


# --- authentication ------------------------------------------------------------------------

def test_auth_failure_burst_and_its_threshold() -> None:
    failures = [request(i * 4.0, ip="203.0.113.77", method="POST", path="/login",
                        route="POST /login", status=401, principal="admin", line=i)
                for i in range(30)]
    found = alerts(failures, "FGM-AUTH-001")
    assert [a.entity for a in found] == ["203.0.113.77"]
    assert alerts(failures[:10], "FGM-AUTH-001") == []
    assert alerts(failures, "FGM-AUTH-002") == []  # one user: guessing, not stuffing


def test_guard_auth_refusals_count_as_failures() -> None:
    refusals = [guard(i * 5.0, "auth", ip="203.0.113.78", reason="expired", line=i)
                for i in range(25)]
    assert [a.entity for a in alerts(refusals, "FGM-AUTH-001")] == ["203.0.113.78"]


def test_credential_stuffing_many_users_from_one_client() -> None:
    stuffing = [request(i * 10.0, ip="198.18.44.21", method="POST", path="/login",
                        route="POST /login", status=401, principal=f"user{i}@mail.example",
                        line=i) for i in range(40)]
    found = alerts(stuffing, "FGM-AUTH-002")
    assert [a.entity for a in found] == ["198.18.44.21"] and found[0].counts["users"] >= 10


# --- injection -----------------------------------------------------------------------------

def test_injection_markers_in_access_log_queries_and_paths() -> None:
    scan = [request(0, ip="203.0.113.66", path="/search", query="q=1%27%20OR%20%271%27%3D%271"),
            request(5, ip="203.0.113.66", path="/files/..%2F..%2Fetc%2Fpasswd"),
            request(9, ip="203.0.113.66", path="/orders", query="name={{7*7}}")]
    assert [attack_of(e) for e in scan] == ["sql_injection", "path_traversal",
                                            "template_injection"]
    assert [a.entity for a in alerts(scan, "FGM-INJ-001")] == ["203.0.113.66"]


def test_guard_injection_events_count_and_other_guard_events_do_not() -> None:
    blocked = [guard(i, "sql_injection", line=i) for i in range(3)]
    assert len(alerts(blocked, "FGM-INJ-001")) == 1
    oversize = [guard(i, "oversize", line=i) for i in range(10)]
    assert alerts(oversize, "FGM-INJ-001") == []


def test_ordinary_queries_are_no_injection() -> None:
    normal = [request(i, ip="198.51.100.3", path="/search", query=q) for i, q in enumerate(
        ["q=O%27Brien", "q=select+the+best+option", "q=%245+off", "page=2&sort=price"] * 3)]
    assert [attack_of(e) for e in normal] == [None] * 12
    assert alerts(normal, "FGM-INJ-001") == []


# --- shadow routes -------------------------------------------------------------------------

def test_traffic_to_undocumented_routes_that_answer() -> None:
    inventory = Inventory.parse(["GET /orders/{id}", "POST /orders", "ANY /health"])
    served = [request(i * 60.0, path="/internal/debug", route=None, line=i) for i in range(6)]
    scanned = [request(i * 60.0, path="/wp-admin", route=None, status=404) for i in range(9)]
    known = [request(i * 60.0, path=f"/prod/orders/{i}", route=None) for i in range(9)]
    found = alerts(served + scanned + known, "FGM-SHADOW-001", inventory=inventory)
    assert [a.entity for a in found] == ["GET /internal/debug"]
    assert alerts(served, "FGM-SHADOW-001") == []  # no inventory, no judgement


def test_inventory_matches_templates_and_greedy_paths() -> None:
    inventory = Inventory.parse(["GET /orders/{id}", "ANY /files/{proxy+}"])
    assert inventory.documents("GET", "/orders/42")
    assert inventory.documents("GET", "/orders/{orderId}", template=True)
    assert not inventory.documents("GET", "/{proxy+}", template=True)
    assert inventory.documents("DELETE", "/files/a/b/c")
    assert not inventory.documents("POST", "/orders/42")
    assert not inventory.documents("GET", "/orders")
    with pytest.raises(ValueError, match="METHOD /path"):
        Inventory.parse(["/orders"])


# --- CloudTrail ----------------------------------------------------------------------------

def test_access_denied_burst_per_principal() -> None:
    denied = [call(i * 20.0, "s3.amazonaws.com:ListBuckets", ROLE,
                   error_code="AccessDenied" if i % 2 else "Client.UnauthorizedOperation",
                   line=i) for i in range(12)]
    assert [a.entity for a in alerts(denied, "FGM-IAM-001")] == [ROLE]
    allowed = [call(i * 20.0, "s3.amazonaws.com:ListBuckets", ROLE, line=i) for i in range(12)]
    assert alerts(allowed, "FGM-IAM-001") == []


def test_role_calling_actions_outside_its_usual_set() -> None:
    usual = [call(i * 1800.0, "dynamodb.amazonaws.com:GetItem", ROLE, line=i)
             for i in range(60)]  # 30 hours of the same call
    found = alerts(usual + [call(26 * 3600.0, "iam.amazonaws.com:ListRoles", ROLE, line=99)],
                   "FGM-IAM-002")
    assert [a.entity for a in found] == [ROLE]
    assert "iam.amazonaws.com:ListRoles" in found[0].message
    assert alerts(usual, "FGM-IAM-002") == []


def test_access_widening_changes() -> None:
    changes = [
        call(0, "iam.amazonaws.com:AttachRolePolicy", USER, "IAMUser",
             params='{"policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}'),
        call(60, "lambda.amazonaws.com:AddPermission20150331v2", USER, "IAMUser",
             params='{"action":"lambda:InvokeFunction","principal":"*"}')]
    found = alerts(changes, "FGM-IAM-003")
    assert len(found) == 1 and found[0].severity == "critical"
    assert "AddPermission20150331v2 (public)" in found[0].message
    narrow = [call(0, "lambda.amazonaws.com:AddPermission20150331v2", USER, "IAMUser",
                   params='{"principal":"s3.amazonaws.com"}'),
              call(60, "lambda.amazonaws.com:UpdateFunctionUrlConfig20211031", USER, "IAMUser",
                   params='{"authType":"AWS_IAM"}'),
              call(90, "iam.amazonaws.com:AttachRolePolicy", USER, "IAMUser",
                   error_code="AccessDenied")]
    assert alerts(narrow, "FGM-IAM-003") == []
    url = [call(0, "lambda.amazonaws.com:UpdateFunctionUrlConfig20211031", USER, "IAMUser",
                params='{"authType":"NONE"}')]
    assert alerts(url, "FGM-IAM-003")[0].severity == "critical"


def test_console_sign_in_without_mfa() -> None:
    login = "signin.amazonaws.com:ConsoleLogin"
    assert len(alerts([call(0, login, USER, "IAMUser", mfa_used=False)], "FGM-IAM-004")) == 1
    assert alerts([call(0, login, USER, "IAMUser", mfa_used=True)], "FGM-IAM-004") == []


def test_root_activity() -> None:
    root = "arn:aws:iam::111122223333:root"
    assert [a.entity for a in alerts([call(0, "iam.amazonaws.com:ListUsers", root, "Root")],
                                     "FGM-IAM-005")] == [root]
    assert alerts([call(0, "iam.amazonaws.com:ListUsers", USER, "IAMUser")],
                  "FGM-IAM-005") == []


# --- failures ------------------------------------------------------------------------------

def test_spike_of_timeouts_against_the_baseline() -> None:
    from faasguard.monitor.events import Event
    from tests.monitor.monitor_support import at

    quiet = [report(i * 300.0, error_type="Runtime.ExitError") for i in range(24)]
    spike = [Event(at(7200 + i), "lambda-platform", "timeout", function="orders-api",
                   error_type="timeout", file="orders-api.log", line=i) for i in range(60)]
    found = alerts(quiet + spike, "FGM-OPS-001")
    assert [a.entity for a in found] == ["orders-api"] and found[0].counts["failures"] >= 60
    assert alerts(quiet, "FGM-OPS-001") == []


# --- settings ------------------------------------------------------------------------------

def test_settings_validate_ids_parameters_and_values() -> None:
    with pytest.raises(ValueError, match="unknown detector"):
        Settings.from_mapping({"FGM-NOPE-001": {}})
    with pytest.raises(ValueError, match="unknown parameter 'factr'"):
        Settings.from_mapping({"FGM-WALLET-001": {"factr": 3}})
    with pytest.raises(ValueError, match="factor must be like"):
        Settings.from_mapping({"FGM-WALLET-001": {"factor": "high"}})
    settings = Settings.from_mapping({"FGM-IAM-005": {"enabled": False},
                                      "FGM-WALLET-001": {"min-count": 50}})
    assert BY_ID["FGM-IAM-005"] not in settings.enabled()
    assert settings.params(BY_ID["FGM-WALLET-001"])["min_count"] == 50


def test_docs_list_every_detector_with_its_defaults() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "monitor.md").read_text()
    for d in DETECTORS:
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{d.id}` |")), "")
        assert row, d.id
        for name, value in d.defaults.items():
            assert f"`{name}={value}`" in row, (d.id, name)


def test_whole_number_parameters_refuse_fractions() -> None:
    with pytest.raises(ValueError, match="window_s must be like 60"):
        Settings.from_mapping({"FGM-WALLET-001": {"window_s": 2.5}})
    assert Settings.from_mapping({"FGM-WALLET-001": {"factor": 3}}).params(
        BY_ID["FGM-WALLET-001"])["factor"] == 3.0
