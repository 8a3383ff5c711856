"""Exceptions the guard raises for non-HTTP sources (HTTP sources get a status code instead).

The authentication and limit exceptions (`AuthError`, `RateLimited`, `BudgetExceeded`,
`StoreUnavailable`) live beside the code that raises them (`runtime.auth`,
`runtime.limits`) and are re-exported by `faasguard.runtime`.
"""

from __future__ import annotations


class GuardError(Exception):
    """Base of the guard's own refusals."""


class InvalidEvent(GuardError):
    """The event is malformed or claims a known source but breaks its shape.

    `reason` is a short machine word ("body_not_json", "bad_base64", "missing_field",
    "unknown_shape", "too_deep"); `detail` says where, for the audit log (never for the client).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class InputRejected(GuardError):
    """A detector or the schema refused the input of a non-HTTP event (SQS, S3, ...).

    `detector` names the check ("sql_injection", "schema", ...), `location` the field
    (e.g. "records[0].body.name"). The message never contains the input itself.
    """

    def __init__(self, detector: str, location: str) -> None:
        super().__init__(f"input rejected by {detector} at {location}")
        self.detector = detector
        self.location = location


class SandboxViolation(PermissionError):
    """The handler tried something the sandbox forbids (a write outside the allowed
    paths, starting a process). A PermissionError, so code that handles those keeps working.
    """
