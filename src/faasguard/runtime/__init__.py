"""faasguard's runtime guard: `from faasguard.runtime import guard`.

    @guard()                      # inspection in block mode + audit log
    def handler(event, context): ...

The public surface is small and loaded on first use, so importing this package costs
almost nothing on a cold start: `guard`, `wrap`, `current`, `GuardConfig`, `Redactor`,
`Sandbox`, and the exceptions `GuardError`, `InvalidEvent`, `InputRejected`,
`SandboxViolation`, `AuthError`, `RateLimited`, `BudgetExceeded`, `StoreUnavailable`.
The implementation lives in `runtime.pipeline` (the module is not called `guard`, so it
never shadows the decorator); `redact(obj)` is `faasguard.runtime.redact.redact`. The
runtime never imports the scanner side of faasguard.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "guard": "faasguard.runtime.pipeline",
    "wrap": "faasguard.runtime.pipeline",
    "current": "faasguard.runtime.pipeline",
    "GuardState": "faasguard.runtime.pipeline",
    "GuardConfig": "faasguard.runtime.config",
    "Redactor": "faasguard.runtime.redact",
    "Sandbox": "faasguard.runtime.sandbox",
    "GuardError": "faasguard.runtime.errors",
    "InvalidEvent": "faasguard.runtime.errors",
    "InputRejected": "faasguard.runtime.errors",
    "SandboxViolation": "faasguard.runtime.errors",
    "AuthError": "faasguard.runtime.auth",
    "RateLimited": "faasguard.runtime.limits",
    "BudgetExceeded": "faasguard.runtime.limits",
    "StoreUnavailable": "faasguard.runtime.limits",
}

__all__ = [
    "AuthError", "BudgetExceeded", "GuardConfig", "GuardError", "GuardState", "InputRejected",
    "InvalidEvent", "RateLimited", "Redactor", "Sandbox", "SandboxViolation",
    "StoreUnavailable", "current", "guard", "wrap",
]

if TYPE_CHECKING:
    from faasguard.runtime.auth import AuthError
    from faasguard.runtime.config import GuardConfig
    from faasguard.runtime.errors import GuardError, InputRejected, InvalidEvent, SandboxViolation
    from faasguard.runtime.limits import BudgetExceeded, RateLimited, StoreUnavailable
    from faasguard.runtime.pipeline import GuardState, current, guard, wrap
    from faasguard.runtime.redact import Redactor
    from faasguard.runtime.sandbox import Sandbox


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'faasguard.runtime' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
