"""Reporters: one module per output format (text, JSON, SARIF, HTML), each a pure function
`render(report) -> str`; `write` streams the JSON and SARIF text (their `document` written
by jsontext.dump)."""

from __future__ import annotations

import importlib
from typing import TextIO

from faasguard.report.base import Report, summary

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "html")


def render(report: Report, fmt: str, color: bool = False, quiet: bool = False) -> str:
    """The report in one of FORMATS (colour and quiet apply to text only)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    module = importlib.import_module(f"faasguard.report.{fmt}")
    if fmt == "text":
        return str(module.render(report, color=color, quiet=quiet))
    return str(module.render(report))


def write(report: Report, fmt: str, out: TextIO, color: bool = False,
          quiet: bool = False) -> None:
    """Write the report in one of FORMATS to `out`: the text `render` returns, streamed
    piece by piece for JSON and SARIF (neither their document nor their text is ever
    whole in memory)."""
    if fmt in ("text", "html"):
        out.write(render(report, fmt, color=color, quiet=quiet))
        return
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    from faasguard.report.jsontext import dump

    dump(importlib.import_module(f"faasguard.report.{fmt}").document(report), out.write)
    out.write("\n")


__all__ = ["FORMATS", "Report", "render", "summary", "write"]
