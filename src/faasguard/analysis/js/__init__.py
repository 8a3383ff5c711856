"""Node.js and TypeScript handlers: parsing (tree-sitter), taint, AWS SDK calls, JWT use.

Public surface: `analyse_js(app, facts)` (the analysis step, listed in scan.ANALYSES) and
`resolve_node(function, app, facts)` (called by analysis.handlers for `nodejs*`
functions). See docs/nodejs.md.
"""

from faasguard.analysis.js.handlers import resolve_node
from faasguard.analysis.js.project import analyse_js

__all__ = ["analyse_js", "resolve_node"]
