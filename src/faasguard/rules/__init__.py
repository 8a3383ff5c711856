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

#: The rules that read only the model: the App as loaded (not what the analyses add to it:
#: `Function.source_file`/`handler_name`, handler diagnostics, OpenAPI files, and the
#: routes of a Node.js app's own router that handler resolution adds to `Api.app_routes`,
#: which `endpoints.http_routes` lists: FG-SHADOW-006 reads them, so it is not here),
#: `facts.options`, the fields the model-only analyses fill (`scan.MODEL_ONLY_ANALYSES`:
#: `facts.cost`) and `facts.memo` entries the rules themselves make (never an analysis').
#: A scan runs them beside the handler phase, in this process while a worker takes handler
#: chunks (`scan.EarlyRules`), through a Facts whose other fields cannot be read
#: (`scan.model_only_facts`); one-process scans run them before the handlers are
#: resolved, so a rule listed here wrongly loses its findings in its fixture tests.
MODEL_ONLY: frozenset[str] = frozenset({
    "FG-AUTH-001", "FG-AUTH-003", "FG-AUTH-004", "FG-AUTH-005", "FG-AUTH-006", "FG-AUTH-007",
    "FG-DATA-004", "FG-DATA-005", "FG-DATA-006", "FG-DATA-007", "FG-DATA-008", "FG-DATA-009",
    "FG-DATA-010",
    "FG-MON-001", "FG-MON-002", "FG-MON-003", "FG-MON-004", "FG-MON-005", "FG-MON-006",
    "FG-MON-007", "FG-MON-008", "FG-MON-009", "FG-MON-010",
    "FG-PERM-001", "FG-PERM-002", "FG-PERM-003", "FG-PERM-004", "FG-PERM-005",
    "FG-PERM-006", "FG-PERM-007", "FG-PERM-008", "FG-PERM-009",
    "FG-SHADOW-003", "FG-SHADOW-004", "FG-SHADOW-005",
    "FG-TP-001", "FG-TP-002", "FG-TP-005", "FG-TP-006", "FG-TP-007",
    "FG-WALLET-001", "FG-WALLET-002", "FG-WALLET-003", "FG-WALLET-005", "FG-WALLET-006",
    "FG-WALLET-007",
})
