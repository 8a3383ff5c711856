"""CloudTrail: probing, unusual role behaviour, access-widening changes, risky sign-ins.

- FGM-IAM-001: bursts of access-denied errors per principal. Stolen credentials are
  first used to find out what they may do: call after call is refused.
- FGM-IAM-002: a role (an assumed-role principal, e.g. a function's execution role)
  calling an action it never called during its learning period. A function's code calls
  the same few APIs all day; a new one is a new code path or someone else using its keys.
- FGM-IAM-003: IAM and Lambda changes that widen access: policies attached or written,
  trust policies changed, Lambda permissions granted to everyone, function URLs switched
  to AuthType NONE.
- FGM-IAM-004: console sign-in without MFA. FGM-IAM-005: the root user at work.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from faasguard.monitor.alerts import Alert
from faasguard.monitor.detectors.base import (
    Context,
    Detector,
    Dialect,
    Params,
    Row,
    aware,
    make_alert,
    sql_strings,
    window_alerts,
    window_query,
)

#: CloudTrail errorCode values that mean "not allowed".
DENIED_CODES = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                "Client.UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError",
                "AuthorizationErrorException", "NotAuthorized", "Forbidden",
                "UnauthorizedException", "AccessDeniedFault")

#: eventSource:eventName prefixes of calls that widen access (Lambda event names carry a
#: version suffix, e.g. AddPermission20150331v2, hence prefixes).
WIDENING = (
    "iam.amazonaws.com:AttachRolePolicy", "iam.amazonaws.com:PutRolePolicy",
    "iam.amazonaws.com:AttachUserPolicy", "iam.amazonaws.com:PutUserPolicy",
    "iam.amazonaws.com:AttachGroupPolicy", "iam.amazonaws.com:PutGroupPolicy",
    "iam.amazonaws.com:CreatePolicyVersion", "iam.amazonaws.com:SetDefaultPolicyVersion",
    "iam.amazonaws.com:UpdateAssumeRolePolicy", "iam.amazonaws.com:CreateAccessKey",
    "iam.amazonaws.com:AddUserToGroup", "iam.amazonaws.com:CreateLoginProfile",
    "iam.amazonaws.com:UpdateLoginProfile", "iam.amazonaws.com:PassRole",
    "lambda.amazonaws.com:AddPermission", "lambda.amazonaws.com:AddLayerVersionPermission",
    "lambda.amazonaws.com:CreateFunctionUrlConfig",
    "lambda.amazonaws.com:UpdateFunctionUrlConfig",
)
#: Of those, the ones that only widen access with a public principal or AuthType NONE.
_CONDITIONAL = ("lambda.amazonaws.com:AddPermission",
                "lambda.amazonaws.com:AddLayerVersionPermission",
                "lambda.amazonaws.com:CreateFunctionUrlConfig",
                "lambda.amazonaws.com:UpdateFunctionUrlConfig")


def _denied(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['n']} access-denied errors for {w['entity']}: probing what "
            "its credentials allow",
            {"denied": w["n"], "peak": w["peak"]})


DENIED_BURST = Detector(
    id="FGM-IAM-001", title="Burst of access-denied errors for one principal",
    threat="permissions", severity="medium",
    description="Many AccessDenied / UnauthorizedOperation (and kin) errors for one "
                "principal in a window: someone enumerating what stolen credentials may "
                "do, or a role broken by a deploy. Parameters: window_s (default 600), "
                "min_denied (default 10).",
    defaults={"window_s": 600, "min_denied": 10},
    query=window_query(f"source = 'cloudtrail' AND error_code IN {sql_strings(DENIED_CODES)}",
                       "principal", "min_denied"),
    alerts=window_alerts("principal", _denied))


def _unusual_query(d: Dialect, p: Params) -> str:
    return f"""
WITH calls AS (
  SELECT principal, api_action, time, ref, seq, function FROM events
  WHERE source = 'cloudtrail' AND principal_type = 'AssumedRole' AND principal IS NOT NULL
    AND api_action IS NOT NULL
), spans AS (
  SELECT principal, min({d.epoch()}) AS t0 FROM calls GROUP BY principal
), firsts AS (
  SELECT principal, api_action, min({d.epoch()}) AS first_seen, min(time) AS start,
         max(time) AS stop, count(*) AS n, min(function) AS function,
         min_by(ref, seq) AS first_ref, max_by(ref, seq) AS last_ref
  FROM calls GROUP BY principal, api_action
), learned AS (
  SELECT f.principal, count(*) AS actions, sum(f.n) AS calls FROM firsts f JOIN spans s
    ON f.principal = s.principal
  WHERE f.first_seen < s.t0 + {float(p["learn_hours"]) * 3600}
  GROUP BY f.principal
)
SELECT f.principal AS entity, f.api_action, f.start, f.stop, f.n, f.function,
       f.first_ref, f.last_ref, l.calls AS learned_calls
FROM firsts f JOIN spans s ON f.principal = s.principal
  JOIN learned l ON f.principal = l.principal
WHERE f.first_seen >= s.t0 + {float(p["learn_hours"]) * 3600}
  AND l.calls >= {float(p["min_learned_calls"])}
ORDER BY entity, f.start, f.api_action
"""


def _unusual_alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[str(row["entity"])].append(row)
    out = []
    for principal, items in grouped.items():
        actions = sorted({str(r["api_action"]) for r in items})
        window = {"entity": principal, "function": items[0]["function"],
                  "start": min(aware(r["start"]) for r in items),
                  "end": max(aware(r["stop"]) for r in items),
                  "samples": [r["first_ref"] for r in items[:3] if r["first_ref"]]}
        out.append(make_alert(det, window, "principal",
                              f"{principal} called {len(actions)} action(s) it never called "
                              f"in its first {p['learn_hours']:g} h: {', '.join(actions[:8])}",
                              {"new_actions": len(actions), "calls": sum(r["n"] for r in items),
                               "learned_calls": items[0]["learned_calls"]}))
    return out


UNUSUAL_ACTIONS = Detector(
    id="FGM-IAM-002", title="Role calling actions outside its usual set",
    threat="permissions", severity="medium",
    description="An assumed role (a function's execution role, say) called API actions it "
                "had not called during its learning period (the first learn_hours of its "
                "activity in the logs, default 24: a full daily cycle), after at least "
                "min_learned_calls calls (default 20) had shown its usual set. Stolen "
                "function credentials used from elsewhere, or injected code taking new "
                "paths, look like this.",
    defaults={"learn_hours": 24.0, "min_learned_calls": 20},
    query=_unusual_query, alerts=_unusual_alerts)


def _widening_query(d: Dialect, p: Params) -> str:
    prefixes = " OR ".join(f"api_action LIKE '{a}%'" for a in WIDENING)
    return f"""
SELECT coalesce(principal, '(unknown)') AS entity, api_action, time, ref, params, function,
       seq
FROM events
WHERE source = 'cloudtrail' AND error_code IS NULL AND ({prefixes})
ORDER BY entity, time, seq
"""


def _public(action: str, params: str | None) -> bool | None:
    """For a conditional action: does it open access to anyone? (None: not conditional)."""
    if not action.startswith(_CONDITIONAL):
        return None
    try:
        data: Any = json.loads(params) if params else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return False
    if "FunctionUrlConfig" in action:
        return str(data.get("authType", "")).upper() == "NONE"
    return str(data.get("principal", "")).strip() == "*"


def _widening_alerts(det: Detector, rows: list[Row], p: Params, ctx: Context) -> list[Alert]:
    windows: list[dict[str, Any]] = []
    for row in rows:
        action = str(row["api_action"])
        public = _public(action, row["params"])
        if public is False:
            continue
        t = aware(row["time"])
        name = action.split(":", 1)[1] + (" (public)" if public else "")
        last = windows[-1] if windows else None
        if last is not None and last["entity"] == row["entity"] \
                and (t - last["end"]).total_seconds() <= p["window_s"]:
            last["end"] = t
            last["actions"].append(name)
            last["public"] = last["public"] or bool(public)
            if row["ref"] and len(last["samples"]) < 3:
                last["samples"].append(row["ref"])
            continue
        windows.append({"entity": row["entity"], "function": row["function"], "start": t,
                        "end": t, "actions": [name], "public": bool(public),
                        "samples": [row["ref"]] if row["ref"] else []})
    return [make_alert(det, w, "principal",
                       f"{w['entity']} widened access: "
                       f"{', '.join(list(dict.fromkeys(w['actions']))[:8])}",
                       {"changes": len(w["actions"])},
                       severity="critical" if w["public"] else None)
            for w in windows]


WIDENING_CHANGE = Detector(
    id="FGM-IAM-003", title="IAM or Lambda change that widens access", threat="permissions",
    severity="high",
    description="A successful call that grants more: policies attached or written to roles, "
                "users or groups, new policy versions, trust policy changes, access keys and "
                "login profiles, Lambda permissions for a public principal ('*'), function "
                "URLs with AuthType NONE (critical when public). Changes by one principal "
                "within window_s (default 3600) make one alert.",
    defaults={"window_s": 3600},
    query=_widening_query, alerts=_widening_alerts)


def _no_mfa(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"{w['entity']} signed in to the console without MFA ({w['n']} time(s))",
            {"sign_ins": w["n"]})


NO_MFA = Detector(
    id="FGM-IAM-004", title="Console sign-in without MFA", threat="auth", severity="medium",
    description="A successful ConsoleLogin whose additionalEventData says MFAUsed: No. A "
                "password alone guards the account. Sign-ins within window_s (default "
                "3600) make one alert.",
    defaults={"window_s": 3600},
    query=window_query("api_action = 'signin.amazonaws.com:ConsoleLogin' AND "
                       "mfa_used = FALSE AND error_code IS NULL", "principal", 1),
    alerts=window_alerts("principal", _no_mfa))


def _root(w: Mapping[str, Any], p: Params) -> tuple[str, dict[str, Any]]:
    return (f"the root user made {w['n']} call(s): root should sign in only "
            "for the few tasks that need it", {"calls": w["n"]})


ROOT_ACTIVITY = Detector(
    id="FGM-IAM-005", title="Root user activity", threat="permissions", severity="high",
    description="Any API call or sign-in by the account's root user. Calls within "
                "window_s (default 3600) make one alert.",
    defaults={"window_s": 3600},
    query=window_query("source = 'cloudtrail' AND principal_type = 'Root'",
                       "coalesce(principal, 'root')", 1),
    alerts=window_alerts("principal", _root))

DETECTORS = (DENIED_BURST, UNUSUAL_ACTIONS, WIDENING_CHANGE, NO_MFA, ROOT_ACTIVITY)
