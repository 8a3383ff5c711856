"""The guard's options: keyword arguments, `FAASGUARD_*` environment variables, a config file.

Precedence, highest first: keyword arguments of `guard(...)`, environment variables,
the config file (JSON, or YAML when PyYAML is installed) named by `config=` or
`FAASGUARD_CONFIG` (or a `GuardConfig` instance given as `config=`, to share one set of
options between handlers), the defaults. A wrong option is a `ValueError` with a clear message
at cold start (when the handler module is imported), never a failure per request.

Environment variables (all optional):

    FAASGUARD_CONFIG=/var/task/faasguard.json   config file
    FAASGUARD_MODE=block|report|off             default mode of every detector
    FAASGUARD_DETECTORS=sql_injection=report,xxe=off
    FAASGUARD_ID_FIELDS=id,.+_id,host           identifier field patterns
    FAASGUARD_MAX_BODY_BYTES=1048576  FAASGUARD_MAX_DEPTH=32  FAASGUARD_MAX_KEYS=10000
    FAASGUARD_SCHEMA=/var/task/schema.json      JSON Schema file of the body / records
    FAASGUARD_RATE_LIMIT=100/60[/gcra]          limit/window seconds[/algorithm]
    FAASGUARD_RATE_LIMIT_KEY=ip|api_key|sub
    FAASGUARD_BUDGET_PER_HOUR=...  FAASGUARD_BUDGET_PER_DAY=...
    FAASGUARD_STORE=memory:|sqlite:///path|redis://host:port/db|dynamodb://table
    FAASGUARD_FAIL_OPEN=true|false
    FAASGUARD_AUDIT=stdout|off   FAASGUARD_AUDIT_ALLOW=true|false
    FAASGUARD_METRICS=true|false FAASGUARD_METRICS_NAMESPACE=faasguard
    FAASGUARD_SANDBOX=true|false
    FAASGUARD_BATCH_FAILURES=true|false         report refused records as batch item failures
    FAASGUARD_REDACT_KEYS=iban,national_id
    FAASGUARD_AUTH_<OPTION>=...                 options of the Authenticator, e.g.
                                                FAASGUARD_AUTH_ISSUER, FAASGUARD_AUTH_AUDIENCE
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from faasguard.runtime.inspect import DEFAULT_ID_FIELDS, resolve_modes


class GuardConfig:
    """Every option of the guard; see docs/runtime.md for what each one does.

    `GuardConfig(**options)` sets the given options over the class defaults below (a plain
    class: importing `dataclasses` would cost more than the whole runtime package).
    """

    mode: str = "block"
    detectors: Mapping[str, str] | None = None
    id_fields: tuple[str, ...] = DEFAULT_ID_FIELDS
    max_body_bytes: int = 1_048_576
    max_depth: int = 32
    max_keys: int = 10_000
    schema: Any = None
    model: Any = None
    auth: Any = None
    rate_limit: Any = None
    rate_limit_key: str = "ip"
    budget: Any = None
    store: Any = "memory:"
    fail_open: bool = True
    sandbox: Any = None
    audit: Any = "stdout"
    audit_allow: bool = True
    metrics: bool = True
    metrics_namespace: str = "faasguard"
    redact_keys: tuple[str, ...] = ()
    redact_patterns: tuple[str, ...] = ()
    function_name: str | None = None
    batch_failures: bool = False

    def __init__(self, **options: Any) -> None:
        for name, value in options.items():
            if name not in _NAMES:
                raise ValueError(f"unknown guard option: {name}")
            setattr(self, name, value)

    def __repr__(self) -> str:
        return "GuardConfig(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in sorted(_NAMES)) + ")"

    def modes(self) -> dict[str, str]:
        """The resolved mode of every detector."""
        return resolve_modes(self.detectors, self.mode)


_NAMES = frozenset(GuardConfig.__annotations__)
_BOOLS = {"fail_open", "audit_allow", "metrics", "batch_failures"}
_INTS = {"max_body_bytes", "max_depth", "max_keys"}
_LISTS = {"id_fields", "redact_keys", "redact_patterns"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def load_config(options: Mapping[str, Any], env: Mapping[str, str] | None = None) -> GuardConfig:
    """Merge keyword options, the environment and the config file into a `GuardConfig`."""
    env = os.environ if env is None else env
    unknown = set(options) - _NAMES - {"config"}
    if unknown:
        raise ValueError(f"unknown guard option(s): {', '.join(sorted(unknown))}")
    merged: dict[str, Any] = {}
    source = options.get("config") or env.get("FAASGUARD_CONFIG")
    if isinstance(source, GuardConfig):
        merged.update(vars(source))  # the options set on that instance
    elif source:
        merged.update(_from_file(str(source)))
    merged.update(_from_env(env))
    merged.update({k: v for k, v in options.items() if k != "config"})
    config = GuardConfig(**{k: _coerce(k, v) for k, v in merged.items()})
    config.modes()  # validates mode names and detector names now, at cold start
    if config.rate_limit_key not in ("ip", "api_key", "sub"):
        raise ValueError("rate_limit_key must be ip, api_key or sub, "
                         f"not {config.rate_limit_key!r}")
    return config


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    auth: dict[str, Any] = {}
    budget: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith("FAASGUARD_") or name == "FAASGUARD_CONFIG":
            continue
        key = name[len("FAASGUARD_"):].lower()
        if key.startswith("auth_"):
            auth[key[5:]] = value
        elif key in ("budget_per_hour", "budget_per_day"):
            budget[key[7:]] = _int(name, value)
        elif key == "detectors":
            found[key] = _pairs(name, value)
        elif key == "rate_limit":
            found[key] = parse_rate(value)
        elif key == "audit":
            found[key] = None if value.strip().lower() in ("off", "none", "false") else "stdout"
        elif key == "sandbox":
            found[key] = _bool(name, value)
        elif key in _NAMES:
            found[key] = _coerce(key, value, name)
        else:
            raise ValueError(f"unknown environment variable {name}")
    if auth:
        found["auth"] = auth
    if budget:
        found["budget"] = budget
    return found


def _from_file(name: str) -> dict[str, Any]:
    from pathlib import Path

    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read faasguard config {path}: {exc.strerror}") from None
    try:
        if path.suffix in (".yml", ".yaml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError and yaml.YAMLError's subclasses
        raise ValueError(f"faasguard config {path} is not valid: {exc}") from None
    except Exception as exc:  # yaml.YAMLError does not derive from ValueError
        raise ValueError(f"faasguard config {path} is not valid: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"faasguard config {path} must hold a mapping of options")
    unknown = set(data) - _NAMES
    if unknown:
        raise ValueError(f"unknown option(s) in {path}: {', '.join(sorted(unknown))}")
    if isinstance(data.get("rate_limit"), str):
        data["rate_limit"] = parse_rate(data["rate_limit"])
    return data


def parse_rate(text: str) -> dict[str, Any]:
    """`"100/60"` or `"100/60/gcra"` -> {"limit": 100, "window_s": 60.0, "algorithm": ...}."""
    parts = text.strip().split("/")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        rate = {"limit": int(parts[0]), "window_s": float(parts[1])}
    except ValueError:
        raise ValueError(f"rate limit {text!r} must look like 100/60 (limit/window seconds)"
                         " or 100/60/gcra") from None
    return {**rate, "algorithm": parts[2]} if len(parts) == 3 else rate


def _coerce(name: str, value: Any, label: str | None = None) -> Any:
    label = label or name
    if name == "detectors" and isinstance(value, Mapping):
        return {k: _mode(v) for k, v in value.items()}
    if name == "mode":
        return _mode(value)
    if isinstance(value, str):
        if name in _BOOLS:
            return _bool(label, value)
        if name in _INTS:
            return _int(label, value)
        if name in _LISTS:
            return tuple(p.strip() for p in value.split(",") if p.strip())
    if name in _LISTS and isinstance(value, list):
        return tuple(value)
    return value


def _mode(value: Any) -> Any:
    # YAML 1.1 reads a bare `off` as False (and `on` as True).
    if value is False:
        return "off"
    if value is True:
        return "block"
    return value


def _bool(name: str, value: str) -> bool:
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def _pairs(name: str, value: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        key, sep, mode = item.partition("=")
        if not sep:
            raise ValueError(f"{name} items must look like detector=mode, not {item!r}")
        pairs[key.strip()] = mode.strip()
    return pairs
