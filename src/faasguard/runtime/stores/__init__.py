"""Stores for the limiters: where the counts live.

``memory:`` (one process), ``sqlite:///path`` (one host, the embedded default),
``redis://host:port/db`` (a fleet) and ``dynamodb://table`` (a fleet without Redis).
Drivers are imported only when a store of that kind is built.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from .base import Store, StoreUnavailable

__all__ = ["DEFAULT_STORE_URL", "Store", "StoreUnavailable", "store_from_url"]

DEFAULT_STORE_URL = "sqlite:////tmp/faasguard-limits.db"
"""The embedded default: a SQLite file in Lambda's writable /tmp."""


def store_from_url(url: str) -> Store:
    """Build a store from its URL.

    - ``memory:`` (optionally ``memory:?max_keys=N``)
    - ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``
    - ``redis://[:password@]host:port/db`` or ``rediss://...`` (TLS); ``?timeout=0.25``
    - ``dynamodb://table?region=eu-west-1&endpoint=http://127.0.0.1:8000``

    Raises:
        ValueError: the URL names no known store or lacks a part it needs.
    """
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    try:
        if scheme == "memory":
            from .memory import MemoryStore

            return MemoryStore(max_keys=int(query.get("max_keys", 100_000)))
        if scheme == "sqlite":
            path = url.split("://", 1)[1].split("?", 1)[0][1:] if "://" in url else ""
            if not path:
                raise ValueError("sqlite store URL needs a path: sqlite:////tmp/limits.db")
            from .sqlite import SQLiteStore

            return SQLiteStore(path)
        if scheme in ("redis", "rediss", "unix"):
            from .redis import RedisStore

            timeout = float(query.pop("timeout", 0.25))
            rest = urlencode(query)
            return RedisStore(url.split("?", 1)[0] + (f"?{rest}" if rest else ""), timeout)
        if scheme == "dynamodb":
            if not parts.netloc:
                raise ValueError("dynamodb store URL needs a table: dynamodb://my-table")
            from .dynamodb import DynamoDBStore

            return DynamoDBStore(
                parts.netloc, region=query.get("region"), endpoint_url=query.get("endpoint")
            )
    except ImportError as exc:
        raise ValueError(f"store {scheme!r} needs a driver that is not installed: {exc}") from exc
    raise ValueError(
        f"unknown limit store URL {url!r}: use memory:, sqlite:///path, redis://host:port/db "
        "or dynamodb://table"
    )
