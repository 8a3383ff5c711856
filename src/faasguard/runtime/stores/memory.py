"""In-memory store: one container's process, thread-safe, bounded in size."""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..algorithms import US, Algorithm, Decision, State
from .base import Store


class MemoryStore(Store):
    """Keeps states in a dict guarded by one lock.

    Counts are per process: with many concurrent Lambda containers each has its own, so
    the effective limit is ``limit x containers``. Use SQLite, Redis or DynamoDB to share.
    ``max_keys`` bounds memory when many clients (IP addresses) show up: the least recently
    used keys are dropped first.
    """

    def __init__(self, max_keys: int = 100_000) -> None:
        self._states: OrderedDict[str, tuple[State, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def apply(self, algo: Algorithm, key: str, now_us: int, cost: int) -> Decision:
        with self._lock:
            entry = self._states.get(key)
            state = entry[0] if entry is not None and entry[1] > now_us else None
            step = algo.step(state, now_us, cost)
            if step.state is not None:
                self._states[key] = (step.state, now_us + round(step.ttl_s * US))
                self._states.move_to_end(key)
                while len(self._states) > self._max_keys:
                    self._states.popitem(last=False)
            return step.decision

    def __len__(self) -> int:
        return len(self._states)
