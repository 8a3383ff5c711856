"""`faasguard monitor analyze|generate`: detect attacks and spend in the logs an app writes."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from faasguard.commands import HelpFormatter

HELP = "analyse Lambda, API Gateway, CloudTrail and guard logs for attacks and spend"
EPILOG = """\
examples:
  faasguard monitor analyze logs/
  faasguard monitor analyze logs/ --format sarif > monitor.sarif
  faasguard monitor analyze logs/ --budget 20 --html report.html
  faasguard monitor analyze logs/ --app . --openapi api/openapi.yaml
  faasguard monitor analyze logs/ --engine spark
  faasguard monitor generate demo/ --size-mb 20 --seed 7

exit codes: 0 no alert at or above --fail-on, 1 alerts, 2 usage or configuration error,
or nothing could be read."""

ANALYZE_EPILOG = """\
examples:
  faasguard monitor analyze logs/
  faasguard monitor analyze logs/ --budget 20 --html report.html
  faasguard monitor analyze logs/ --format sarif -o monitor.sarif --fail-on high
  faasguard monitor analyze logs/ --app . --openapi api/openapi.yaml"""
GENERATE_EPILOG = """\
examples:
  faasguard monitor generate demo/                     10 MB over 2 days, seed 1
  faasguard monitor generate demo/ --size-mb 20 --seed 7
  faasguard monitor generate quiet/ --no-attacks       a baseline with no attack"""

SEVERITY_CHOICES = ("critical", "high", "medium", "low", "info", "none")


def _budget(text: str) -> float:
    from faasguard.config import parse_budget

    return parse_budget(text, argparse.ArgumentTypeError)


def _memory(text: str) -> str:
    from faasguard.monitor.engine.memory import memory_mb

    try:
        memory_mb(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard monitor`."""
    sub = parser.add_subparsers(dest="monitor_command", metavar="ACTION")
    analyze = sub.add_parser("analyze", help="read log files and report alerts",
                             description="Read log files (any format the readers know, "
                                         "gzip or not) and report alerts, per-function "
                                         "figures and cost.",
                             epilog=ANALYZE_EPILOG,
                             formatter_class=HelpFormatter)
    analyze.add_argument("paths", nargs="+", metavar="PATH", help="log files or folders")
    analyze.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                         help="report format (default: text)")
    analyze.add_argument("-o", "--output", metavar="FILE", help="write the report here")
    analyze.add_argument("--html", metavar="FILE", help="also write a self-contained HTML page")
    analyze.add_argument("--budget", type=_budget, metavar="USD_PER_DAY",
                         help="alarm when the projected daily spend is above this")
    analyze.add_argument("--app", metavar="PATH",
                         help="scan the app here for its endpoint inventory (shadow routes)")
    analyze.add_argument("--openapi", metavar="FILE", action="append", default=[],
                         help="an OpenAPI description listing the documented routes")
    analyze.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                         help="duckdb (embedded, default) or spark (local[*] unless "
                              "FAASGUARD_SPARK_MASTER names a cluster)")
    analyze.add_argument("--config", metavar="FILE", help="the monitor configuration file")
    analyze.add_argument("--workers", type=int, default=1, metavar="N",
                         help="read the files with N processes side by side (default 1)")
    analyze.add_argument("--memory-limit", type=_memory, metavar="SIZE",
                         help="the engine's memory (DuckDB's limit, Spark's driver heap), "
                              "e.g. 1GB; each reading process takes about 100 MB more "
                              "(default: 512MB on DuckDB, 1GB on Spark)")
    analyze.add_argument("--fail-on", choices=SEVERITY_CHOICES, default="low",
                         help="exit 1 when an alert is this severe or more (default low)")
    generate = sub.add_parser("generate", help="write realistic logs with planted attacks",
                              description="Write a seeded, realistic log set with planted "
                                          "attacks and their ground truth.",
                              epilog=GENERATE_EPILOG,
                              formatter_class=HelpFormatter)
    generate.add_argument("out", metavar="OUT",
                          help="folder to write to: logs/, ground-truth.json, openapi.yaml (the "
                               "documented routes, for --openapi) and app/template.yaml "
                               "(the app, for --app)")
    generate.add_argument("--size-mb", type=float, default=10.0,
                          help="approximate total size in MB (default 10)")
    generate.add_argument("--seed", type=int, default=1,
                          help="random seed: the same seed writes the same logs (default 1)")
    generate.add_argument("--days", type=int, default=2,
                          help="days of traffic to spread the logs over (default 2)")
    generate.add_argument("--no-attacks", action="store_true",
                          help="plant no attack (a clean baseline)")


def _error(message: str) -> int:
    print(f"faasguard: error: {message}", file=sys.stderr)
    return 2


def _inventory(args: argparse.Namespace, config: Any) -> Any:
    from faasguard.monitor.detectors.shadow import (
        Inventory,
        inventory_from_app,
        inventory_from_openapi,
    )

    inventory = config.inventory() or Inventory()
    for path in args.openapi:
        for method, pattern in inventory_from_openapi(path).routes:
            inventory.routes.append((method, pattern))
    if args.app:
        if not os.path.exists(args.app):
            raise ValueError(f"{args.app}: no such file or directory")
        inventory.routes.extend(inventory_from_app(args.app).routes)
    return inventory if len(inventory) or args.app or args.openapi else None


def _write(path: str | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def analyze(args: argparse.Namespace) -> int:
    """Run the analysis and write the report(s); the exit code."""
    from faasguard.monitor import config as monitor_config
    from faasguard.monitor.alerts import SEVERITIES
    from faasguard.monitor.engine import analyze_paths
    from faasguard.monitor.read import ReadStats
    from faasguard.monitor.report import json as json_report
    from faasguard.monitor.report import sarif, text

    try:
        config = monitor_config.load(args.config) if args.config \
            else monitor_config.MonitorConfig()
        settings = config.settings(args.budget)
        inventory = _inventory(args, config)
    except ValueError as exc:
        return _error(str(exc))
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        return _error(f"{missing[0]}: no such file or directory")
    stats = ReadStats()
    try:
        analysis = analyze_paths(args.paths, config.read, stats, settings, args.engine,
                                 inventory, workers=args.workers,
                                 memory_limit=args.memory_limit)
    except ImportError as exc:
        return _error(f"the {args.engine} engine needs {exc.name}: "
                      "pip install 'faasguard[monitor]'")
    analysis.read = stats.to_dict()
    if stats.events == 0:
        print(stats.summary(), file=sys.stderr)
        return _error("no log events could be read from the given paths")
    renderer = {"text": text.render, "json": json_report.render, "sarif": sarif.render}
    try:
        _write(args.output, renderer[args.format](analysis))
        if args.html:
            from faasguard.monitor.report import html

            _write(args.html, html.render(analysis))
    except OSError as exc:
        return _error(f"cannot write the report: {exc.strerror or exc}")
    if args.fail_on == "none":
        return 0
    threshold = SEVERITIES.index(args.fail_on)
    return 1 if any(SEVERITIES.index(a.severity) <= threshold for a in analysis.alerts) else 0


def generate(args: argparse.Namespace) -> int:
    """Delegate to the log generator."""
    from pathlib import Path

    from faasguard.monitor.generate import generate as write_logs

    try:
        truth = write_logs(Path(args.out), args.size_mb, args.seed,
                           attacks=not args.no_attacks, days=args.days)
    except (ValueError, OSError) as exc:
        return _error(str(exc))
    attacks = truth.get("attacks", []) if isinstance(truth, dict) else []
    print(f"wrote {args.out} ({len(attacks)} planted attack(s); ground truth in "
          f"{os.path.join(args.out, 'ground-truth.json')})")
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    if args.monitor_command == "analyze":
        return analyze(args)
    if args.monitor_command == "generate":
        return generate(args)
    return _error("say what to do: faasguard monitor analyze PATH... "
                  "(or generate OUT); see faasguard monitor --help")
