"""Monitor input figures: how fast the generator writes logs and the readers read them.

    python3 benchmarks/bench_monitor_readers.py [--size-mb 50] [--seed 7] [--keep DIR]

1. Generation: MB of log text per second (and on disk, after the gzip of S3 exports and
   trail files) for a set of `--size-mb`.
2. Reading, in a fresh interpreter so its peak memory is its own: MB/s of log text,
   events/s, peak resident memory, malformed lines (expected: 0), overall and per log
   family (access logs, Lambda S3 exports, Lambda JSON lines, subscription payloads,
   filter-log-events output, trail files, lookup-events output). CPU seconds are given
   beside wall seconds: on a shared machine the CPU figure is the one to compare.
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
import json, resource, sys, time
from faasguard.monitor.read import ReadStats, iter_events
stats = ReadStats()
wall, cpu = time.perf_counter(), time.process_time()
for _ in iter_events([sys.argv[1]], None, stats):
    pass
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "events": stats.events, "text_bytes": stats.text_bytes,
                  "bytes": stats.bytes, "malformed": stats.malformed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def read_figures(folder: Path) -> dict[str, float]:
    """Read `folder` in a fresh interpreter; its figures."""
    done = subprocess.run([sys.executable, "-c", READ, str(folder)], check=True,
                          capture_output=True, text=True, env={"PYTHONPATH": str(SRC)})
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the logs here and keep them")
    args = parser.parse_args()
    sys.path.insert(0, str(SRC))
    from faasguard.monitor.generate import generate

    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch) / "set"
        wall, cpu = time.perf_counter(), time.process_time()
        truth = generate(out, args.size_mb, args.seed)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        volume = truth["volume"]
        text_mb, disk_mb = volume["text_bytes"] / 1e6, volume["disk_bytes"] / 1e6
        print(f"generate: {text_mb:.1f} MB of text ({disk_mb:.1f} MB on disk), "
              f"{volume['requests']} requests, {volume['invocations']} invocations, "
              f"{volume['cloudtrail']} trail records in {wall:.1f} s wall / {cpu:.1f} s CPU: "
              f"{text_mb / cpu:.1f} MB/s of text per CPU second")
        print(f"\n{'read':38} {'MB text':>8} {'events':>9} {'CPU s':>7} {'MB/s':>6} "
              f"{'events/s':>9} {'peak RSS':>9} {'malformed':>9}")
        for label, sub in FAMILIES.items():
            figures = read_figures(out / "logs" / sub)
            mb = figures["text_bytes"] / 1e6
            print(f"{label:38} {mb:8.1f} {figures['events']:9d} {figures['cpu']:7.1f} "
                  f"{mb / figures['cpu']:6.1f} {figures['events'] / figures['cpu']:9.0f} "
                  f"{figures['peak_rss_mb']:7.0f} MB {figures['malformed']:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
