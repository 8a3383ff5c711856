"""The rule catalogue: one module per threat; importing this package registers them all."""

from faasguard.rules import auth, data, permissions, shadow, wallet  # noqa: F401
