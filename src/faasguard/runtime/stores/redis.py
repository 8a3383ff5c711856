"""Redis store: one count shared by a fleet of concurrent containers.

Every step runs as a Lua script on the server (atomic: no other command runs in between),
loaded once with SCRIPT LOAD and called by its SHA with EVALSHA; after a server restart
(NOSCRIPT) the script is loaded again and the call retried. Connection errors become
:class:`StoreUnavailable`; the client reconnects on the next call, so enforcement resumes
as soon as the server is back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..algorithms import Algorithm, Decision, decision_from_reply
from .base import Store, StoreUnavailable

if TYPE_CHECKING:
    import redis as redis_lib


class RedisStore(Store):
    """States in Redis, one string key per client key, expiring with the algorithm's TTL.

    ``timeout_s`` bounds connect and read time: a limiter must not hold an invocation up
    for seconds when Redis is gone. ``now_us`` comes from the caller's clock, so the hosts
    sharing a Redis should keep their clocks in sync (Lambda hosts do).
    """

    def __init__(self, url: str, timeout_s: float = 0.25, client: Any = None) -> None:
        import redis as redis_lib
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors: tuple[type[Exception], ...] = (redis_lib.RedisError, OSError)
        self._noscript = redis_lib.exceptions.NoScriptError
        self.client: redis_lib.Redis = client or redis_lib.Redis.from_url(
            url,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
        )
        self._shas: dict[str, str] = {}

    def _sha(self, algo: Algorithm, reload: bool = False) -> str:
        sha = self._shas.get(algo.name)
        if sha is None or reload:
            sha = str(self.client.script_load(algo.lua))
            self._shas[algo.name] = sha
        return sha

    def _args(self, algo: Algorithm, now_us: int, cost: int) -> list[int]:
        return [now_us, cost, *algo.lua_args()]

    def apply(self, algo: Algorithm, key: str, now_us: int, cost: int) -> Decision:
        args = self._args(algo, now_us, cost)
        try:
            try:
                reply = self.client.evalsha(self._sha(algo), 1, key, *args)
            except self._noscript:
                reply = self.client.evalsha(self._sha(algo, reload=True), 1, key, *args)
        except self._errors as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc
        return decision_from_reply(reply)

    def apply_many(
        self, algo: Algorithm, items: Sequence[tuple[str, int]], now_us: int
    ) -> list[Decision]:
        """All steps in one pipeline: one round trip, each script still atomic on its own."""
        try:
            for attempt in (0, 1):
                sha = self._sha(algo, reload=attempt == 1)
                pipe = self.client.pipeline(transaction=False)
                for key, cost in items:
                    pipe.evalsha(sha, 1, key, *self._args(algo, now_us, cost))
                replies = pipe.execute(raise_on_error=False)
                if not any(isinstance(r, self._noscript) for r in replies):
                    break
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
        except self._errors as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc
        return [decision_from_reply(r) for r in replies]

    def close(self) -> None:
        self.client.close()

