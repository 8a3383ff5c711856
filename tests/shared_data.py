"""Where the project's shared material lives: `shared/` beside the repository root, which
every developer and CI run has (shared/README.md): real-shaped AWS events and the official
SARIF schema. tests/conftest.py stops the run with one clear message when it is missing."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
AWS_EVENTS = SHARED / "fixtures" / "aws-events"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
