"""The rule catalogue: one module per threat; importing this package registers them all."""

from faasguard.rules import (  # noqa: F401
    auth,
    data,
    dependencies,
    injection,
    jwt,
    leastpriv,
    monitoring,
    permissions,
    shadow,
    thirdparty,
    wallet,
)
