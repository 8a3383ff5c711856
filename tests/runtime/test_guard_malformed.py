"""Mutated sample events never crash the guard: every outcome is a response, the
handler's result, or one of the guard's typed exceptions (seeded, so reproducible)."""

from __future__ import annotations

import copy
import random
from typing import Any

from guard_events import ALL_SAMPLES, sample

from faasguard.runtime import AuthError, InputRejected, InvalidEvent, wrap

REPLACEMENTS: list[Any] = [None, "", "x", 0, -1, 1.5, True, [], {}, [None], {"": None},
                           "%%%", "{", "../", "\x00", "ééé", 10**30,
                           [{"$ne": 1}], {"S": 1}, "=" * 5]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _mutate(event: Any, rng: random.Random) -> Any:
    paths = _paths(event)
    if not paths:
        return rng.choice(REPLACEMENTS)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        parent = event
        try:
            for step in path[:-1]:
                parent = parent[step]
            if rng.random() < 0.2 and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = copy.deepcopy(rng.choice(REPLACEMENTS))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation changed the shape under this path
    return event


def test_mutated_events_never_crash_the_guard() -> None:
    rng = random.Random(20260105)
    handler = wrap(lambda event, context: "handled", audit=None, rate_limit="1000000/60",
                   auth=None)
    outcomes = {"handled": 0, "response": 0, "refused": 0}
    for _ in range(1500):
        event = _mutate(sample(rng.choice(ALL_SAMPLES)), rng)
        try:
            result = handler(event, None)
        except (InvalidEvent, InputRejected, AuthError):
            outcomes["refused"] += 1
            continue
        if result == "handled":
            outcomes["handled"] += 1
        else:
            assert isinstance(result, dict) and result["statusCode"] in (400, 429)
            outcomes["response"] += 1
    assert all(outcomes.values()), outcomes
