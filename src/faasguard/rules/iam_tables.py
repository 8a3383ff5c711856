"""IAM knowledge the permission rules share: action wildcards, resource scoping, escalation.

Which actions support resource-level permissions comes from the IAM action catalogue
(analysis.iam_catalog.scoping); privilege-escalation paths (sets of actions) from
faasguard/data/iam_escalation.json, read lazily, once per process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar

from faasguard.analysis.iam_catalog import scoping, service_info
from faasguard.model import Role, Statement
from faasguard.package_data import own_data

_F = TypeVar("_F", bound=Callable[..., Any])


def cached_when_hashable(maxsize: int) -> Callable[[_F], _F]:
    """`lru_cache(maxsize)` for a function of a statement's lists (actions, patterns), which
    may hold an entry that cannot be hashed (an intrinsic written as a mapping): such a call
    is answered by the function itself, uncached. Statements with equal lists (common
    across roles and files) are worked out once."""
    def decorate(function: _F) -> _F:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args: Any) -> Any:
            try:
                return cached(*args)
            except TypeError:  # an unhashable entry
                return function(*args)

        return call  # type: ignore[return-value]

    return decorate


def _load(name: str) -> Any:
    return json.loads(own_data(name))


@dataclass(frozen=True)
class EscalationPath:
    """A set of actions that, held together, lets a role gain more privileges."""

    id: str
    actions: tuple[str, ...]
    explains: str
    wildcard_resource: bool = False
    passed_to: str | None = None

    @property
    def title(self) -> str:
        """The combination as users read it: `iam:PassRole + lambda:CreateFunction`."""
        return " + ".join(self.actions)


@lru_cache(maxsize=1)
def escalation_paths() -> tuple[EscalationPath, ...]:
    """The privilege-escalation paths of data/iam_escalation.json."""
    return tuple(EscalationPath(p["id"], tuple(p["actions"]), p["explains"],
                                bool(p.get("wildcard_resource", False)), p.get("passed_to"))
                 for p in _load("iam_escalation.json")["paths"])


@lru_cache(maxsize=1)
def _path_actions() -> frozenset[str]:
    """Every action of an escalation path, lower-case."""
    return frozenset(a.lower() for path in escalation_paths() for a in path.actions)


@lru_cache(maxsize=4096)
def _pattern(action: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(action.strip().lower()).replace(r"\*", ".*")
                      .replace(r"\?", ".") + "$")


def action_matches(pattern: str, action: str) -> bool:
    """Does the IAM action pattern (`s3:Get*`, `*`) cover `action` (case-insensitive)?"""
    return bool(_pattern(pattern).match(action.lower()))


@cached_when_hashable(maxsize=16384)
def _matcher(patterns: tuple[Any, ...]) -> Callable[[str], bool]:
    """One test for a statement's action list: a set look-up for exact names, one regex
    for the wildcards (the same answers as `action_matches` on each pattern)."""
    exact: set[str] = set()
    wild: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        text = pattern.strip().lower()
        if "*" in text or "?" in text:
            wild.append(_pattern(pattern).pattern[1:-1])
        else:
            exact.add(text)
    regex = re.compile("^(?:" + "|".join(wild) + ")$") if wild else None

    def test(lower: str) -> bool:
        if lower in exact or (lower.endswith("\n") and lower[:-1] in exact):  # `$` semantics
            return True
        return regex is not None and regex.match(lower) is not None

    return test


def any_matches(patterns: tuple[Any, ...], action: str) -> bool:
    """Does any of the patterns (a statement's actions; entries that are not strings are
    ignored) cover `action`? Same answer as `action_matches` on each, answered at once."""
    return _matcher(patterns)(action.lower())


def is_full_wildcard(action: object) -> bool:
    """`*` or `*:*`: every action of every service."""
    return isinstance(action, str) and action.strip() in ("*", "*:*")


_SERVICE_WILDCARD = re.compile(r"\s*([A-Za-z0-9-]+):\*\s*")


def service_wildcard(action: object) -> str | None:
    """The service of a `service:*` action, else None."""
    if isinstance(action, str) and "*" in action:
        match = _SERVICE_WILDCARD.fullmatch(action)
        if match:
            return match.group(1).lower()
    return None


def scoped_actions(pattern: str) -> list[str] | None:
    """The actions a pattern covers that support resource-level scoping.

    None when the service is unknown to the table (so nothing can be said).
    """
    if ":" not in pattern:
        return None
    service, _, name = pattern.strip().lower().partition(":")
    actions = scoping(service)
    if actions is None:
        return None
    regex = _pattern(name)
    return sorted(f"{service}:{original}" for lower, (original, scoped) in actions.items()
                  if scoped and regex.match(lower))


@cached_when_hashable(maxsize=4096)
def wildcards(actions: tuple[Any, ...]) -> tuple[bool, tuple[str, ...]]:
    """Of a statement's actions: whether one is every action (`is_full_wildcard`), and the
    services of those that are a whole service (`service_wildcard`), sorted."""
    return (any(map(is_full_wildcard, actions)),
            tuple(sorted({s for a in actions if (s := service_wildcard(a))})))


@cached_when_hashable(maxsize=4096)
def wildcard_patterns(actions: tuple[Any, ...]) -> tuple[str, ...]:
    """The actions of a statement that hold a `*` (`*`, `s3:*`, `s3:Get*`), in order."""
    return tuple(a for a in actions if isinstance(a, str) and "*" in a)


def is_wildcard_resource(resource: object) -> bool:
    """A resource entry that means every resource: `*` (or `arn:*`)."""
    return isinstance(resource, str) and resource.strip() in ("*", "arn:*", "arn:aws:*")


#: The part of an ARN after its account (`table/orders`), and a `${...}` in it.
_ARN = re.compile(r"^arn:[^:]*:([a-z0-9-]+):[^:]*:[^:]*:(.+)$")
_VARIABLE = re.compile(r"\$\{[^}]*\}")


def every_of_a_type(resource: object) -> tuple[str, str] | None:
    """(service, resource type) when a resource entry covers every resource of that type
    (whatever its partition, region and account): ('dynamodb', 'table') for
    `arn:aws:dynamodb:*:*:table/*`, ('s3', 'bucket') for `arn:aws:s3:::*` (the catalogue's
    ARN format of the type, each of its variables `*`). None for anything narrower
    (`arn:aws:s3:::uploads/*`), or not an ARN."""
    return _every_of_text(resource) if isinstance(resource, str) else None


@lru_cache(maxsize=4096)
def _every_of_text(resource: str) -> tuple[str, str] | None:
    """`every_of_a_type` of a string, once per process for each: the roles of a project,
    and of many projects, write the same resources."""
    match = _ARN.match(_VARIABLE.sub("x", resource.strip()))
    return _every_of(match.group(1), match.group(2)) if match else None


@lru_cache(maxsize=256)
def _every_of(service: str, tail: str) -> tuple[str, str] | None:
    info = service_info(service)
    for kind, written in (info.arns.items() if info else ()):
        found = _ARN.match(written)
        if found and _VARIABLE.sub("*", found.group(2)) == tail:
            return service, kind
    return None


def _passes_to(statement: Statement, service: str | None) -> bool:
    """False when an `iam:PassedToService` condition rules out passing a role to `service`."""
    if service is None:
        return True
    for operator in statement.conditions.values():
        if isinstance(operator, dict):
            for key, allowed in operator.items():
                if str(key).lower() == "iam:passedtoservice":
                    values = allowed if isinstance(allowed, list) else [allowed]
                    return any(isinstance(v, str) and action_matches(v, service)
                               for v in values)
    return True


def allows(statements: Iterable[Statement], action: str,
           wildcard_resource: bool = False, passed_to: str | None = None) -> Statement | None:
    """The first Allow statement that grants `action` (on `*` when asked), unless a Deny
    statement on every resource takes it away; None when the action is not granted.

    Conditions are not evaluated, except `iam:PassedToService` when `passed_to` names the
    service a role would be passed to: otherwise a conditional grant counts as a grant.
    """
    return Grants(list(statements), frozenset({action.lower()})).allows(
        action, wildcard_resource, passed_to)


@cached_when_hashable(maxsize=16384)
def covered(patterns: tuple[Any, ...], actions: frozenset[str]) -> frozenset[str]:
    """The actions of `actions` (lower-case) that any of the patterns covers."""
    return frozenset(a for a in actions if any_matches(patterns, a))


class Grants:
    """`allows` for many questions about one statement list: which of a fixed set of
    actions (`actions`, lower-case) each statement covers is worked out once, so each
    question is a few set look-ups (same answers as `allows`)."""

    def __init__(self, statements: Sequence[Statement], actions: frozenset[str]):
        self._actions = actions
        self._denied = frozenset().union(*(
            covered(s.actions, actions) for s in statements
            if s.effect == "Deny" and any(is_wildcard_resource(r) for r in s.resources)))
        # each Allow statement with the actions it grants (Action, or all but NotAction)
        self._allow: list[tuple[Statement, frozenset[str]]] = []
        for statement in statements:
            if statement.effect != "Allow":
                continue
            granted = covered(statement.actions, actions) if statement.actions else frozenset()
            if statement.not_actions:
                granted |= actions - covered(statement.not_actions, actions)
            if granted:
                self._allow.append((statement, granted))
        # the actions some Allow statement grants, on some resource, under some condition
        self.possible = frozenset().union(*(g for _, g in self._allow)) - self._denied

    def allows(self, action: str, wildcard_resource: bool = False,
               passed_to: str | None = None) -> Statement | None:
        """`allows(statements, action, wildcard_resource, passed_to)` for an action of
        the set given at construction."""
        lower = action.lower()
        if lower not in self._actions:
            raise ValueError(f"{action} is not one of the actions these grants know")
        if lower not in self.possible:
            return None
        passrole = lower == "iam:passrole"
        for statement, granted in self._allow:
            if lower not in granted or (wildcard_resource and not any(
                    is_wildcard_resource(r) for r in statement.resources)):
                continue
            if passrole and not _passes_to(statement, passed_to):
                continue
            return statement
        return None


def escalations(role: Role, memo: dict[str, Any] | None = None
                ) -> list[tuple[EscalationPath, list[Statement]]]:
    """The escalation paths a role's statements open, with the statements granting each.

    Statements granting every action (`*`) are left out: their own rule reports them.
    With `memo` (facts.memo), a role without such a statement shares `role_paths`.
    """
    kept = [s for s in role.statements if not wildcards(s.actions)[0]]
    if len(kept) == len(role.statements):
        return role_paths(role, memo)
    return open_paths(kept)


def role_paths(role: Role, memo: dict[str, Any] | None = None
               ) -> list[tuple[EscalationPath, list[Statement]]]:
    """`open_paths` of all the role's statements; worked out once per role and scan when
    `memo` (facts.memo) is given: FG-PERM-006 and FG-PERM-105 both ask. Read, never
    changed, by its readers."""
    if memo is None:
        return open_paths(role.statements)
    known: dict[str, list[tuple[EscalationPath, list[Statement]]]] = \
        memo.setdefault(_PATHS_MEMO, {})
    found = known.get(role.id)
    if found is None:
        found = known[role.id] = open_paths(role.statements)
    return found


#: The facts.memo key of `role_paths` (role id -> paths).
_PATHS_MEMO = "iam_tables.role_paths"


def open_paths(statements: Sequence[Statement]
               ) -> list[tuple[EscalationPath, list[Statement]]]:
    """The escalation paths these statements open, with the statement granting each step."""
    grants = Grants(statements, _path_actions())
    if not grants.possible:
        return []
    found = []
    for path in escalation_paths():
        granting = []
        for action in path.actions:
            statement = grants.allows(action, path.wildcard_resource, path.passed_to)
            if statement is None:
                break
            granting.append(statement)
        else:
            found.append((path, granting))
    return found
