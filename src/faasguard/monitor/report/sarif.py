"""Monitor alerts as SARIF 2.1.0 results (one rule per detector, one result per alert).

Each result points at the raw log line of its first sample (file and line), names the
entity as a logical location, and carries the window, counts and other samples in its
properties. `partialFingerprints` (faasguardMonitor/v1) hash detector, entity and window
start, so the same alert on the same logs keeps its identity.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from faasguard import __version__
from faasguard.findings import SECURITY_SEVERITY
from faasguard.monitor.alerts import Alert
from faasguard.monitor.detectors import DETECTORS
from faasguard.monitor.detectors.base import Detector
from faasguard.monitor.engine import Analysis
from faasguard.monitor.events import iso_z
from faasguard.report.base import INFORMATION_URI
from faasguard.report.sarif import LEVELS, SARIF_SCHEMA

FINGERPRINT_KEY = "faasguardMonitor/v1"


def _rule(d: Detector) -> dict[str, Any]:
    return {
        "id": d.id, "name": "".join(w[:1].upper() + w[1:] for w in d.title.split()
                                    if w.isalnum()),
        "shortDescription": {"text": d.title},
        "fullDescription": {"text": d.description},
        "help": {"text": d.description},
        "defaultConfiguration": {"level": LEVELS.get(d.severity, "warning")},
        "properties": {"security-severity": SECURITY_SEVERITY.get(d.severity, "5.0"),
                       "tags": ["security", "monitor", f"threat:{d.threat}"],
                       "threat": d.threat, "defaults": dict(d.defaults)},
    }


def _location(sample: str) -> dict[str, Any] | None:
    file, sep, line = sample.rpartition(":")
    if not sep or not line.isdigit():
        return None
    path = Path(file)
    uri = path.resolve().as_uri() if path.is_absolute() or path.exists() else file
    return {"physicalLocation": {"artifactLocation": {"uri": uri},
                                 "region": {"startLine": max(1, int(line))}}}


def _result(alert: Alert, index: int) -> dict[str, Any]:
    located = [loc for loc in (_location(s) for s in alert.samples) if loc is not None]
    logical = {"name": alert.entity, "kind": alert.entity_kind}
    location: dict[str, Any] = dict(located[0]) if located else {}
    location["logicalLocations"] = [logical]
    digest = hashlib.sha256(f"{alert.detector}|{alert.entity}|{iso_z(alert.start)}"
                            .encode()).hexdigest()[:32]
    result: dict[str, Any] = {
        "ruleId": alert.detector, "ruleIndex": index,
        "level": LEVELS.get(alert.severity, "warning"),
        "message": {"text": alert.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: digest},
        "properties": {"severity": alert.severity, "threat": alert.threat,
                       "start": iso_z(alert.start), "end": iso_z(alert.end),
                       "entityKind": alert.entity_kind, "entity": alert.entity,
                       "counts": alert.to_dict()["counts"], "samples": alert.samples},
    }
    if len(located) > 1:
        result["relatedLocations"] = [{"id": i, **loc} for i, loc in enumerate(located[1:], 1)]
    return result


def document(analysis: Analysis) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    index = {d.id: i for i, d in enumerate(DETECTORS)}
    run = {
        "tool": {"driver": {"name": "faasguard-monitor", "version": __version__,
                            "semanticVersion": __version__, "informationUri": INFORMATION_URI,
                            "rules": [_rule(d) for d in DETECTORS]}},
        "invocations": [{"executionSuccessful": True,
                         "toolExecutionNotifications": [
                             {"level": "warning", "message": {"text": str(s.get("reason"))},
                              "locations": [loc] if (loc := _location(
                                  f"{s.get('file')}:{s.get('line')}")) else []}
                             for s in analysis.read.get("malformed_samples", [])]}],
        "results": [_result(a, index[a.detector]) for a in analysis.alerts],
        "properties": {"engine": analysis.engine, "events": analysis.events},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(analysis: Analysis) -> str:
    """The SARIF report text."""
    return json.dumps(document(analysis), indent=2, default=str) + "\n"
