"""The worst-case cost model: the most an attacker can make you spend per hour and per day.

For one function, with concurrency cap C (its reserved concurrency, the largest one when
the deployment decides it and every deployment reserves some, else the account's
unreserved pool), request-rate cap r, memory M GB, timeout T s:

- Lambda serves at most 10 requests per second per unit of concurrency, so
  r = min(10 C, the API's throttle, the account's API Gateway throttle for API routes);
- an attacker keeps min(C, r T) environments busy (requests that run to the timeout), so
  compute = min(C, r T) * M * price per GB-second (by architecture);
- requests = r * (Lambda request price + the entry point's price: REST, HTTP, websocket,
  ALB (rough, per LCU), function URL (free)).

Both maxima are reached at once (requests of ~0.1 s keep every environment busy at 10 rps
each), so this is the worst case, not a loose bound. First-tier list prices, no free tier:
`faasguard/data/prices.json` (versioned, names its source and date).

For the whole app the account's concurrency is shared: functions with reserved concurrency
keep theirs; the unreserved pool (account quota minus all reservations, never below the
100 AWS keeps unreserved) goes to the exposed functions that cost most per environment.
Only *exposed* functions count towards the app total: those an outsider can trigger (HTTP
routes, function URLs, ALB, websocket, Cognito sign-up triggers, IoT rules, the Lambda
authoriser of an API route, and buckets/queues/topics whose resource policy lets anyone
write, or that a route without authentication hands its requests to). An ALB trigger
whose every load balancer is internal (`endpoints.alb_internal`) is reachable from its
VPC only: no outsider's way in, as FG-AUTH-002 judges it. A private REST API's routes
still count: an interface VPC endpoint of any account its resource policy admits reaches
them (FG-AUTH-002 still reports them, lower). A function whose
every API route requires IAM is not counted for its routes: only principals allowed
execute-api:Invoke can call them, unless the API's resource policy lets any account do so
(`endpoints.signed_only`, FG-AUTH-004's reading). A route whose
authoriser a parameter or variable decides counts as without authentication when the
template writes NONE (an `AllowedValues` entry, a condition's branch); when only the
setting's domain offers NONE (an authenticating default, no `AllowedValues` or
validation: `endpoints.none_unlisted`), the default deployment authenticates, as the auth
rules judge it: the function is not counted, and `FunctionCost.exposed_if` says what a
deployment passing NONE would open.

Fills `facts.cost` with a `CostModel`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from typing import Any

from faasguard.analysis.endpoints import (
    alb_internal,
    apis_open_to_any_account,
    domain_none,
    effective_authorizer,
    may_be_open,
    open_resource_policies,
    routes_by_function,
    signed_only,
    unlisted_text,
)
from faasguard.analysis.facts import Facts
from faasguard.model import App, Authorizer, Function, Location, Ref, Route, logical_id
from faasguard.package_data import own_data

SECONDS_PER_HOUR = 3600
HOURS_PER_DAY = 24
INTERNET_TRIGGERS = ("http", "websocket", "url", "alb")
OUTSIDER_TRIGGERS = ("cognito", "iot")
#: The triggers of API routes (those `signed` can close).
_API_TRIGGERS = ("http", "websocket")
WRITE_TRIGGERS = ("s3", "sqs", "sns", "kinesis-stream", "dynamodb-stream", "eventbridge")


@lru_cache(maxsize=1)
def prices() -> dict[str, Any]:
    """The versioned price table (loaded once)."""
    data: dict[str, Any] = json.loads(own_data("prices.json"))
    return data


@dataclass
class FunctionCost:
    """The worst case of one function, and what bounds it."""

    function: str
    location: Location
    exposed: bool
    exposure: list[str]
    entry: str  # rest, http, websocket, url, alb, event
    memory_mb: int
    timeout_s: int
    architecture: str
    concurrency: int
    concurrency_source: str  # reserved, account, event source (SQS maximum concurrency)
    request_rate: float  # requests per second
    rate_source: str  # lambda (10 x concurrency), throttle, account-api-throttle
    usd_per_hour: float = 0.0
    usd_per_day: float = 0.0
    throttleable: bool = False  # an API Gateway throttle can bound it
    #: what would expose it on a deployment passing NONE where the template writes an
    #: authenticating default alone (not counted: see the module docstring)
    exposed_if: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (`exposed_if` only when it lists something)."""
        data = asdict(self)
        data["function"] = logical_id(self.function)
        data["location"] = {"file": self.location.file, "line": self.location.line}
        if not self.exposed_if:
            del data["exposed_if"]
        return data


@dataclass
class CostModel:
    """Per function and for the whole app; `total_*` counts exposed functions only."""

    functions: dict[str, FunctionCost] = field(default_factory=dict)
    total_usd_per_hour: float = 0.0
    total_usd_per_day: float = 0.0
    account_concurrency: int = 1000
    unreserved_pool: int = 1000
    prices_version: str = ""
    region: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "prices_version": self.prices_version, "region": self.region,
            "account_concurrency": self.account_concurrency,
            "unreserved_pool": self.unreserved_pool,
            "total_usd_per_hour": round(self.total_usd_per_hour, 2),
            "total_usd_per_day": round(self.total_usd_per_day, 2),
            "functions": [c.as_dict() for c in self.functions.values()],
        }


def exposure_reasons(function: Function, routes: list[Route],
                     public_sources: Mapping[str, str],
                     guarded: Mapping[str, list[Route]] | None = None,
                     signed: bool = False) -> list[str]:
    """Why an outsider can invoke the function (empty when they cannot, as far as we know).

    `routes` are the function's API routes (`endpoints.routes_by_function`);
    `public_sources` the public resources `write_targets` gives; `guarded` the routes of
    each Lambda authoriser's function (`authorizer_routes`); `signed`: every route of the
    function takes only a request signed by a principal allowed execute-api:Invoke
    (`endpoints.signed_only`), so its API routes are no outsider's way in. Nor is an ALB
    trigger whose every load balancer is internal.
    """
    reasons: list[str] = [t.kind for t in function.triggers
               if t.kind in INTERNET_TRIGGERS and not (signed and t.kind in _API_TRIGGERS)
               and not (t.kind == "alb" and alb_internal(t))
               or t.kind in OUTSIDER_TRIGGERS]
    reasons += written_by(function, public_sources)
    if guarded and (ahead := guarded.get(function.id)):
        first = ahead[0]
        more = f" (and {len(ahead) - 1} other routes)" if len(ahead) > 2 else \
            " (and 1 other route)" if len(ahead) == 2 else ""
        reasons.append(f"authoriser of {first.method} {first.path}{more}")
    if function.url is not None and "url" not in reasons:
        reasons.append("url")
    if routes and not signed and not {"http", "websocket"} & set(reasons):
        reasons.append("http")
    return sorted(set(reasons))


def written_by(function: Function, sources: Mapping[str, str]) -> list[str]:
    """The function's triggers on a resource of `sources` (an id -> how it is written to,
    as `write_targets` gives), each as `sqs (how)`."""
    return [f"{t.kind} ({sources[t.source.target]})" for t in function.triggers
            if t.kind in WRITE_TRIGGERS and isinstance(t.source, Ref)
            and t.source.target in sources]


def write_targets(app: App) -> tuple[dict[str, str], dict[str, str]]:
    """The resources outsiders can write to, as two maps of ids to how (each route's
    authoriser looked at once):

    - public: buckets, queues and topics whose resource policy lets `*` write,
      unconditioned; queues, streams, topics, tables and buckets an API route without
      authentication hands its requests to (a service integration: whatever is posted
      there reaches the functions they trigger), NONE written among its authoriser's
      values included, a NONE only the setting's domain offers not;
    - on a deployment only (not already public): those a route hands its requests to whose
      authoriser is open only on a deployment passing NONE where the template writes an
      authenticating default alone (`endpoints.domain_none`), and why: `route POST /jobs:
      the parameter JobsAuth defaults to AWS_IAM ...`.
    """
    public: dict[str, str] = {}
    for policy in open_resource_policies(app):
        if isinstance(policy.target, Ref):
            public[policy.target.target] = "public resource policy"
        elif isinstance(policy.target, str):
            public[policy.target] = "public resource policy"
    unlisted: list[tuple[str, str]] = []
    for route, target, found in _service_routes(app):
        decided_by = domain_none(found)
        if found is None or may_be_open(found) and decided_by is None:
            public.setdefault(target, f"public route {route.method} {route.path}")
        elif decided_by is not None:
            unlisted.append((target, f"route {route.method} {route.path}: "
                                     f"{unlisted_text(decided_by)}"))
    deployment: dict[str, str] = {}
    for target, why in unlisted:
        if target not in public:
            deployment.setdefault(target, why)
    return public, deployment


def authorizer_routes(app: App) -> dict[str, list[Route]]:
    """The routes each Lambda authoriser's function guards (`Authorizer.function`, once
    `link_authorizers` has run), by function id. API Gateway calls the authoriser for
    every request to them whose identity it has not cached, before any authentication: a
    caller sending a new token each time runs it at will. On a websocket API, `$connect`
    alone calls it."""
    guarded: dict[str, list[Route]] = {}
    if not app.authorizer_functions():
        return guarded
    for route in app.routes:
        if route.api_kind == "websocket" and route.method != "$connect":
            continue
        found = effective_authorizer(app, route)
        if found is not None and found.function is not None:
            guarded.setdefault(found.function, []).append(route)
    return guarded


def _service_routes(app: App) -> Iterator[tuple[Route, str, Authorizer | None]]:
    """The routes no function serves that hand requests to a resource, each with that
    resource (`Route.target`) and the authoriser a request meets."""
    for route in app.routes:
        if route.target is not None and route.function is None:
            yield route, route.target, effective_authorizer(app, route)


def _entry(function: Function, routes: list[Route]) -> tuple[str, float]:
    """The costliest entry point of the function and its price per request."""
    kinds: set[str] = {r.api_kind for r in routes}
    kinds |= {t.kind for t in function.triggers if t.kind in ("alb", "url")}
    if function.url is not None:
        kinds.add("url")
    if not kinds:
        return "event", 0.0
    kind = max(sorted(kinds), key=_entry_price)
    return kind, _entry_price(kind)


def _api_rate_cap(app: App, function: Function,
                  routes: list[Route]) -> tuple[float | None, bool]:
    """Requests per second the API Gateway throttles let through to the function.

    None when some entry point is unthrottled by API Gateway (function URL, ALB, events);
    the bool says whether an API Gateway throttle can bound the function (only API
    Gateway fronts it).
    """
    if not routes:
        return None, False
    if function.url is not None or any(
            t.kind not in ("http", "websocket") for t in function.triggers):
        return None, False  # a throttle would not bound the unthrottled entry points
    account = _account_api_rate()
    per_api: dict[str, float] = {}
    for route in routes:
        # A method (route) setting replaces the stage's for that route, higher or lower;
        # -1 or a disabled route throttle lets the account's rate through.
        api = app.apis.get(route.api)
        throttle = route.throttling
        if throttle is None or not throttle.overrides_stage():
            throttle = api.throttling if api else None
        rate = throttle.enforced_rate if throttle is not None else None
        per_api[route.api] = max(per_api.get(route.api, 0.0),
                                 account if rate is None else rate)
    return min(sum(per_api.values()), account), True


@lru_cache(maxsize=1)
def _account_api_rate() -> float:
    """The account's API Gateway throttle (requests per second) of the price table."""
    return float(prices()["api_gateway"]["account_throttle_rate_rps"])


def _event_source_cap(function: Function, routes: list[Route]) -> int | None:
    """The concurrency the event sources allow when every trigger is a queue with
    MaximumConcurrency (their sum); None when any entry point is uncapped."""
    if routes or function.url is not None or not function.triggers:
        return None
    caps = [t.max_concurrency for t in function.triggers]
    if any(t.kind != "sqs" for t in function.triggers) or None in caps:
        return None
    return sum(c for c in caps if c is not None)


def _defaults(function: Function) -> tuple[int, int]:
    table = prices()["lambda"]
    memory = function.memory_mb or table["default_memory_mb"].get(function.format, 128)
    timeout = function.timeout_s or table["default_timeout_s"].get(function.format, 3)
    return int(memory), int(timeout)


def _largest_deployed_reservation(function: Function) -> int | None:
    """The largest reserved concurrency of a function the template leaves to the deployment
    (`!If [IsProd, 100, 5]`: 100), when every deployment it may get reserves a number
    (`properties["reserved_concurrency"]`, from the loaders); None when one may leave it
    unreserved or reserve what the template does not say (a parameter)."""
    choices = function.properties.get("reserved_concurrency")
    if not choices:
        return None
    numbers = [value for value, _ in choices if isinstance(value, int)]
    return max(numbers) if len(numbers) == len(choices) else None


def spend_per_second(concurrency: float, rate: float, memory_mb: int, timeout_s: int,
                     architecture: str, request_price: float) -> float:
    """USD per second at the worst case for the given caps (see the module docstring)."""
    gb_second, lambda_request = _lambda_prices(architecture)
    busy = min(concurrency, rate * timeout_s)
    return busy * (memory_mb / 1024) * gb_second + rate * (lambda_request + request_price)


@cache
def _lambda_prices(architecture: str) -> tuple[float, float]:
    """USD per GB-second on `architecture` and per Lambda request (from the price table,
    read once per process: `spend_per_second` runs for every function)."""
    table = prices()["lambda"]
    gb_second = table["gb_second"].get(architecture, table["gb_second"]["x86_64"])
    return gb_second, table["request_per_million"] / 1e6


def _function_cost(app: App, function: Function, routes: list[Route], pool: int,
                   public_sources: Mapping[str, str],
                   deployment_sources: Mapping[str, str],
                   guarded: Mapping[str, list[Route]],
                   signed: bool = False) -> tuple[FunctionCost, float]:
    """The function's worst case alone (with the pool if unreserved); and its entry price.
    `public_sources`, `deployment_sources`: what `write_targets` gives (`deployment_sources`
    for `exposed_if`); `guarded`: what `authorizer_routes` gives; `signed`: see
    `exposure_reasons`."""
    table = prices()
    memory, timeout = _defaults(function)
    reserved = function.reserved_concurrency
    if reserved is None:
        reserved = _largest_deployed_reservation(function)
    concurrency = reserved if reserved is not None else pool
    source = "reserved" if reserved is not None else "account"
    capped = _event_source_cap(function, routes)
    if capped is not None and capped < concurrency:
        concurrency, source = capped, "event source"
    lambda_rate = float(table["lambda"]["requests_per_second_per_concurrency"] * concurrency)
    api_cap, throttleable = _api_rate_cap(app, function, routes)
    rate, rate_source = lambda_rate, "lambda"
    if api_cap is not None and api_cap < lambda_rate:
        rate = api_cap
        rate_source = "account-api-throttle" if api_cap >= _account_api_rate() else "throttle"
    entry, request_price = _entry(function, routes)
    reasons = exposure_reasons(function, routes, public_sources, guarded, signed)
    cost = FunctionCost(
        function=function.id, location=function.location, exposed=bool(reasons),
        exposure=reasons, entry=entry, memory_mb=memory, timeout_s=timeout,
        architecture=function.architecture, concurrency=concurrency,
        concurrency_source=source,
        request_rate=rate, rate_source=rate_source, throttleable=throttleable,
        exposed_if=sorted(set(written_by(function, deployment_sources))))
    per_second = spend_per_second(concurrency, rate, memory, timeout, function.architecture,
                                  request_price)
    cost.usd_per_hour = per_second * SECONDS_PER_HOUR
    cost.usd_per_day = cost.usd_per_hour * HOURS_PER_DAY
    return cost, request_price


def build_cost_model(app: App, account_concurrency: int = 1000) -> CostModel:
    """The worst-case cost of every function, and of the exposed app as a whole."""
    table = prices()
    reserved_total = sum(f.reserved_concurrency or 0 for f in app.functions.values())
    pool = max(account_concurrency - reserved_total,
               int(table["lambda"]["minimum_unreserved_concurrency"]))
    model = CostModel(account_concurrency=account_concurrency, unreserved_pool=pool,
                      prices_version=table["version"], region=table["region"])
    public_sources, deployment_sources = write_targets(app)
    by_function = routes_by_function(app)
    guarded = authorizer_routes(app)
    open_apis = apis_open_to_any_account(app) if by_function else {}
    unreserved: list[tuple[float, FunctionCost, float]] = []
    total_per_second = 0.0
    for function in app.functions.values():
        routes = by_function.get(function.id, [])
        signed = bool(routes) and all(signed_only(app, r, open_apis) for r in routes)
        cost, request_price = _function_cost(app, function, routes, pool, public_sources,
                                             deployment_sources, guarded, signed)
        model.functions[function.id] = cost
        if not cost.exposed:
            continue
        if function.reserved_concurrency is not None:
            total_per_second += cost.usd_per_hour / SECONDS_PER_HOUR
        else:
            per_slot = spend_per_second(1, 10, cost.memory_mb, cost.timeout_s,
                                        cost.architecture, request_price)
            unreserved.append((per_slot, cost, request_price))
    remaining = float(pool)
    per_env_rate = float(table["lambda"]["requests_per_second_per_concurrency"])
    for _, cost, request_price in sorted(unreserved, key=lambda item: -item[0]):
        if remaining <= 0:
            break
        # environments this function can keep busy before its rate cap stops it
        wanted = min(remaining, max(cost.request_rate * cost.timeout_s,
                                    cost.request_rate / per_env_rate))
        rate = min(cost.request_rate, per_env_rate * wanted)
        total_per_second += spend_per_second(wanted, rate, cost.memory_mb, cost.timeout_s,
                                             cost.architecture, request_price)
        remaining -= wanted
    model.total_usd_per_hour = total_per_second * SECONDS_PER_HOUR
    model.total_usd_per_day = model.total_usd_per_hour * HOURS_PER_DAY
    return model


@dataclass(frozen=True)
class Proposal:
    """Caps that keep one function's worst case within its share of the budget."""

    function: str
    reserved_concurrency: int
    throttle_rps: float | None  # None: no API Gateway throttle needed (or possible)
    usd_per_day: float
    fits: bool  # False when even these caps exceed the share (lower timeout or memory)


def propose_caps(model: CostModel, budget_usd_per_day: float) -> list[Proposal]:
    """Reserved concurrency (and API throttle) per exposed function to fit the budget.

    The budget is shared equally among the exposed functions. Concurrency comes first
    (it bounds compute and, at 10 rps per environment, requests); when even one
    environment costs more than the share, an API Gateway throttle is proposed too.
    """
    exposed = [c for c in model.functions.values() if c.exposed]
    if not exposed:
        return []
    share = budget_usd_per_day / len(exposed) / (SECONDS_PER_HOUR * HOURS_PER_DAY)
    per_env_rate = float(prices()["lambda"]["requests_per_second_per_concurrency"])
    proposals = []
    for cost in sorted(exposed, key=lambda c: -c.usd_per_day):
        request_price = _entry_price(cost.entry)
        per_env = spend_per_second(1, per_env_rate, cost.memory_mb, cost.timeout_s,
                                   cost.architecture, request_price)
        concurrency = min(cost.concurrency, math.floor(share / per_env)) if per_env else 1
        throttle: float | None = None
        if concurrency >= 1:
            spend = spend_per_second(concurrency, per_env_rate * concurrency, cost.memory_mb,
                                     cost.timeout_s, cost.architecture, request_price)
        else:
            concurrency = 1
            # below one busy environment: each request costs its full timeout
            per_request = spend_per_second(math.inf, 1, cost.memory_mb, cost.timeout_s,
                                           cost.architecture, request_price)
            if cost.throttleable:
                throttle = math.floor(share / per_request * 10000) / 10000
                spend = spend_per_second(1, throttle, cost.memory_mb, cost.timeout_s,
                                         cost.architecture, request_price)
            else:
                spend = per_env
        day = spend * SECONDS_PER_HOUR * HOURS_PER_DAY
        proposals.append(Proposal(cost.function, concurrency, throttle, day,
                                  day <= budget_usd_per_day / len(exposed) + 1e-9
                                  and (throttle is None or throttle > 0)))
    return proposals


@cache
def _entry_price(entry: str) -> float:
    """USD per request of an entry point (read from the price table once per kind: the
    table is the package's, read once per process)."""
    table = prices()
    per_million = {
        "rest": table["api_gateway"]["rest_request_per_million"],
        "http": table["api_gateway"]["http_request_per_million"],
        "websocket": table["api_gateway"]["websocket_message_per_million"],
        "alb": table["alb"]["request_per_million_rough"],
    }.get(entry, 0.0)
    return float(per_million) / 1e6


def analyse_cost(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.cost` with the worst-case cost model."""
    facts.cost = build_cost_model(app, facts.options.account_concurrency)
