"""The SAM CLI's configuration beside a template: the parameter values `sam deploy` passes.

`sam deploy` reads `samconfig.toml` (or, in newer versions, `samconfig.yaml` /
`samconfig.yml`; the TOML file first) from the template's folder. Its environments are
tables (`[default.deploy.parameters]`, `[prod.deploy.parameters]`); without
`--config-env`, `sam deploy` uses `default`, where a command's own table
(`deploy.parameters`) wins over `global.parameters`. `parameter_overrides` holds the
values: one string of `Key=Value` pairs separated by spaces, a value in double or single
quotes when it has spaces (`Key="a b"`), or the long form
`ParameterKey=Key,ParameterValue=Value`; or a list of such strings.

`deploy_parameters(folder, root)` reads that, as `sam deploy --config-env default` would.
A file that cannot be read or parsed is a `SamConfigError` with a message for a
diagnostic; the template is then read without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faasguard.loaders.documents import InputError, load_file, read_text
from faasguard.toml_text import parse_toml

#: The names `sam` looks for, in its order of preference.
NAMES = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")
DEFAULT_ENV = "default"
_MAX_BYTES = 1024 * 1024


class SamConfigError(Exception):
    """A samconfig file faasguard cannot use; the message says why (for a diagnostic)."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file, self.message = file, message


@dataclass
class SamConfig:
    """The parameter values of one samconfig file.

    `values`: what `sam deploy` passes with the default environment; `varies`: per name
    another environment of the file sets to another value, those values (a deployment with
    `--config-env <env>` passes them)."""

    file: str  # relative to the scanned root
    values: dict[str, str] = field(default_factory=dict)
    varies: dict[str, list[str]] = field(default_factory=dict)


def deploy_parameters(folder: str, root: str) -> SamConfig | None:
    """The samconfig file in `folder` (absolute) and its parameter values; None when the
    folder has none. Raises `SamConfigError` for a file that cannot be used."""
    for name in NAMES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            return _read(path, rel)
    return None


def _read(path: str, rel: str) -> SamConfig:
    document = _toml(path, rel) if path.endswith(".toml") else _yaml(path, rel)
    if not isinstance(document, Mapping):
        raise SamConfigError(rel, "expected a table of environments (`[default.deploy."
                                  "parameters]`)")
    config = SamConfig(rel)
    per_env: dict[str, dict[str, str]] = {}
    for env, table in document.items():
        if isinstance(table, Mapping) and _deploys(table):
            per_env[str(env)] = _overrides(table, rel, str(env))
    config.values = per_env.get(DEFAULT_ENV, {})
    for values in per_env.values():  # another environment deploys other values
        for name in sorted({*values, *config.values}):
            if values.get(name) != config.values.get(name):
                others = config.varies.setdefault(name, [])
                if name in values and values[name] not in others:
                    others.append(values[name])
    return config


def _deploys(env: Mapping[str, Any]) -> bool:
    """Does this environment configure `sam deploy` (its own table or `global`)?"""
    return any(isinstance(env.get(command), Mapping) for command in ("deploy", "global"))


def _toml(path: str, rel: str) -> Any:
    try:
        text = read_text(path, _MAX_BYTES)
    except InputError as exc:
        raise SamConfigError(rel, exc.message) from None
    try:
        return parse_toml(text)
    except ValueError as exc:
        raise SamConfigError(rel, f"not valid TOML: {exc}") from None


def _yaml(path: str, rel: str) -> Any:
    try:
        return load_file(path, _MAX_BYTES).data
    except InputError as exc:
        at = f" (line {exc.line})" if exc.line else ""
        raise SamConfigError(rel, f"{exc.message}{at}") from None


def _overrides(env: Mapping[str, Any], rel: str, name: str) -> dict[str, str]:
    """The `parameter_overrides` of one environment: `deploy.parameters` over
    `global.parameters`."""
    found: Any = None
    for command in ("global", "deploy"):
        table = env.get(command)
        section = table.get("parameters") if isinstance(table, Mapping) else None
        if isinstance(section, Mapping) and "parameter_overrides" in section:
            found = section["parameter_overrides"]
    if found is None:
        return {}
    items = found if isinstance(found, list) else [found]
    if not all(isinstance(item, str) for item in items):
        raise SamConfigError(rel, f"{name}: parameter_overrides should be a string of "
                                  "Key=Value pairs or a list of them")
    values: dict[str, str] = {}
    for item in items:
        values.update(parse_overrides(item, rel, name))
    return values


def parse_overrides(text: str, rel: str = "samconfig.toml",
                    env: str = DEFAULT_ENV) -> dict[str, str]:
    """`Key=Value Key2="value with spaces"` (or `ParameterKey=Key,ParameterValue=Value`
    pairs) as a mapping; `SamConfigError` when a pair is malformed."""
    values: dict[str, str] = {}
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return values
        pair = _PAIR.match(text, at)
        if pair is None:
            word = text[at:].split(None, 1)[0]
            raise SamConfigError(rel, f"{env}: parameter_overrides: expected Key=Value, "
                                      f"got {word!r}")
        key = pair.group("long") or _unquoted(pair.group("short"))
        values[key] = _unquoted(pair.group("value"))
        at = pair.end()


#: One `Key=Value` (or long-form) pair: the value in double or single quotes, or a run
#: without spaces or double quotes (a backslash escapes one).
_PAIR = re.compile(r"""(?:ParameterKey=(?P<long>[^,\s]+),ParameterValue=|(?P<short>[\w"'-]+)=)
                       (?P<value>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|(?:\\.|[^\s"\\])*)
                       (?=\s|$)""", re.VERBOSE)


def _unquoted(text: str) -> str:
    """A key or value less its wrapping quotes, with escaped spaces and quotes unescaped."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.replace("\\ ", " ").replace('\\"', '"').replace("\\'", "'")
