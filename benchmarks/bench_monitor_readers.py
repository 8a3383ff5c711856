"""Monitor input figures: how fast the generator writes logs and the readers read them.

    python3 benchmarks/bench_monitor_readers.py [--size-mb 50] [--seed 7] [--keep DIR]
    python3 benchmarks/bench_monitor_readers.py --set DIR    (a set generated before)

1. Generation: MB of log text per second (and on disk, after the gzip of S3 exports and
   trail files) for a set of `--size-mb`.
2. Reading, in a fresh interpreter so its peak memory is its own: MB/s of log text,
   events/s, peak resident memory, malformed lines (expected: 0), overall and per log
   family (access logs, Lambda S3 exports, Lambda JSON lines, subscription payloads,
   filter-log-events output, trail files, lookup-events output). CPU seconds are the
   figure to compare on a shared machine (the rates are per CPU second).
3. Read + normalise + load: the whole set read, turned into the events table (derived
   columns included, with the set's OpenAPI inventory) and loaded into DuckDB on one
   thread: the monitor's input path before the detectors run, per core.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

FAMILIES = {
    "access logs (JSON + CLF)": "apigw",
    "Lambda text, S3 export (gzip)": "aws/lambda/orders-api",
    "Lambda JSON format (JSON lines)": "aws/lambda/auth-api",
    "subscription payloads (base64 gzip)": "subscription",
    "filter-log-events output": "aws/lambda/reports-export",
    "trail files (gzip Records)": "cloudtrail",
    "lookup-events output": "cloudtrail-lookup",
    "everything": "",
}

READ = """
import json, os, resource, sys, time
from faasguard.monitor.read import ReadStats, iter_events
stats = ReadStats()
events = iter_events([sys.argv[1]], None, stats)
if len(sys.argv) > 2:  # read + normalise + load
    from faasguard.monitor.detectors.shadow import inventory_from_openapi
    from faasguard.monitor.engine.duckdb import DuckDBEngine
    from faasguard.monitor.engine.table import record_batches
    inventory = inventory_from_openapi(sys.argv[2]) if os.path.exists(sys.argv[2]) else None
    engine = DuckDBEngine(threads=1)
wall, cpu = time.perf_counter(), time.process_time()
if len(sys.argv) > 2:
    engine.load(record_batches(events, inventory))
else:
    for _ in events:
        pass
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "events": stats.events, "text_bytes": stats.text_bytes,
                  "bytes": stats.bytes, "malformed": stats.malformed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def read_figures(folder: Path, openapi: Path | None = None) -> dict[str, float]:
    """Read `folder` in a fresh interpreter (and load it, given `openapi`); its figures."""
    extra = [str(openapi)] if openapi else []
    done = subprocess.run([sys.executable, "-c", READ, str(folder), *extra], check=True,
                          capture_output=True, text=True, env={"PYTHONPATH": str(SRC)})
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the logs here and keep them")
    parser.add_argument("--set", type=Path, help="measure this generated set (no generation)")
    args = parser.parse_args()
    sys.path.insert(0, str(SRC))
    from faasguard.monitor.generate import generate

    with tempfile.TemporaryDirectory() as scratch:
        out = args.set or args.keep or Path(scratch) / "set"
        if args.set is None:
            wall, cpu = time.perf_counter(), time.process_time()
            truth = generate(out, args.size_mb, args.seed)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            volume = truth["volume"]
            text_mb, disk_mb = volume["text_bytes"] / 1e6, volume["disk_bytes"] / 1e6
            print(f"generate: {text_mb:.1f} MB of text ({disk_mb:.1f} MB on disk), "
                  f"{volume['requests']} requests, {volume['invocations']} invocations, "
                  f"{volume['cloudtrail']} trail records in {wall:.1f} s wall / {cpu:.1f} s "
                  f"CPU: {text_mb / cpu:.1f} MB/s of text per CPU second")
        print(f"\n{'read':44} {'MB text':>8} {'events':>9} {'CPU s':>7} {'MB/s':>6} "
              f"{'events/s':>9} {'peak RSS':>9} {'malformed':>9}")
        rows: list[tuple[str, Path, Path | None]] = [
            (label, out / "logs" / sub, None) for label, sub in FAMILIES.items()]
        rows.append(("read + normalise + load (DuckDB, 1 thread)", out / "logs",
                     out / "openapi.yaml"))
        for label, folder, openapi in rows:
            figures = read_figures(folder, openapi)
            mb = figures["text_bytes"] / 1e6
            print(f"{label:44} {mb:8.1f} {figures['events']:9d} {figures['cpu']:7.1f} "
                  f"{mb / figures['cpu']:6.1f} {figures['events'] / figures['cpu']:9.0f} "
                  f"{figures['peak_rss_mb']:7.0f} MB {figures['malformed']:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
