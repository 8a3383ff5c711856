"""Ordinary traffic: a day-and-night rhythm of shoppers, deploys and people at work.

Nothing here should raise an alert: clients spread over thousands of addresses with a
flattened (square-root) popularity, so no single client dominates; a few mistyped
passwords, expired tokens, 404s for favicon.ico, server errors and report timeouts, all
scattered; CloudTrail holds the roles' usual calls, deploys, console sign-ins with MFA
and the odd single AccessDenied.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote_plus

from faasguard.monitor.synth.app import (
    CI_ROLE,
    FUNCTIONS,
    HTTP_API,
    HUMANS,
    ROUTES,
    SEARCH_WORDS,
    STRAY_PATHS,
    USER_AGENTS,
    RouteSpec,
    concrete_path,
)
from faasguard.monitor.synth.emitter import Request
from faasguard.monitor.synth.ids import Ids
from faasguard.monitor.synth.records import (
    CLI_AGENT,
    CONSOLE_AGENT,
    Records,
    assumed_role,
    aws_service,
    iam_user,
)

# The share of requests of each kind of ordinary mishap.
STRAY_SHARE = 0.003
EXPIRED_TOKEN_SHARE = 0.003
SERVER_ERROR_SHARE = 0.002
LOGIN_FAILURE_SHARE = 0.05
REPORT_TIMEOUT_SHARE = 0.01
# What people look at in the console.
CONSOLE_ACTIONS = ("lambda.amazonaws.com:GetFunction20150331v2",
                   "lambda.amazonaws.com:ListFunctions20150331",
                   "logs.amazonaws.com:FilterLogEvents",
                   "monitoring.amazonaws.com:GetMetricData", "iam.amazonaws.com:GetRole")
# S3 uploads resized, per API request.
RESIZES_PER_REQUEST = 0.04


@dataclass(frozen=True)
class Client:
    """An ordinary client: its address, the user signed in on it (if any), its browser."""

    ip: str
    user: str | None
    agent: str


def diurnal(minute_of_day: int) -> float:
    """Relative traffic at a minute of the day (UTC): quiet at night, a peak mid-afternoon."""
    hour = minute_of_day / 60.0
    return 0.25 + 0.75 * max(0.0, math.sin(math.pi * (hour - 6.0) / 18.0)) ** 1.5


_SHAPE = [diurnal(m) for m in range(1440)]
_SHAPE_MEAN = sum(_SHAPE) / len(_SHAPE)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (normal approximation above 30)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


class NormalTraffic:
    """Ordinary requests minute by minute, and each day's ordinary CloudTrail activity."""

    def __init__(self, rng: random.Random, ids: Ids, requests_total: int, days: int) -> None:
        self.rng = rng
        self.ids = ids
        count = max(150, requests_total // 150)
        self.clients = [Client(ids.client_ip(i), f"user-{10000 + i}" if rng.random() < 0.7
                               else None, rng.choice(USER_AGENTS)) for i in range(count)]
        self._client_cum = list(itertools.accumulate(1.0 / math.sqrt(i + 20)
                                                     for i in range(count)))
        self._all = ROUTES
        self._all_cum = list(itertools.accumulate(r.weight for r in ROUTES))
        self._public = tuple(r for r in ROUTES if not r.authenticated)
        self._public_cum = list(itertools.accumulate(r.weight for r in self._public))
        self.per_minute = requests_total / (days * 1440.0)

    def minute(self, start: float) -> list[Request]:
        """The ordinary requests of the minute beginning at `start` (epoch seconds)."""
        rate = self.per_minute * _SHAPE[int(start // 60) % 1440] / _SHAPE_MEAN
        times = sorted(start + self.rng.random() * 60.0 for _ in range(poisson(self.rng, rate)))
        return [self._request(t) for t in times]

    def resizes(self, start: float) -> list[float]:
        """Start times of the S3-triggered resizes of the minute beginning at `start`."""
        rate = self.per_minute * RESIZES_PER_REQUEST * _SHAPE[int(start // 60) % 1440] \
            / _SHAPE_MEAN
        return sorted(start + self.rng.random() * 60.0 for _ in range(poisson(self.rng, rate)))

    # --- one request ------------------------------------------------------------------

    def _request(self, t: float) -> Request:
        rng = self.rng
        index = bisect.bisect(self._client_cum, rng.random() * self._client_cum[-1])
        client = self.clients[min(index, len(self.clients) - 1)]
        if rng.random() < STRAY_SHARE:
            return Request(t, HTTP_API, "GET", rng.choice(STRAY_PATHS), "$default", client.ip,
                           404, None, user_agent=client.agent)
        routes, cum = (self._all, self._all_cum) if client.user else (self._public,
                                                                       self._public_cum)
        route = routes[min(bisect.bisect(cum, rng.random() * cum[-1]), len(routes) - 1)]
        if route.template == "/login":
            return self._login(t, client, route)
        req = Request(t, route.api, route.method, concrete_path(route.template, rng), route.key,
                      client.ip, 201 if route.method == "POST" else 200, route.function,
                      query=self._query(route),
                      principal=client.user if route.authenticated else None,
                      user_agent=client.agent)
        spec = FUNCTIONS[route.function]
        if route.authenticated and rng.random() < EXPIRED_TOKEN_SHARE:
            req.status, req.principal = 401, None
            if spec.guarded:
                req.guard = {"decision": "block", "detector": "auth", "reason": "expired",
                             "status": 401, "metric": "auth_failed"}
            else:  # the gateway's JWT authorizer refuses it; no function runs
                req.function, req.error_type = None, "UNAUTHORIZED"
            return req
        if route.function == "reports-export" and rng.random() < REPORT_TIMEOUT_SHARE:
            req.status, req.outcome, req.error_type = 500, "timeout", "INTEGRATION_FAILURE"
            return req
        if rng.random() < SERVER_ERROR_SHARE:
            req.status, req.outcome, req.error_type = 500, "error", "INTEGRATION_FAILURE"
            req.app = [("ERROR", "ConditionalCheckFailedException: the conditional request "
                                 "failed")]
            return req
        req.app = [("INFO", self._message(route, req))]
        return req

    def _login(self, t: float, client: Client, route: RouteSpec) -> Request:
        user = client.user or f"user-{10000 + self.rng.randrange(len(self.clients))}"
        if self.rng.random() < LOGIN_FAILURE_SHARE:
            # the authorizer refuses the password; it names the user it checked
            return Request(t, route.api, "POST", "/login", route.key, client.ip, 401, None,
                           principal=user, user_agent=client.agent)
        return Request(t, route.api, "POST", "/login", route.key, client.ip, 200, route.function,
                       principal=user, user_agent=client.agent,
                       app=[("INFO", f"login ok for {user}")])

    def _query(self, route: RouteSpec) -> str | None:
        if route.template == "/search":
            query = "q=" + quote_plus(self.rng.choice(SEARCH_WORDS))
            return query + (f"&page={self.rng.randint(2, 5)}" if self.rng.random() < 0.2 else "")
        if route.key == "GET /orders" and self.rng.random() < 0.3:
            return "status=open"
        return None

    def _message(self, route: RouteSpec, req: Request) -> str:
        rng = self.rng
        if route.function == "search-api":
            return f"search returned {rng.randint(0, 60)} hits"
        if route.function == "reports-export":
            return f"report {req.path.split('/')[2]} exported ({rng.randint(200, 4000)} kB)"
        if route.key == "POST /orders":
            return f"order {rng.randint(100000, 999999)} stored"
        if route.function == "auth-api":
            return "token refreshed"
        return f"listed {rng.randint(0, 25)} orders" if route.key == "GET /orders" \
            else f"order {req.path.rsplit('/', 1)[-1]} read"

    # --- CloudTrail -------------------------------------------------------------------

    def account_activity(self, day_start: float, records: Records) -> Iterator[
            tuple[float, dict[str, object]]]:
        """The ordinary CloudTrail records of one day (not in time order)."""
        rng = self.rng
        for i, human in enumerate(HUMANS):
            ip = f"81.2.{69 + i}.{142 + i}"
            login = day_start + rng.uniform(7.5, 9.5) * 3600
            yield login, records.record(login, "signin.amazonaws.com:ConsoleLogin",
                                        iam_user(human), ip, CONSOLE_AGENT,
                                        response={"ConsoleLogin": "Success"},
                                        extra={"LoginTo": "https://console.aws.amazon.com/",
                                               "MobileVersion": "No", "MFAUsed": "Yes"},
                                        event_type="AwsConsoleSignIn", read_only=False)
            session = iam_user(human)
            for n in range(rng.randint(10, 30)):
                moment = login + rng.uniform(60, 8 * 3600)
                action = CONSOLE_ACTIONS[n] if n < len(CONSOLE_ACTIONS) \
                    else rng.choice(CONSOLE_ACTIONS)
                yield moment, records.record(moment, action, session, ip, CONSOLE_AGENT)
            if rng.random() < 0.5:  # someone clicks where they may not
                moment = login + rng.uniform(60, 8 * 3600)
                yield moment, records.record(moment, "iam.amazonaws.com:ListUsers", session, ip,
                                             CONSOLE_AGENT, error=(
                                                 "AccessDenied", "not authorized to perform: "
                                                 "iam:ListUsers"))
        for _ in range(2):  # deploys
            moment = day_start + rng.uniform(9, 18) * 3600
            session = assumed_role(CI_ROLE, f"gh-actions-{rng.randint(10**9, 10**10)}")
            ip = f"4.175.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            for name in FUNCTIONS:
                for step, action in enumerate(("UpdateFunctionCode20150331v2",
                                               "PublishVersion20150331", "UpdateAlias20150331")):
                    at = moment + step * 4 + rng.random()
                    yield at, records.record(at, f"lambda.amazonaws.com:{action}", session, ip,
                                             CLI_AGENT, params={"functionName": name},
                                             read_only=False)
        for spec in FUNCTIONS.values():  # credentials of the execution environments
            for hour in range(24):
                at = day_start + hour * 3600 + rng.uniform(0, 3600)
                yield at, records.record(
                    at, "sts.amazonaws.com:AssumeRole", aws_service("lambda.amazonaws.com"),
                    "lambda.amazonaws.com", "lambda.amazonaws.com",
                    params={"roleArn": f"arn:aws:iam::111122223333:role/{spec.role}",
                            "roleSessionName": spec.name})
