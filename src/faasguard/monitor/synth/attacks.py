"""The planted attacks, and the ground truth that lists them.

Every attack comes from addresses no ordinary client uses (TEST-NET-3 203.0.113.0/24 and
the benchmark range 198.18.0.0/15) or from identities ordinary activity never shows, and
sits in its own window of the last day (the days before are the detectors' baseline).
Each one is a ground-truth entry: kind, threat, window, entity, and how many log events
it left.

Kinds: ``dow-blast``, ``dow-leech``, ``auth-failure-burst``, ``credential-stuffing``,
``injection-scan``, ``access-denied-probing``, ``shadow-route``, ``privilege-change``
(``attach-role-policy``, ``add-permission-public``, ``function-url-auth-none``),
``console-login-no-mfa``, ``root-activity``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from faasguard.monitor.synth.app import (
    ACCOUNT,
    FUNCTIONS,
    HTTP_API,
    REST_API,
    ROUTE_BY_KEY,
    SHADOW_PATHS,
    SHADOW_ROUTE,
    concrete_path,
)
from faasguard.monitor.synth.emitter import Request
from faasguard.monitor.synth.ids import Ids
from faasguard.monitor.synth.records import (
    CLI_AGENT,
    CONSOLE_AGENT,
    Records,
    assumed_role,
    iam_user,
    root,
)
from faasguard.monitor.synth.writers import Clock

HOUR = 3600.0

# Attack payloads (URL-decoded); each trips one of the guard's string detectors.
INJECTION_PAYLOADS = (
    "1' OR '1'='1",
    "1 UNION SELECT username, password FROM users--",
    "x'; DROP TABLE orders;--",
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "{{7*7}}",
    "${7*7}",
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    "1; SELECT pg_sleep(5)--",
    "admin'--",
)
SCANNER_AGENT = "sqlmap/1.8.11#stable (https://sqlmap.org)"
PROBE_ACTIONS = (
    "iam.amazonaws.com:ListUsers", "iam.amazonaws.com:ListRoles",
    "iam.amazonaws.com:ListAttachedRolePolicies", "s3.amazonaws.com:ListBuckets",
    "secretsmanager.amazonaws.com:ListSecrets", "ec2.amazonaws.com:DescribeInstances",
    "lambda.amazonaws.com:ListFunctions20150331", "rds.amazonaws.com:DescribeDBInstances",
    "ssm.amazonaws.com:DescribeParameters", "kms.amazonaws.com:ListKeys",
    "dynamodb.amazonaws.com:ListTables", "sns.amazonaws.com:ListTopics",
    "organizations.amazonaws.com:DescribeOrganization", "cloudtrail.amazonaws.com:DescribeTrails",
    "iam.amazonaws.com:GetAccountAuthorizationDetails",
)


@dataclass
class Planted:
    """What the attacks add to the logs, and the ground truth."""

    requests: list[Request] = field(default_factory=list)
    calls: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    truth: list[dict[str, Any]] = field(default_factory=list)


class Attacks:
    """Plants every attack in the day that starts at `day`."""

    def __init__(self, rng: random.Random, ids: Ids, records: Records, day: float,
                 requests_total: int) -> None:
        self.rng = rng
        self.ids = ids
        self.records = records
        self.day = day
        self.total = requests_total
        self.clock = Clock()
        self.out = Planted()

    @staticmethod
    def request_count(requests_total: int) -> int:
        """About how many requests the attacks add to `requests_total` ordinary ones."""
        return max(1500, int(requests_total * 0.02)) + max(400, int(requests_total * 0.004)) \
            + 150 + 450 + 240 + 60

    def plant(self) -> Planted:
        """All attacks, each in its own window of the day."""
        self.root_activity(1.0)
        self.console_login_without_mfa(2.5)
        self.dow_leech(3.0, 9.0)
        self.access_denied_probing(4.0)
        self.privilege_changes(5.0)
        self.auth_failure_burst(10.0)
        self.credential_stuffing(11.0)
        self.injection_scan(13.0)
        self.dow_blast(15.0)
        self.shadow_route(17.0, 20.0)
        return self.out

    # --- requests ---------------------------------------------------------------------

    def dow_blast(self, at_hour: float) -> None:
        """A flood of calls to the costliest route from a handful of addresses."""
        start, end = self._window(at_hour, 600)
        count = max(1500, int(self.total * 0.02))
        route = ROUTE_BY_KEY["GET /reports/{id}/export"]
        ips = [f"198.18.20.{10 + i}" for i in range(5)]
        for _ in range(count):
            t = self.rng.uniform(start, end)
            self.out.requests.append(Request(
                t, HTTP_API, "GET", concrete_path(route.template, self.rng),
                route.key, self.rng.choice(ips), 200, route.function,
                principal=f"user-{self.rng.randint(90000, 90004)}",
                user_agent="Go-http-client/1.1", app=[("INFO", "report exported")]))
        self._truth("dow-blast", "wallet", start, end, {"client_ip": ips, "route": route.key,
                                                        "function": route.function}, count,
                    f"{count} calls of {route.key} in 10 minutes from {len(ips)} addresses")

    def dow_leech(self, from_hour: float, to_hour: float) -> None:
        """One client calling the costliest route all day, always under one request a second."""
        start, end = self.day + from_hour * HOUR, self.day + to_hour * HOUR
        count = max(400, int(self.total * 0.004))
        gap = (end - start) / count
        route = ROUTE_BY_KEY["GET /reports/{id}/export"]
        ip = "198.18.33.9"
        t = start
        for _ in range(count):
            self.out.requests.append(Request(
                t, HTTP_API, "GET", concrete_path(route.template, self.rng),
                route.key, ip, 200, route.function, principal="user-90210",
                user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                duration_ms=self.rng.uniform(3500, 5500), app=[("INFO", "report exported")]))
            t += max(1.05, self.rng.uniform(0.5, 1.5) * gap)
        self._truth("dow-leech", "wallet", start, t, {"client_ip": [ip], "route": route.key,
                                                     "function": route.function}, count,
                    f"{count} slow calls of {route.key}, never more than one a second")

    def auth_failure_burst(self, at_hour: float) -> None:
        """Password guessing against two accounts from one address."""
        start, end = self._window(at_hour, 180)
        route = ROUTE_BY_KEY["POST /login"]
        ip, count = "203.0.113.77", 150
        for _ in range(count):
            self.out.requests.append(Request(
                self.rng.uniform(start, end), REST_API, "POST", "/login", route.key, ip, 401,
                None, principal=self.rng.choice(("admin", "support")),
                user_agent="python-requests/2.32.3"))
        self._truth("auth-failure-burst", "auth", start, end, {"client_ip": [ip]}, count,
                    f"{count} failed logins in 3 minutes from one address")

    def credential_stuffing(self, at_hour: float) -> None:
        """Leaked username/password pairs replayed from three addresses: many users, few hits."""
        start, end = self._window(at_hour, 1200)
        route = ROUTE_BY_KEY["POST /login"]
        ips = ["198.18.44.21", "198.18.44.22", "198.18.45.3"]
        count = 450
        for n in range(count):
            user = f"{self.rng.choice(('anna', 'ben', 'chris', 'dana', 'eli', 'fay'))}" \
                   f"{self.rng.randint(1, 9999)}@mail.example"
            ok = n % 60 == 59
            self.out.requests.append(Request(
                self.rng.uniform(start, end), REST_API, "POST", "/login", route.key,
                ips[n % len(ips)], 200 if ok else 401, route.function if ok else None,
                principal=user, user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                app=[("INFO", f"login ok for {user}")] if ok else []))
        self._truth("credential-stuffing", "auth", start, end, {"client_ip": ips}, count,
                    f"{count} logins as ~{count} different users from {len(ips)} addresses")

    def injection_scan(self, at_hour: float) -> None:
        """A scanner trying injection payloads in query strings and paths; the guard blocks."""
        start, end = self._window(at_hour, 900)
        ip, count = "203.0.113.66", 240
        from faasguard.runtime.detectors import STRING_DETECTORS, string_hits

        active = frozenset(STRING_DETECTORS)
        for n in range(count):
            payload = INJECTION_PAYLOADS[n % len(INJECTION_PAYLOADS)]
            detector = string_hits(payload, active)[0]
            target = n % 3
            if target == 0:
                route, path, query = ROUTE_BY_KEY["GET /search"], "/search", \
                    "q=" + quote(payload, safe="")
                location = "query.q"
            elif target == 1:
                route, path, query = ROUTE_BY_KEY["GET /products/{id}"], \
                    "/products/" + quote(payload, safe=""), None
                location = "path.id"
            else:
                route, path, query = ROUTE_BY_KEY["GET /orders"], "/orders", \
                    "status=" + quote(payload, safe="")
                location = "query.status"
            guard = {"decision": "block", "detector": detector, "location": location,
                     "reason": "input", "status": 400, "metric": "blocked",
                     "hits": [{"detector": detector, "location": location}],
                     "evidence": {"sample": payload[:64]}}
            self.out.requests.append(Request(
                self.rng.uniform(start, end), HTTP_API, "GET", path, route.key, ip, 400,
                route.function, query=query, user_agent=SCANNER_AGENT, guard=guard,
                principal="user-90666" if route.authenticated else None))
        self._truth("injection-scan", "injection", start, end, {"client_ip": [ip]}, count,
                    f"{count} requests carrying injection payloads, blocked by the guard")

    def shadow_route(self, from_hour: float, to_hour: float) -> None:
        """Someone using a forgotten catch-all route that no API description lists."""
        start, end = self.day + from_hour * HOUR, self.day + to_hour * HOUR
        ips, count = ["203.0.113.140", "203.0.113.141"], 60
        for _ in range(count):
            path = self.rng.choice(SHADOW_PATHS)
            self.out.requests.append(Request(
                self.rng.uniform(start, end), HTTP_API, self.rng.choice(("GET", "POST")), path,
                SHADOW_ROUTE.key, self.rng.choice(ips), 200, SHADOW_ROUTE.function,
                user_agent="curl/8.11.1", app=[("INFO", f"internal call {path}")]))
        self._truth("shadow-route", "shadow-api", start, end,
                    {"route": SHADOW_ROUTE.key, "paths": list(SHADOW_PATHS), "client_ip": ips},
                    count, f"{count} answered calls of the undocumented {SHADOW_ROUTE.key}")

    # --- CloudTrail -------------------------------------------------------------------

    def access_denied_probing(self, at_hour: float) -> None:
        """A function's stolen credentials used from outside to find what they allow."""
        start, end = self._window(at_hour, 600)
        spec = FUNCTIONS["orders-api"]
        identity = assumed_role(spec.role, spec.name)
        ip, count = "203.0.113.200", 60
        for n in range(count):
            t = start + (end - start) * n / count + self.rng.random()
            action = PROBE_ACTIONS[n % len(PROBE_ACTIONS)]
            self._call(t, action, identity, ip, CLI_AGENT, error=(
                "AccessDenied" if not action.startswith("ec2") else "Client.UnauthorizedOperation",
                f"{spec.session_arn} is not authorized to perform: {action.split(':')[1]}"))
        self._truth("access-denied-probing", "permissions", start, end,
                    {"principal": spec.session_arn, "client_ip": [ip]}, count,
                    f"{count} denied calls with the {spec.role} credentials from outside AWS")

    def privilege_changes(self, at_hour: float) -> None:
        """Three changes that widen access, by a leaked long-lived access key."""
        identity = iam_user("legacy-deployer")
        ip = "203.0.113.201"
        t = self.day + at_hour * HOUR
        role = FUNCTIONS["orders-api"].role
        self._call(t, "iam.amazonaws.com:AttachRolePolicy", identity, ip, CLI_AGENT,
                   params={"roleName": role,
                           "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
        self._truth("privilege-change", "permissions", t, t + 1, {
            "principal": identity["arn"], "action": "iam.amazonaws.com:AttachRolePolicy",
            "change": "attach-role-policy", "target": role}, 1,
            f"AdministratorAccess attached to {role}")
        t += 1200
        function_arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:reports-export"
        self._call(t, "lambda.amazonaws.com:AddPermission20150331v2", identity, ip, CLI_AGENT,
                   params={"functionName": function_arn, "statementId": "public-invoke",
                           "action": "lambda:InvokeFunction", "principal": "*"},
                   response={"statement": '{"Sid":"public-invoke","Effect":"Allow",'
                                          '"Principal":"*","Action":"lambda:InvokeFunction"}'})
        self._truth("privilege-change", "permissions", t, t + 1, {
            "principal": identity["arn"], "action": "lambda.amazonaws.com:AddPermission",
            "change": "add-permission-public", "function": "reports-export"}, 1,
            "anyone may now invoke reports-export")
        t += 1200
        self._call(t, "lambda.amazonaws.com:UpdateFunctionUrlConfig20211031", identity, ip,
                   CLI_AGENT, params={"functionName": "reports-export", "authType": "NONE"},
                   response={"functionUrl": "https://q7x2mdk3v5.lambda-url.eu-west-1.on.aws/",
                             "authType": "NONE"})
        self._truth("privilege-change", "auth", t, t + 1, {
            "principal": identity["arn"], "action": "lambda.amazonaws.com:UpdateFunctionUrlConfig",
            "change": "function-url-auth-none", "function": "reports-export"}, 1,
            "the function URL of reports-export no longer asks for authentication")

    def console_login_without_mfa(self, at_hour: float) -> None:
        """A console sign-in with a password alone, then a look around."""
        start, _ = self._window(at_hour, 180)
        identity = iam_user("ops-admin")
        ip = "198.18.90.4"
        self._call(start, "signin.amazonaws.com:ConsoleLogin", identity, ip, CONSOLE_AGENT,
                   response={"ConsoleLogin": "Success"},
                   extra={"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No",
                          "MFAUsed": "No"}, event_type="AwsConsoleSignIn", read_only=False)
        for n, action in enumerate(("lambda.amazonaws.com:ListFunctions20150331",
                                    "iam.amazonaws.com:ListRoles")):
            self._call(start + 60 * (n + 1), action, identity, ip, CONSOLE_AGENT)
        self._truth("console-login-no-mfa", "auth", start, start + 180,
                    {"principal": identity["arn"], "client_ip": [ip]}, 3,
                    "ops-admin signed in to the console without MFA")

    def root_activity(self, at_hour: float) -> None:
        """The root user signing in and looking around."""
        start, end = self._window(at_hour, 600)
        identity = root()
        ip = "198.18.91.7"
        self._call(start, "signin.amazonaws.com:ConsoleLogin", identity, ip, CONSOLE_AGENT,
                   response={"ConsoleLogin": "Success"},
                   extra={"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No",
                          "MFAUsed": "Yes"}, event_type="AwsConsoleSignIn", read_only=False)
        actions = ("iam.amazonaws.com:ListUsers", "iam.amazonaws.com:ListRoles",
                   "lambda.amazonaws.com:ListFunctions20150331",
                   "iam.amazonaws.com:GetAccountSummary")
        for n, action in enumerate(actions):
            self._call(start + (end - start) * (n + 1) / (len(actions) + 1), action, identity,
                       ip, CONSOLE_AGENT)
        self._truth("root-activity", "permissions", start, end,
                    {"principal": identity["arn"], "client_ip": [ip]}, len(actions) + 1,
                    "the root user signed in and listed users, roles and functions")

    # --- helpers ----------------------------------------------------------------------

    def _window(self, at_hour: float, seconds: float) -> tuple[float, float]:
        start = self.day + at_hour * HOUR + self.rng.uniform(0, 300)
        return start, start + seconds

    def _call(self, moment: float, action: str, identity: dict[str, Any], ip: str, agent: str,
              **kwargs: Any) -> None:
        self.out.calls.append((moment, self.records.record(moment, action, identity, ip, agent,
                                                           **kwargs)))

    def _truth(self, kind: str, threat: str, start: float, end: float,
               entity: dict[str, Any], count: int, description: str) -> None:
        self.out.truth.append({
            "id": f"atk-{len(self.out.truth) + 1:02d}", "kind": kind, "threat": threat,
            "start": self.clock.iso(math.floor(start)), "end": self.clock.iso(math.ceil(end)),
            "entity": entity,
            "events": count, "description": description})
