"""SHA-256 as the interpreter builds it in, for the scan's fingerprints and digests."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def _interpreter_sha256() -> Callable[[bytes], Any]:
    """SHA-256 as the interpreter builds it in (the same digests as `hashlib.sha256`): a
    hash of a few dozen bytes costs a third of OpenSSL's, whose set-up per hash dominates,
    and a scan that never imports `hashlib` does not load OpenSSL (about 5 ms of every
    start-up). `hashlib.sha256` where the module is missing."""
    for name in ("_sha2", "_sha256"):  # Python 3.12 and later; 3.10 and 3.11
        try:
            found: Callable[[bytes], Any] = importlib.import_module(name).sha256
        except (ImportError, AttributeError):
            continue
        return found
    import hashlib

    return hashlib.sha256


#: `sha256(data)`: a hash object with `.digest()` and `.hexdigest()`.
sha256 = _interpreter_sha256()
