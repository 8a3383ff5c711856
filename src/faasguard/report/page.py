"""The frame every faasguard HTML page shares (the scan report and the monitor report):
one self-contained document, its styles and script inline, so the page can be mailed or
archived as is and never loads anything from elsewhere."""

from __future__ import annotations

from html import escape

#: Badge colour of each severity.
SEVERITY_COLORS: dict[str, str] = {"critical": "#742a2a", "high": "#c53030",
                                   "medium": "#dd6b20", "low": "#d69e2e", "info": "#718096"}

BASE_STYLE = """
body{font:14px system-ui,sans-serif;margin:24px;color:#1a202c}
h1{font-size:20px} h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td small{word-break:break-all;color:#4a5568} td,th{padding:4px 10px;border-bottom:1px solid #e2e8f0;
text-align:left;vertical-align:top} th{background:#f7fafc}
.sev{color:#fff;padding:1px 6px;border-radius:3px;font-size:12px}
"""


def severity_badge(severity: str) -> str:
    """A coloured label naming the severity."""
    color = SEVERITY_COLORS.get(severity, SEVERITY_COLORS["info"])
    return f'<span class="sev" style="background:{color}">{escape(severity)}</span>'


def document(title: str, body: str, style: str = "", script: str = "",
             body_attributes: str = "") -> str:
    """The whole page: `body` (HTML) under an `<h1>` of `title`, the base styles plus
    `style`, and `script` run once the page is loaded."""
    attributes = f" {body_attributes}" if body_attributes else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>\n<style>{BASE_STYLE}{style}</style></head>\n"
            f"<body{attributes}>\n<h1>{escape(title)}</h1>\n{body}\n"
            f"<script>{script}</script>\n</body></html>\n")
