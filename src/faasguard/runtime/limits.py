"""Per-client rate limits and per-function invocation budgets.

``RateLimiter`` counts by a client key (the guard passes an IP address, an API key or a
token subject); ``InvocationBudget`` counts every invocation of the function. Both keep
their counts in a :class:`~faasguard.runtime.stores.Store` and decide with the algorithms
of :mod:`faasguard.runtime.algorithms`.

When the store fails the limiter calls ``on_store_error(exc)`` (the guard emits a loud
security event there) and then either admits the request without counting it
(``fail_open=True``, the default: an outage of the limit store does not take the API down)
or raises :class:`StoreUnavailable` (``fail_open=False``: nothing runs uncounted).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence

from .algorithms import US, Algorithm, BudgetWindows, Decision, Gcra, SlidingWindow
from .prices import US_EAST_1, PriceTable
from .stores import Store, StoreUnavailable, store_from_url
from .stores.base import storage_key

__all__ = [
    "BudgetExceeded",
    "Decision",
    "InvocationBudget",
    "LimitExceeded",
    "RateLimited",
    "RateLimiter",
    "StoreUnavailable",
    "store_from_url",
]

StoreErrorCallback = Callable[[StoreUnavailable], None]


class LimitExceeded(Exception):
    """A rate limit or budget refused the request; ``retry_after_s`` says when to retry."""

    def __init__(self, retry_after_s: float, scope: str) -> None:
        super().__init__(f"{scope} limit exceeded, retry after {retry_after_s:.3f}s")
        self.retry_after_s = retry_after_s
        self.scope = scope

    @property
    def retry_after_header(self) -> str:
        """The value of an HTTP ``Retry-After`` header: whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after_s)))


class RateLimited(LimitExceeded):
    """The client went over its rate limit (HTTP 429)."""

    def __init__(self, retry_after_s: float, scope: str = "rate") -> None:
        super().__init__(retry_after_s, scope)


class BudgetExceeded(LimitExceeded):
    """The function spent its hourly or daily invocation budget (``scope`` "hour"/"day")."""

    def __init__(self, scope: str, retry_after_s: float = 0.0) -> None:
        super().__init__(retry_after_s, scope)


class _Counter:
    """What limiters and budgets share: a store, a clock and the store-failure policy."""

    scope = "rate"

    def __init__(
        self,
        store: Store | str,
        algorithm: Algorithm,
        namespace: str,
        fail_open: bool,
        on_store_error: StoreErrorCallback | None,
        clock: Callable[[], float],
    ) -> None:
        self.store = store_from_url(store) if isinstance(store, str) else store
        self.algorithm = algorithm
        self.namespace = namespace
        self.fail_open = fail_open
        self.on_store_error = on_store_error
        self.clock = clock

    def _now_us(self) -> int:
        return round(self.clock() * US)

    def _check_cost(self, cost: int, capacity: int | None) -> None:
        if cost < 1:
            raise ValueError(f"cost must be at least 1, got {cost}")
        if capacity is not None and cost > capacity:
            raise ValueError(f"cost {cost} can never fit under a limit of {capacity}")

    def _apply(self, items: Sequence[tuple[str, int]]) -> list[Decision]:
        keyed = [(storage_key(self.namespace, key), cost) for key, cost in items]
        try:
            if len(keyed) == 1:
                return [self.store.apply(self.algorithm, keyed[0][0], self._now_us(), keyed[0][1])]
            return self.store.apply_many(self.algorithm, keyed, self._now_us())
        except StoreUnavailable as exc:
            if self.on_store_error is not None:
                self.on_store_error(exc)
            if not self.fail_open:
                raise
            return [Decision(True, 0, 0.0, self.scope, degraded=True) for _ in items]


class RateLimiter(_Counter):
    """At most ``limit`` units per ``window_s`` seconds for each client key.

    Parameters:
        store: a Store, or a store URL (see :func:`store_from_url`).
        limit: units admitted per window (a request costs 1 unless told otherwise).
        window_s: the window length in seconds.
        algorithm: ``"sliding"`` (sliding-window counter) or ``"gcra"``.
        burst: GCRA only: requests admitted at once (default ``limit``).
        name: the limiter's namespace in the store (two limiters with the same name and
            store share their counts); default: the function's name
            (``AWS_LAMBDA_FUNCTION_NAME``), so functions sharing a Redis count apart.
        fail_open: on a store failure, admit (True, the default) or raise StoreUnavailable.
        on_store_error: called with the StoreUnavailable before either happens.
        clock: returns the time in seconds (tests inject one).
    """

    def __init__(
        self,
        store: Store | str,
        limit: int,
        window_s: float,
        algorithm: str = "sliding",
        *,
        burst: int | None = None,
        name: str | None = None,
        fail_open: bool = True,
        on_store_error: StoreErrorCallback | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window_s > 0")
        algo: Algorithm
        if algorithm == "sliding":
            if burst is not None:
                raise ValueError("burst applies to the gcra algorithm only")
            algo = SlidingWindow(limit, window_s)
        elif algorithm == "gcra":
            if burst is not None and burst < 1:
                raise ValueError("burst must be at least 1")
            algo = Gcra(limit, window_s, burst)
        else:
            raise ValueError(f"unknown rate-limit algorithm {algorithm!r}: use 'sliding' or 'gcra'")
        name = name or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "rate")
        super().__init__(store, algo, f"rl:{name}", fail_open, on_store_error, clock)
        self.limit = limit
        self.window_s = window_s
        self.capacity = burst if burst is not None else limit

    def hit(self, key: str, cost: int = 1) -> Decision:
        """Count ``cost`` units for ``key`` if they fit; the Decision says whether they did.

        Raises:
            StoreUnavailable: the store failed and the limiter fails closed.
        """
        self._check_cost(cost, self.capacity)
        return self._apply([(key, cost)])[0]

    def hit_many(self, keys: Sequence[str], cost: int = 1) -> list[Decision]:
        """:meth:`hit` for several keys (e.g. the records of one batch) in one store round trip."""
        self._check_cost(cost, self.capacity)
        return self._apply([(key, cost) for key in keys]) if keys else []

    def enforce(self, key: str, cost: int = 1) -> Decision:
        """:meth:`hit`, raising :class:`RateLimited` when the units do not fit."""
        decision = self.hit(key, cost)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_s, decision.scope)
        return decision


class InvocationBudget(_Counter):
    """At most ``per_hour`` invocations per UTC hour and ``per_day`` per UTC day.

    The counts are per function (``name`` defaults to ``AWS_LAMBDA_FUNCTION_NAME``) and
    shared by every container that uses the same store. Other parameters as for
    :class:`RateLimiter`.
    """

    def __init__(
        self,
        store: Store | str,
        per_hour: int | None = None,
        per_day: int | None = None,
        *,
        name: str | None = None,
        fail_open: bool = True,
        on_store_error: StoreErrorCallback | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if per_hour is None and per_day is None:
            raise ValueError("an invocation budget needs per_hour, per_day or both")
        if any(v is not None and v < 0 for v in (per_hour, per_day)):
            raise ValueError("budget counts cannot be negative")
        name = name or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")
        algo = BudgetWindows(per_hour, per_day)
        self.scope = "budget"
        super().__init__(store, algo, "budget", fail_open, on_store_error, clock)
        self.name = name
        self.per_hour = per_hour
        self.per_day = per_day

    @classmethod
    def from_usd(
        cls,
        store: Store | str,
        usd_per_day: float,
        memory_mb: int,
        expected_duration_ms: float,
        arch: str = "x86_64",
        prices: PriceTable = US_EAST_1,
        *,
        usd_per_hour: float | None = None,
        name: str | None = None,
        fail_open: bool = True,
        on_store_error: StoreErrorCallback | None = None,
        clock: Callable[[], float] = time.time,
    ) -> InvocationBudget:
        """A budget derived from money: how many invocations ``usd_per_day`` pays for.

        One invocation costs the request price plus memory (GB) x billed duration (s) x the
        GB-second price of ``arch`` in ``prices``. ``usd_per_hour`` adds an hourly cap.
        The other keyword options are those of the constructor.
        """
        if usd_per_day <= 0 or memory_mb <= 0 or expected_duration_ms <= 0:
            raise ValueError("usd_per_day, memory_mb and expected_duration_ms must be positive")
        unit = prices.invocation_usd(memory_mb, expected_duration_ms, arch)
        per_day = math.floor(usd_per_day / unit)
        per_hour = math.floor(usd_per_hour / unit) if usd_per_hour is not None else None
        return cls(store, per_hour, per_day, name=name, fail_open=fail_open,
                   on_store_error=on_store_error, clock=clock)

    def consume(self, cost: int = 1) -> Decision:
        """Count ``cost`` invocations if the budget allows; the Decision says whether it did."""
        self._check_cost(cost, None)
        return self._apply([(self.name, cost)])[0]

    def enforce(self, cost: int = 1) -> Decision:
        """:meth:`consume`, raising :class:`BudgetExceeded` when the budget is spent."""
        decision = self.consume(cost)
        if not decision.allowed:
            raise BudgetExceeded(decision.scope, decision.retry_after_s)
        return decision
