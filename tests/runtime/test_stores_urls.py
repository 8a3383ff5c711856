"""store_from_url: every kind of store from its URL, and clear errors for bad ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from faasguard.runtime.stores import DEFAULT_STORE_URL, store_from_url
from faasguard.runtime.stores.memory import MemoryStore
from faasguard.runtime.stores.redis import RedisStore
from faasguard.runtime.stores.sqlite import SQLiteStore


def test_each_scheme_builds_its_store(tmp_path: Path, redis_server: Any) -> None:
    memory = store_from_url("memory:?max_keys=5")
    assert isinstance(memory, MemoryStore) and memory._max_keys == 5
    sqlite = store_from_url(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(sqlite, SQLiteStore) and sqlite.path == f"{tmp_path}/x.db"
    redis_store = store_from_url(redis_server.url + "?timeout=0.5")
    assert isinstance(redis_store, RedisStore)
    assert redis_store.client.connection_pool.connection_kwargs["socket_timeout"] == 0.5
    assert redis_store.client.ping()
    assert DEFAULT_STORE_URL.startswith("sqlite:////tmp/")


@pytest.mark.parametrize("url, message", [
    ("mongodb://host/db", "unknown limit store URL"),
    ("", "unknown limit store URL"),
    ("dynamodb://", "needs a table"),
    ("sqlite://", "needs a path"),
    ("memory:?max_keys=lots", "invalid literal"),
])
def test_bad_urls_are_clear_errors(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        store_from_url(url)
