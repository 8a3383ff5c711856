"""8 processes hammer one key: the stores shared across processes admit exactly the limit."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from faasguard.runtime.limits import InvocationBudget, RateLimiter

PROCESSES = 8
ATTEMPTS = 40
LIMIT = 100
ALGORITHMS = ("sliding", "gcra", "budget")


def _hammer(url: str, barrier: Any, results: Any) -> None:
    """Each algorithm in turn: wait for every process, then hit one shared key ATTEMPTS times."""
    for algorithm in ALGORITHMS:
        if algorithm == "budget":
            budget = InvocationBudget(url, per_hour=LIMIT, name="hammered", fail_open=False)
            barrier.wait()
            admitted = sum(budget.consume().allowed for _ in range(ATTEMPTS))
        else:
            limiter = RateLimiter(url, LIMIT, 3600, algorithm, name=algorithm, fail_open=False)
            barrier.wait()
            admitted = sum(limiter.hit("one-client").allowed for _ in range(ATTEMPTS))
        results.put((algorithm, admitted))


def _admitted(url: str) -> dict[str, int]:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["faasguard.runtime.limits", "faasguard.runtime.stores.sqlite",
                                "faasguard.runtime.stores.redis", "redis"])
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_hammer, args=(url, barrier, results)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    totals = dict.fromkeys(ALGORITHMS, 0)
    for _ in range(PROCESSES * len(ALGORITHMS)):
        algorithm, admitted = results.get(timeout=60)
        totals[algorithm] += admitted
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return totals


def test_sqlite_admits_exactly_the_limit_across_processes(tmp_path: Path) -> None:
    assert PROCESSES * ATTEMPTS > LIMIT
    assert _admitted(f"sqlite:///{tmp_path}/limits.db") == dict.fromkeys(ALGORITHMS, LIMIT)


def test_redis_admits_exactly_the_limit_across_processes(redis_server: Any) -> None:
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    assert _admitted(redis_server.url) == dict.fromkeys(ALGORITHMS, LIMIT)
