"""The store interface the limiters use, and the error every store raises when it is down."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence

from ..algorithms import Algorithm, Decision, State


class StoreUnavailable(Exception):
    """The limit store cannot be reached or answered with an error.

    The limiters catch it and fail open or closed as configured; ``__cause__`` holds the
    store driver's own exception.
    """


class Store(ABC):
    """Keeps one small integer state per key and applies an algorithm's step atomically."""

    @abstractmethod
    def apply(self, algo: Algorithm, key: str, now_us: int, cost: int) -> Decision:
        """Run ``algo.step`` on ``key``'s state and store the result, atomically.

        Raises:
            StoreUnavailable: the store could not be used.
        """

    def apply_many(
        self, algo: Algorithm, items: Sequence[tuple[str, int]], now_us: int
    ) -> list[Decision]:
        """Apply ``algo`` to several ``(key, cost)`` pairs; stores may batch the round trips."""
        return [self.apply(algo, key, now_us, cost) for key, cost in items]

    def close(self) -> None:  # noqa: B027 - optional hook, most stores have nothing to close
        """Release connections; the store must not be used afterwards."""


def encode_state(state: State) -> str:
    """The text form of a state shared by every store: space-separated integers."""
    return " ".join(str(v) for v in state)


def decode_state(text: str) -> State:
    """Parse :func:`encode_state`'s output."""
    return tuple(int(float(v)) for v in text.split())


def storage_key(namespace: str, client_key: str) -> str:
    """The key a limiter stores under: its namespace plus a digest of the client key.

    Client keys may be API keys or token subjects; hashing keeps secrets out of the store
    and bounds the key length whatever the client sends.
    """
    digest = hashlib.sha256(client_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"fg:{namespace}:{digest}"
