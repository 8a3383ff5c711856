"""Runtime guard figures: cold import beside Powertools, and per-invocation overhead.

    python3 benchmarks/bench_runtime.py [--runs 21] [--calls 20000]

1. Cold import, fresh interpreter each run, median of N: `from faasguard.runtime import
   guard` next to `from aws_lambda_powertools import Logger` + the Powertools validator
   (the usual cold-start pair), in the same run; plus what building a guarded handler with
   a schema and a limiter costs on top (the rest of the cold start).
2. Per-invocation overhead on a typical API Gateway HTTP API (v2) event, with schema
   validation, inspection and the in-memory rate limiter: p50/p90/p99 of (guarded call -
   bare call), for the audit log writing every decision to stdout (sent to /dev/null
   here) and with allow events off. Targets: import <= 30 ms and below Powertools,
   p50 overhead <= 50 us.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
EVENTS = ROOT / ".." / "shared" / "fixtures" / "aws-events"
# A direct-invocation payload that passes both validators of the cold-start rows.
FIRST_EVENT = EVENTS / "apiGatewayProxyV2SchemaMiddlwareValidEvent.json"

IMPORTS = {
    "faasguard.runtime (guard)": "from faasguard.runtime import guard",
    "powertools Logger + validator": (
        "from aws_lambda_powertools import Logger\n"
        "from aws_lambda_powertools.utilities.validation import validator"),
    "faasguard: import + build guarded handler (schema, limiter)": (
        "from faasguard.runtime import guard\n"
        "@guard(schema={'type': 'object', 'required': ['message']}, rate_limit='100/60')\n"
        "def handler(event, context):\n    return {'statusCode': 200}"),
    "powertools: import + Logger() + @validator(schema)": (
        "from aws_lambda_powertools import Logger\n"
        "from aws_lambda_powertools.utilities.validation import validator\n"
        "logger = Logger(service='bench')\n"
        "@validator(inbound_schema={'type': 'object', 'required': ['message']})\n"
        "def handler(event, context):\n    return {'statusCode': 200}"),
}
# The whole cold start: import, build, and the first invocation (where Powertools
# compiles its schema) on a body that passes both validators.
FIRST_CALL = "\nimport json\nhandler(json.loads(open('@EVENT@').read()), None)"
IMPORTS["faasguard: ... + first invocation"] = (
    IMPORTS["faasguard: import + build guarded handler (schema, limiter)"] + FIRST_CALL)
IMPORTS["powertools: ... + first invocation (body envelope)"] = (
    IMPORTS["powertools: import + Logger() + @validator(schema)"].replace(
        "['message']}", "['message']}, envelope='powertools_json(body)'") + FIRST_CALL)

SCHEMA = {
    "type": "object",
    "required": ["message", "username"],
    "properties": {"message": {"type": "string", "maxLength": 500},
                   "username": {"type": "string", "pattern": "^[a-z0-9_]{1,32}$"}},
    "additionalProperties": False,
}


def cold_imports(codes: dict[str, str], runs: int, pycache: str) -> dict[str, float]:
    """Median milliseconds of each code in fresh interpreters, the rows interleaved run
    by run so that every row meets the same machine load.

    Both sides import compiled bytecode (pip compiled Powertools at install; ours is
    cached under `pycache`, outside the repository), as a deployment package that ships
    .pyc files does; one warm-up run per row writes the cache.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(SRC), PYTHONPYCACHEPREFIX=pycache)
    probes = {}
    for label, code in codes.items():
        code = code.replace("@EVENT@", str(FIRST_EVENT))
        probes[label] = ("import time\nt = time.perf_counter()\n" + code +
                         "\nprint((time.perf_counter() - t) * 1000)")
    times: dict[str, list[float]] = {label: [] for label in codes}
    for run in range(runs + 1):
        for label, probe in probes.items():
            done = subprocess.run([sys.executable, "-c", probe], env=env, check=True,
                                  capture_output=True, text=True)
            if run:  # run 0 warms the bytecode cache
                times[label].append(float(done.stdout.strip().splitlines()[-1]))
    return {label: statistics.median(values) for label, values in times.items()}


def overhead(calls: int, audit_allow: bool, clock_name: str) -> dict[str, float]:
    """Per-call overhead percentiles in microseconds, on the wall clock ("wall") or on
    this thread's CPU clock ("cpu": insensitive to other processes on a busy machine)."""
    sys.path.insert(0, str(SRC))
    from faasguard.runtime import guard

    event = json.loads((EVENTS / "apiGatewayProxyV2Event.json").read_text())
    event["headers"]["content-type"] = "application/json"

    def bare(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    guarded = guard(schema=SCHEMA, rate_limit={"limit": 10**9, "window_s": 60},
                    store="memory:", audit_allow=audit_allow)(bare)
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        assert guarded(event, None) == {"statusCode": 200}
        for _ in range(2000):  # warm up
            guarded(event, None)
        diffs = []
        clock = time.perf_counter_ns if clock_name == "wall" else time.thread_time_ns
        for _ in range(calls):
            t0 = clock()
            bare(event, None)
            t1 = clock()
            guarded(event, None)
            t2 = clock()
            diffs.append(((t2 - t1) - (t1 - t0)) / 1000)
    diffs.sort()
    return {"p50": diffs[len(diffs) // 2], "p90": diffs[int(len(diffs) * 0.9)],
            "p99": diffs[int(len(diffs) * 0.99)]}


def reference_us() -> float:
    """CPU microseconds of one small json.dumps: a yardstick of the machine's speed now."""
    import timeit

    timer = timeit.Timer(lambda: json.dumps({"a": 1, "b": "x"}), timer=time.thread_time)
    return min(timer.repeat(repeat=7, number=20000)) / 20000 * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="fresh interpreters per import")
    parser.add_argument("--calls", type=int, default=20000, help="invocations measured")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"\ncold import, median of {args.runs} fresh interpreters (ms)")
    with tempfile.TemporaryDirectory() as pycache:
        try:
            for label, median in cold_imports(IMPORTS, args.runs, pycache).items():
                print(f"  {label:<60} {median:8.1f}")
        except subprocess.CalledProcessError as exc:
            print(f"  failed: {exc.stderr.strip().splitlines()[-1]}")
    print(f"\nper-invocation overhead, API Gateway v2 event, schema + inspection + "
          f"in-memory limiter, {args.calls} calls (us)")
    for label, allow in (("audit: every decision to stdout", True),
                         ("audit: allow events off (blocks only)", False)):
        for clock_name in ("cpu", "wall"):
            figures = overhead(args.calls, allow, clock_name)
            print(f"  {label:<40} {clock_name:>4}  p50 {figures['p50']:6.1f}  "
                  f"p90 {figures['p90']:6.1f}  p99 {figures['p99']:6.1f}")
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(wall-clock figures grow with it; CPU-clock figures much less)")
    print(f"for scale, on this machine now: json.dumps of a two-key dict takes "
          f"{reference_us():.2f} us")


if __name__ == "__main__":
    main()
