"""Session checks for the whole suite."""

from __future__ import annotations

import pytest

from tests.shared_data import AWS_EVENTS, SARIF_SCHEMA, SHARED


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with the reason, when shared/ is not beside the repository (instead of
    a FileNotFoundError in each of the ~160 tests that read its events or schema)."""
    missing = [path for path in (AWS_EVENTS, SARIF_SCHEMA) if not path.exists()]
    if missing:
        raise pytest.UsageError(
            f"the shared test data is missing: {', '.join(map(str, missing))}. The tests read "
            f"real-shaped AWS events and the SARIF schema from {SHARED}, the shared/ folder "
            "that sits beside the repository root (or beside the local checkout it was cloned "
            "from); put it there.")
