"""Sliding-window counter, GCRA and budget windows, decided with an injected clock."""

from __future__ import annotations

import random
import threading

import pytest

from faasguard.runtime.limits import (
    BudgetExceeded,
    InvocationBudget,
    RateLimited,
    RateLimiter,
)
from faasguard.runtime.stores.memory import MemoryStore

T0 = 1_800_000_000.0  # a window boundary for every window length used below


class Clock:
    """A settable clock in seconds, kept in whole microseconds so steps add up exactly."""

    def __init__(self, now: float = T0) -> None:
        self.us = round(now * 1_000_000)

    @property
    def now(self) -> float:
        return self.us / 1_000_000

    @now.setter
    def now(self, seconds: float) -> None:
        self.us = round(seconds * 1_000_000)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.us += round(seconds * 1_000_000)


def limiter(algorithm: str, limit: int, window_s: float, clock: Clock, **kw) -> RateLimiter:
    return RateLimiter(MemoryStore(), limit, window_s, algorithm, clock=clock, **kw)


@pytest.mark.parametrize("algorithm", ["sliding", "gcra"])
def test_admits_the_limit_then_refuses_with_a_retry_time(algorithm: str) -> None:
    clock = Clock()
    rl = limiter(algorithm, 5, 10, clock)
    decisions = [rl.hit("client") for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 2
    assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
    assert decisions[5].retry_after_s > 0
    assert rl.hit("another client").allowed  # keys are independent


def test_sliding_window_weights_the_previous_window() -> None:
    clock = Clock()
    rl = limiter("sliding", 10, 60, clock)
    for _ in range(10):
        assert rl.hit("k").allowed
    clock.advance(60)  # start of the next window: the previous one still weighs fully
    assert not rl.hit("k").allowed
    clock.advance(6)  # 10% into the window: previous weighs 9, so one fits
    assert rl.hit("k").allowed
    assert not rl.hit("k").allowed
    clock.advance(120)  # two windows later everything has slid out
    assert rl.hit("k").remaining == 9


def test_sliding_window_counts_each_fixed_window_at_most_limit() -> None:
    clock = Clock()
    rl = limiter("sliding", 7, 10, clock)
    rng = random.Random(5)
    admitted_per_window: dict[int, int] = {}
    for _ in range(3000):
        clock.advance(rng.uniform(0, 0.2))
        if rl.hit("k").allowed:
            window = int(clock.now // 10)
            admitted_per_window[window] = admitted_per_window.get(window, 0) + 1
    assert max(admitted_per_window.values()) == 7
    # under steady overload the counter settles between limit - 1 and limit per window
    assert min(admitted_per_window.values()) >= 5
    assert sum(admitted_per_window.values()) >= 6 * len(admitted_per_window)


@pytest.mark.parametrize("algorithm", ["sliding", "gcra"])
def test_retry_after_is_exact(algorithm: str) -> None:
    """Waiting retry_after_s is enough, waiting a millisecond less is not."""
    rng = random.Random(11)
    clock = Clock(T0 + 3.3)
    rl = limiter(algorithm, 4, 2, clock)
    checked = 0
    for _ in range(400):
        clock.advance(rng.choice([0, 0, 0.01, 0.3, 0.9]))
        cost = rng.choice([1, 1, 2])
        decision = rl.hit("k", cost)
        if decision.allowed:
            continue
        start = clock.now
        clock.now = start + decision.retry_after_s - 1e-3
        assert not rl.hit("k", cost).allowed
        clock.now = start + decision.retry_after_s + 1e-6
        assert rl.hit("k", cost).allowed
        checked += 1
    assert checked > 50


def test_gcra_allows_a_burst_then_one_request_per_interval() -> None:
    clock = Clock()
    rl = limiter("gcra", 10, 10, clock, burst=3)  # one per second, bursts of 3
    assert [rl.hit("k").allowed for _ in range(4)] == [True, True, True, False]
    admitted = 0
    for _ in range(100):  # 10 s in 0.1 s steps: exactly one more per second
        clock.advance(0.1)
        admitted += rl.hit("k").allowed
    assert admitted == 10


def test_gcra_decision_reports_the_wait_for_one_interval() -> None:
    clock = Clock()
    rl = limiter("gcra", 2, 1, clock)
    rl.hit("k")
    rl.hit("k")
    denied = rl.hit("k")
    assert denied.retry_after_s == pytest.approx(0.5)
    with pytest.raises(RateLimited) as info:
        rl.enforce("k")
    assert info.value.retry_after_header == "1"


def test_costs_outside_the_limit_are_refused_at_the_call() -> None:
    rl = limiter("sliding", 5, 10, Clock())
    with pytest.raises(ValueError):
        rl.hit("k", 0)
    with pytest.raises(ValueError):
        rl.hit("k", 6)
    with pytest.raises(ValueError):
        RateLimiter(MemoryStore(), 5, 10, "leaky")
    with pytest.raises(ValueError):
        RateLimiter(MemoryStore(), 0, 10)
    with pytest.raises(ValueError):
        RateLimiter(MemoryStore(), 5, 10, burst=2)  # burst is GCRA's


def test_budget_counts_hours_and_days_all_or_nothing() -> None:
    clock = Clock(T0 - T0 % 86400)  # midnight UTC
    budget = InvocationBudget(MemoryStore(), per_hour=3, per_day=5, clock=clock)
    assert [budget.consume().allowed for _ in range(3)] == [True] * 3
    denied = budget.consume()
    assert (denied.allowed, denied.scope, denied.retry_after_s) == (False, "hour", 3600)
    clock.advance(3600)
    assert budget.consume().remaining == 1  # 2 left this hour, 1 today
    assert budget.consume().allowed
    with pytest.raises(BudgetExceeded) as info:
        budget.enforce()
    assert info.value.scope == "day"
    assert info.value.retry_after_s == pytest.approx(86400 - 3600)
    clock.advance(86400 - 3600)
    assert budget.consume().allowed


def test_budget_refused_by_the_hour_does_not_spend_the_day() -> None:
    clock = Clock(T0 - T0 % 86400)
    budget = InvocationBudget(MemoryStore(), per_hour=2, per_day=4, clock=clock)
    for _ in range(5):
        budget.consume()
    clock.advance(3600)
    assert [budget.consume().allowed for _ in range(3)] == [True, True, False]


def test_budget_from_money_uses_the_price_table() -> None:
    # 128 MB for 100 ms on x86_64: $0.0000002 + 0.125 GB x 0.1 s x $0.0000166667
    budget = InvocationBudget.from_usd(MemoryStore(), 1.0, 128, 100, usd_per_hour=0.1)
    assert budget.per_day == int(1.0 / (0.2e-6 + 0.125 * 0.1 * 0.0000166667))
    assert budget.per_hour == int(0.1 / (0.2e-6 + 0.125 * 0.1 * 0.0000166667))
    arm = InvocationBudget.from_usd(MemoryStore(), 1.0, 128, 100, arch="arm64")
    assert arm.per_day is not None and budget.per_day is not None
    assert arm.per_day > budget.per_day
    billed_up = InvocationBudget.from_usd(MemoryStore(), 1.0, 128, 99.2)
    assert billed_up.per_day == budget.per_day  # 99.2 ms is billed as 100 ms
    with pytest.raises(ValueError, match="architecture"):
        InvocationBudget.from_usd(MemoryStore(), 1.0, 128, 100, arch="sparc")
    with pytest.raises(ValueError):
        InvocationBudget(MemoryStore())


def test_memory_store_is_thread_safe() -> None:
    rl = RateLimiter(MemoryStore(), 500, 3600)
    admitted: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(200):
            decision = rl.hit("shared")
            with lock:
                admitted.append(decision.allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(admitted) == 500 and len(admitted) == 1600


def test_memory_store_forgets_least_recently_used_keys_beyond_its_bound() -> None:
    store = MemoryStore(max_keys=3)
    rl = RateLimiter(store, 1, 60, clock=Clock())
    for key in ("a", "b", "c", "d"):
        assert rl.hit(key).allowed
    assert len(store) == 3
    assert rl.hit("a").allowed  # evicted, so counted afresh
    assert not rl.hit("d").allowed


def test_limiters_of_different_functions_count_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore()
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders")
    orders = RateLimiter(store, 1, 60)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "search")
    search, shared = RateLimiter(store, 1, 60), RateLimiter(store, 1, 60, name="orders")
    assert orders.hit("1.2.3.4").allowed and search.hit("1.2.3.4").allowed
    assert not shared.hit("1.2.3.4").allowed  # the same name shares the count
