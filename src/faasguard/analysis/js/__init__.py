"""Node.js and TypeScript handlers: parsing (tree-sitter), taint, AWS SDK calls, JWT use.

Public surface: `analyse_js(app, facts)` (the analysis step) and
`resolve_node(function, app, facts)` (for `nodejs*` functions). scan.ANALYSES and
analysis.handlers do not name them: they name analysis.nodejs, which imports this package
only when the App has Node.js code. See docs/nodejs.md.
"""

from faasguard.analysis.js.handlers import resolve_node
from faasguard.analysis.js.project import analyse_js

__all__ = ["analyse_js", "resolve_node"]
