"""Timing `faasguard` subprocesses from compiled bytecode, as an installed package runs.

This machine sets PYTHONDONTWRITEBYTECODE=1, so a checkout installed in editable mode
would compile every module changed since its bytecode was last written on each run (up
to half a second), which no installed copy does: pip writes the bytecode at install.
The benchmarks give their timed scans a private bytecode folder instead, filled by one
untimed run.
"""

from __future__ import annotations

import os


def bytecode_env(folder: str) -> dict[str, str]:
    """The environment of a timed scan whose bytecode is kept in `folder`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = folder
    return env
