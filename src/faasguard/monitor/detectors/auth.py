"""Authentication attacks: failure bursts per client, credential stuffing across users.

A failed authentication is an access-log request answered 401 or 403, or a guard event
of the ``auth`` detector (the runtime guard refused a token). A person mistyping a
password fails a few times; a brute-force run fails hundreds of times from one address
(FGM-AUTH-001). Credential stuffing replays leaked username/password pairs: few
addresses, many different users, mostly failing (FGM-AUTH-002).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faasguard.monitor.detectors.base import Detector, Params, window_alerts, window_query

#: The rows that are failed authentications.
AUTH_FAILURE = ("(kind = 'request' AND status IN (401, 403))"
                " OR (kind = 'guard' AND detector = 'auth')")


def _burst(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['n']} failed authentications from {w['entity']} (peak "
            f"{w['peak']} in {p['window_s']} s)",
            {"failures": w["n"], "peak": w["peak"]})


AUTH_BURST = Detector(
    id="FGM-AUTH-001", title="Burst of authentication failures from one client",
    threat="auth", severity="medium",
    description="Many 401/403 answers (or guard auth refusals) for one client IP in a short "
                "window: password guessing, token brute force or a broken client hammering "
                "the API. Parameters: window_s (default 300), min_failures (default 20: far "
                "above a person's retries).",
    defaults={"window_s": 300, "min_failures": 20},
    query=window_query(AUTH_FAILURE, "client_ip", "min_failures"),
    alerts=window_alerts("client", _burst))


def _stuffing(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['entity']} failed to sign in as {w['users']} different users "
            f"in {p['window_s']} s ({w['n']} failures in all)",
            {"failures": w["n"], "users": w["users"]})


STUFFING = Detector(
    id="FGM-AUTH-002", title="Credential stuffing: many users failing from one client",
    threat="auth", severity="high",
    description="One client IP failed to authenticate as many distinct users in a window: "
                "leaked credential lists being replayed. Needs the user in the logs (the "
                "principal of the access log or guard event). Parameters: window_s "
                "(default 600), min_users (default 10 distinct users), min_failures "
                "(default 10).",
    defaults={"window_s": 600, "min_users": 10, "min_failures": 10},
    query=window_query(AUTH_FAILURE, "client_ip", "min_failures", distinct="principal",
                       min_distinct="min_users"),
    alerts=window_alerts("client", _stuffing))

DETECTORS = (AUTH_BURST, STUFFING)
