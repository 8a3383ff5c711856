"""IAM policies by reference: SAM policy templates and AWS managed policies.

- SAM policy templates (`DynamoDBCrudPolicy: {TableName: !Ref Table}`) expand into the
  statements of the definitions that ship with aws-sam-translator
  (`samtranslator/policy_templates_data/policy_templates.json`), with their parameters
  substituted; an ARN built from one parameter naming a resource of the template becomes
  `Ref(<resource>, "Arn")`, so rules know which table/bucket/queue it means. Each
  statement records the parameters given `*` (or a wildcard such as `orders-*`) that its
  resources are built from (`Statement.wildcard_parameters`).
- AWS managed policies (`arn:aws:iam::aws:policy/AdministratorAccess`, or a bare name such
  as `AmazonDynamoDBFullAccess` in SAM `Policies`) resolve to the statements of their
  default version from `faasguard/data/managed_policies.tsv.gz` (see
  scripts/gen_managed_policies.py).

Both data sets are read lazily, once per process (the managed policies only as far as
the names looked up need).
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import zlib
from bisect import bisect_right
from functools import cache, lru_cache
from typing import Any

from faasguard.loaders.iam import relocated, statement_from
from faasguard.loaders.intrinsics import Scope, resolve, sub_placeholders
from faasguard.model import Location, Ref, Statement, Unknown, Value
from faasguard.package_data import installed_data, own_data

#: What `expand_template` remembers within one template: (name, frozen arguments) ->
#: the statements and the problems of that expansion.
ExpansionMemo = dict[Any, tuple[list[Statement], list[str]]]

_ARN_FROM_ONE_PARAM = re.compile(r"^arn:\$\{AWS::Partition\}:[^$]*(?:\$\{AWS::[A-Za-z]+\}[^$]*)*"
                                 r"\$\{(\w+)\}$")
_MANAGED_ARN = re.compile(r"^arn:[^:]*:iam::aws:policy/(?:.*/)?([^/]+)$")


@lru_cache(maxsize=1)
def policy_templates() -> dict[str, Any]:
    """The SAM policy templates shipped with aws-sam-translator (name -> template)."""
    data = installed_data("samtranslator", "policy_templates_data", "policy_templates.json")
    loaded: dict[str, Any] = json.loads(data)["Templates"]
    return loaded


class _ManagedPolicies:
    """AWS managed policies: name -> (ARN, its statements as compact JSON text), read from
    the data file only as far as the names looked up need.

    The file's lines are sorted by name and compressed in blocks that its gzip header
    lists (scripts/gen_managed_policies.py, `pack`): a look-up decompresses only the block
    where the name is or would be, about 32 KiB of the file's 2.8 MiB. Without that list
    (a plain gzip file), a look-up decompresses and splits lines from the start until it
    meets the name or passes the place where the name would be. The statements stay text
    until a template names the policy."""

    _CHUNK = 64 * 1024  # decompressed bytes per step

    def __init__(self, packed: bytes | None = None) -> None:
        """`packed`: the gzip-compressed lines (default: the data file's)."""
        if packed is None:
            packed = own_data("managed_policies.tsv.gz")
        self._packed: bytes = packed
        self._tail = packed  # what the stream (`_read_more`) has not decompressed yet
        self._inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip, CRC checked last
        self._partial = b""  # the start of a line not wholly decompressed yet
        self._entries: dict[str, tuple[str, str]] = {}
        self._last = ""  # the last name read (the greatest: the lines are sorted)
        self._finished = False
        self._lock = threading.Lock()
        #: the blocks the header lists: their first names and where each block's
        #: compressed bytes start in `packed` (empty: a plain gzip file, read as a stream)
        self._block_names: list[str] = []
        self._block_starts: list[int] = []
        self._blocks_read: set[int] = set()
        self._read_index(packed)

    def _read_index(self, packed: bytes) -> None:
        """The block list of the gzip header's extra field (subfield `FG`), when the
        header has nothing else but it."""
        if packed[:4] != b"\x1f\x8b\x08\x04" or len(packed) < 12:
            return
        end = 12 + int.from_bytes(packed[10:12], "little")
        extra = packed[12:end]
        if extra[:2] != b"FG":
            return
        for line in extra[4:4 + int.from_bytes(extra[2:4], "little")].splitlines():
            name, _, offset = line.decode("utf-8").partition("\t")
            self._block_names.append(name)
            self._block_starts.append(end + int(offset))

    def get(self, name: str) -> tuple[str, str] | None:
        """The (ARN, statements) of a policy, None when the data file has no such name."""
        found = self._entries.get(name)
        if found is not None:
            return found
        if self._block_names:
            block = bisect_right(self._block_names, name) - 1
            if block not in self._blocks_read:
                with self._lock:
                    if block not in self._blocks_read:
                        self._read_block(block)
            return self._entries.get(name)
        if not self._finished and name > self._last:
            with self._lock:  # one reader of the stream at a time
                while name not in self._entries and not self._finished and \
                        name > self._last:
                    self._read_more()
        # read again in any case: another thread's `_read_more` may have taken the name in
        # (and moved `_last` past it) since the look-up above
        return self._entries.get(name)

    def _read_block(self, block: int) -> None:
        """Decompress one block of the file and take in its lines (all whole: a block
        starts at a full flush of the compressor, on a line of its own). A truncated file
        or a bad line fails this read and every later one."""
        starts = self._block_starts
        inflate = zlib.decompressobj(wbits=-zlib.MAX_WBITS)  # raw deflate, from a full flush
        if block + 1 < len(starts):
            if starts[block + 1] > len(self._packed):
                raise EOFError("the managed policy data ended before its last block")
            text = inflate.decompress(self._packed[starts[block]:starts[block + 1]])
        else:
            text = inflate.decompress(self._packed[starts[block]:])
            if not inflate.eof:
                raise EOFError("the managed policy data ended before its end-of-stream marker")
        self._take(text.split(b"\n"))
        self._blocks_read.add(block)

    def _take(self, lines: list[bytes]) -> str:
        """Take in whole lines of the file (name, ARN, statements; the source line
        skipped); the last name taken ("" for none)."""
        entries = self._entries
        last = ""
        for raw in lines:
            if raw and raw[:1] != b"#":
                last, arn, statements = raw.decode("utf-8").split("\t", 2)
                entries[last] = (arn, statements)
        return last

    def everything(self) -> dict[str, tuple[str, str]]:
        """Every policy of the data file (all of it read)."""
        with self._lock:
            while not self._finished:
                self._read_more()
        return self._entries

    def _read_more(self) -> None:
        """Decompress the next piece and take in its whole lines. A truncated file or a
        bad line fails this read and every later one (as reading the whole file did)."""
        inflate = self._inflate
        chunk = inflate.decompress(self._tail, self._CHUNK)
        self._tail = inflate.unconsumed_tail
        if not (chunk or self._tail or inflate.eof):
            raise EOFError("the managed policy data ended before its end-of-stream marker")
        text = self._partial + chunk
        self._partial = text  # kept until its lines are in: a bad line is met again
        lines = text.split(b"\n")
        rest = b"" if inflate.eof else lines.pop()
        self._last = self._take(lines) or self._last
        self._partial = rest
        # last: `get` takes no lock once this is set, so every line must be in by then
        self._finished = inflate.eof


@lru_cache(maxsize=1)
def _managed_policies() -> _ManagedPolicies:
    """The AWS managed policies of the data file (one reader per process)."""
    return _ManagedPolicies()


def managed_policies() -> dict[str, tuple[str, str]]:
    """AWS managed policies: name -> (ARN, its statements as compact JSON text), the
    whole data file, read once by the process's one reader (the look-ups of the loaders
    read only as far as they need)."""
    return _managed_policies().everything()


def managed_policy_arn(name_or_arn: str) -> str | None:
    """The ARN of an AWS managed policy given by name or ARN; None if not one."""
    match = _MANAGED_ARN.match(name_or_arn)
    name = match.group(1) if match else name_or_arn
    entry = _managed_policies().get(name)
    if entry is None:
        return None
    return name_or_arn if match else entry[0]


def managed_statements(arn: str, file: str, line: int) -> list[Statement]:
    """The statements of an AWS managed policy (by ARN), located where it is referenced.

    Empty for an ARN that is not an AWS managed policy known to the data file.
    """
    location = Location(file, line or 1)
    return [relocated(statement, location) for statement in _managed_statements(arn)]


@lru_cache(maxsize=512)
def _managed_statements(arn: str) -> tuple[Statement, ...]:
    """The statements of an AWS managed policy, read once per process (at line 1 of no
    file: `managed_statements` places copies where the policy is referenced)."""
    match = _MANAGED_ARN.match(arn)
    entry = _managed_policies().get(match.group(1)) if match else None
    if entry is None:
        return ()
    source = f"managed:{arn}"
    found = (statement_from(raw, "", source, 1) for raw in json.loads(entry[1]))
    return tuple(statement for statement in found if statement is not None)


def is_policy_template(name: str) -> bool:
    """Is `name` a SAM policy template?"""
    return name in policy_templates()


def expand_template(name: str, arguments: Value, scope: Scope, file: str, line: int,
                    memo: ExpansionMemo | None = None) -> tuple[list[Statement], list[str]]:
    """Expand a SAM policy template with its arguments into statements at `line`.

    Returns the statements and the problems met (missing or unknown parameters). `memo`
    (one per template: the expansion depends on the template's scope) keeps expansions
    for the next function that names the same template with the same arguments.
    """
    key = _frozen((name, arguments)) if memo is not None else None
    if key is not None and memo is not None:
        known = memo.get(key)
        if known is not None:
            location = Location(file, line or 1)
            return [relocated(statement, location) for statement in known[0]], list(known[1])
    statements, problems = _expand(name, arguments, scope, file, line)
    if key is not None and memo is not None:
        memo[key] = (statements, problems)
        return list(statements), list(problems)
    return statements, problems


def _expand(name: str, arguments: Value, scope: Scope, file: str,
            line: int) -> tuple[list[Statement], list[str]]:
    template = policy_templates()[name]
    wanted = list((template.get("Parameters") or {}).keys())
    given = arguments if isinstance(arguments, dict) else {}
    problems = []
    if arguments is not None and not isinstance(arguments, dict):
        problems.append(f"policy template {name} needs a mapping of parameters")
    parameters: dict[str, Value] = {}
    for parameter in wanted:
        if parameter in given:
            parameters[parameter] = given[parameter]
        else:
            parameters[parameter] = Unknown(f"{name}.{parameter}")
            problems.append(f"policy template {name} is missing parameter {parameter}")
    for extra in sorted(set(map(str, given)) - set(wanted)):
        problems.append(f"policy template {name} has no parameter {extra}")
    # the definition's `Ref`s and `${...}` name its own parameters (SAM substitutes the
    # arguments), never a resource of the stack that shares a parameter's name
    resources = scope.resources
    if not resources.keys().isdisjoint(parameters):
        resources = {k: v for k, v in resources.items() if k not in parameters}
    local = dataclasses.replace(scope, resources=resources,
                                parameters={**scope.parameters, **parameters})
    definition = template["Definition"]
    statements = []
    for raw, used in zip(definition.get("Statement", []), _resource_parameters(name),
                         strict=True):
        item = dict(raw)
        if "Resource" in item:
            item["Resource"] = _resources(item["Resource"], parameters)
        resolved = resolve(item, local)
        statement = statement_from(resolved, file, f"sam-template:{name}", line)
        if statement is not None:
            # what the definition's `Ref`s and `${...}` of a parameter substitute: its value
            statement.wildcard_parameters = tuple(
                parameter for parameter in used if _holds_star(parameters[parameter]))
            statements.append(statement)
    return statements, problems


def _holds_star(value: Value) -> bool:
    """Does a parameter's value, as `Fn::Sub` substitutes it, hold a `*`?"""
    return isinstance(value, str) and "*" in value


@cache
def _resource_parameters(name: str) -> tuple[tuple[str, ...], ...]:
    """For each statement of a SAM policy template, the parameters its resources are
    built from, each once, in the order the template uses them (read once per process:
    the definitions are the translator's data)."""
    template = policy_templates()[name]
    parameters = template.get("Parameters") or {}
    found = []
    for raw in template["Definition"].get("Statement", []):
        resources = raw.get("Resource", []) if isinstance(raw, dict) else []
        used: list[str] = []
        for entry in resources if isinstance(resources, list) else [resources]:
            for parameter in _parameters_of(entry, parameters):
                if parameter not in used:
                    used.append(parameter)
        found.append(tuple(used))
    return tuple(found)


def _parameters_of(entry: Any, parameters: dict[str, Any]) -> list[str]:
    """The template parameters a resource entry of a template statement names: `Ref`,
    `Fn::Sub` placeholders, and the `Ref`s of a `Fn::Sub`'s variables."""
    if not (isinstance(entry, dict) and len(entry) == 1):
        return []
    (key, arg), = entry.items()
    if key == "Ref":
        return [arg] if isinstance(arg, str) and arg in parameters else []
    if key != "Fn::Sub":
        return []
    text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 and \
        isinstance(arg[1], dict) else (arg, {})
    if not isinstance(text, str):
        return []
    names = []
    for placeholder in sub_placeholders(text):
        named: Any = placeholder
        if placeholder in variables:  # a variable is a parameter only through its Ref
            value = variables[placeholder]
            named = value.get("Ref") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(named, str) and named in parameters:
            names.append(named)
    return names


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a resolved value, equal only for equal values of the same
    types (True and 1 differ); None when a part cannot be frozen (no memo then)."""
    kind = type(value)
    if kind is str or kind is Ref:  # most arguments: names and references
        return (kind, value)
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            frozen = _frozen(item)
            if frozen is None:
                return None
            parts.append((_frozen(key), frozen))
        return ("mapping", tuple(parts))
    if isinstance(value, (list, tuple)):
        frozen_items = tuple(_frozen(item) for item in value)
        return None if None in frozen_items else ("sequence", frozen_items)
    if value is None or isinstance(value, (str, int, float, Ref, Unknown)):
        return (type(value), value)
    return None


def _resources(raw: Any, parameters: dict[str, Value]) -> Any:
    """Resource entries of a template statement, with `arn:...${param}` built from a
    parameter that refers to a resource of the template turned into Ref(resource, "Arn")."""
    entries = raw if isinstance(raw, list) else [raw]
    result: list[Any] = []
    for entry in entries:
        result.append(_arn_ref(entry, parameters) or entry)
    return result


def _arn_ref(entry: Any, parameters: dict[str, Value]) -> Ref | None:
    if not (isinstance(entry, dict) and list(entry) == ["Fn::Sub"]):
        return None
    arg = entry["Fn::Sub"]
    if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
            and isinstance(arg[1], dict)):
        return None
    match = _ARN_FROM_ONE_PARAM.match(arg[0])
    if match is None:
        return None
    variable = arg[1].get(match.group(1))
    if not (isinstance(variable, dict) and list(variable) == ["Ref"]):
        return None
    value = parameters.get(variable["Ref"])
    if isinstance(value, Ref):
        return Ref(value.target, "Arn")
    return None


def template_entry(item: Any) -> tuple[str, Value] | None:
    """(name, arguments) when a SAM `Policies` item is a policy template entry."""
    if isinstance(item, dict) and len(item) == 1:
        (name, arguments), = item.items()
        if isinstance(name, str) and is_policy_template(name):
            return name, arguments
    return None
