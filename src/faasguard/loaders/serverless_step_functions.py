"""serverless.yml `stepFunctions.stateMachines` (the serverless-step-functions plugin).

Each state machine is a `DataResource` of kind "state-machine" with the logical id the
plugin gives it (its `id`, else its `name`, else its key followed by
`StepFunctionsStateMachine`, each normalised as the framework normalises names), its
X-Ray tracing (`tracingConfig.enabled`), logging level (`loggingConfig.level`, off when
not set) and type (STANDARD unless `type: EXPRESS`).

Its `http` events are routes of the service's REST API, with the settings of a function's
`http` event (authorizer, `private` for an API key): API Gateway starts an execution (or,
with `action:`, describes or stops one) without a function of the service in between, so
each route is bound to no function and names the state machine as its target, as SAM's
state-machine `Api` events are modelled. Its other events (schedules, rules) are not entry
points an outsider can reach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from faasguard.loaders.documents import line_of
from faasguard.loaders.serverless_events import EventEnv, event_items, rest_route
from faasguard.loaders.serverless_included import declared_at
from faasguard.model import DataResource, Location, qualify

#: The `stepFunctions:` key the plugin reads (Framework v4 reads it without the plugin).
STEP_FUNCTIONS_KEY = "stepFunctions"
STATE_MACHINE_TYPE = "AWS::StepFunctions::StateMachine"


def state_machine_logical_ids(section: Any, normalize: Callable[[str], str]) -> dict[str, str]:
    """Each state machine's key -> the logical id the plugin gives its resource."""
    machines = section.get("stateMachines") if isinstance(section, dict) else None
    if not isinstance(machines, dict):
        return {}
    ids: dict[str, str] = {}
    for key, body in machines.items():
        custom = body.get("id") or body.get("name") if isinstance(body, dict) else None
        ids[str(key)] = normalize(custom) if isinstance(custom, str) and custom else \
            f"{normalize(str(key))}StepFunctionsStateMachine"
    return ids


def add_state_machines(section: Any, env: EventEnv, logical_ids: dict[str, str],
                       resolve: Callable[[Any], Any]) -> None:
    """Add the state machines of `stepFunctions:` and the routes of their `http` events
    (whose settings `resolve` gives their CloudFormation intrinsics' values)."""
    if section is None:
        return
    machines = section.get("stateMachines") if isinstance(section, dict) else None
    if not isinstance(machines, dict):
        env.warn("'stepFunctions' should be a mapping with 'stateMachines'; ignored",
                 line_of(section))
        return
    for key, body in machines.items():
        line = declared_at(machines, key)
        if not isinstance(body, dict):
            env.warn(f"state machine '{key}' should be a mapping (definition, events, ...); "
                     "ignored", line)
            continue
        machine = _state_machine(qualify(env.file, logical_ids[str(key)]), body,
                                 Location(env.file, line))
        env.app.resources[machine.id] = machine
        _http_events(str(key), machine.id, resolve(body.get("events")), env, line)


def _state_machine(resource_id: str, body: dict[str, Any], location: Location) -> DataResource:
    tracing = body.get("tracingConfig")
    logging = body.get("loggingConfig")
    machine = DataResource(resource_id, "state-machine", location, name=body.get("name"),
                           tracing=isinstance(tracing, dict) and tracing.get("enabled") is True)
    machine.properties["logging_level"] = logging.get("level") \
        if isinstance(logging, dict) else None
    machine.properties["type"] = str(body.get("type", "STANDARD")).upper()
    return machine


def _http_events(key: str, target: str, events: Any, env: EventEnv, line: int) -> None:
    owner = f"state machine '{key}'"
    for _index, event, at in event_items(events, owner, line, env):
        if isinstance(event, dict) and "http" in event:
            found = rest_route(event["http"], Location(env.file, at), env, owner)
            if found is not None:
                found[0].target = target
