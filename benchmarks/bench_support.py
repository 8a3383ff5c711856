"""Helpers the analysis benchmarks share (bench_taint.py, bench_js.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.model import App


def resolve_then(app: App, analysis: Callable[[App, Facts], None]
                 ) -> tuple[float, float, float, Facts]:
    """CPU seconds of handler resolution (it parses each handler file once) and of
    `analysis` on the resolved app, wall seconds of both, and the facts."""
    facts = Facts()
    cpu, wall = time.process_time(), time.perf_counter()
    resolve(app, facts)
    resolved = time.process_time()
    analysis(app, facts)
    done = time.process_time()
    return resolved - cpu, done - resolved, time.perf_counter() - wall, facts
