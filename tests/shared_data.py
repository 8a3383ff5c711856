"""Where the project's shared material lives: `shared/` beside the repository root, which
every developer and CI run has (shared/README.md): real-shaped AWS events and the official
SARIF schema. A clone of a local checkout (`git clone /work/main /tmp/x/ci`, as a check of
CI on a clean clone is made) has no shared/ beside it: it uses the one beside the checkout
it was cloned from. tests/conftest.py stops the run with one clear message when neither
exists."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    origin = subprocess.run(["git", "-C", str(REPO), "config", "--get", "remote.origin.url"],
                            capture_output=True, text=True, check=False).stdout.strip()
    if origin and Path(origin).is_dir():  # a local path, not a URL
        cloned_from = Path(origin).resolve().parent / "shared"
        if cloned_from.is_dir():
            return cloned_from
    return beside


SHARED = _shared()
AWS_EVENTS = SHARED / "fixtures" / "aws-events"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
