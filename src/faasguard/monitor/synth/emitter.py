"""Turns one request (or API call) into every log line it leaves, in every format.

A request through the HTTP API leaves a JSON access-log line; one through the REST API a
CLF line; when a function runs, its START/END/REPORT lines (cold starts with INIT_START
and Init Duration), its application lines, the guard's decision when the function is
guarded, and now and then a CloudTrail data event of its role. Each function's logs go
out the way `FunctionSpec.delivery` says.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faasguard.monitor.synth.app import ACCOUNT, FUNCTIONS, HTTP_API, REGION, FunctionSpec
from faasguard.monitor.synth.ids import Ids
from faasguard.monitor.synth.records import LAMBDA_AGENT, Records, assumed_role
from faasguard.monitor.synth.writers import (
    Clock,
    CloudTrailFiles,
    FilterLogEvents,
    LookupEvents,
    S3Export,
    Subscription,
    TextFile,
    clf_time,
    compact,
)

# An environment left idle this long is gone: the next request starts cold.
IDLE_S = 600.0
RUNTIME = "python:3.12.v38"
RUNTIME_ARN = ("arn:aws:lambda:eu-west-1::runtime:"
               "0f3c9a7e5b1d2c4a6e8f0b1d3c5e7a9b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a1c")
# Out of ~this many invocations, one leaves a CloudTrail data event of the function's role.
DATA_EVENT_EVERY = 12


@dataclass
class Request:
    """One request as the generator plans it, before it is written."""

    t: float
    api: str
    method: str
    path: str
    route: str  # the access log's route: "GET /orders/{id}", "$default", "ANY /internal/{proxy+}"
    client_ip: str
    status: int
    function: str | None  # None: the gateway answered without invoking a function
    query: str | None = None
    principal: str | None = None
    user_agent: str = ""
    error_type: str | None = None  # the gateway's errorResponseType
    guard: dict[str, Any] | None = None  # decision fields of a guard event
    outcome: str = "success"  # success | error | timeout
    duration_ms: float | None = None
    app: list[tuple[str, str]] = field(default_factory=list)  # (level, message)


class Emitter:
    """All the writers of one generated log set, and the rendering of events into them."""

    def __init__(self, logs: Path, rng: random.Random, ids: Ids) -> None:
        self.logs = logs
        self.rng = rng
        self.ids = ids
        self.records = Records(ids)
        self.clock = Clock()
        self.http = TextFile(logs / "apigw" / f"{HTTP_API}-access.jsonl")
        self.rest = TextFile(logs / "apigw" / "shop-rest-access.log")
        self.trail = CloudTrailFiles(logs / "cloudtrail", ACCOUNT)
        self.lookup = LookupEvents(logs / "cloudtrail-lookup")
        self._sinks: dict[tuple[str, int], Any] = {}
        self._warm: dict[str, float] = {}
        self._function_ip = {name: f"3.25{i}.{17 + i * 13}.{40 + i * 7}"
                             for i, name in enumerate(FUNCTIONS)}
        self.counts = {"requests": 0, "invocations": 0, "cloudtrail": 0}

    # --- requests ---------------------------------------------------------------------

    def request(self, req: Request) -> None:
        """Write everything `req` leaves in the logs."""
        self.counts["requests"] += 1
        if req.api == HTTP_API:
            self._http_line(req)
        else:
            self._clf_line(req)
        if req.function is not None:
            self.invoke(req.function, req.t + 0.004, req)

    def invoke(self, name: str, start: float, req: Request | None = None) -> None:
        """One invocation of function `name` starting at `start` (an S3 event when no `req`)."""
        self.counts["invocations"] += 1
        spec = FUNCTIONS[name]
        rid = self.ids.uuid()
        cold = start - self._warm.get(name, -math.inf) > IDLE_S or self.rng.random() < 0.004
        self._warm[name] = start
        init_ms = self.rng.uniform(180.0, 850.0) if cold else None
        outcome = req.outcome if req else "success"
        if outcome == "timeout":
            duration = spec.timeout_s * 1000.0
        elif req is not None and req.duration_ms is not None:
            duration = req.duration_ms
        else:
            duration = self.rng.lognormvariate(math.log(spec.mean_ms), 0.35)
        end = start + duration / 1000.0
        emit = self._sink(name, start)
        json_format = spec.delivery == "jsonl"
        if init_ms is not None:
            self._init(emit, json_format, start - init_ms / 1000.0, name)
        self._platform(emit, json_format, start, "start", rid)
        if spec.guarded and req is not None:
            emit(start + 0.001, compact(self._guard_event(start + 0.001, spec, rid, req)))
        for i, (level, message) in enumerate(req.app if req else [("INFO", _s3_message(self))]):
            self._app(emit, json_format, start + (i + 1) * duration / 4000.0, rid, level, message)
        if outcome == "timeout" and not json_format:
            emit(end, f"{self.clock.iso(end)} {rid} Task timed out after "
                      f"{spec.timeout_s:.2f} seconds")
        self._report(emit, json_format, end, rid, spec, duration, init_ms, outcome)
        if self.rng.randrange(DATA_EVENT_EVERY) == 0:
            self._data_event(start + duration / 2000.0, spec)

    # --- CloudTrail -------------------------------------------------------------------

    def api_call(self, record: dict[str, Any], moment: float) -> None:
        """One CloudTrail record: global ones to lookup-events output, others to S3 files."""
        self.counts["cloudtrail"] += 1
        if self.records.is_global(record):
            self.lookup.add(moment, record)
        else:
            self.trail.add(moment, record["awsRegion"], record)
            self.trail.flush_before(moment)

    def _data_event(self, moment: float, spec: FunctionSpec) -> None:
        action = self.rng.choice(spec.actions)
        source, name = action.split(":")
        table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/shop-{spec.name.split('-')[0]}"
        params: dict[str, Any] = {"tableName": table} if source.startswith("dynamodb") else \
            {"bucketName": "shop-media-eu", "key": f"img/{self.ids.hex(12)}.jpg"} \
            if source.startswith("s3") else {"encryptionContext": {"function": spec.name}}
        self.api_call(self.records.record(
            moment, action, assumed_role(spec.role, spec.name), self._function_ip[spec.name],
            LAMBDA_AGENT, params=params), moment)

    # --- rendering --------------------------------------------------------------------

    def _http_line(self, req: Request) -> None:
        t = req.t
        line = {"requestId": self.ids.apigw_id(), "ip": req.client_ip,
                "requestTime": clf_time(t), "requestTimeEpoch": int(t * 1000),
                "httpMethod": req.method, "routeKey": req.route,
                "path": req.path + (f"?{req.query}" if req.query else ""),
                "status": str(req.status), "protocol": "HTTP/1.1",
                "responseLength": str(self.rng.randint(40, 4000) if req.status < 300 else 40),
                "responseLatency": str(self._latency(req)),
                "principalId": req.principal or "-", "userAgent": req.user_agent,
                "errorResponseType": req.error_type or "-"}
        self.http.write(compact(line) + "\n")

    def _clf_line(self, req: Request) -> None:
        path = req.route.split(" ", 1)[1] if " " in req.route else req.path
        self.rest.write(
            f"{req.client_ip} - {req.principal or '-'} [{clf_time(req.t)}] "
            f"\"{req.method} {path} HTTP/1.1\" {req.status} "
            f"{self.rng.randint(40, 900) if req.status < 300 else 45} {self.ids.uuid()}\n")

    def _latency(self, req: Request) -> int:
        if req.function is None:
            return self.rng.randint(2, 12)
        spec = FUNCTIONS[req.function]
        if req.outcome == "timeout":
            return min(spec.timeout_s * 1000, 30000)
        base = req.duration_ms if req.duration_ms is not None else spec.mean_ms
        return int(base + self.rng.randint(8, 40))

    def _guard_event(self, moment: float, spec: FunctionSpec, rid: str,
                     req: Request) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "faasguard.security", "time": self.clock.iso(moment),
                                 "function": spec.name}
        fields = req.guard or {"decision": "allow"}
        event["decision"] = fields["decision"]
        event["request_id"] = rid
        event["source"] = "apigw_http" if req.api == HTTP_API else "apigw_rest"
        event["client"] = {"ip": req.client_ip}
        if req.principal:
            event["principal"] = req.principal
        for key in ("detector", "location", "reason", "status", "hits", "evidence"):
            if key in fields:
                event[key] = fields[key]
        metric = fields.get("metric")
        if metric:
            dimension = "reason" if metric == "auth_failed" else "detector"
            event["_aws"] = {"Timestamp": int(moment * 1000), "CloudWatchMetrics": [{
                "Namespace": "faasguard", "Dimensions": [["function", dimension]],
                "Metrics": [{"Name": metric, "Unit": "Count"}]}]}
            event[dimension] = fields.get(dimension, "none")
            event[metric] = 1
        return event

    def _init(self, emit: Any, json_format: bool, moment: float, name: str) -> None:
        if json_format:
            emit(moment, compact({"time": self.clock.iso(moment), "type": "platform.initStart",
                                  "record": {"initializationType": "on-demand", "phase": "init",
                                             "runtimeVersion": RUNTIME,
                                             "runtimeVersionArn": RUNTIME_ARN,
                                             "functionName": name,
                                             "functionVersion": "$LATEST"}}))
        else:
            emit(moment, f"INIT_START Runtime Version: {RUNTIME}\tRuntime Version ARN: "
                         f"{RUNTIME_ARN}")

    def _platform(self, emit: Any, json_format: bool, moment: float, kind: str,
                  rid: str) -> None:
        if json_format:
            emit(moment, compact({"time": self.clock.iso(moment), "type": f"platform.{kind}",
                                  "record": {"requestId": rid, "version": "$LATEST"}}))
        else:
            emit(moment, f"START RequestId: {rid} Version: $LATEST")

    def _app(self, emit: Any, json_format: bool, moment: float, rid: str, level: str,
             message: str) -> None:
        stamp = self.clock.iso(moment)
        if json_format:
            emit(moment, compact({"timestamp": stamp, "level": level, "message": message,
                                  "logger": "root", "requestId": rid}))
        else:
            emit(moment, f"[{level}]\t{stamp}\t{rid}\t{message}")

    def _report(self, emit: Any, json_format: bool, end: float, rid: str, spec: FunctionSpec,
                duration: float, init_ms: float | None, outcome: str) -> None:
        billed = math.ceil(duration)
        used = min(spec.memory_mb, int(spec.memory_mb * self.rng.uniform(0.12, 0.3)) + 40)
        if json_format:
            metrics: dict[str, Any] = {"durationMs": round(duration, 2), "billedDurationMs": billed,
                                       "memorySizeMB": spec.memory_mb, "maxMemoryUsedMB": used}
            if init_ms is not None:
                metrics["initDurationMs"] = round(init_ms, 2)
            record: dict[str, Any] = {"requestId": rid, "metrics": metrics, "status": outcome}
            if outcome == "error":
                record["errorType"] = "Runtime.Unknown"
            emit(end, compact({"time": self.clock.iso(end), "type": "platform.report",
                               "record": record}))
            return
        emit(end, f"END RequestId: {rid}")
        text = (f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
                f"{billed} ms\tMemory Size: {spec.memory_mb} MB\tMax Memory Used: {used} MB\t")
        if init_ms is not None:
            text += f"Init Duration: {init_ms:.2f} ms\t"
        if outcome != "success":
            text += f"Status: {outcome}\t" + (
                "Error Type: Runtime.Unknown\t" if outcome == "error" else "")
        emit(end, text)

    # --- sinks ------------------------------------------------------------------------

    def _sink(self, name: str, moment: float) -> Any:
        """The `add(time, message)` of function `name`'s log delivery for that day."""
        spec = FUNCTIONS[name]
        day = int(moment // 86400)
        key = (name, day if spec.delivery == "s3-export" else 0)
        sink = self._sinks.get(key)
        if sink is None:
            folder = self.logs / "aws" / "lambda" / name
            stamp = time.strftime("%Y/%m/%d", time.gmtime(moment))
            stream = f"{stamp}/[$LATEST]{self.ids.hex(32)}"
            if spec.delivery == "s3-export":
                for old in [k for k in self._sinks if k[0] == name]:
                    self._sinks.pop(old).close()
                sink = S3Export(folder / stream.replace("/", "-", 2) / "000000.gz")
            elif spec.delivery == "subscription":
                sink = Subscription(self.logs / "subscription" / f"{name}.jsonl",
                                    f"/aws/lambda/{name}", stream)
            elif spec.delivery == "filter-log-events":
                sink = FilterLogEvents(folder, stream)
            else:
                sink = _JsonLines(TextFile(folder / f"{name}.jsonl"))
            self._sinks[key] = sink
        return sink.add

    def close(self) -> int:
        """Close every writer; the bytes of text written."""
        total = self.http.bytes + self.rest.bytes
        self.http.close()
        self.rest.close()
        for sink in self._sinks.values():
            sink.close()
            total += sink.bytes
        self.trail.close()
        self.lookup.close()
        return total + self.trail.bytes + self.lookup.bytes


class _JsonLines:
    """Lambda's JSON log format written as JSON lines (each line carries its own time)."""

    def __init__(self, out: TextFile) -> None:
        self.out = out

    @property
    def bytes(self) -> int:
        return self.out.bytes

    def add(self, moment: float, message: str) -> None:
        self.out.write(message + "\n")

    def close(self) -> None:
        self.out.close()


def _s3_message(emitter: Emitter) -> str:
    return f"resized img/{emitter.ids.hex(12)}.jpg to 3 sizes"
