"""The CloudWatch alarms of the serverless-plugin-aws-alerts plugin, as Alarm elements.

The plugin reads `custom.alerts`: `alarms` (names of its built-in definitions, such as
`functionErrors` and `functionThrottles`, or of `definitions` of one's own) apply to every
function, and a function's own `alarms:` add to them (an entry `{name: ..., enabled: false}`
turns one off for that function); `stages`, when given, lists the only stages that get
alarms. Each alarm watches one function (its `FunctionName` dimension), so the monitoring
rules see which functions are watched, and on which metric.
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders.documents import LDict, LList, line_of
from faasguard.model import Alarm, Function, Location, Ref, logical_id

ALERTS_PLUGIN = "serverless-plugin-aws-alerts"
#: The plugin's built-in definitions and the AWS/Lambda metric each watches.
BUILT_IN = {"functionErrors": "Errors", "functionThrottles": "Throttles",
            "functionInvocations": "Invocations", "functionDuration": "Duration"}


def alert_alarms(alerts: Any, functions: list[tuple[Function, LDict]], stage: str,
                 file: str) -> list[Alarm]:
    """The alarms `custom.alerts` (`alerts`) creates for these functions (with their
    resolved configuration) on `stage`."""
    if not isinstance(alerts, dict):
        return []
    stages = alerts.get("stages")
    if isinstance(stages, list) and stage not in [str(s) for s in stages]:
        return []
    definitions = alerts.get("definitions")
    definitions = definitions if isinstance(definitions, dict) else {}
    shared = _entries(alerts.get("alarms"))
    out: list[Alarm] = []
    for function, cfg in functions:
        wanted: dict[str, tuple[Any, int | None]] = {}
        for name, body, line in shared + _entries(cfg.get("alarms")):
            if isinstance(body, dict) and body.get("enabled") is False:
                wanted.pop(name, None)
            else:
                wanted[name] = (body, line)
        for name, (body, line) in wanted.items():
            metric = _metric(name, body, definitions)
            if metric is None:
                continue
            namespace = body.get("namespace", "AWS/Lambda") if isinstance(body, dict) else \
                _namespace(definitions.get(name))
            out.append(Alarm(f"{file}#{logical_id(function.id)}:{name}",
                             Location(file, line or function.location.line), metric,
                             namespace, {"FunctionName": Ref(function.id)}))
    return out


def _entries(raw: Any) -> list[tuple[str, Any, int | None]]:
    """(name, inline definition or None, line) of each entry of an `alarms:` list."""
    if not isinstance(raw, list):
        return []
    entries: list[tuple[str, Any, int | None]] = []
    for index, item in enumerate(raw):
        line = raw.line_of(index) if isinstance(raw, LList) else line_of(raw)
        if isinstance(item, str):
            entries.append((item, None, line))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            entries.append((item["name"], item, line))
    return entries


def _metric(name: str, body: Any, definitions: dict[str, Any]) -> str | None:
    """The metric an alarm watches: its own, its definition's, or the built-in one's."""
    for source in (body, definitions.get(name)):
        if isinstance(source, dict) and isinstance(source.get("metric"), str):
            text = source["metric"]
            return text[:1].upper() + text[1:]
    return BUILT_IN.get(name)


def _namespace(definition: Any) -> Any:
    if isinstance(definition, dict) and "namespace" in definition:
        return definition["namespace"]
    return "AWS/Lambda"
