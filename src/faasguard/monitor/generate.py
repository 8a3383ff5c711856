"""A seeded generator of realistic serverless logs with planted attacks.

    python -m faasguard.monitor.generate OUT --size-mb 50 --seed 7 [--no-attacks]

writes, for an imaginary shop on Lambda (`faasguard.monitor.synth.app`), about
`--size-mb` MB of log text over `--days` days (default 2) in every format the readers
know, under ``OUT/logs/``:

- ``apigw/shop-http-access.jsonl``: HTTP API access log, JSON layout;
- ``apigw/shop-rest-access.log``: REST API access log, CLF layout (the user field holds
  the authorizer's principalId);
- ``aws/lambda/<function>/...``: Lambda logs as S3 exports of the text format (gzip),
  as JSON lines of the JSON format, and as ``filter-log-events`` output;
- ``subscription/<function>.jsonl``: CloudWatch Logs subscription events (base64 gzip);
- ``cloudtrail/AWSLogs/...``: trail files as delivered to S3 (gzip ``{"Records": [...]}``);
- ``cloudtrail-lookup/``: ``lookup-events`` output of the global (IAM, sign-in) events.

Beside them: ``OUT/ground-truth.json`` (every planted attack: kind, threat, window,
entity, event count; the documented routes; the volume written), ``OUT/openapi.yaml``
(the documented routes, for ``faasguard monitor analyze --openapi``) and
``OUT/app/template.yaml`` (a SAM template of the shop, for ``--app``). The ordinary traffic
has a daily rhythm; the attacks sit in the last day, so the days before are baseline.
The same seed and size give the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from faasguard.monitor.synth.app import documented_routes, openapi_document, sam_template
from faasguard.monitor.synth.attacks import Attacks
from faasguard.monitor.synth.emitter import Emitter, Request
from faasguard.monitor.synth.ids import Ids
from faasguard.monitor.synth.traffic import NormalTraffic

# Log text an ordinary API request leaves, all formats together, and what a planted
# attack request leaves on average (measured on generated sets): the request count is
# derived from the size asked for.
BYTES_PER_REQUEST = 940
BYTES_PER_ATTACK_REQUEST = 1250
DEFAULT_START = "2026-01-05"


def generate(out: Path, size_mb: float, seed: int, *, attacks: bool = True, days: int = 2,
             start: str = DEFAULT_START) -> dict[str, Any]:
    """Write a log set under `out`; return its ground truth (also in ground-truth.json)."""
    if size_mb <= 0 or days < 1:
        raise ValueError("size must be positive and days at least 1")
    began = time.monotonic()
    rng = random.Random(seed)
    ids = Ids(rng)
    first = datetime.combine(date.fromisoformat(start), datetime.min.time(),
                             tzinfo=timezone.utc).timestamp()
    requests_total = ordinary_requests(size_mb, attacks)
    logs = out / "logs"
    emitter = Emitter(logs, rng, ids)
    normal = NormalTraffic(rng, ids, requests_total, days)
    planted = Attacks(rng, ids, emitter.records, first + (days - 1) * 86400.0,
                      requests_total).plant() if attacks else None
    extra = _by_minute(planted.requests if planted else [], first)
    calls = list(planted.calls) if planted else []
    for day in range(days):
        calls += normal.account_activity(first + day * 86400.0, emitter.records)
    calls.sort(key=lambda item: item[0])
    call_index = 0
    for minute in range(days * 1440):
        begin = first + minute * 60.0
        requests = normal.minute(begin) + extra.pop(minute, [])
        requests.sort(key=lambda r: r.t)
        for request in requests:
            emitter.request(request)
        for moment in normal.resizes(begin):
            emitter.invoke("image-resize", moment)
        while call_index < len(calls) and calls[call_index][0] < begin + 60.0:
            moment, record = calls[call_index]
            emitter.api_call(record, moment)
            call_index += 1
    text_bytes = emitter.close()
    truth = {
        "generator": "faasguard.monitor.generate", "seed": seed, "size_mb": size_mb,
        "days": days, "start": _iso(first), "end": _iso(first + days * 86400.0),
        "attacks": planted.truth if planted else [],
        "documented_routes": documented_routes(),
        "volume": {"text_bytes": text_bytes, "disk_bytes": _disk_bytes(logs),
                   **emitter.counts},
        "seconds": round(time.monotonic() - began, 2),
    }
    (out / "ground-truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    (out / "openapi.yaml").write_text(openapi_document())
    (out / "app").mkdir(exist_ok=True)
    (out / "app" / "template.yaml").write_text(sam_template())
    return truth


def ordinary_requests(size_mb: float, attacks: bool) -> int:
    """How many ordinary requests make about `size_mb` MB of logs with the attacks."""
    budget = size_mb * 1_000_000
    count = max(1000, int(budget / BYTES_PER_REQUEST))
    for _ in range(3) if attacks else ():
        planted = Attacks.request_count(count) * BYTES_PER_ATTACK_REQUEST
        count = max(1000, int((budget - planted) / BYTES_PER_REQUEST))
    return count


def _by_minute(requests: list[Request], first: float) -> dict[int, list[Request]]:
    out: dict[int, list[Request]] = {}
    for request in requests:
        out.setdefault(int((request.t - first) // 60), []).append(request)
    return out


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def _disk_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m faasguard.monitor.generate OUT --size-mb N --seed S``."""
    parser = argparse.ArgumentParser(
        prog="python -m faasguard.monitor.generate",
        description="Write realistic serverless logs with planted attacks and their ground "
                    "truth.")
    parser.add_argument("out", type=Path, help="output folder (created)")
    parser.add_argument("--size-mb", type=float, default=10.0,
                        help="about this many MB of log text (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--days", type=int, default=2, help="days of traffic (default 2)")
    parser.add_argument("--start", default=DEFAULT_START, help="first day, YYYY-MM-DD")
    parser.add_argument("--no-attacks", action="store_true",
                        help="ordinary traffic only (for false-positive measurements)")
    args = parser.parse_args(argv)
    try:
        date.fromisoformat(args.start)
    except ValueError:
        parser.error(f"--start: not a date: {args.start!r}")
    if args.size_mb <= 0 or args.days < 1:
        parser.error("--size-mb must be positive and --days at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} exists and is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    truth = generate(args.out, args.size_mb, args.seed, attacks=not args.no_attacks,
                     days=args.days, start=args.start)
    volume = truth["volume"]
    print(f"wrote {volume['text_bytes'] / 1e6:.1f} MB of logs ({volume['disk_bytes'] / 1e6:.1f}"
          f" MB on disk): {volume['requests']} requests, {volume['invocations']} invocations, "
          f"{volume['cloudtrail']} CloudTrail records, {len(truth['attacks'])} planted attacks "
          f"in {truth['seconds']} s -> {args.out}\n"
          f"analyze them: faasguard monitor analyze {args.out / 'logs'} --openapi "
          f"{args.out / 'openapi.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
