"""Taint analysis of Python handlers: event data reaching injection sinks.

Public surface: `analyse_taint(app, facts)` (the analysis step; it fills
`facts.flows[function_id]` with `Flow`s) and `Flow`. See docs/injection.md.
"""

from faasguard.analysis.taint.flows import Flow
from faasguard.analysis.taint.project import analyse_handler, analyse_taint

__all__ = ["Flow", "analyse_handler", "analyse_taint"]
