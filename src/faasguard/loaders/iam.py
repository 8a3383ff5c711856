"""IAM policy documents -> normalised `Statement`s (shared by every loader).

Input values have already been through variable/intrinsic resolution; this module only
normalises shapes: single strings become tuples, `Principal` forms are flattened, and each
statement gets the line it was written at.
"""

from __future__ import annotations

from typing import Any, Literal

from faasguard.loaders.documents import LDict, LList, line_of
from faasguard.model import Location, Statement, Value


def _tuple(value: Any) -> tuple[Value, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _principals(value: Any) -> tuple[Value, ...]:
    if value is None:
        return ()
    if value == "*":
        return ("*",)
    if isinstance(value, dict):
        found: list[Value] = []
        for kind, who in value.items():
            for item in _tuple(who):
                found.append("*" if item == "*" else f"{kind}:{item}")
        return tuple(found)
    return _tuple(value)


def statement_from(raw: Any, file: str, source: str = "inline",
                   line: int | None = None) -> Statement | None:
    """One statement from its mapping form; None when `raw` is not a mapping."""
    if not isinstance(raw, dict):
        return None
    get = {str(k).lower(): v for k, v in raw.items()}
    effect: Literal["Allow", "Deny"] = (
        "Deny" if str(get.get("effect", "Allow")).lower() == "deny" else "Allow")
    actions = tuple(a.strip() if isinstance(a, str) else a for a in _tuple(get.get("action")))
    not_actions = tuple(
        a.strip() if isinstance(a, str) else a for a in _tuple(get.get("notaction")))
    conditions = get.get("condition")
    return Statement(
        effect=effect,
        actions=actions,
        not_actions=not_actions,
        resources=_tuple(get.get("resource")),
        not_resources=_tuple(get.get("notresource")),
        conditions=dict(conditions) if isinstance(conditions, dict) else {},
        principals=_principals(get.get("principal")),
        location=Location(file, line or line_of(raw)),
        source=source,
        sid=get.get("sid") if isinstance(get.get("sid"), str) else None,
    )


def relocated(statement: Statement, location: Location) -> Statement:
    """A copy of `statement` at another location (for statements read once and met often:
    the same managed policy or SAM policy template in many functions)."""
    return Statement(statement.effect, statement.actions, statement.not_actions,
                     statement.resources, statement.not_resources, dict(statement.conditions),
                     statement.principals, location, statement.source, statement.sid,
                     statement.wildcard_parameters)


def statements_from_document(document: Any, file: str, source: str = "inline") -> list[Statement]:
    """All statements of a policy document (`{"Version": ..., "Statement": [...]}`)."""
    if not isinstance(document, dict):
        return []
    raw = document.get("Statement")
    return statements_from_list(raw, file, source)


def statements_from_list(raw: Any, file: str, source: str = "inline") -> list[Statement]:
    """Statements from a list (or a single mapping) of statement mappings."""
    if isinstance(raw, dict):
        raw = LList([raw])
    if not isinstance(raw, list):
        return []
    result = []
    for index, item in enumerate(raw):
        line = raw.line_of(index) if isinstance(raw, LList) else None
        if isinstance(item, LDict) and item.line:
            line = item.line
        statement = statement_from(item, file, source, line)
        if statement is not None:
            result.append(statement)
    return result
