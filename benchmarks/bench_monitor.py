"""Monitor benchmark: throughput, memory and detection quality on generated logs.

    python benchmarks/bench_monitor.py --size-mb 1024 [--engines duckdb,spark] [--seed 7]
        [--work DIR] [--keep]

Generates two log sets of the same size with faasguard's generator (one with planted
attacks and its ground truth, one attack-free), then analyses each with every engine,
each run in its own process so peak memory is its own, and prints:

- MB/s (log text, uncompressed) and events/s of the whole analysis (read + load +
  detectors + summary), per engine (``--workers N``: files read by N processes);
- peak resident memory of the analysing process (and, for Spark, of its JVM);
- precision and recall against the ground truth (`faasguard.monitor.evaluate`), and
  the number of alerts on the attack-free set (expected: 0).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _run(engine: str, root: Path, workers: int = 1) -> dict[str, Any]:
    """Child process: analyse `root` with `engine`; print a JSON line of figures."""
    from faasguard.monitor.detectors import Settings
    from faasguard.monitor.detectors.shadow import inventory_from_openapi
    from faasguard.monitor.engine import analyze_paths, make_engine
    from faasguard.monitor.evaluate import score
    from faasguard.monitor.read import ReadStats

    truth = json.loads((root / "ground-truth.json").read_text())
    stats = ReadStats()
    began = time.perf_counter()
    runner = make_engine(engine)
    try:
        analysis = analyze_paths([root / "logs"], None, stats, Settings(), runner,
                                 inventory_from_openapi(str(root / "openapi.yaml")),
                                 workers=workers)
        seconds = time.perf_counter() - began
        jvm_mb = _jvm_peak_mb(runner)
    finally:
        runner.close()
    result = score(analysis.alerts, truth["attacks"])
    text_mb = truth["volume"]["text_bytes"] / 1e6
    return {"engine": engine, "workers": workers, "seconds": round(seconds, 2),
            "text_mb": round(text_mb, 1),
            "mb_per_s": round(text_mb / seconds, 2), "events": stats.events,
            "events_per_s": round(stats.events / seconds), "malformed": stats.malformed,
            "alerts": len(analysis.alerts), "attacks": result.attacks,
            "precision": round(result.precision, 4), "recall": round(result.recall, 4),
            "missed": [m["kind"] for m in result.missed],
            "false": [f"{a.detector} {a.entity}" for a in result.false_alerts],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "children_peak_rss_mb": jvm_mb}


def _jvm_peak_mb(runner: Any) -> int:
    """Peak resident memory of Spark's JVM (VmHWM), 0 for other engines."""
    session = getattr(runner, "session", None)
    proc = getattr(getattr(getattr(session, "sparkContext", None), "_gateway", None),
                   "proc", None)
    if proc is None:
        return 0
    try:
        status = Path(f"/proc/{proc.pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return round(int(line.split()[1]) / 1024)


def _child(engine: str, root: Path, workers: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", engine, str(root),
                          "--workers", str(workers)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{engine} on {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=1024.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--work", help="folder for the generated logs (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    parser.add_argument("--workers", type=int, default=1,
                        help="reader processes (faasguard monitor analyze --workers)")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run(args.child[0], Path(args.child[1]), args.workers)))
        return
    from faasguard.monitor.generate import generate

    work = Path(args.work or tempfile.mkdtemp(prefix="faasguard-bench-monitor-"))
    try:
        sets = {}
        for name, attacks in (("attacked", True), ("clean", False)):
            root = work / name
            if not (root / "ground-truth.json").exists():
                began = time.perf_counter()
                generate(root, args.size_mb, args.seed, attacks=attacks)
                print(f"generated {name}: {args.size_mb:g} MB in "
                      f"{time.perf_counter() - began:.0f} s", flush=True)
            sets[name] = root
        print(f"\n{'engine':8} {'set':9} {'MB':>7} {'s':>7} {'MB/s':>6} {'events':>10} "
              f"{'ev/s':>8} {'peak MB':>8} {'jvm MB':>7} {'alerts':>6} {'prec':>6} {'recall':>6}")
        for engine in args.engines.split(","):
            for name, root in sets.items():
                r = _child(engine, root, args.workers)
                print(f"{engine:8} {name:9} {r['text_mb']:7.1f} {r['seconds']:7.1f} "
                      f"{r['mb_per_s']:6.2f} {r['events']:10,} {r['events_per_s']:8,} "
                      f"{r['peak_rss_mb']:8,} {r['children_peak_rss_mb']:7,} {r['alerts']:6} "
                      + (f"{r['precision']:6.3f} {r['recall']:6.3f}" if name == "attacked"
                         else f"{'-':>6} {'-':>6}"), flush=True)
                if r["missed"] or r["false"] or (name == "clean" and r["alerts"]):
                    print(f"         missed {r['missed']} false {r['false']}", flush=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
