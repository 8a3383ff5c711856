"""Granted vs. used: what a function's code needs, what its role grants, and the gap.

- `needs_of(function, app, facts)`: the IAM actions the function needs, each on the
  resources its calls name (as policy resources: a CloudFormation value and a text),
  plus what Lambda itself does with the role (logs, traces, VPC, event-source polling,
  dead-letter targets), and the KMS actions implied by resources encrypted with a
  customer managed key.
- `is_granted(statements, action, resource)`: IAM evaluation of a role's normalised
  statements for one action on one resource: Allow with wildcards, NotAction and
  NotResource; an explicit Deny wins. Conditions are not evaluated (a conditional grant
  counts as a grant, a conditional deny does not deny).
- `granted_actions(role)`: every catalogued action the role allows somewhere.
- `minimal_policy(needs)`: the least-privilege policy document covering the needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from faasguard.analysis import aws_sdk
from faasguard.analysis.aws_values import AwsCall, Target
from faasguard.analysis.facts import Facts
from faasguard.analysis.iam_catalog import action_count, expand, lookup
from faasguard.analysis.iam_catalog import matches as action_matches
from faasguard.model import App, Function, Ref, Role, Statement, Unknown, logical_id

#: Formats whose frameworks add the platform permissions (logs, event-source polling) to
#: the roles they create: the policy to paste there holds the code's needs only.
FRAMEWORK_ADDS_PLATFORM = {"serverless", "sam"}
#: A pseudo parameter (`${AWS::AccountId}`), and serverless.yml's `${aws:accountId}`, which
#: the deployment fills in: any value fits.
_PSEUDO = re.compile(r"\$\{(?:AWS::[A-Za-z]+|aws:accountId)\}")
_ANY = "*"


@dataclass(frozen=True, slots=True)
class PolicyResource:
    """A resource of a policy statement: the CloudFormation value to write (`cfn`), a text
    for people (`text`) and the forms it is matched with against granted resources."""

    text: str
    cfn: Any
    forms: tuple[str, ...] = ()
    placeholder: bool = False
    #: The final `*` of the forms stands for a part the code computes (an S3 key, an index
    #: name not known statically), not for every value: a grant on part of it may cover
    #: the call.
    open_tail: bool = False
    #: The final `-*` of the forms stands for the characters AWS adds to the name (a
    #: Secrets Manager secret's ARN ends `-` and six of them): a grant naming the full ARN
    #: of the resource (`secret:partner/api-AbCdEf`) covers the call.
    suffixed: bool = False

    @property
    def is_any(self) -> bool:
        """`*`: the action takes no resource."""
        return self.text == _ANY


ANY = PolicyResource(_ANY, _ANY, (_ANY,))


@dataclass(slots=True)
class Need:
    """One action a function needs, on which resources, and why (call sites or platform)."""

    action: str
    resources: list[PolicyResource] = field(default_factory=list)
    calls: list[AwsCall] = field(default_factory=list)
    platform: str | None = None  # "logs", "sqs", ... when Lambda itself needs it

    @property
    def optional(self) -> bool:
        """Needed only to clean up after a failed transfer (multipart abort)."""
        return bool(self.calls) and all(self.action in c.optional for c in self.calls)


@dataclass(slots=True)
class Needs:
    """Everything a function needs; `complete` is False when some call could not be
    identified (then nothing can be said about unused grants)."""

    function: Function
    needs: dict[str, Need] = field(default_factory=dict)
    complete: bool = True
    unknown_calls: list[AwsCall] = field(default_factory=list)

    def code_actions(self) -> set[str]:
        """The actions the code needs (not the platform's)."""
        return {a for a, n in self.needs.items() if n.calls}

    def all_actions(self) -> set[str]:
        """Every action needed, code and platform."""
        return set(self.needs)

    def add(self, action: str, resource: PolicyResource, call: AwsCall | None = None,
            platform: str | None = None) -> None:
        """Record a need (merging resources and call sites)."""
        need = self.needs.get(action)
        if need is None:  # the common case: a first need of the action, made whole at once
            self.needs[action] = Need(action, [resource], [] if call is None else [call],
                                      platform if call is None else None)
            return
        if type(need) is _SharedNeed:  # one object for many functions: made this one's own
            need = self.needs[action] = Need(action, list(need.resources), list(need.calls),
                                             need.platform)
        if resource not in need.resources:
            need.resources.append(resource)
        if call is not None and call not in need.calls:
            need.calls.append(call)
        if platform is not None and need.platform is None and not need.calls:
            need.platform = platform


class _SharedNeed(Need):
    """A platform need on `*` (logs, tracing, VPC) as a scan's functions have it first: one
    object in the needs of all of them (`_add_platform`). `Needs.add` gives a function its
    own copy before adding to it. Otherwise a Need: equal to one with the same fields, and
    shown as one."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Need):
            return NotImplemented
        return (self.action, self.resources, self.calls, self.platform) == \
            (other.action, other.resources, other.calls, other.platform)

    __hash__ = None  # type: ignore[assignment]  # as Need's (mutable: not hashable)

    def __repr__(self) -> str:
        return "Need" + Need.__repr__(self).removeprefix(type(self).__qualname__)


# --------------------------------------------------------------------------- resources


def _sub(text: str) -> Any:
    return {"Fn::Sub": text} if "${" in text else text


def _forms(*texts: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_PSEUDO.sub(_ANY, t) for t in texts))


def _name_part(kind: str, literal: str) -> str:
    if kind == "queue":
        return literal.rstrip("/").rsplit("/", 1)[-1]
    if kind == "parameter":
        return literal.lstrip("/")
    return literal


def _fill(arn_format: str, name: str, key: str) -> str:
    return arn_format.replace("{name}", name).replace("{key}", key)


def policy_resource(action: str, target: Target, app: App) -> PolicyResource:
    """The policy resource for one action on one target (object or bucket ARN for S3
    according to the action's resource types in the catalogue)."""
    return _policy_resource(_kind_for(action, target), target, app)


def _kind_for(action: str, target: Target) -> str:
    """The kind of resource the action takes on the target: an object of a bucket for the
    S3 actions on objects, else the target's kind."""
    if target.kind == "bucket":
        info = lookup(action)
        if info is not None and "object" in info.resource_types:
            return "object"
    return target.kind


def _policy_resource(kind: str, target: Target, app: App) -> PolicyResource:
    key = "*"
    open_tail = False
    if target.key is not None:
        key = target.key.literal or f"{target.key.prefix}*"
        open_tail = not target.key.literal
    if kind == "table" and target.key is not None:
        kind = "index"  # a query or scan of a secondary index
    arns = aws_sdk.table()["arns"]
    value = target.resolved
    if isinstance(value, Ref):
        lid = logical_id(value.target)
        resource = app.resolve(value)
        attribute = aws_sdk.table()["ref_attribute"].get(target.kind, "Arn")
        name = getattr(resource, "name", None)
        name_forms = [_fill(arns[kind], _name_part(target.kind, name), key)] \
            if isinstance(name, str) else []
        if kind in ("object", "index"):
            text = f"${{{lid}.Arn}}/{'index/' if kind == 'index' else ''}{key}"
            return PolicyResource(text, {"Fn::Sub": text}, _forms(
                text, _fill(arns[kind], f"${{{lid}}}", key), *name_forms),
                open_tail=open_tail)
        if attribute == "name":
            text = _fill(arns[kind], f"${{{lid}}}", key)
            return PolicyResource(text, {"Fn::Sub": text}, _forms(text, *name_forms))
        ref_text = f"${{{lid}.{attribute}}}" if attribute else f"${{{lid}}}"
        cfn = {"Fn::GetAtt": [lid, attribute]} if attribute else {"Ref": lid}
        # a Ref that gives the ARN (topic, secret, state machine): a grant naming the
        # resource's ARN (`${Topic.Arn}`, as the loaders write a policy template's) is it
        arn_form = () if attribute else (f"${{{lid}.Arn}}",)
        # and the ARN written out around the resource's name (`!Sub ...:table/${Notes}`,
        # a grant on `table/*`): a queue's Ref is its URL, its name the QueueName; a Ref
        # that gives the ARN, around its name attribute (`...:${Alerts.TopicName}`: a grant
        # on every topic, `arn:aws:sns:*:*:*`, covers it)
        name_ref = f"${{{lid}.QueueName}}" if target.kind == "queue" else \
            f"${{{lid}}}" if attribute else f"${{{lid}.{_NAME_ATTRIBUTES.get(kind, 'Name')}}}"
        written = (_fill(arns[kind], name_ref, key),) if kind in arns else ()
        return PolicyResource(ref_text, cfn,
                              _forms(ref_text, *arn_form, *written, *name_forms))
    if isinstance(value, str):
        named = not value.startswith("arn:") or kind == "object"
        text = _fill(arns[kind], _name_part(target.kind, value), key) if named else value
        return PolicyResource(text, _sub(text), _forms(text), open_tail=open_tail,
                              suffixed=named and arns[kind].endswith("{name}-*"))
    why = value.text if isinstance(value, Unknown) else f"{kind} not known"
    text = _fill(arns[kind], f"<{why}>", key)
    return PolicyResource(text, _sub(text), (), placeholder=True)


#: The attribute naming a resource whose Ref gives its ARN (`Name` for the others).
_NAME_ATTRIBUTES = {"topic": "TopicName"}


@lru_cache(maxsize=4096)
def _placeholder(action: str) -> PolicyResource:
    text = f"<resource of {action} not named in the call>"
    return PolicyResource(text, text, (), placeholder=True)


#: The resource kind of a DLQ or on-failure destination given as an ARN, by its service.
_ARN_DLQ_KINDS = {"sqs": "queue", "sns": "topic"}


def _ref_resource(value: Any, app: App, kind: str, memo: dict[Any, Any]) -> PolicyResource:
    """The policy resource of a template value (a trigger's source, a DLQ), once per scan."""
    key = ("ref", kind, value)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _policy_resource(kind, Target(kind, aws_sdk_name(value),
                                                          resolved=value), app)
    return cast(PolicyResource, found)


def _target_resource(kind: str, target: Target, app: App, memo: dict[Any, Any]) -> PolicyResource:
    """`_policy_resource`, once per scan for the targets alike in what it reads (functions
    of a project make the same calls on the same resources; the name as the code wrote
    it does not count)."""
    key = (kind, target.kind, target.key, target.resolved)
    try:
        found = memo.get(key)
    except TypeError:  # an unhashable resolved value
        return _policy_resource(kind, target, app)
    if found is None:
        found = memo[key] = _policy_resource(kind, target, app)
    return cast(PolicyResource, found)


def aws_sdk_name(value: Any) -> Any:
    """A Name for a resolved template value (used for platform needs)."""
    from faasguard.analysis.aws_values import Name

    return Name(literal=value if isinstance(value, str) else None, text=str(value))


# --------------------------------------------------------------------------- needs


def needs_of(function: Function, app: App, facts: Facts) -> Needs | None:
    """What the function needs; None when its code was not analysed.

    The policy resources (of call targets, KMS keys, event sources, DLQs) are shared by
    the functions of a scan through `facts.memo["privileges.resources"]`: equal inputs
    give one PolicyResource (frozen), which the needs of several functions hold; so are
    the platform needs on `*` (logs, tracing, VPC: `_SharedNeed`, copied by `Needs.add`
    before a change). Read the needs; change them only through `Needs.add`."""
    calls = facts.aws_calls.get(function.id)
    if calls is None:
        return None
    result = Needs(function)
    # policy resources of equal targets, KMS keys, trigger sources: alike across functions
    memo: dict[Any, Any] = facts.memo.setdefault("privileges.resources", {})
    kms = aws_sdk.table()["kms"]
    for call in calls:
        if not call.known:
            result.complete = False
            result.unknown_calls.append(call)
            continue
        for action in call.actions:
            if not call.targets:
                info = lookup(action)
                scoped = info is not None and info.resource_types
                result.add(action, _placeholder(action) if scoped else ANY, call)
                continue
            kms_actions = kms.get(action, ())
            for target in call.targets:
                result.add(action, _target_resource(_kind_for(action, target), target, app,
                                                    memo), call)
                if kms_actions:
                    key = _kms_key_once(target, app, memo)
                    if key is not None:
                        for kms_action in kms_actions:
                            result.add(kms_action, key, call)
    _platform_needs(result, function, app, memo)
    return result


def _kms_key_once(target: Target, app: App, memo: dict[Any, Any]) -> PolicyResource | None:
    """`_kms_key`, once per scan for each resolved value."""
    if not isinstance(target.resolved, Ref):
        return None
    key = ("kms", target.resolved)
    if key not in memo:
        memo[key] = _kms_key(target, app)
    return cast("PolicyResource | None", memo[key])


def _kms_key(target: Target, app: App) -> PolicyResource | None:
    resource = app.resolve(target.resolved) if isinstance(target.resolved, Ref) else None
    encryption = getattr(resource, "encryption", None)
    if not isinstance(encryption, str) or not encryption.startswith("kms:"):
        return None
    key = encryption.split(":", 1)[1]
    if key.startswith("arn:"):
        return PolicyResource(key, key, _forms(key))
    file = resource.id.split("#", 1)[0] if resource is not None and "#" in resource.id else ""
    qualified = f"{file}#{key}" if file else key
    if qualified not in app.resources:  # Terraform: the key may sit in another file
        folder = file.rsplit("/", 1)[0] if "/" in file else ""
        qualified = next((rid for rid in app.resources if logical_id(rid) == key
                          and (rid.rsplit("/", 1)[0] if "/" in rid.split("#")[0] else "")
                          == folder), qualified)
    value: Any = Ref(qualified) if qualified in app.resources else key
    return policy_resource("kms:Decrypt", Target("kms-key", aws_sdk_name(value),
                                                  resolved=value), app)


#: Event sources Lambda polls with the function's role: (group of actions, resource kind).
_POLLED = {"sqs": ("sqs", "queue"), "dynamodb-stream": ("dynamodb-stream", "table"),
           "kinesis-stream": ("kinesis-stream", "stream")}


def _platform_needs(result: Needs, function: Function, app: App, memo: dict[Any, Any]) -> None:
    platform = aws_sdk.table()["platform"]
    _add_platform(result, "logs", memo)
    if isinstance(function.tracing, str) and function.tracing.lower() == "active":
        _add_platform(result, "tracing", memo)
    if function.vpc:
        _add_platform(result, "vpc", memo)
    for trigger in function.triggers:
        polled = _POLLED.get(trigger.kind)
        if polled is not None:
            group, kind = polled
            resource = _ref_resource(trigger.source, app, kind, memo) \
                if isinstance(trigger.source, Ref) else ANY
            for action in platform[group]:
                result.add(action, resource, platform=trigger.kind)
    if function.dlq is None and function.on_failure is None:  # most functions have neither
        return
    for target in (function.dlq, function.on_failure):
        if target is None:
            continue
        dlq_kind = getattr(app.resolve(target), "kind", None) if isinstance(target, Ref) \
            else _ARN_DLQ_KINDS.get(target.split(":")[2]) \
            if isinstance(target, str) and target.count(":") >= 5 else None
        if dlq_kind in ("queue", "topic"):
            for action in platform[f"dlq-{dlq_kind}"]:
                result.add(action, _ref_resource(target, app, str(dlq_kind), memo),
                           platform="dlq")


def _add_platform(result: Needs, group: str, memo: dict[Any, Any]) -> None:
    """Add what Lambda needs on `*` for a platform `group` (logs, tracing, VPC), as
    `result.add(action, ANY, platform=group)` of each of its actions does: for a function
    needing none of them yet (nearly all), the scan's shared needs of the group
    (`_SharedNeed`) in one step instead of a Need per action and function."""
    key = ("platform", group)
    shared = memo.get(key)
    if shared is None:
        shared = memo[key] = {action: _SharedNeed(action, [ANY], [], group)
                              for action in aws_sdk.table()["platform"][group]}
    if result.needs.keys().isdisjoint(shared):
        result.needs.update(shared)
        return
    for action in shared:
        result.add(action, ANY, platform=group)


# --------------------------------------------------------------------------- grants


@lru_cache(maxsize=8192)
def _resource_regex(text: str) -> re.Pattern[str]:
    pattern = _PSEUDO.sub(_ANY, text)
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))


def _arn_matches(granted: str, needed: str) -> bool:
    """Does a granted resource pattern cover a needed resource? The partition, region and
    account of the need may be `*` (not known before deployment: any value fits); the
    resource part of the grant must cover the need's as written (`bucket/*` covers
    `bucket/*`, not the other way round)."""
    if _resource_regex(granted).fullmatch(needed):
        return True
    parts = _resource_parts(granted, needed)
    return parts is not None and bool(_resource_regex(parts[0]).fullmatch(parts[1]))


def _resource_parts(granted: str, needed: str) -> tuple[str, str] | None:
    """The resource parts (after the fifth `:`) of a grant and a need whose partition,
    region, account and service fit (a need's `*` there is not known before deployment:
    any value fits); None where they do not."""
    grant_parts, need_parts = _PSEUDO.sub(_ANY, granted).split(":", 5), needed.split(":", 5)
    if len(grant_parts) != 6 or len(need_parts) != 6:
        return None
    for grant_part, need_part in zip(grant_parts[:5], need_parts[:5], strict=True):
        if need_part != _ANY and not _resource_regex(grant_part).fullmatch(need_part):
            return None
    return grant_parts[5], need_parts[5]


#: The six characters Secrets Manager adds to a secret's name in its ARN.
_GENERATED_SUFFIX = re.compile(r"[A-Za-z0-9]{6}")


def _names_with_suffix(granted: str, needed: str) -> bool:
    """Does a grant name the full ARN of the resource a need names without the characters
    AWS adds (`secret:partner/api-AbCdEf` granted, `secret:partner/api-*` needed)?"""
    parts = _resource_parts(granted, needed)
    if parts is None or not parts[1].endswith("-*"):
        return False
    grant, head = parts[0], parts[1][:-1]
    return grant.startswith(head) and bool(_GENERATED_SUFFIX.fullmatch(grant[len(head):]))


def _statement_resource_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Ref):
        return _ref_text(value)
    return None  # Unknown: cannot be matched


@lru_cache(maxsize=8192)
def _ref_text(ref: Ref) -> str:
    """`${Id.Attribute}` or `${Id}`: a reference as a policy resource's text."""
    return ref.as_written()


def _covers(entries: Iterable[Any], resource: PolicyResource) -> bool | None:
    """Do statement resources cover the resource? None when it cannot be told."""
    unknown = False
    for entry in entries:
        text = _statement_resource_text(entry)
        if text is None:
            unknown = True
            continue
        if text.strip() in ("*", "arn:*", "arn:aws:*"):
            return True
        if resource.placeholder:
            unknown = True
            continue
        if any(_arn_matches(text, form) for form in resource.forms):
            return True
        if resource.suffixed and any(_names_with_suffix(text, form) for form in resource.forms):
            return True
        if resource.open_tail and any(_may_cover_part(text, form) for form in resource.forms):
            unknown = True  # `bucket/reports/*` granted, a key the code computes needed
    return None if unknown else False


def _may_cover_part(granted: str, needed: str) -> bool:
    """Can a granted pattern cover some of the values a need ending in a computed part
    (`bucket/<computed>` written `bucket/*`) takes? The ARNs' first five fields must fit
    as in `_arn_matches`; then the grant's resource must start with the need's (without
    its final `*`), or, up to its first wildcard, be the start of the need's."""
    parts = _resource_parts(granted, needed)
    if parts is None or not parts[1].endswith(_ANY):
        return False
    grant_head, *wildcard = re.split(r"[*?]", parts[0], maxsplit=1)
    need_head = parts[1][:-1]
    return grant_head.startswith(need_head) or \
        bool(wildcard) and need_head.startswith(grant_head)


def _action_in(statement: Statement, action: str) -> bool:
    if statement.actions:
        return _listed(statement.actions, action)
    if statement.not_actions:
        return not _listed(statement.not_actions, action)
    return False


def _listed(patterns: tuple[Any, ...], action: str) -> bool:
    """Does one of the action patterns (entries that are not text left out) cover the
    action? Remembered: the roles of an app repeat the same lists and actions."""
    try:
        return _listed_cached(patterns, action)
    except TypeError:  # an unhashable entry
        return _any_listed(patterns, action)


def _any_listed(patterns: tuple[Any, ...], action: str) -> bool:
    return any(isinstance(a, str) and action_matches(a, action) for a in patterns)


_listed_cached = lru_cache(maxsize=16384)(_any_listed)


def _resource_in(statement: Statement, resource: PolicyResource) -> bool | None:
    if statement.resources:
        return _covers(statement.resources, resource)
    if statement.not_resources:
        covered = _covers(statement.not_resources, resource)
        return None if covered is None else not covered
    return False


@dataclass(frozen=True, slots=True)
class Grant:
    """The answer for one action on one resource: granted (True/False, or None when it
    cannot be told: an unknown resource in a statement or in the need) and the statement."""

    granted: bool | None
    statement: Statement | None = None


def is_granted(statements: list[Statement], action: str, resource: PolicyResource) -> Grant:
    """Evaluate the statements for one action on one resource (explicit Deny wins)."""
    for statement in statements:
        if statement.effect == "Deny" and not statement.conditions and \
                _action_in(statement, action) and _resource_in(statement, resource):
            return Grant(False, statement)
    maybe: Statement | None = None
    for statement in statements:
        if statement.effect != "Allow" or not _action_in(statement, action):
            continue
        covered = _resource_in(statement, resource)
        if covered:
            return Grant(True, statement)
        if covered is None and maybe is None:
            maybe = statement
    return Grant(None, maybe) if maybe is not None else Grant(False)


def role_known(role: Role) -> bool:
    """Are the role's permissions fully known (not external, every managed policy read)?"""
    if role.external:
        return False
    if not role.managed_policy_arns:
        return True
    sources = {s.source for s in role.statements}
    return all(isinstance(arn, str) and f"managed:{arn}" in sources
               for arn in role.managed_policy_arns)


def granted_actions(role: Role) -> frozenset[str]:
    """Every catalogued action the role allows on some resource (not denied everywhere)."""
    allowed: set[str] = set()
    for statement in role.statements:
        if statement.effect != "Allow":
            continue
        if statement.actions:
            for pattern in statement.actions:
                if isinstance(pattern, str):
                    allowed.update(expand(pattern))
        elif statement.not_actions:
            excluded = {a for p in statement.not_actions if isinstance(p, str) for a in expand(p)}
            allowed.update(a for a in expand("*") if a not in excluded)
    for statement in role.statements:
        if statement.effect == "Deny" and not statement.conditions and \
                any(_statement_resource_text(r) == "*" for r in statement.resources):
            for pattern in statement.actions:
                if isinstance(pattern, str):
                    allowed.difference_update(expand(pattern))
    return frozenset(allowed)


def all_action_count() -> int:
    """How many actions the catalogue knows."""
    return action_count()


# --------------------------------------------------------------------------- policies


def minimal_policy(needs: Needs, platform: bool = True) -> dict[str, Any]:
    """The least-privilege IAM policy document for the needs: one statement per set of
    resources, actions sorted; platform needs only when `platform`."""
    groups: dict[tuple[str, ...], tuple[list[str], list[PolicyResource]]] = {}
    for action in sorted(needs.needs, key=str.lower):
        need = needs.needs[action]
        if not platform and not need.calls:
            continue
        resources = sorted(need.resources, key=lambda r: r.text)
        key = tuple(r.text for r in resources)
        groups.setdefault(key, ([], resources))[0].append(action)
    statements = []
    for actions, resources in sorted(groups.values(), key=lambda g: g[0][0].lower()):
        cfn = [r.cfn for r in resources]
        statements.append({"Effect": "Allow", "Action": actions,
                           "Resource": cfn[0] if len(cfn) == 1 else cfn})
    return {"Version": "2012-10-17", "Statement": statements}


def include_platform(function: Function) -> bool:
    """Should the function's minimal policy carry the platform needs? Not for formats
    whose framework adds them to the role it creates."""
    return function.format not in FRAMEWORK_ADDS_PLATFORM
