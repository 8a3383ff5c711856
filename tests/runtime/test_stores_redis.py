"""The Redis store against a real redis-server: Lua parity, pipelining, NOSCRIPT, outages."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
import redis
from conftest import free_port

from faasguard.runtime.algorithms import BudgetWindows, Gcra, SlidingWindow
from faasguard.runtime.limits import InvocationBudget, RateLimiter, StoreUnavailable
from faasguard.runtime.stores.memory import MemoryStore
from faasguard.runtime.stores.redis import RedisStore

T0_US = 1_800_000_000_000_000


@pytest.fixture
def store(redis_server: Any) -> RedisStore:
    redis.Redis.from_url(redis_server.url).flushdb()
    return RedisStore(redis_server.url)


@pytest.mark.parametrize(
    "algo",
    [SlidingWindow(5, 2.0), SlidingWindow(3, 0.7), Gcra(5, 2.0), Gcra(7, 1.0, burst=2),
     BudgetWindows(6, 9), BudgetWindows(None, 4)],
    ids=lambda a: f"{a.name}-{a.lua_args()}",
)
def test_lua_scripts_decide_exactly_like_the_python_steps(store: RedisStore, algo: Any) -> None:
    """The same random traffic through Redis and through the memory store: same decisions."""
    rng = random.Random(repr(algo))
    memory = MemoryStore()
    now = T0_US + rng.randrange(10**9)
    seen_denied = 0
    for _ in range(300):
        now += rng.choice([0, 0, 1, 999, 50_000, 400_000, 1_300_000, 1_900_000_000])
        key, cost = rng.choice(["a", "b"]), rng.choice([1, 1, 1, 2])
        expected = memory.apply(algo, key, now, cost)
        assert store.apply(algo, key, now, cost) == expected
        seen_denied += not expected.allowed
    assert seen_denied > 20


def test_hit_many_pipelines_a_batch(store: RedisStore) -> None:
    rl = RateLimiter(store, 2, 60, name="batch")
    decisions = rl.hit_many(["a", "b", "a", "a", "b"])
    assert [d.allowed for d in decisions] == [True, True, True, False, True]


def test_scripts_are_reloaded_after_a_script_flush(store: RedisStore) -> None:
    rl = RateLimiter(store, 2, 60, "gcra", name="flush")
    assert rl.hit("k").allowed
    store.client.script_flush()
    assert rl.hit("k").allowed
    store.client.script_flush()
    assert [d.allowed for d in rl.hit_many(["k", "x"])] == [False, True]


def test_outage_fails_open_loudly_then_enforcement_resumes(own_redis_server: Any) -> None:
    errors: list[StoreUnavailable] = []
    rl = RateLimiter(own_redis_server.url, 3, 60, name="outage", on_store_error=errors.append)
    budget = InvocationBudget(own_redis_server.url, per_day=3, name="fn", fail_open=False)
    assert [rl.hit("k").allowed for _ in range(4)] == [True, True, True, False]

    own_redis_server.stop()
    during = [rl.hit("k") for _ in range(5)]
    assert all(d.allowed and d.degraded for d in during)
    assert len(errors) == 5 and all("redis" in str(e) for e in errors)
    with pytest.raises(StoreUnavailable):
        budget.consume()

    own_redis_server.start()  # same port, empty (no persistence): counting starts again
    after = [rl.hit("k") for _ in range(4)]
    assert [d.allowed for d in after] == [True, True, True, False]
    assert not any(d.degraded for d in after)
    assert budget.consume().allowed
    assert len(errors) == 5


def test_fail_closed_limiter_raises_when_redis_is_down(own_redis_server: Any) -> None:
    rl = RateLimiter(own_redis_server.url, 3, 60, fail_open=False)
    own_redis_server.stop()
    with pytest.raises(StoreUnavailable):
        rl.hit("k")
    with pytest.raises(StoreUnavailable):
        rl.hit_many(["k", "j"])


def test_a_cold_start_while_redis_is_down_is_not_a_crash() -> None:
    errors: list[StoreUnavailable] = []
    rl = RateLimiter(f"redis://127.0.0.1:{free_port()}/0", 3, 60, on_store_error=errors.append)
    started = time.monotonic()
    decisions = [rl.hit("k") for _ in range(5)]
    assert all(d.allowed and d.degraded for d in decisions) and len(errors) == 5
    assert time.monotonic() - started < 2  # no retries, no backoff: each refusal is immediate
