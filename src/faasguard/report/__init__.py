"""Reporters: one module per output format, each a pure function `render(report) -> str`."""

from __future__ import annotations

import importlib

from faasguard.report.base import Report, summary

FORMATS: tuple[str, ...] = ("text", "json", "sarif")


def render(report: Report, fmt: str, color: bool = False, quiet: bool = False) -> str:
    """The report in one of FORMATS (colour and quiet apply to text only)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    module = importlib.import_module(f"faasguard.report.{fmt}")
    if fmt == "text":
        return str(module.render(report, color=color, quiet=quiet))
    return str(module.render(report))


__all__ = ["FORMATS", "Report", "render", "summary"]
