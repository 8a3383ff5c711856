"""Authentication attacks: failure bursts per client, credential stuffing across users.

A failed authentication is an access-log request answered 401 or 403, or a guard event
of the ``auth`` detector (the runtime guard refused a token). A person mistyping a
password fails a few times; a brute-force run fails hundreds of times from one address
(FGM-AUTH-001). Credential stuffing replays leaked username/password pairs: few
addresses, many different users, mostly failing (FGM-AUTH-002).
"""

from __future__ import annotations

from faasguard.monitor.alerts import Alert
from faasguard.monitor.detectors.base import (
    Context,
    Detector,
    Dialect,
    Params,
    Row,
    make_alert,
    merge_windows,
    windowed_sql,
)

#: The rows that are failed authentications.
AUTH_FAILURE = ("(kind = 'request' AND status IN (401, 403))"
                " OR (kind = 'guard' AND detector = 'auth')")


def _burst_query(d: Dialect, p: Params) -> str:
    return windowed_sql(d, where=AUTH_FAILURE, entity="client_ip", seconds=p["window_s"],
                        min_count=p["min_failures"])


def _burst_alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
    return [make_alert(det, w, "client",
                       f"{w['n']} failed authentications from {w['entity']} (peak "
                       f"{w['peak']} in {p['window_s']} s)",
                       {"failures": w["n"], "peak": w["peak"]})
            for w in merge_windows(rows, p["window_s"])]


AUTH_BURST = Detector(
    id="FGM-AUTH-001", title="Burst of authentication failures from one client",
    threat="auth", severity="medium",
    description="Many 401/403 answers (or guard auth refusals) for one client IP in a short "
                "window: password guessing, token brute force or a broken client hammering "
                "the API. Parameters: window_s (default 300), min_failures (default 20: far "
                "above a person's retries).",
    defaults={"window_s": 300, "min_failures": 20},
    query=_burst_query, alerts=_burst_alerts)


def _stuffing_query(d: Dialect, p: Params) -> str:
    return windowed_sql(d, where=AUTH_FAILURE, entity="client_ip", seconds=p["window_s"],
                        min_count=p["min_failures"], distinct="principal",
                        min_distinct=p["min_users"])


def _stuffing_alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
    return [make_alert(det, w, "client",
                       f"{w['entity']} failed to sign in as {w['users']} different users "
                       f"in {p['window_s']} s ({w['n']} failures in all)",
                       {"failures": w["n"], "users": w["users"]})
            for w in merge_windows(rows, p["window_s"])]


STUFFING = Detector(
    id="FGM-AUTH-002", title="Credential stuffing: many users failing from one client",
    threat="auth", severity="high",
    description="One client IP failed to authenticate as many distinct users in a window: "
                "leaked credential lists being replayed. Needs the user in the logs (the "
                "principal of the access log or guard event). Parameters: window_s "
                "(default 600), min_users (default 10 distinct users), min_failures "
                "(default 10).",
    defaults={"window_s": 600, "min_users": 10, "min_failures": 10},
    query=_stuffing_query, alerts=_stuffing_alerts)

DETECTORS = (AUTH_BURST, STUFFING)
