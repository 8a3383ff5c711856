"""Serverless Framework Compose (`serverless-compose.yml`): the parameters it passes.

A compose file lists the services of a repository (`services.<name>.path`) and the
parameters each receives (`services.<name>.params`), which the service reads as
`${param:<key>}`. `compose_params(service_dir, root)` finds the compose file of a service
(in its folder or a parent, up to the scanned root) and returns those parameters: a plain
value as written; a value made of other services' outputs (`${db.tableName}`) or any other
variable is only known at deploy time, and stays an explicit `Unknown`. The file is read
safely (YAML/JSON, size-limited); a compose file that cannot be read gives no parameters
(the service's `${param:...}` then says it is not defined).
"""

from __future__ import annotations

import os
import posixpath
from typing import Any

from faasguard.loaders.documents import MAX_FILE_BYTES, InputError, load_file
from faasguard.model import Unknown

COMPOSE_NAMES = ("serverless-compose.yml", "serverless-compose.yaml", "serverless-compose.json")


def compose_params(service_dir: str, root: str, max_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """The parameters the nearest compose file (from `service_dir` up to `root`, both
    absolute) passes to the service in `service_dir`; {} when none does."""
    root = os.path.realpath(root)
    folder = os.path.realpath(service_dir)
    while folder == root or folder.startswith(root + os.sep):
        for name in COMPOSE_NAMES:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return _params_for(path, os.path.relpath(os.path.realpath(service_dir),
                                                         folder), max_bytes)
        if folder == root:
            break
        folder = os.path.dirname(folder)
    return {}


def _params_for(compose_file: str, service_path: str, max_bytes: int) -> dict[str, Any]:
    try:
        data = load_file(compose_file, max_bytes).data
    except (InputError, OSError):
        return {}
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return {}
    wanted = posixpath.normpath(service_path.replace(os.sep, "/"))
    for service in services.values():
        path = service.get("path") if isinstance(service, dict) else None
        if isinstance(path, str) and posixpath.normpath(path.strip()) == wanted:
            params = service.get("params")
            if not isinstance(params, dict):
                return {}
            return {str(key): _value(value) for key, value in params.items()}
    return {}


def _value(value: Any) -> Any:
    """A parameter as the service sees it: plain text or a number as written; anything
    holding a variable (another service's output, `${sls:stage}`...) known at deploy time."""
    if isinstance(value, str) and "${" in value:
        return Unknown(f"compose:{value.strip()}")
    if isinstance(value, (str, int, float, bool)):
        return value
    return Unknown("compose parameter")
