"""The abstract values the AWS call analysis tracks through handler code, and its results.

A value is what the analysis knows of a Python object: a string (`Name`: a literal, an
environment variable, a piece of the event), a boto3/botocore session, client, service
resource, resource object, collection, paginator, waiter or batch writer, or a local
function, class, instance or module. Anything else is None (unknown, and harmless).

Values and results are never changed once made (they are hashed, shared and compared),
but none is a frozen dataclass: those take four times as long to build (each field set
through `object.__setattr__`), and the analysis builds several per expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# imported at run time: compiled (mypyc), the dataclasses below read these classes' type
# objects when they are made, which are not there before taint.modules is imported (the
# `policy` command imported this module first: segfault); taint.modules imports nothing
# of the AWS call analysis
from faasguard.analysis.taint.modules import ClassInfo, FunctionNode, Module
from faasguard.model import Value, pickle_by_fields


@pickle_by_fields
@dataclass(slots=True, unsafe_hash=True)
class Name:
    """A string the code computes: a literal, an environment variable, a piece of the
    event, or an expression (`text`, as written) that cannot be known statically, of
    which the start (`prefix`) and end (`suffix`) may be known."""

    literal: str | None = None
    env: str | None = None
    event: str | None = None
    text: str = "?"
    prefix: str = ""  # the literal start of a computed string (`f"reports/{name}"`)
    suffix: str = ""  # its literal end (`f"{stem}.pdf"`)


#: Literal Names made so far (literals repeat, and a Name is never changed once made, so
#: one serves them all). A hot path may look a literal up here before `literal_name`.
LITERALS: dict[str, Name] = {}
_MAX_LITERALS = 65536


def literal_name(text: str) -> Name:
    """`Name(literal=text)`, shared: Names are never changed, so one per distinct literal."""
    name = LITERALS.get(text)
    if name is None:
        if len(LITERALS) >= _MAX_LITERALS:
            LITERALS.clear()
        name = LITERALS[text] = Name(literal=text)
    return name


@pickle_by_fields
@dataclass(slots=True, unsafe_hash=True)
class Target:
    """A resource a call touches: its kind (bucket, table, queue, topic, secret, function,
    stream, parameter, state-machine, kms-key, event-bus, delivery-stream) and the name
    the code gives it. `key` is the S3 object key (None: any key).

    `resolved` is filled per function: a `Ref` to a resource of the App, a literal name
    or ARN (str), or an `Unknown` placeholder; never a silent `*`.
    """

    kind: str
    name: Name
    key: Name | None = None
    resolved: Value = None


@pickle_by_fields
@dataclass(slots=True, unsafe_hash=True)
class AwsCall:
    """One AWS API call a handler can make, and the IAM actions it needs.

    service: botocore's service name ("s3"); operation: the API operation ("GetObject");
    method: what the code called ("upload_file", "Table.put_item", "paginate");
    via: client, resource, collection, paginator, waiter, transfer, batch-writer,
    presigned; actions: IAM actions; targets: the resources touched; file/line: where;
    optional: those of the actions a failure clean-up needs (multipart abort).
    An `operation` of "*" is a call the analysis could not identify (a client whose
    service is not known statically): the function's needs are then incomplete.
    """

    service: str
    operation: str
    method: str
    actions: tuple[str, ...]
    targets: tuple[Target, ...]
    file: str
    line: int
    via: str = "client"
    optional: tuple[str, ...] = ()  # actions needed only to clean up after a failure

    @property
    def known(self) -> bool:
        """False for a call the analysis could not identify."""
        return self.operation != "*"

    def with_targets(self, targets: tuple[Target, ...]) -> AwsCall:
        """This call with other targets (`dataclasses.replace`, five times faster)."""
        return AwsCall(self.service, self.operation, self.method, self.actions, targets,
                       self.file, self.line, self.via, self.optional)


# --------------------------------------------------------------------------- SDK objects


@dataclass(slots=True, unsafe_hash=True)
class EventV:
    """The handler's event, or a part of it (path of keys; "[]" for list elements)."""

    path: tuple[str, ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class ExtV:
    """An object of an outside library, by dotted name (`boto3.client`, `os.environ`)."""

    dotted: str


#: ExtV values made so far, by dotted name (shared, like literal Names; a hot path may
#: look one up here before calling `external`).
EXTERNALS: dict[str, ExtV] = {}


def external(dotted: str) -> ExtV:
    """`ExtV(dotted)`, shared: one per dotted name (imports and their attributes repeat)."""
    found = EXTERNALS.get(dotted)
    if found is None:
        if len(EXTERNALS) >= _MAX_LITERALS:
            EXTERNALS.clear()
        found = EXTERNALS[dotted] = ExtV(dotted)
    return found


@dataclass(slots=True, unsafe_hash=True)
class SessionV:
    """A boto3/aioboto3/botocore session."""


@dataclass(slots=True, unsafe_hash=True)
class ClientV:
    """A low-level client of one service (botocore service name)."""

    service: str


@dataclass(slots=True, unsafe_hash=True)
class ServiceResV:
    """A boto3 service resource (`boto3.resource("dynamodb")`)."""

    service: str


@dataclass(slots=True, unsafe_hash=True)
class ResObjV:
    """A boto3 resource object (`Table`, `Bucket`, `Object`) with its identifiers."""

    service: str
    rtype: str
    ids: tuple[tuple[str, Name], ...] = ()

    def ident(self, name: str) -> Name | None:
        """The value of one identifier (None when not known)."""
        for key, value in self.ids:  # (a loop: a generator costs more to make than this)
            if key == name:
                return value
        return None


@dataclass(slots=True, unsafe_hash=True)
class CollV:
    """A boto3 collection (`bucket.objects`, `dynamodb.tables`)."""

    owner: ServiceResV | ResObjV
    name: str


@dataclass(slots=True, unsafe_hash=True)
class PaginatorV:
    """A paginator of one operation."""

    service: str
    operation: str


@dataclass(slots=True, unsafe_hash=True)
class WaiterV:
    """A waiter polling one operation."""

    service: str
    operation: str


@dataclass(slots=True, unsafe_hash=True)
class BatchWriterV:
    """A DynamoDB `Table.batch_writer()`."""

    table: ResObjV


@dataclass(slots=True, unsafe_hash=True)
class BoundV:
    """An attribute of a value, about to be called (`client.get_object`)."""

    owner: Any
    attr: str


@dataclass(slots=True, unsafe_hash=True)
class EitherV:
    """One of the SDK methods a conditional picks (`fn = client.a if flag else client.b`),
    or of the functions of a dispatch table a key known at run time picks
    (`HANDLERS[job["type"]]`): calling it follows each, since any may run."""

    options: tuple[BoundV | FuncV, ...]


@dataclass(slots=True, unsafe_hash=True)
class DictV:
    """A dict literal with string keys (values as far as known)."""

    items: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str) -> Any:
        """The value under a key, or None."""
        for name, value in self.items:  # (as ResObjV.ident: a loop, no generator)
            if name == key:
                return value
        return None


@dataclass(slots=True, unsafe_hash=True)
class ListV:
    """A list or tuple literal."""

    items: tuple[Any, ...] = ()


# --------------------------------------------------------------------------- local code


@dataclass(slots=True, eq=False)
class FuncV:
    """A function of the scanned code (with the instance it is bound to, and the locals of
    the function it is nested in)."""

    module: Module
    node: FunctionNode
    owner: ClassInfo | None = None
    self_value: Any = None
    closure: dict[str, Any] | None = None


@dataclass(slots=True, eq=False)
class ClassV:
    """A class of the scanned code."""

    info: ClassInfo


@dataclass(slots=True, eq=False)
class InstanceV:
    """An instance of a class of the scanned code (attributes are kept per class)."""

    info: ClassInfo


@dataclass(slots=True, eq=False)
class SuperV:
    """`super()` in a method: the instance, its attributes looked up from the bases of
    `info` on."""

    info: ClassInfo
    instance: Any


@dataclass(slots=True, eq=False)
class ModelV:
    """A PynamoDB model: a class of the scanned code deriving from `pynamodb.models.Model`,
    and the DynamoDB table its `Meta.table_name` names (None: not set)."""

    info: ClassInfo
    table: Any


@dataclass(slots=True, eq=False)
class ModuleV:
    """A module of the scanned code."""

    module: Module


class Frame:
    """The locals of one function being analysed (a plain class: one is made per call
    followed, and a dataclass with default factories takes twice as long to build)."""

    __slots__ = ("module", "locals", "closure", "globals_declared", "returns")

    def __init__(self, module: Module,
                 locals: dict[str, Any] | None = None,  # noqa: A002  (the frame's locals)
                 closure: dict[str, Any] | None = None):
        self.module = module
        self.locals: dict[str, Any] = {} if locals is None else locals
        self.closure = closure
        #: the names a `global` statement declared (shared empty set until one does)
        self.globals_declared: frozenset[str] | set[str] = _NO_NAMES
        #: the values its `return`s give (None: not kept, nothing uses them)
        self.returns: list[Any] | None = []


_NO_NAMES: frozenset[str] = frozenset()
