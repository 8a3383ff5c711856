"""Limiter decisions per second on the memory, SQLite and Redis stores.

    python3 benchmarks/bench_limits.py [--seconds 2] [--batch 50] [--processes 8]
                                       [--redis-url redis://...]

Without --redis-url the script starts its own redis-server on a free loopback port
(persistence off) and stops it at the end. For each store and algorithm it measures
single decisions (one store round trip each: ``RateLimiter.hit``) and batched ones
(``hit_many``: one SQLite transaction or one Redis pipeline per batch), over 1000 client
keys, on one thread, and prints decisions per second and the p50/p99 latency of one call.
Then, for the stores shared across processes (SQLite, Redis), it runs --processes
processes hitting one shared key at once: the contended case the locks exist for.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from faasguard.runtime.limits import RateLimiter  # noqa: E402

KEYS = [f"203.0.113.{i % 250}:{i}" for i in range(1000)]


@contextmanager
def redis_server(url: str | None) -> Iterator[str | None]:
    """The Redis URL to use: the given one, or a redis-server started for the run."""
    if url is not None:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        print("redis-server not found: skipping Redis (apt-get install redis-server)")
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait()


def measure(call: Callable[[int], int], seconds: float) -> tuple[float, float, float]:
    """Run ``call(i)`` (returning how many decisions it made) for ``seconds``:
    decisions/s, p50 and p99 microseconds per call."""
    for i in range(50):  # warm up: connections, scripts, tables
        call(i)
    latencies: list[float] = []
    decisions = 0
    i = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        t0 = time.perf_counter()
        decisions += call(i)
        t1 = time.perf_counter()
        latencies.append(t1 - t0)
        i += 1
        if t1 >= deadline:
            break
    elapsed = time.perf_counter() - start
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1e6
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e6
    return decisions / elapsed, p50, p99


def _contend(url: str, seconds: float, barrier: Any, results: Any) -> None:
    limiter = RateLimiter(url, 10**9, 60, name="contended", fail_open=False)
    limiter.hit("warm-up")
    barrier.wait()  # every process imported and connected
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        limiter.hit("one-shared-key")
        count += 1
    results.put(count)


def contended(url: str, processes: int, seconds: float) -> float:
    """Decisions per second of ``processes`` processes hitting one key together."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_contend, args=(url, seconds, barrier, results))
             for _ in range(processes)]
    for p in procs:
        p.start()
    total = sum(results.get(timeout=120 + seconds) for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    parser.add_argument("--batch", type=int, default=50, help="keys per hit_many call")
    parser.add_argument("--processes", type=int, default=8, help="for the contended rows")
    parser.add_argument("--redis-url", help="use this Redis instead of starting one")
    args = parser.parse_args()
    batch = args.batch
    print(f"python {sys.version.split()[0]}, {args.seconds:g} s per row, "
          f"batches of {batch}, 1000 keys, one thread")
    print(f"{'store':8} {'algorithm':9} {'mode':8} {'decisions/s':>12} {'p50 us':>9} "
          f"{'p99 us':>9}")
    with tempfile.TemporaryDirectory() as tmp, redis_server(args.redis_url) as redis_url:
        stores = [("memory", "memory:"), ("sqlite", f"sqlite:///{tmp}/bench.db")]
        if redis_url is not None:
            stores.append(("redis", redis_url))
        for label, url in stores:
            for algorithm in ("sliding", "gcra"):
                limiter = RateLimiter(url, 10**9, 60, algorithm, name=f"bench-{algorithm}",
                                      fail_open=False)

                def single(i: int, limiter: RateLimiter = limiter) -> int:
                    limiter.hit(KEYS[i % len(KEYS)])
                    return 1

                def batched(i: int, limiter: RateLimiter = limiter) -> int:
                    start = (i * batch) % len(KEYS)
                    keys = (KEYS + KEYS)[start:start + batch]
                    limiter.hit_many(keys)
                    return len(keys)

                for mode, call in (("single", single), ("batched", batched)):
                    rate, p50, p99 = measure(call, args.seconds)
                    print(f"{label:8} {algorithm:9} {mode:8} {rate:12,.0f} {p50:9.1f} "
                          f"{p99:9.1f}", flush=True)
                limiter.store.close()
        for label, url in stores[1:]:
            rate = contended(url, args.processes, args.seconds)
            print(f"{label:8} {'sliding':9} {f'{args.processes} procs':8} {rate:12,.0f}  "
                  "(one shared key)", flush=True)


if __name__ == "__main__":
    main()
