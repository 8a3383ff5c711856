"""Monitor benchmark: throughput, memory and detection quality on generated logs.

    python benchmarks/bench_monitor.py --size-mb 1024 [--engines duckdb,spark] [--seed 7]
        [--sets attacked,clean] [--work DIR] [--keep] [--workers N] [--memory-limit SIZE]
    python benchmarks/bench_monitor.py --root /tmp/mon1g-attacked --engines spark
    python benchmarks/bench_monitor.py --root SET --parts PARTS --engines duckdb,spark

Generates two log sets of the same size with faasguard's generator (one with planted
attacks and its ground truth, one attack-free; ``--sets`` picks which), or takes sets
generated before (``--root``, repeatable: a folder written by ``faasguard monitor
generate``), then analyses each with every engine, one configuration at a time, each in
its own process, and prints one line per run:

- MB/s (log text, uncompressed) and events/s of the whole analysis (read + stage +
  detectors + summary), per engine (``--workers N``: files read by N processes;
  ``--memory-limit``: the engine's limit, as ``faasguard monitor analyze``);
- peak memory of the whole process tree (the analysing process, its reading workers and,
  for Spark, its JVM), sampled every 0.5 s from /proc: the sum of PSS (shared pages
  split between the processes sharing them) and the sum of RSS (shared pages counted in
  each process: an upper bound);
- CPU seconds of the process tree and MB per CPU second: on a shared machine the wall
  time depends on the other jobs, the CPU time much less (Spark's JVM is sampled, so
  its last half second may be missing);
- precision and recall against the ground truth (`faasguard.monitor.evaluate`), and
  the number of alerts (expected on the attack-free set: 0).

``--parts`` times the engines alone on a set's events staged before (the Parquet parts
a run's staging folder holds: copy them while it runs), to compare the engines without the
readers' time.

Each run also prints its figures as a JSON line (``{"result": ...}``) for scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SAMPLE_S = 0.5  # memory samples
TREE_S = 2.0  # how often the process tree is listed again


def _run(engine: str, root: Path, workers: int, memory_limit: str | None,
         parts: Path | None = None) -> dict[str, Any]:
    """Child process: analyse `root` with `engine` (only the engine's part on the events
    staged in `parts`, when given); the figures."""
    from faasguard.monitor.detectors import Settings
    from faasguard.monitor.detectors.shadow import inventory_from_openapi
    from faasguard.monitor.engine import analyze_paths
    from faasguard.monitor.engine.memory import DEFAULT_MEMORY_LIMITS
    from faasguard.monitor.evaluate import score
    from faasguard.monitor.read import ReadStats

    truth = json.loads((root / "ground-truth.json").read_text())
    stats = ReadStats()
    memory_limit = memory_limit or DEFAULT_MEMORY_LIMITS[engine]
    began = time.perf_counter()
    if parts is None:
        analysis = analyze_paths([root / "logs"], None, stats, Settings(), engine,
                                 inventory_from_openapi(str(root / "openapi.yaml")),
                                 workers=workers, memory_limit=memory_limit)
    else:
        analysis = _staged(engine, sorted(str(p) for p in parts.glob("*.parquet")),
                           memory_limit)
        stats.events = analysis.events
    seconds = time.perf_counter() - began
    result = score(analysis.alerts, truth["attacks"])
    text_mb = truth["volume"]["text_bytes"] / 1e6
    return {"engine": engine, "workers": workers, "memory_limit": memory_limit,
            "set": "attacked" if truth["attacks"] else "attack-free", "root": str(root),
            "staged": parts is not None,
            "seconds": round(seconds, 1), "text_mb": round(text_mb, 1),
            "mb_per_s": round(text_mb / seconds, 2), "events": stats.events,
            "events_per_s": round(stats.events / seconds), "malformed": stats.malformed,
            "alerts": len(analysis.alerts), "attacks": result.attacks,
            "precision": round(result.precision, 4), "recall": round(result.recall, 4),
            "missed": [m["kind"] for m in result.missed],
            "false": [f"{a.detector} {a.entity}" for a in result.false_alerts]}


def _staged(engine: str, parts: list[str], memory_limit: str) -> Any:
    """The engine's part alone: load Parquet parts staged before, run the detectors."""
    from faasguard.monitor.detectors import Settings
    from faasguard.monitor.detectors.cost import Prices
    from faasguard.monitor.engine import make_engine, run_detectors, staged_options

    work = tempfile.mkdtemp(prefix="faasguard-bench-engine-")
    runner = make_engine(engine, **staged_options(engine, work, memory_limit))
    try:
        runner.load_parquet(parts)
        return run_detectors(runner, Settings(), Prices.load())
    finally:
        runner.close()
        shutil.rmtree(work, ignore_errors=True)


class TreeMemory:
    """Samples the memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_pss_kb = self.peak_rss_kb = self.peak_processes = 0
        self.jvm_cpu: dict[int, float] = {}  # last CPU seconds seen per JVM process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        listed, pids = 0.0, [self.pid]
        while not self._stop.is_set():
            if time.monotonic() - listed >= TREE_S:
                listed, pids = time.monotonic(), descendants(self.pid)
            rss = pss = 0
            for pid in pids:
                r, p = _rss_pss_kb(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            for pid in pids[1:]:
                seconds = _jvm_cpu_s(pid)
                if seconds is not None:
                    self.jvm_cpu[pid] = seconds
            self._stop.wait(SAMPLE_S)


def _jvm_cpu_s(pid: int) -> float | None:
    """CPU seconds of `pid` if it is a JVM (pyspark never waits for its JVM, so the
    JVM's time is missing from the analysing process's children's usage), else None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return None
    if stat[stat.index("(") + 1:stat.rindex(")")] != "java":
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(name))
    tree = [root]
    for pid in tree:
        tree.extend(children.get(pid, ()))
    return tree


def _rss_pss_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:  # the process ended between the listing and the read
        pass
    return rss, pss


def _child(engine: str, root: Path, workers: int, memory_limit: str | None,
           parts: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", engine, str(root), "--workers", str(workers)]
    if memory_limit:
        command += ["--memory-limit", memory_limit]
    if parts:
        command += ["--parts", str(parts)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        with TreeMemory(process.pid) as memory:
            code = process.wait()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise SystemExit(f"{engine} on {root} failed:\n{err.read()[-3000:]}")
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    # the child and every descendant it waited for (its reading workers), and the JVM
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) \
        + sum(memory.jvm_cpu.values())
    result.update(cpu_s=round(cpu, 1), mb_per_cpu_s=round(result["text_mb"] / cpu, 2),
                  peak_pss_mb=round(memory.peak_pss_kb / 1024),
                  peak_rss_mb=round(memory.peak_rss_kb / 1024),
                  processes=memory.peak_processes)
    return result


HEADER = (f"{'engine':8} {'set':11} {'MB':>7} {'s':>7} {'MB/s':>6} {'CPU s':>7} {'MB/CPUs':>7} "
          f"{'events':>10} "
          f"{'ev/s':>8} {'PSS MB':>7} {'RSS MB':>7} {'alerts':>6} {'prec':>6} {'recall':>6}")


def row(r: dict[str, Any]) -> str:
    """One run as a line of the table."""
    quality = f"{r['precision']:6.3f} {r['recall']:6.3f}" if r["attacks"] \
        else f"{'-':>6} {'-':>6}"
    return (f"{r['engine']:8} {r['set']:11} {r['text_mb']:7.1f} {r['seconds']:7.1f} "
            f"{r['mb_per_s']:6.2f} {r['cpu_s']:7.1f} {r['mb_per_cpu_s']:7.2f} {r['events']:10,} "
            f"{r['events_per_s']:8,} "
            f"{r['peak_pss_mb']:7,} {r['peak_rss_mb']:7,} {r['alerts']:6} {quality}")


def _generated(args: argparse.Namespace, work: Path) -> list[Path]:
    from faasguard.monitor.generate import generate

    roots = []
    for name in args.sets.split(","):
        if name not in ("attacked", "clean"):
            raise SystemExit(f"--sets: unknown set {name!r} (attacked, clean)")
        root = work / name
        if not (root / "ground-truth.json").exists():
            began = time.perf_counter()
            generate(root, args.size_mb, args.seed, attacks=name == "attacked")
            print(f"generated {name}: {args.size_mb:g} MB in "
                  f"{time.perf_counter() - began:.0f} s", flush=True)
        roots.append(root)
    return roots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=1024.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--sets", default="attacked,clean",
                        help="which sets to generate and analyse (attacked, clean)")
    parser.add_argument("--root", action="append", type=Path, default=[],
                        help="analyse this generated set instead (repeatable)")
    parser.add_argument("--work", help="folder for the generated logs (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    parser.add_argument("--workers", type=int, default=1,
                        help="reader processes (faasguard monitor analyze --workers)")
    parser.add_argument("--memory-limit",
                        help="the engine's memory limit (faasguard monitor analyze "
                             "--memory-limit; default: the monitor's)")
    parser.add_argument("--parts", type=Path,
                        help="with one --root: time only the engines' part, on the events "
                             "of that set staged before as Parquet parts in this folder")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run(args.child[0], Path(args.child[1]), args.workers,
                              args.memory_limit, args.parts)))
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="faasguard-bench-monitor-"))
    try:
        roots = args.root or _generated(args, work)
        if args.parts and len(roots) != 1:
            raise SystemExit("--parts goes with exactly one --root (the set they hold)")
        print(f"workers {args.workers}, memory limit {args.memory_limit or 'default'}"
              + (f", engine only on the events staged in {args.parts}" if args.parts else "")
              + "\n" + HEADER, flush=True)
        for engine in args.engines.split(","):
            for root in roots:
                r = _child(engine, root, args.workers, args.memory_limit, args.parts)
                print(row(r), flush=True)
                if r["missed"] or r["false"] or (not r["attacks"] and r["alerts"]):
                    print(f"         missed {r['missed']} false {r['false']}", flush=True)
                print(json.dumps({"result": r}), flush=True)
    finally:
        if not args.keep and not args.work and not args.root:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
