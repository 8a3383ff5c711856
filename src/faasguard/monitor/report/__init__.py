"""Reports of a monitor analysis: text, JSON, SARIF 2.1.0 and a self-contained HTML page.

Each module exposes ``render(analysis) -> str``; all are pure functions of an
`faasguard.monitor.engine.Analysis`.
"""

FORMATS = ("text", "json", "sarif")
