"""Naming a taint's source: which part of which event it came from.

The event shapes of the taint table say where each trigger kind puts the values an
attacker controls (the S3 object key, the SQS body, a query string parameter, ...).
A taint remembers its access path into the handler's event; matching that path against
the shapes of the function's trigger kinds gives a finding its words ("S3 object key"
rather than "event") and says whether the value is attacker-controlled at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.analysis.taint.table import Shape, TaintTable

#: Shapes ending in a mapping whose keys the user chose (the key is worth naming).
KEYED = {"queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
         "headers", "multiValueHeaders", "userAttributes", "messageAttributes",
         "MessageAttributes", "clientMetadata", "validationData", "NewImage", "OldImage"}

#: Trigger kinds whose events nobody outside the account can shape.
TRUSTED_TRIGGERS = {"schedule"}


@dataclass(frozen=True)
class SourceInfo:
    """What a taint's source is called, whether an attacker controls it, which shape."""

    label: str
    attacker_controlled: bool
    shape: Shape | None


def path_text(origin: str, path: tuple[str, ...]) -> str:
    """`event['Records'][*]['s3']` for an origin and an access path."""
    return origin + "".join("[*]" if key == "*" else f"[{key!r}]" for key in path)


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if len(path) < len(pattern):
        return False
    for want, have in zip(pattern, path, strict=False):  # (a loop: `all` of a generator
        if want != have and want != "*" and have != "*":  # left early is closed by an
            return False  # exception)
    return True


def describe_source(table: TaintTable, origin: str, path: tuple[str, ...],
                    kinds: frozenset[str], from_event: bool = True,
                    reachable: bool = True) -> SourceInfo:
    """Name the source of a taint read at `path` from an event of these trigger kinds.

    `kinds` empty means "unknown" (no trigger declared, or code not reachable from a
    handler): every shape is tried. `from_event` is False for user-declared sources,
    whose origin is already their label; `reachable` False for a parameter of code no
    handler reaches (named after the parameter when no shape matches).
    """
    if not from_event:
        label = table.origin_labels.get(origin, origin)
        if label in table.keyed_sources and path and path[0] != "*":
            return SourceInfo(f"{label} '{path[0]}'", True, None)
        return SourceInfo(label, True, None)
    best: Shape | None = None
    shapes = [*table.shapes, *table.framework_shapes] if kinds else table.shapes
    for shape in shapes:
        if kinds and not shape.triggers & kinds or not kinds and not shape.path:
            continue
        if _matches(shape.path, path) and (best is None or len(shape.path) > len(best.path)):
            best = shape
    trusted_trigger = bool(kinds) and kinds <= TRUSTED_TRIGGERS
    if best is None:
        what = path_text(origin, path)
        label = f"event field {what}" if path else f"the whole event ('{origin}')"
        if not reachable:
            label = f"parameter '{origin}'"
        return SourceInfo(label, not trusted_trigger, None)
    label = best.label
    depth = len(best.path)
    if best.path and best.path[-1] in KEYED and len(path) > depth and path[depth] != "*":
        label = f"{label} '{path[depth]}'"
    return SourceInfo(label, not (best.trusted or trusted_trigger), best)
