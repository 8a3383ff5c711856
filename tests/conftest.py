"""Session checks for the whole suite, and fixtures several test files share."""

from __future__ import annotations

import pytest

from faasguard import workers
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


@pytest.fixture
def worker_failures(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each forked `workers.pull_map` child this test waits for failed, in order
    (`_Puller.succeeded` watched): a test that kills a worker shows it did die."""
    failed: list[bool] = []
    succeeded = workers._Puller.succeeded

    def watching(self: workers._Puller) -> bool:
        failed.append(not succeeded(self))
        return not failed[-1]

    monkeypatch.setattr(workers._Puller, "succeeded", watching)
    return failed
