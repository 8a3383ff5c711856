"""What the AWS SDK for Python knows about its own calls, read from its real models.

- botocore service models: a client's snake_case methods and the API operations they
  call; the service's signing name (the IAM prefix, nearly always); waiter definitions.
- boto3 resource models (`boto3/data/<service>/.../resources-1.json`): the actions,
  sub-resources, collections and waiters of resource objects (`Table.put_item`).
- data/call_actions.json: the small versioned table of calls whose IAM action is not
  `<prefix>:<Operation>` (S3 ListObjectsV2 -> s3:ListBucket, the transfer helpers, ...).

Models are loaded lazily, one service at a time, and cached for the process: loading
them is slow (tens of milliseconds per service), so only the services code uses are read.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.util import find_spec
from typing import Any

from faasguard.analysis.iam_catalog import lookup


@cache
def table() -> dict[str, Any]:
    """data/call_actions.json."""
    return json.loads((resources.files("faasguard") / "data" / "call_actions.json")
                      .read_text("utf-8"))


@cache
def _loader() -> Any:
    """botocore's data loader, as a session makes it (its search paths, AWS_DATA_PATH),
    without importing the session and client machinery (a fifth of a second)."""
    import botocore.loaders

    return botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))


@cache
def available() -> frozenset[str]:
    """The service names botocore knows (`s3`, `dynamodb`, ...)."""
    return frozenset(_loader().list_available_services("service-2"))


@cache
def _resource_loader() -> Any:
    """A botocore loader that also searches boto3's resource models (None without boto3)."""
    import botocore.loaders

    boto3 = find_spec("boto3")  # its folder only: importing boto3 costs a fifth of a second
    if boto3 is None or not boto3.submodule_search_locations:
        return None
    folder = next(iter(boto3.submodule_search_locations))
    return botocore.loaders.Loader(extra_search_paths=[os.path.join(folder, "data")])


@dataclass
class SdkService:
    """One botocore service: its IAM prefix and operations by client method name."""

    name: str
    prefix: str
    operations: dict[str, str] = field(default_factory=dict)  # snake name -> Operation
    model: Any = None
    _members: dict[str, frozenset[str]] = field(default_factory=dict, repr=False,
                                                compare=False)

    def shape_members(self, shape: str) -> frozenset[str]:
        """snake_case member names of a model shape (resource attributes); empty if unknown."""
        found = self._members.get(shape)
        if found is None:
            from botocore import xform_name

            try:
                found = frozenset(xform_name(m) for m in self.model.shape_for(shape).members)
            except Exception:  # an unknown shape: no attributes
                found = frozenset()
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
    """The service named as in `boto3.client(name)`; None when botocore does not know it."""
    if name not in available():
        return None
    from botocore import xform_name
    from botocore.model import ServiceModel

    model = ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)
    prefix = table()["prefixes"].get(name, model.signing_name or model.endpoint_prefix)
    operations = {xform_name(op): op for op in model.operation_names}
    return SdkService(name, prefix, operations, model)


@cache
def _resources(name: str) -> dict[str, Any] | None:
    loader = _resource_loader()
    if loader is None:
        return None
    try:
        return dict(loader.load_service_model(name, "resources-1"))
    except Exception:  # botocore's DataNotFoundError: the service has no resource model
        return None


@cache
def _waiters(name: str) -> dict[str, str]:
    from botocore import xform_name

    try:
        data = _loader().load_service_model(name, "waiters-2")
    except Exception:  # no waiters for this service
        return {}
    return {xform_name(w): spec["operation"] for w, spec in data.get("waiters", {}).items()}


def iam_actions(sdk: SdkService, operation: str) -> tuple[str, ...]:
    """The IAM actions an operation needs: the table's entry, else `<prefix>:<Operation>`."""
    key = f"{sdk.prefix}:{operation}"
    mapped = table()["operations"].get(key)
    if mapped:
        return tuple(mapped)
    found = lookup(key)
    return (found.name if found else key,)
