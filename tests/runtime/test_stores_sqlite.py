"""The SQLite store: shared by every store object on one file, robust to a broken file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from faasguard.runtime.limits import RateLimiter, StoreUnavailable
from faasguard.runtime.stores import store_from_url
from faasguard.runtime.stores.sqlite import SQLiteStore


def test_two_store_objects_on_one_file_share_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/limits.db"
    first, second = RateLimiter(url, 3, 60), RateLimiter(url, 3, 60)
    assert [first.hit("ip-1").allowed, second.hit("ip-1").allowed] == [True, True]
    assert first.hit("ip-1").allowed
    assert not second.hit("ip-1").allowed
    assert second.hit("ip-2").allowed


def test_database_is_in_wal_mode_and_keys_are_hashed(tmp_path: Path) -> None:
    path = tmp_path / "limits.db"
    RateLimiter(SQLiteStore(str(path)), 3, 60).hit("secret-api-key-123")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    keys = [row[0] for row in conn.execute("SELECT key FROM faasguard_limits")]
    assert len(keys) == 1 and "secret-api-key-123" not in keys[0]


def test_expired_states_are_ignored(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    rl = RateLimiter(f"sqlite:///{tmp_path}/l.db", 1, 10, "gcra", clock=lambda: now[0])
    assert rl.hit("k").allowed and not rl.hit("k").allowed
    now[0] += 10
    assert rl.hit("k").allowed


def test_hit_many_decides_a_batch_in_one_transaction(tmp_path: Path) -> None:
    rl = RateLimiter(f"sqlite:///{tmp_path}/l.db", 2, 60)
    decisions = rl.hit_many(["a", "b", "a", "a", "b"])
    assert [d.allowed for d in decisions] == [True, True, True, False, True]


def test_bad_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot open the SQLite limit store"):
        store_from_url(f"sqlite:///{tmp_path}/no/such/dir/limits.db")
    with pytest.raises(ValueError, match="needs a path"):
        store_from_url("sqlite://")


def test_a_broken_database_file_fails_open_or_closed(tmp_path: Path) -> None:
    path = tmp_path / "limits.db"
    store = SQLiteStore(str(path))
    errors: list[StoreUnavailable] = []
    open_limiter = RateLimiter(store, 1, 60, on_store_error=errors.append)
    closed_limiter = RateLimiter(store, 1, 60, fail_open=False)
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    decision = open_limiter.hit("k")
    assert decision.allowed and decision.degraded
    assert len(errors) == 1 and "sqlite" in str(errors[0])
    with pytest.raises(StoreUnavailable):
        closed_limiter.hit("k")
