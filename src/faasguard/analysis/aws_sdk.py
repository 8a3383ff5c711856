"""What the AWS SDK for Python knows about its own calls, read from its real models.

- botocore service models: a client's snake_case methods and the API operations they
  call; the service's signing name (the IAM prefix, nearly always); waiter definitions.
- boto3 resource models (`boto3/data/<service>/.../resources-1.json`): the actions,
  sub-resources, collections and waiters of resource objects (`Table.put_item`).
- data/call_actions.json: the small versioned table of calls whose IAM action is not
  `<prefix>:<Operation>` (S3 ListObjectsV2 -> s3:ListBucket, the transfer helpers, ...).

Models are loaded lazily, one service at a time, and cached for the process: loading
them is slow (tens of milliseconds per service), so only the services code uses are read
(by analysis.aws_models, as botocore's loader would, without importing it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from faasguard.analysis import aws_models
from faasguard.analysis.iam_catalog import lookup
from faasguard.package_data import own_data

#: The letters and digits `snake_name`'s rule reads (ASCII only).
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_LOWER_OR_DIGIT = _LOWER | frozenset("0123456789")
#: Words an operation's method name keeps whole where the case rule would cut them
#: (`CreateCachediSCSIVolume` -> `create_cached_iscsi_volume`, `ExecutePartiQLStatement`,
#: `SendWhatsAppMessage`, `ListHITsForQualificationType`, `GetOTelEnrichment`): boto3
#: names those operations so; other names holding them (members, waiters) follow the rule.
_WHOLE_WORDS = ("iSCSI", "HITs", "PartiQL", "WhatsApp", "OTel")
_SNAKE: dict[tuple[str, bool], str] = {}  # (name, operation) -> snake name


def snake_name(name: str, operation: bool = False) -> str:
    """The snake_case name boto3 gives a model name (a client method for an `operation`,
    a waiter, a structure member, a resource's action or identifier): a word starts at a
    capital that follows a lower-case letter or a digit, or that a lower-case letter
    follows (`PutItem` -> `put_item`, `ListObjectsV2` -> `list_objects_v2`,
    `SSEKMSKeyId` -> `ssekms_key_id`); capitals ending in `s` end the name as one word
    (`ListARNs` -> `list_arns`). A name already holding `_` is kept."""
    if "_" in name:
        return name
    key = (name, operation)
    found = _SNAKE.get(key)
    if found is None:
        found = _SNAKE[key] = _snake(name, operation)
    return found


def _snake(name: str, operation: bool) -> str:
    if operation:
        for word in _WHOLE_WORDS:
            at = name.find(word)
            if at >= 0:
                rest = name[at + len(word):]
                return "_".join(part for part in (
                    _snake(name[:at], True) if at else "", word.lower(),
                    _snake(rest, True) if rest else "") if part)
    caps = 0  # the capitals before a last `s`
    if name.endswith("s"):
        while caps < len(name) - 1 and name[-2 - caps] in _UPPER:
            caps += 1
    if caps >= 2:
        cut = len(name) - caps - 1
        return f"{_words(name[:cut])}_{name[cut:].lower()}"
    return _words(name)


def _words(name: str) -> str:
    """A name cut into lower-case words at its capitals (`snake_name`'s rule)."""
    out: list[str] = []
    last = len(name) - 1
    for at, char in enumerate(name):
        if at and char in _UPPER and (name[at - 1] in _LOWER_OR_DIGIT
                                      or at < last and name[at + 1] in _LOWER):
            out.append("_")
        out.append(char)
    return "".join(out).lower()


@cache
def table() -> dict[str, Any]:
    """data/call_actions.json."""
    return json.loads(own_data("call_actions.json"))


@cache
def available() -> frozenset[str]:
    """The service names botocore knows (`s3`, `dynamodb`, ...): a walk of its whole data
    folder (a tenth of a second); `known` answers for one name without it."""
    return aws_models.available("service-2")


@cache
def known(name: str) -> bool:
    """Does botocore know this service (`name in available()`, looking at its folder only)?"""
    return bool(aws_models.versions(name, "service-2"))


@dataclass
class SdkService:
    """One botocore service: its IAM prefix, operations by client method name, and the
    member names of its structure shapes (all the analyses read of the service model: the
    model itself, documentation and all, is not kept)."""

    name: str
    prefix: str
    operations: dict[str, str] = field(default_factory=dict)  # snake name -> Operation
    structures: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shape -> members
    _members: dict[str, frozenset[str]] = field(default_factory=dict, repr=False,
                                                compare=False)

    def shape_members(self, shape: str) -> frozenset[str]:
        """snake_case member names of a model shape (resource attributes); empty if unknown."""
        found = self._members.get(shape)
        if found is None:
            found = frozenset(snake_name(m) for m in self.structures.get(shape, ()))
            self._members[shape] = found
        return found

    @property
    def resources(self) -> dict[str, Any] | None:
        """boto3's resource model of the service (None when boto3 has none)."""
        return _resources(self.name)

    def waiter_operation(self, waiter: str) -> str | None:
        """The operation a waiter polls (`bucket_exists` -> HeadBucket)."""
        return _waiters(self.name).get(waiter)


@cache
def service(name: str) -> SdkService | None:
    """The service named as in `boto3.client(name)`; None when botocore does not know it.
    Made from the digest of its model (`aws_models.digest`: stored for later scans)."""
    if not known(name):
        return None
    found = aws_models.digest(name, "service-2", DIGEST_LAYOUT, _digest)
    if not _is_digest(found):  # a stored file changed by hand: read from the model
        found = _digest(aws_models.read(name, "service-2"))
    prefix_in_model, operations, structures = found
    prefix = table()["prefixes"].get(name, prefix_in_model or name)
    return SdkService(name, prefix, operations,
                      {shape: tuple(members) for shape, members in structures.items()})


#: The layout of what `_digest` returns, its method names (`snake_name`) included: a
#: change makes every stored digest a miss.
DIGEST_LAYOUT = 2


def _digest(model: dict[str, Any] | None) -> list[Any]:
    """What `service` keeps of a service model: [its signing name (else endpoint
    prefix), {client method: operation}, {structure shape: [member names]}]."""
    model = model or {}
    metadata = model.get("metadata", {})
    operations = {snake_name(op, operation=True): op for op in model.get("operations", {})}
    structures = {shape: list(spec.get("members", {}))
                  for shape, spec in model.get("shapes", {}).items()
                  if isinstance(spec, dict) and spec.get("type") == "structure"}
    return [metadata.get("signingName") or metadata.get("endpointPrefix") or "",
            operations, structures]


def _is_digest(found: Any) -> bool:
    """Has `found` the shape `_digest` gives?"""
    if not isinstance(found, list) or len(found) != 3:
        return False
    prefix, operations, structures = found
    return isinstance(prefix, str) and isinstance(operations, dict) and \
        isinstance(structures, dict) and \
        all(type(k) is str and type(v) is str for k, v in operations.items()) and \
        all(type(v) is list and all(type(m) is str for m in v) for v in structures.values())


@dataclass(frozen=True)
class ResourceModel:
    """boto3's model of a service resource or of one resource type (`Table`), with its
    parts indexed by the snake_case names code uses (the first of a name wins, as in boto3)."""

    raw: dict[str, Any]
    identifiers: dict[str, str]  # snake name -> identifier name
    collections: dict[str, str]  # snake name -> hasMany name
    actions: dict[str, dict[str, Any]]  # snake name -> action
    waiters: dict[str, dict[str, Any]]  # "wait_until_<snake name>" -> waiter
    batch_actions: dict[str, list[dict[str, Any]]]  # snake name -> batch actions


_NO_RESOURCE = ResourceModel({}, {}, {}, {}, {}, {})


@cache
def resource_model(service: str, rtype: str | None) -> ResourceModel:
    """The resource model of a service (`rtype` None: the service resource itself, as in
    `boto3.resource("s3")`) or of one of its resource types; empty when boto3 has none."""
    model = _resources(service) if known(service) else None
    if not model:
        return _NO_RESOURCE
    raw = dict(model.get("service", {})) if rtype is None \
        else dict(model.get("resources", {}).get(rtype, {}))
    if rtype is None:
        raw["has"] = _service_has(raw, model.get("resources", {}))

    def snake(names: Any, key: Any = lambda name: name) -> dict[str, Any]:
        index: dict[str, Any] = {}
        for name in names:
            index.setdefault(snake_name(key(name)), name)
        return index

    batch: dict[str, list[dict[str, Any]]] = {}
    for name, action in raw.get("batchActions", {}).items():
        batch.setdefault(snake_name(name), []).append(action)
    return ResourceModel(
        raw,
        {k: v["name"] for k, v in snake(raw.get("identifiers", []),
                                        lambda ident: ident["name"]).items()},
        snake(raw.get("hasMany", {})),
        {k: raw["actions"][v] for k, v in snake(raw.get("actions", {})).items()},
        {f"wait_until_{k}": raw["waiters"][v] for k, v in snake(raw.get("waiters", {})).items()},
        batch)


def _service_has(service: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    """The sub-resources of a service resource as boto3 builds them: those its model names
    (`has`), and every other resource type as a constructor taking all its identifiers
    (`boto3.resource("s3").Object(bucket, key)`: the S3 model's service names only Bucket)."""
    has = dict(service.get("has", {}))
    named = {d.get("resource", {}).get("type") for d in has.values()}
    for name, definition in types.items():
        if name not in named and name not in has:
            has[name] = {"resource": {"type": name, "identifiers": [
                {"target": i["name"], "source": "input"}
                for i in definition.get("identifiers", [])]}}
    return has


@cache
def _resources(name: str) -> dict[str, Any] | None:
    found = aws_models.load(name, "resources-1", resources=True)
    return dict(found) if found is not None else None


@cache
def _waiters(name: str) -> dict[str, str]:
    data = aws_models.load(name, "waiters-2") or {}
    return {snake_name(w): spec["operation"] for w, spec in data.get("waiters", {}).items()}


def iam_actions(sdk: SdkService, operation: str) -> tuple[str, ...]:
    """The IAM actions an operation needs: the table's entry, else `<prefix>:<Operation>`."""
    key = f"{sdk.prefix}:{operation}"
    mapped = table()["operations"].get(key)
    if mapped:
        return tuple(mapped)
    found = lookup(key)
    return (found.name if found else key,)
