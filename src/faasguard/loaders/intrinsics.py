"""CloudFormation intrinsic functions, resolved statically as far as they can be.

`resolve(value, scope)` walks a template value and replaces intrinsics:

- `Ref` to a resource -> `Ref(qualified id)`; to a parameter -> its default (else Unknown);
  to a pseudo parameter (`AWS::Region`, ...) -> Unknown (or the scope's known value).
  `Ref AWS::NoValue` removes the mapping key or list item it is the value of, as
  CloudFormation does (alone, it resolves to `NO_VALUE`).
- `Fn::GetAtt` -> `Ref(qualified id, attribute)`.
- `Fn::Sub` -> a string where `${X}` / `${X.Attr}` are rendered as `${<logical id>...}` when
  they name a resource, substituted when they name a parameter with a default, kept
  otherwise; the whole string is still a `str` so rules can read ARNs and URLs.
- `Fn::Join`, `Fn::Select`, `Fn::FindInMap`, `Fn::If`, `Fn::Base64`, `Fn::ImportValue`
  (Unknown), `Fn::Split`.
- `Fn::If` takes the branch its condition gives when the condition can be decided from
  what Refs resolve to (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`); when it
  cannot, the value is Unknown (`If <condition>`, its choices the branches' scalar values)
  unless both branches agree. The scope holds only the
  conditions a deployment cannot change: the CloudFormation loader leaves out those on a
  parameter's default (another deployment sets another value).

Used by every loader that meets CloudFormation values (SAM, CloudFormation, CDK output and
the `resources:` section and `!GetAtt` values of serverless.yml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from faasguard.loaders.documents import LDict, LList
from faasguard.model import IF_PREFIX, Branches, Ref, Unknown, Value, qualify

#: What `Ref AWS::NoValue` resolves to where there is nothing to remove it from.
NO_VALUE = Unknown("AWS::NoValue")
_SUB_VAR = re.compile(r"\$\{(?!!)([^}]+)\}")
#: Types a template value below the depth limit resolves to as it is (no call needed).
_SCALARS = frozenset({str, int, float, bool, type(None)})


@dataclass
class Scope:
    """What intrinsics may refer to inside one template file."""

    file: str
    resources: dict[str, str] = field(default_factory=dict)  # logical id -> Type
    parameters: dict[str, Value] = field(default_factory=dict)  # name -> default or Unknown
    mappings: dict[str, Any] = field(default_factory=dict)
    pseudo: dict[str, Value] = field(default_factory=dict)  # e.g. {"AWS::Region": "us-east-1"}
    conditions: dict[str, Any] = field(default_factory=dict)  # name -> its definition
    #: Parameters whose value a deployment may change (a default): conditions on them are
    #: left out of `conditions`.
    settable: set[str] = field(default_factory=set)
    #: The values a deployment may give a settable parameter (its `AllowedValues`, or the
    #: literals of an `AllowedPattern` that alternates literals only).
    allowed: dict[str, tuple[str | int | float | bool, ...]] = field(default_factory=dict)
    #: Values the template expects a parameter to take without limiting it to them: the
    #: literals its Conditions compare it with (`!Equals [!Ref Auth, NONE]`). Choices a
    #: deployment may pass, as `allowed`'s are, but `Fn::FindInMap`'s keys stay the map's.
    written: dict[str, tuple[str | int | float | bool, ...]] = field(default_factory=dict)
    depth_limit: int = 64
    #: The Ref of each (logical id, attribute) met so far (one object for all its uses).
    refs: dict[tuple[str, str | None], Ref] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    #: Each condition decided so far: True, False or None (cannot be decided statically).
    decided: dict[str, bool | None] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def ref(self, logical: str, attribute: str | None = None) -> Ref:
        """The Ref to a resource of this file (made once per scope)."""
        found = self.refs.get((logical, attribute))
        if found is None:
            found = self.refs[(logical, attribute)] = Ref(qualify(self.file, logical),
                                                           attribute)
        return found


def resolve(value: Any, scope: Scope, _depth: int = 0) -> Value:
    """Resolve intrinsic functions in `value` (deeply); LDict/LList keep their lines.

    An LDict or LList (as the reader builds them) without an intrinsic anywhere below is
    returned as it is; one with an intrinsic below is copied, with its lines. Other
    mappings and lists always become new LDicts and LLists."""
    if _depth > scope.depth_limit:
        return Unknown("nesting too deep")
    kind = type(value)
    if kind is LDict:  # as read: copied only if a value below changes
        return _mapping(value, scope, _depth)
    if kind is LList:
        return _sequence(value, scope, _depth)
    if isinstance(value, dict):
        if len(value) == 1:
            (key, arg), = value.items()
            if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
                return _intrinsic(key, arg, scope, _depth + 1)
        inner = _depth + 1
        plain = inner <= scope.depth_limit  # scalars below are kept as they are, no call
        out = LDict()
        if isinstance(value, LDict):
            out.line, out.end_line, out.key_lines = value.line, value.end_line, value.key_lines
        for k, v in value.items():
            new = v if plain and type(v) is str else resolve(v, scope, inner)
            if new is not NO_VALUE:
                out[k] = new
        return out
    if isinstance(value, list):
        inner = _depth + 1
        plain = inner <= scope.depth_limit
        items = [v if plain and type(v) in _SCALARS else resolve(v, scope, inner)
                 for v in value]
        lines = getattr(value, "item_lines", [])
        seq = _without_no_value(items, lines) if _has_no_value(items) else LList(items)
        if isinstance(value, LList):
            seq.line, seq.end_line = value.line, value.end_line
            seq.item_lines = seq.item_lines or lines
        return seq
    return value


# `_mapping` and `_sequence` are `resolve` of an LDict / LList as read (`depth` within the
# limit): scalars below the limit are kept without a call, and children of those types
# within it are taken without passing through `resolve` (most of a template's values).


def _mapping(value: LDict, scope: Scope, depth: int) -> Value:
    if len(value) == 1:
        (key, arg), = value.items()
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
            return _intrinsic(key, arg, scope, depth + 1)
    inner = depth + 1
    plain = inner <= scope.depth_limit
    fast = inner < scope.depth_limit
    changed: LDict | None = None
    for k, v in value.items():
        kind = type(v)
        if kind in _SCALARS and plain:
            continue
        new = _child(v, kind, scope, inner, fast)
        if new is not v:
            if changed is None:
                changed = _copy(value)
            if new is NO_VALUE:
                del changed[k]
            else:
                changed[k] = new
    return value if changed is None else changed


def _child(value: Any, kind: type, scope: Scope, depth: int, fast: bool) -> Value:
    """One member of a mapping or list as resolved: LDict and LList as read straight to
    their fast paths while the depth allows it, anything else through `resolve`."""
    if fast and kind is LDict:
        return _mapping(value, scope, depth)
    if fast and kind is LList:
        return _sequence(value, scope, depth)
    return resolve(value, scope, depth)


def _sequence(value: LList, scope: Scope, depth: int) -> Value:
    inner = depth + 1
    plain = inner <= scope.depth_limit
    fast = inner < scope.depth_limit
    items: list[Any] | None = None
    for index, v in enumerate(value):
        kind = type(v)
        if kind in _SCALARS and plain:
            continue
        new = _child(v, kind, scope, inner, fast)
        if new is not v:
            if items is None:
                items = list(value)
            items[index] = new
    if items is None:
        return value
    if _has_no_value(items):
        seq = _without_no_value(items, value.item_lines)
    else:
        seq = LList(items)
        seq.item_lines = value.item_lines
    seq.line, seq.end_line = value.line, value.end_line
    return seq


def _has_no_value(items: list[Any]) -> bool:
    return any(item is NO_VALUE for item in items)


def _without_no_value(items: list[Any], lines: list[int]) -> LList:
    """The items less those `Ref AWS::NoValue` removes, each kept with its line."""
    kept = [i for i, item in enumerate(items) if item is not NO_VALUE]
    seq = LList(items[i] for i in kept)
    seq.item_lines = [lines[i] for i in kept] if len(lines) == len(items) else []
    return seq


def _copy(value: LDict) -> LDict:
    """A copy of a mapping as read, with its lines (the key lines are shared)."""
    copy = LDict(value)
    copy.line, copy.end_line = value.line, value.end_line
    copy.key_lines = value.key_lines
    return copy


def _ref(name: Any, scope: Scope) -> Value:
    if not isinstance(name, str):
        return Unknown(f"Ref to {name!r}")
    if name in scope.resources:
        return scope.ref(name)
    if name in scope.parameters:
        return scope.parameters[name]
    if name.startswith("AWS::"):
        return NO_VALUE if name == "AWS::NoValue" else scope.pseudo.get(name, Unknown(name))
    return Unknown(f"Ref {name}")


def _intrinsic(key: str, arg: Any, scope: Scope, depth: int) -> Value:
    if key == "Ref":
        return _ref(arg, scope)
    if key == "Fn::GetAtt":
        parts = arg.split(".", 1) if isinstance(arg, str) else arg
        if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str):
            attribute = resolve(parts[1], scope, depth)
            if parts[0] in scope.resources:
                return scope.ref(parts[0], attribute if isinstance(attribute, str) else None)
            return Unknown(f"GetAtt {parts[0]}")
        return Unknown("GetAtt")
    if key == "Fn::Sub":
        return _sub(arg, scope, depth)
    if key == "Fn::Join":
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            sep = resolve(arg[0], scope, depth)
            items = [resolve(v, scope, depth) for v in arg[1]]
            if isinstance(sep, str):
                return sep.join(_as_text(v, scope) for v in items)
        return Unknown("Join")
    if key == "Fn::Select":
        if isinstance(arg, list) and len(arg) == 2:
            index, items = resolve(arg[0], scope, depth), resolve(arg[1], scope, depth)
            try:
                return items[int(index)]
            except (TypeError, ValueError, IndexError, KeyError):
                return Unknown("Select")
        return Unknown("Select")
    if key == "Fn::FindInMap":
        if isinstance(arg, list) and len(arg) >= 3:
            keys = [resolve(v, scope, depth) for v in arg[:3]]
            node: Any = scope.mappings
            for k in keys:
                if not isinstance(node, dict) or not isinstance(k, str) or k not in node:
                    return Unknown("FindInMap")
                node = node[k]
            return resolve(node, scope, depth)
        return Unknown("FindInMap")
    if key == "Fn::If":
        if isinstance(arg, list) and len(arg) == 3:
            decided = condition(arg[0], scope)
            if decided is not None:
                return resolve(arg[1] if decided else arg[2], scope, depth)
            yes, no = resolve(arg[1], scope, depth), resolve(arg[2], scope, depth)
            if yes == no:
                return yes
            return Unknown(IF_PREFIX + str(arg[0]), choices_of(yes, no))
        return Unknown("If")
    if key == "Fn::Split":
        if isinstance(arg, list) and len(arg) == 2:
            sep, text = resolve(arg[0], scope, depth), resolve(arg[1], scope, depth)
            if isinstance(sep, str) and isinstance(text, str):
                return LList(text.split(sep))
        return Unknown("Split")
    if key == "Fn::Base64":
        return resolve(arg, scope, depth)
    return Unknown(key)


def choices_of(*values: Value) -> tuple[str | int | float | bool, ...]:
    """The scalar values an undecided choice between `values` may give, each once: a
    scalar itself, an Unknown's own choices (anything else adds none)."""
    found: list[str | int | float | bool] = []
    for value in values:
        for choice in value.choices if isinstance(value, Unknown) else (value,):
            if type(choice) in _CHOICE_TYPES and choice not in found:
                found.append(choice)
    return tuple(found)


_CHOICE_TYPES = frozenset({str, int, float, bool})


def deployment_choice(raw: Any, scope: Scope,
                      domain: tuple[str, ...] = ()) -> Unknown | None:
    """A value written as `Ref P` to a parameter whose default a deployment may replace
    by another of its `AllowedValues` (or that has no default: one of its
    `AllowedValues`), or as a `Fn::FindInMap` keyed by a settable
    parameter (`!FindInMap [Stages, !Ref Stage, UrlAuth]`): Unknown (`parameter P`, the
    values a deployment may get as choices), where the resolved default would hide the
    others. `domain`: the values the property itself accepts (a function URL's AuthType:
    AWS_IAM or NONE), a parameter's choices when nothing narrower lists them (no
    `AllowedValues`, with a default or without: those neither the default nor a Condition
    comparing the parameter with them (`Scope.written`) names are `unlisted`).
    None for anything else."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return None
    if isinstance(raw.get("Ref"), str):
        name = raw["Ref"]
        value = scope.parameters.get(name)
        if name in scope.settable:
            allowed = scope.allowed.get(name, ())
            written = (value, *scope.written.get(name, ()))
        elif isinstance(value, Unknown) and value.text == f"parameter {name}":
            # no default: its AllowedValues, else what the template writes and what the
            # property takes
            allowed, written = value.choices, scope.written.get(name, ())
        else:
            return None
        return setting_choice(f"parameter {name}", allowed or written,
                              () if allowed else domain)
    return _map_choice(raw.get("Fn::FindInMap"), scope)


def setting_choice(text: str, written: Iterable[Value],
                   domain: Iterable[Value] = ()) -> Unknown | None:
    """A setting a deployment gives (`text`: a CloudFormation parameter, a Terraform
    variable): Unknown, its choices the values written for it (its default, the values a
    check lists, those other files give; `choices_of`) then those of `domain` it may also
    take (what the property accepts, when no check lists values), those `unlisted`; None
    when that leaves one value."""
    listed = choices_of(*written)
    choices = choices_of(*listed, *domain)
    return Unknown(text, choices, tuple(c for c in choices if c not in listed)) \
        if len(choices) > 1 else None


def possible_values(raw: Any, scope: Scope,
                    domain: tuple[str, ...] = ()) -> tuple[Unknown, tuple[Value, ...]] | None:
    """The values a deployment may give a property written as `raw`, when the template
    leaves the choice to the deployment: an `Fn::If` whose condition cannot be decided
    (each branch resolved, `NO_VALUE` for a `Ref AWS::NoValue` branch: the property left
    out), or what `deployment_choice` reads (a settable parameter, a map keyed by one).
    An Unknown with choices (a value another reader evaluated: Terraform's) gives them.
    (what decides it, the values), or None when the template decides the value."""
    if isinstance(raw, Unknown):
        return (raw, raw.choices) if raw.choices else None
    if isinstance(raw, dict) and len(raw) == 1 and "Fn::If" in raw:
        arg = raw["Fn::If"]
        if not isinstance(arg, list) or len(arg) != 3:
            return None
        decided = condition(arg[0], scope)
        if decided is not None:
            return possible_values(arg[1] if decided else arg[2], scope, domain)
        values: list[Value] = []
        unlisted: list[Value] = []  # what a branch takes from the property's domain only
        listed: list[Value] = []
        for branch in arg[1:]:
            nested = possible_values(branch, scope, domain)
            taken = nested[0].unlisted if nested is not None else ()
            unlisted.extend(taken)
            for value in nested[1] if nested is not None else (resolve(branch, scope),):
                if value not in taken:
                    listed.append(value)
                if value not in values:
                    values.append(value)
        return (Unknown(IF_PREFIX + str(arg[0]), choices_of(*values),
                        choices_of(*(u for u in unlisted if u not in listed))),
                tuple(values)) if len(values) > 1 else None
    choice = deployment_choice(raw, scope, domain)
    return (choice, choice.choices) if choice is not None else None


def conditional_items(raw: Any, scope: Scope) -> list[tuple[Value, Branches]]:
    """The items a list property written as `raw` may hold in some deployment (a single
    value is a one-item list), each with the branches of the conditions that decide
    whether a deployment has it (`model.Branches`; () for an item every deployment has):
    each item resolved, except that an `Fn::If` the template leaves to the deployment (the
    list's or an item's) gives the items of each of its branches, each once, an item of
    one branch only under that `Fn::If`'s condition, (C, True) where it holds (`!If
    [UseVendor, arn:...:layer:v:1, !Ref AWS::NoValue]`), (C, False) where it does not
    (the second branch's), before a nested `Fn::If`'s; a `Ref AWS::NoValue` branch gives
    none."""
    resolved = resolve(raw, scope)
    if isinstance(resolved, Unknown) and resolved.text.startswith(IF_PREFIX):
        arg = raw.get("Fn::If") if isinstance(raw, dict) and len(raw) == 1 else None
        if isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
            decided = condition(arg[0], scope)
            if decided is not None:
                return conditional_items(arg[1] if decided else arg[2], scope)
            return _branch_items(arg[0], conditional_items(arg[1], scope),
                                 conditional_items(arg[2], scope))
        chosen = possible_values(raw, scope)
        if chosen is None:
            return [(resolved, ())]
        decides = chosen[0].text[len(IF_PREFIX):]
        branches = [value if isinstance(value, list) else [value] for value in chosen[1]]
        found: list[tuple[Value, Branches]] = []
        seen: list[Value] = []
        for index, branch in enumerate(branches):
            for item in branch:
                if item is not NO_VALUE and item not in seen:
                    seen.append(item)
                    always = all(item in other for other in branches)
                    # the first branch's values are those where the condition holds
                    found.append((item, () if always else ((decides, index == 0),)))
        return found
    if resolved is None or resolved is NO_VALUE:
        return []
    if not isinstance(resolved, list):
        return [(resolved, ())]
    if not isinstance(raw, list) or not any(isinstance(v, Unknown) for v in resolved):
        return [(item, ()) for item in resolved]
    return [pair for v in raw for pair in conditional_items(v, scope)]


def branch_values(raw: Any, scope: Scope) -> list[tuple[Value, Branches]]:
    """The value a setting written as `raw` has in each branch of the `Fn::If`s the
    template leaves to the deployment, each with the branches it is under (`NO_VALUE`
    where a branch leaves the setting out: `!If [IsProd, 20, !Ref AWS::NoValue]` gives
    (20, ((IsProd, True),)) and (NO_VALUE, ((IsProd, False),))); the value resolved,
    under (), when no condition is left to the deployment."""
    arg = raw.get("Fn::If") if isinstance(raw, dict) and len(raw) == 1 else None
    if isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
        decided = condition(arg[0], scope)
        if decided is not None:
            return branch_values(arg[1] if decided else arg[2], scope)
        return [(value, ((arg[0], holds), *inner))
                for holds, branch in ((True, arg[1]), (False, arg[2]))
                for value, inner in branch_values(branch, scope)]
    return [(resolve(raw, scope), ())]


def _branch_items(name: str, then: list[tuple[Value, Branches]],
                  other: list[tuple[Value, Branches]]) -> list[tuple[Value, Branches]]:
    """The items of an `Fn::If` on condition `name` whose branches hold `then` and
    `other` (`conditional_items`): an item both branches hold with no condition of their
    own is in every deployment; another is under (`name`, True) (False for the second
    branch's), then the branches it is under within its branch."""
    found: list[tuple[Value, Branches]] = []
    for items, holds in ((then, True), (other, False)):
        for item, inner in items:
            if any(item == known for known, _ in found):
                continue
            always = (item, ()) in then and (item, ()) in other
            found.append((item, () if always else ((name, holds), *inner)))
    return found


def _map_choice(arg: Any, scope: Scope) -> Unknown | None:
    """`Fn::FindInMap` whose first- or second-level key is `Ref P` to a settable parameter:
    the map's values under each key P may take (its possible values in `Scope.allowed`,
    else every key of that level: CloudFormation rejects a deployment whose key the map
    lacks, so the map lists what P may be)."""
    if not isinstance(arg, list) or len(arg) != 3:
        return None
    keys = [key.get("Ref") if isinstance(key, dict) and len(key) == 1 else None
            for key in arg[1:]]
    level = next((i for i, name in enumerate(keys)
                  if isinstance(name, str) and name in scope.settable), None)
    map_name = resolve(arg[0], scope)
    table = scope.mappings.get(map_name) if isinstance(map_name, str) else None
    if level is None or not isinstance(table, dict):
        return None
    name = keys[level]
    other = resolve(arg[2 - level], scope)
    # Stages.<P>.<other>, or Map.<other>.<P>
    entries: Any = table if level == 0 else table.get(other) if isinstance(other, str) \
        else None
    if not isinstance(entries, dict):
        return None
    picks = scope.allowed.get(str(name)) or tuple(entries)
    values: list[Value] = []
    for pick in picks:
        entry = entries.get(str(pick))
        if level == 0:
            entry = entry.get(other) if isinstance(entry, dict) and isinstance(other, str) \
                else None
        if entry is not None:
            values.append(resolve(entry, scope))
    choices = choices_of(*values)
    return Unknown(f"parameter {name}", choices) if len(choices) > 1 else None


def names_any(value: Any, names: set[str]) -> bool:
    """Does an expression name one of `names` (`Ref` or `${name}` of a Sub)?"""
    if isinstance(value, str):
        return value in names or any(f"${{{name}}}" in value for name in names)
    if isinstance(value, dict):
        return any(names_any(v, names) for v in value.values())
    if isinstance(value, list):
        return any(names_any(v, names) for v in value)
    return False


def condition(name: Any, scope: Scope) -> bool | None:
    """The value of the template's condition `name`, or None when it cannot be decided
    statically (an unknown parameter, an intrinsic not evaluated, a cycle, no such name)."""
    if not isinstance(name, str) or name not in scope.conditions:
        return None
    if name not in scope.decided:
        scope.decided[name] = None  # a condition that refers back to itself stays undecided
        scope.decided[name] = _truth(scope.conditions[name], scope, 0)
    return scope.decided[name]


def _truth(expression: Any, scope: Scope, depth: int) -> bool | None:
    """A condition function (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`)
    evaluated with what Refs resolve to; None when it cannot be decided."""
    if not isinstance(expression, dict) or len(expression) != 1 or depth > scope.depth_limit:
        return None
    (key, arg), = expression.items()
    if key == "Condition":
        return condition(arg, scope)
    if key == "Fn::Equals":
        if not isinstance(arg, list) or len(arg) != 2:
            return None
        left, right = (_compared(resolve(v, scope, depth)) for v in arg)
        return None if left is None or right is None else left == right
    if not isinstance(arg, list) or not arg:
        return None
    values = [_truth(v, scope, depth + 1) for v in arg]
    if key == "Fn::Not":
        return None if len(values) != 1 or values[0] is None else not values[0]
    if key == "Fn::And":
        return False if False in values else None if None in values else True
    if key == "Fn::Or":
        return True if True in values else None if None in values else False
    return None


def _compared(value: Value) -> str | None:
    """A resolved value as `Fn::Equals` compares it (strings; YAML's true is "true"), or
    None when it is not known."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _as_text(value: Value, scope: Scope) -> str:
    """A value inside a string: a Ref to a resource of this file as `${LogicalId.Attr}`
    (as `Fn::Sub` writes it), other Refs qualified, unknowns as `${?}`."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Ref):
        prefix = f"{scope.file}#"
        if value.target.startswith(prefix):
            return str(Ref(value.target[len(prefix):], value.attribute))
        return str(value)
    return "${?}"


def sub_placeholders(text: str) -> list[str]:
    """The names a `Fn::Sub` text substitutes (`${Name}`, `${Res.Attr}`; not `${!x}`)."""
    return [name.strip() for name in _SUB_VAR.findall(text)]


def _sub(arg: Any, scope: Scope, depth: int) -> Value:
    variables: dict[str, Value] = {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        template = arg[0]
        variables = {k: resolve(v, scope, depth) for k, v in arg[1].items()}
    else:
        template = arg
    if not isinstance(template, str):
        return Unknown("Sub")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in variables:
            return _as_text(variables[name], scope)
        logical, _, attribute = name.partition(".")
        if logical in scope.resources:
            return str(Ref(logical, attribute or None))
        if name in scope.parameters:
            value = scope.parameters[name]
            return _as_text(value, scope) if not isinstance(value, Unknown) else match.group(0)
        if name in scope.pseudo and isinstance(scope.pseudo[name], str):
            return str(scope.pseudo[name])
        return match.group(0)

    return _SUB_VAR.sub(replace, template).replace("${!", "${")  # `${!x}` is a literal
