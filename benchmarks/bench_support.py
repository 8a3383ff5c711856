"""Helpers the analysis benchmarks share (bench_taint.py, bench_js.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve_with_steps
from faasguard.model import App


def resolve_then(app: App, analysis: Callable[[App, Facts], None], steps: Iterable[str] = ()
                 ) -> tuple[float, float, float, Facts]:
    """CPU seconds of handler resolution (it parses each handler file once; with `steps`,
    the per-handler steps of analysis.handlers.HANDLER_STEPS run on each handler too, as
    in a scan) and of `analysis` on the resolved app, wall seconds of both, and the facts."""
    facts = Facts()
    cpu, wall = time.process_time(), time.perf_counter()
    resolve_with_steps(app, facts, steps)
    resolved = time.process_time()
    analysis(app, facts)
    done = time.process_time()
    return resolved - cpu, done - resolved, time.perf_counter() - wall, facts
