"""SQLite store: the embedded default, shared by every process on one host.

Each step is one ``BEGIN IMMEDIATE`` transaction (the write lock is taken before the read,
so two processes can never both read the same count), in WAL mode with a busy timeout so
waiting writers queue instead of failing. In Lambda put the file in ``/tmp``: it is shared
by the invocations of one container only; for a fleet use Redis or DynamoDB.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..algorithms import US, Algorithm, Decision
from .base import Store, StoreUnavailable, decode_state, encode_state

if TYPE_CHECKING:
    import sqlite3

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS faasguard_limits ("
    "key TEXT PRIMARY KEY, state TEXT NOT NULL, expires_us INTEGER NOT NULL)"
)
_PURGE_EVERY = 1000


class SQLiteStore(Store):
    """States in one SQLite file; correct across threads and processes of one host."""

    def __init__(self, path: str, busy_timeout_s: float = 5.0) -> None:
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._writes = 0
        try:
            self._connection()  # fail early on a bad path
        except StoreUnavailable as exc:
            raise ValueError(f"cannot open the SQLite limit store {path!r}: {exc}") from exc

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        import sqlite3

        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            conn = None
            try:
                conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s,
                                       isolation_level=None)
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute(_SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                # processes opening a new file at once: SQLite answers "locked" at once,
                # without waiting, to all but one of those switching it to WAL together
                if conn is not None:
                    conn.close()
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise StoreUnavailable(f"sqlite: {exc}") from exc
                time.sleep(0.005)
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"sqlite: {exc}") from exc
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def apply(self, algo: Algorithm, key: str, now_us: int, cost: int) -> Decision:
        return self.apply_many(algo, [(key, cost)], now_us)[0]

    def apply_many(
        self, algo: Algorithm, items: Sequence[tuple[str, int]], now_us: int
    ) -> list[Decision]:
        """Apply the steps of all ``items`` in one transaction (one lock, one commit)."""
        import sqlite3

        conn = self._connection()
        decisions = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for key, cost in items:
                    decisions.append(self._step(conn, algo, key, now_us, cost))
                self._writes += len(items)
                if self._writes >= _PURGE_EVERY:
                    self._writes = 0
                    conn.execute("DELETE FROM faasguard_limits WHERE expires_us <= ?", (now_us,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"sqlite: {exc}") from exc
        return decisions

    @staticmethod
    def _step(
        conn: sqlite3.Connection, algo: Algorithm, key: str, now_us: int, cost: int
    ) -> Decision:
        row = conn.execute(
            "SELECT state, expires_us FROM faasguard_limits WHERE key = ?", (key,)
        ).fetchone()
        state = decode_state(row[0]) if row is not None and row[1] > now_us else None
        step = algo.step(state, now_us, cost)
        if step.state is not None:
            conn.execute(
                "INSERT INTO faasguard_limits (key, state, expires_us) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
                "expires_us = excluded.expires_us",
                (key, encode_state(step.state), now_us + round(step.ttl_s * US)),
            )
        return step.decision

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
