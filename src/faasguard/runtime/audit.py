"""Security events: one structured JSON line per guard decision, plus EMF metrics.

Every decision of the guard (allow, block, report, error) becomes one JSON object:

    {"type": "faasguard.security", "time": "2026-01-05T10:00:00.123Z",
     "request_id": "...", "aws_request_id": "...", "function": "orders-api",
     "source": "apigw_http",
     "client": {"ip": "198.51.100.7", "key": "ip:198.51.100.7"},
     "principal": "user-42", "decision": "block", "detector": "sql_injection",
     "reason": "input", "location": "body.name", "status": 400,
     "evidence": {...redacted...}}

written to stdout (the Lambda log) by default, or to a `logging.Logger` (as the JSON
text) or to any callable (which receives the dict). Evidence is redacted with
`faasguard.runtime.redact.Redactor` before it leaves the process.

Blocks, rate limits, budget refusals and authentication failures also carry a
CloudWatch Embedded Metric Format block (`_aws`), so CloudWatch turns the log line
itself into metrics - `blocked` by detector, `auth_failed` by reason, `rate_limited`
and `budget_exceeded` by scope, `store_error` - in a configurable namespace, and alarms
need no log parsing. When the events go to a logger or callable, the metric lines are
still written to stdout on their own, because EMF must be a top-level JSON log line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from faasguard.runtime.redact import Redactor

# metric name -> name of its dimension (beside "function")
METRICS = {
    "blocked": "detector",
    "reported": "detector",
    "auth_failed": "reason",
    "rate_limited": "scope",
    "budget_exceeded": "scope",
    "store_error": "scope",
}
EVENT_TYPE = "faasguard.security"

Sink = Callable[[dict[str, Any]], Any]


class AuditLog:
    """Writes security events and their metrics.

    Parameters
    ----------
    sink: None (stdout), a `logging.Logger`-like object, or a callable taking the dict.
    namespace: the CloudWatch metric namespace of the EMF block.
    function_name: defaults to AWS_LAMBDA_FUNCTION_NAME.
    metrics: write EMF metrics (default True).
    log_allow: also log "allow" decisions (default True: every decision is logged).
    redactor: the redactor applied to evidence (a default `Redactor` otherwise).
    """

    def __init__(self, sink: Any = None, namespace: str = "faasguard",
                 function_name: str | None = None, metrics: bool = True,
                 log_allow: bool = True, redactor: Redactor | None = None) -> None:
        self.sink = sink
        self.namespace = namespace
        self.function_name = function_name or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.metrics = metrics
        self.log_allow = log_allow
        self.redactor = redactor or Redactor()
        self._is_logger = hasattr(sink, "log") and hasattr(sink, "isEnabledFor")

    def emit(self, decision: str, *, metric: str | None = None, dimension: str | None = None,
             evidence: Any = None, **fields: Any) -> dict[str, Any] | None:
        """Log one decision; return the event written (None when allow events are off).

        `fields` are the event's other keys (request_id, source, client, principal,
        detector, reason, location, status...); None values are left out. `metric`
        names an EMF metric of `METRICS`, `dimension` its dimension value.
        """
        if decision == "allow" and not self.log_allow:
            return None
        now = time.time()
        event: dict[str, Any] = {"type": EVENT_TYPE, "time": _iso(now),
                                 "function": self.function_name, "decision": decision}
        for key, value in fields.items():
            if value is not None:
                event[key] = value
        if evidence is not None:
            event["evidence"] = self.redactor(evidence)
        emf = self._emf(now, metric, dimension) if self.metrics and metric else None
        if self.sink is None:
            if emf:
                event.update(emf)
            _stdout(event)
        else:
            if emf:
                _stdout({"type": EVENT_TYPE + ".metric", "function": self.function_name, **emf})
            self._to_sink(decision, event)
        return event

    def allow(self, request_id: str | None, source: str, client_ip: str | None,
              principal: str | None, aws_request_id: str | None) -> None:
        """Log an allow decision: `emit("allow", ...)` with the same line, written by a
        template instead of the generic encoder (allow is the decision of almost every
        invocation, so its cost is the guard's cost)."""
        if not self.log_allow:
            return
        if self.sink is not None:
            self.emit("allow", request_id=request_id, source=source,
                      client={"ip": client_ip} if client_ip else None, principal=principal,
                      aws_request_id=aws_request_id)
            return
        line = (f'{{"type": "{EVENT_TYPE}", "time": "{_iso(time.time())}", "function": '
                f'{_quote(self.function_name)}, "decision": "allow"')
        if request_id is not None:
            line += ', "request_id": ' + _quote(request_id)
        line += ', "source": ' + _quote(source)
        if client_ip:
            line += ', "client": {"ip": ' + _quote(client_ip) + "}"
        if principal is not None:
            line += ', "principal": ' + _quote(principal)
        if aws_request_id is not None:
            line += ', "aws_request_id": ' + _quote(aws_request_id)
        sys.stdout.write(line + "}\n")

    def _emf(self, now: float, metric: str, dimension: str | None) -> dict[str, Any]:
        dim_name = METRICS.get(metric, "detector")
        return {
            "_aws": {
                "Timestamp": int(now * 1000),
                "CloudWatchMetrics": [{
                    "Namespace": self.namespace,
                    "Dimensions": [["function", dim_name]],
                    "Metrics": [{"Name": metric, "Unit": "Count"}],
                }],
            },
            dim_name: dimension or "none",
            metric: 1,
        }

    def _to_sink(self, decision: str, event: dict[str, Any]) -> None:
        if self._is_logger:
            level = 20 if decision == "allow" else 30  # logging.INFO / logging.WARNING
            self.sink.log(level, _encode(event))
        else:
            self.sink(event)


_encode = json.JSONEncoder(default=str).encode  # one encoder, not one per event
_quote = json.encoder.encode_basestring_ascii  # a JSON string literal, as json.dumps writes it


def _stdout(event: dict[str, Any]) -> None:
    sys.stdout.write(_encode(event) + "\n")


_second = (-1, "")


def _iso(now: float) -> str:
    global _second
    whole = int(now)
    if whole != _second[0]:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second[1]}.{int(now * 1000) % 1000:03d}Z"
